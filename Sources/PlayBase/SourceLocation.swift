/// A position in a source file, 1-based, as editors and compilers print it.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A location for things that come from no file (command-line extra vars, built-ins).
    public static func synthetic(_ what: String) -> SourceLocation {
        SourceLocation(file: what, line: 0, column: 0)
    }

    public var isSynthetic: Bool { line == 0 }

    public var description: String { isSynthetic ? file : "\(file):\(line):\(column)" }
}
