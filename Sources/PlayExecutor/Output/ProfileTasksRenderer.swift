import Foundation
import Synchronization

/// ansible.posix's `profile_tasks` callback: after each task's banner a line with the time, the
/// previous task's length and the time since the start; after the recap the tasks by time spent.
public final class ProfileTasksRenderer: EventRenderer {
    public enum SortOrder: String, Sendable { case descending, ascending, none }

    public let sortOrder: SortOrder
    /// How many tasks the summary lists (nil: all).
    public let outputLimit: Int?
    public let verbosity: Int
    public let columns: Int
    private let clock: @Sendable () -> Date
    private let state: Mutex<State>

    struct Entry {
        var name: String
        var path: String?
        var started: Date
        var elapsed: Double
    }

    struct State {
        var start: Date
        var previous: Date
        var entries: [String: Entry] = [:]
        var order: [String] = []
        var current: String?
    }

    public init(sortOrder: SortOrder = .descending, outputLimit: Int? = 20, verbosity: Int = 0, columns: Int = 80,
                clock: @escaping @Sendable () -> Date = Date.init) {
        self.sortOrder = sortOrder
        self.outputLimit = outputLimit
        self.verbosity = verbosity
        self.columns = columns
        self.clock = clock
        let now = clock()
        self.state = Mutex(State(start: now, previous: now))
    }

    /// Options from the environment, as the callback reads them.
    public convenience init(environment: [String: String], verbosity: Int, clock: @escaping @Sendable () -> Date = Date.init) {
        let limit = environment["PROFILE_TASKS_TASK_OUTPUT_LIMIT"]
        self.init(sortOrder: environment["PROFILE_TASKS_SORT_ORDER"].flatMap(SortOrder.init(rawValue:)) ?? .descending,
                  outputLimit: limit == "all" ? nil : (limit.flatMap { Int($0) } ?? 20),
                  verbosity: verbosity, clock: clock)
    }

    public func render(_ event: PlayEvent) -> String {
        let now = clock()
        return state.withLock { s in
            switch event {
            case .taskStarted(let info):
                let line = Self.taskTime(&s, now: now)
                s.stop(at: now)
                s.current = info.id
                if s.entries[info.id] == nil {
                    s.order.append(info.id)
                    s.entries[info.id] = Entry(name: info.name, path: info.location.map(PosixJSONRenderer.path),
                                               started: now, elapsed: 0)
                } else {
                    s.entries[info.id]?.started = now
                }
                return line + "\n"
            case .recap:
                var text = Self.taskTime(&s, now: now) + "\n" + Self.filled("", fill: "=") + "\n"
                s.stop(at: now)
                s.current = nil
                var entries = s.order.compactMap { s.entries[$0] }
                switch sortOrder {
                case .descending: entries = entries.enumerated().sorted { ($0.element.elapsed, $1.offset) > ($1.element.elapsed, $0.offset) }.map(\.element)
                case .ascending: entries = entries.enumerated().sorted { ($0.element.elapsed, $0.offset) < ($1.element.elapsed, $1.offset) }.map(\.element)
                case .none: break
                }
                for entry in entries.prefix(outputLimit ?? entries.count) {
                    text += line(entry) + "\n"
                }
                return text
            default:
                return ""
            }
        }
    }

    /// `name ------ 1.23s`: the name padded with dashes to the width less nine, the time right-aligned in nine.
    func line(_ entry: Entry) -> String {
        let time = " " + String(format: "%.2f", entry.elapsed) + "s"
        var text = Self.pad(entry.name + " ", to: columns - 9, right: false) + Self.pad(time, to: 9, right: true)
        if verbosity >= 2, let path = entry.path { text += "\n" + Self.pad(path + " ", to: columns, right: false) }
        return text
    }

    static func pad(_ s: String, to width: Int, right: Bool) -> String {
        let missing = max(0, width - s.count)
        let dashes = String(repeating: "-", count: missing)
        return right ? dashes + s : s + dashes
    }

    /// `Monday 07 December 2026  19:41:25 +0000 (0:00:01.101)       0:00:01.101 *****`
    static func taskTime(_ s: inout State, now: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEEE dd MMMM yyyy  HH:mm:ss Z"
        let text = "\(formatter.string(from: now)) (\(duration(now.timeIntervalSince(s.previous))))"
            + String(repeating: " ", count: 7) + duration(now.timeIntervalSince(s.start))
        s.previous = now
        return filled(text, fill: "*")
    }

    /// `h:mm:ss.mmm`
    static func duration(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded(.down))
        return String(format: "%d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60, millis / 1000 % 60, millis % 1000)
    }

    /// The text, a space, fill characters to column 79 (at least three), and a space.
    static func filled(_ text: String, fill: Character) -> String {
        let head = text.isEmpty ? "" : text + " "
        return head + String(repeating: fill, count: max(3, 79 - head.count)) + " "
    }
}

extension ProfileTasksRenderer.State {
    mutating func stop(at now: Date) {
        guard let current, let entry = entries[current] else { return }
        entries[current]?.elapsed += now.timeIntervalSince(entry.started)
    }
}
