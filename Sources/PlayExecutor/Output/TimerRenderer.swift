import Foundation

/// ansible.posix's `timer` callback: after the recap, how long the run took.
public struct TimerRenderer: EventRenderer {
    private let start: Date
    private let clock: @Sendable () -> Date

    public init(clock: @escaping @Sendable () -> Date = Date.init) {
        self.clock = clock
        self.start = clock()
    }

    public func render(_ event: PlayEvent) -> String {
        guard case .recap = event else { return "" }
        return Self.line(seconds: clock().timeIntervalSince(start)) + "\n"
    }

    /// `Playbook run took D days, H hours, M minutes, S seconds` (whole seconds, as a timedelta's).
    static func line(seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = whole / 86_400, rest = whole % 86_400
        return "Playbook run took \(days) days, \(rest / 3600) hours, \(rest / 60 % 60) minutes, \(rest % 60) seconds"
    }
}
