import Dispatch
import Foundation
import PlayExecutor

/// Ctrl-C (and SIGTERM, and SIGHUP: the terminal or the ssh session that ran play went away)
/// raise the interrupt flag: no new step starts, running steps end and the
/// recap prints. A second one calls `onRepeat`, whose owner ends the process there (a library
/// never exits; the executable hands the session its way of doing so).
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    init(interrupt: InterruptFlag, onRepeat: @escaping @Sendable () -> Void) {
        var sources: [any DispatchSourceSignal] = []
        for sig in Self.handled {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if interrupt.isRaised {
                    onRepeat()
                    return
                }
                interrupt.raise()
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    static let handled = [SIGINT, SIGTERM, SIGHUP]

    func stop() {
        for s in sources { s.cancel() }
        for sig in Self.handled { signal(sig, SIG_DFL) }
    }
}
