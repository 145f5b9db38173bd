import Synchronization
import PlayExecutor

/// Renders each event as it happens, by the stdout callback and then by each enabled callback,
/// and writes it in one piece, so lines from hosts running in parallel never interleave.
public final class StreamingSink: EventSink {
    private let output: any SessionOutput
    private let stdout: any EventRenderer
    private let callbacks: [any EventRenderer]
    /// `--output json`: every line, warnings too, on one stream.
    private let jsonLines: Bool
    private let lock = Mutex(())

    public init(output: any SessionOutput, stdout: any EventRenderer, callbacks: [any EventRenderer] = [],
                jsonLines: Bool = false) {
        self.output = output
        self.stdout = stdout
        self.callbacks = callbacks
        self.jsonLines = jsonLines
    }

    public convenience init(output: any SessionOutput, json: Bool, colour: Bool, verbosity: Int) {
        self.init(output: output, stdout: json ? JSONEventRenderer() as any EventRenderer
                                               : HumanRenderer(colour: colour, verbosity: verbosity),
                  jsonLines: json)
    }

    public func emit(_ event: PlayEvent) {
        lock.withLock { _ in
            let text = stdout.render(event)
            if !text.isEmpty {
                // Warnings go to standard error, as Ansible's display does (JSON lines keep one stream).
                if !jsonLines, case .warning = event { output.error(text) } else { output.write(text) }
            }
            for callback in callbacks {
                let more = callback.render(event)
                if !more.isEmpty { output.write(more) }
            }
        }
    }
}
