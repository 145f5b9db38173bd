import PlayBase

/// The implicit "Gathering Facts" task Ansible runs first in a play whose `gather_facts` holds.
/// The executor adds it when the play runs (so listings never show it); it is defined here, with
/// the language, so the executor names no module.
public enum FactGathering {
    public static let taskName = "Gathering Facts"

    /// The tags the gather task carries: the play's, and `always`, as in Ansible.
    public static func tags(of play: Play) -> Set<String> { Set(play.tags).union(["always"]) }

    /// A section holding the gather task for the play at `index`.
    public static func section(for play: Play, index: Int) -> CompiledBlock {
        var args: [String: Value] = [:]
        if let subset = play.gatherSubset { args["gather_subset"] = subset }
        if let timeout = play.gatherTimeout { args["gather_timeout"] = timeout }
        let task = PlaybookTask(name: taskName, module: "gather_facts", moduleLocation: play.location,
                                args: .init(uniqueKeysWithValues: args.sorted { $0.key < $1.key }),
                                directory: play.directory, location: play.location)
        var keywords = EffectiveKeywords().overlaid(with: play.keywords)
        // Gathering with run_once would copy one host's facts to the others.
        keywords.runOnce = nil
        // Ids of compiled nodes are non-negative; this one only has to differ from them.
        let id = -1 - index
        let compiledTask = CompiledTask(id: id, task: task, tags: tags(of: play), conditions: play.when, blockVars: [],
                                        keywords: keywords, notify: [], displayName: taskName)
        return CompiledBlock(id: id, body: [.task(compiledTask)], name: "gather_facts", location: play.location)
    }
}
