import Dispatch
import Foundation
import PlayExecutor

/// Ctrl-C (and SIGTERM) raise the interrupt flag: no new step starts, running steps end, the recap
/// prints and `play` exits 99. A second Ctrl-C runs `beforeExit` (closing connections) and exits
/// at once.
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    init(interrupt: InterruptFlag, beforeExit: @escaping @Sendable () -> Void = {}) {
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if interrupt.isRaised {
                    beforeExit()
                    exit(99)
                }
                interrupt.raise()
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func stop() {
        for s in sources { s.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
