/// Where a session's text goes (the executable provides stdout/stderr).
public protocol SessionOutput: Sendable {
    func write(_ text: String)
    func error(_ text: String)
}
