/// Turns events into text, as one of Ansible's callbacks does: the stdout callback (default,
/// minimal, oneline, json) or an enabled one that adds its lines (profile_tasks, timer).
/// An empty string prints nothing; renderers keep any state they need behind a lock.
public protocol EventRenderer: Sendable {
    func render(_ event: PlayEvent) -> String
}

extension HumanRenderer: EventRenderer {}
extension JSONEventRenderer: EventRenderer {}
