import Foundation

/// Prints diagnostics the way compilers do: the location, the message, the source line and a marker.
public struct DiagnosticRenderer: Sendable {
    public var colour: Bool

    public init(colour: Bool) { self.colour = colour }

    public func render(_ d: Diagnostic) -> String {
        var out = ""
        let label: String
        switch d.severity {
        case .error: label = paint("error:", "1;31")
        case .warning: label = paint("warning:", "1;35")
        case .note: label = paint("note:", "1;36")
        }
        if let loc = d.location { out += paint("\(loc):", "1") + " " }
        out += "\(label) \(d.message)\n"
        if let loc = d.location, !loc.isSynthetic, let line = Self.sourceLine(file: loc.file, line: loc.line) {
            out += line + "\n"
            let pad = String(line.prefix(max(0, loc.column - 1)).map { $0 == "\t" ? "\t" : " " })
            out += pad + paint("^" + String(repeating: "~", count: max(0, d.length - 1)), "1;32") + "\n"
        }
        for note in d.notes { out += "  " + note + "\n" }
        return out
    }

    private func paint(_ s: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    /// One line of a source file (1-based), without its line ending.
    public static func sourceLine(file: String, line: Int) -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        var current = 1
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == line { return String(l.hasSuffix("\r") ? l.dropLast() : l) }
            current += 1
        }
        return nil
    }
}
