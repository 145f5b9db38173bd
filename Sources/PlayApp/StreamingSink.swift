import Synchronization
import PlayExecutor

/// Renders each event as it happens (human or JSON lines) and writes it in one piece, so lines
/// from hosts running in parallel never interleave.
public final class StreamingSink: EventSink {
    private let output: any SessionOutput
    private let human: HumanRenderer
    private let json: JSONEventRenderer?
    private let lock = Mutex(())

    public init(output: any SessionOutput, json: Bool, colour: Bool, verbosity: Int) {
        self.output = output
        self.human = HumanRenderer(colour: colour, verbosity: verbosity)
        self.json = json ? JSONEventRenderer() : nil
    }

    public func emit(_ event: PlayEvent) {
        let text = json?.render(event) ?? human.render(event)
        guard !text.isEmpty else { return }
        // Warnings go to standard error, as Ansible's display does (JSON lines keep one stream).
        if json == nil, case .warning = event {
            lock.withLock { _ in output.error(text) }
            return
        }
        lock.withLock { _ in output.write(text) }
    }
}
