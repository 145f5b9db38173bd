import Foundation
import PlayBase

/// Expands host ranges in inventory names as Ansible does: `web[01:10]` (zero-padded when the
/// start is), `db-[a:c]`, `[1:9:2]` with a step, several ranges in one name, and an empty start
/// meaning 0. A name without `[` is itself.
enum HostRange {
    struct RangeError: Error, Equatable {
        let message: String
    }

    static func expand(_ pattern: String) throws(RangeError) -> [String] {
        guard TextScan.has(pattern, "[") else { return [pattern] }
        // Ansible swaps the first '[' and the first ']' for '|' and splits on '|': the name must
        // come apart into exactly head, range and tail.
        var swapped = pattern
        if let open = swapped.firstIndex(of: "[") { swapped.replaceSubrange(open...open, with: "|") }
        if let close = swapped.firstIndex(of: "]") { swapped.replaceSubrange(close...close, with: "|") }
        let parts = swapped.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw RangeError(message: "invalid host range in '\(pattern)': expected one '[start:end]' group per bracket pair")
        }
        let head = String(parts[0]), body = parts[1], tail = String(parts[2])
        let bounds = body.split(separator: ":", omittingEmptySubsequences: false)
        guard bounds.count == 2 || bounds.count == 3 else {
            throw RangeError(message: "host range must be begin:end or begin:end:step")
        }
        let begin = bounds[0].isEmpty ? "0" : String(bounds[0])
        let end = String(bounds[1])
        guard !end.isEmpty else { throw RangeError(message: "host range must specify end value") }
        var step = 1
        if bounds.count == 3 {
            guard let s = pythonInt(bounds[2]) else {
                throw RangeError(message: "invalid literal for int() with base 10: '\(bounds[2])'")
            }
            step = s
        }
        guard step != 0 else { throw RangeError(message: "host range step must not be zero") }
        var width = 0
        if begin.hasPrefix("0"), begin.count > 1 {
            guard begin.count == end.count else {
                throw RangeError(message: "host range must specify equal-length begin and end formats")
            }
            width = begin.count
        }

        var sequence: [String] = []
        if let b = asciiLetters.range(of: begin), let e = asciiLetters.range(of: end) {
            let bi = asciiLetters.distance(from: asciiLetters.startIndex, to: b.lowerBound)
            let ei = asciiLetters.distance(from: asciiLetters.startIndex, to: e.lowerBound)
            guard bi <= ei else { throw RangeError(message: "host range must have begin <= end") }
            if step > 0 {
                let letters = Array(asciiLetters)
                sequence = stride(from: bi, through: ei, by: step).map { String(letters[$0]) }
            }
        } else {
            guard let b = pythonInt(Substring(begin)) else {
                throw RangeError(message: "invalid literal for int() with base 10: '\(begin)'")
            }
            guard let e = pythonInt(Substring(end)) else {
                throw RangeError(message: "invalid literal for int() with base 10: '\(end)'")
            }
            if step > 0, b <= e {
                sequence = stride(from: b, through: e, by: step).map(String.init)
            } else if step < 0, b > e + 1 {
                sequence = stride(from: b, to: e + 1, by: step).map(String.init)
            }
        }

        var hosts: [String] = []
        hosts.reserveCapacity(sequence.count)
        for item in sequence {
            let name = head + zfill(item, width) + tail
            if TextScan.has(name, "[") {
                hosts.append(contentsOf: try expand(name))
            } else {
                hosts.append(name)
            }
        }
        return hosts
    }

    private static let asciiLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

    /// Python's str.zfill: pad with zeros after any sign.
    private static func zfill(_ s: String, _ width: Int) -> String {
        guard s.count < width else { return s }
        let pad = String(repeating: "0", count: width - s.count)
        if let first = s.first, first == "-" || first == "+" {
            return String(first) + pad + s.dropFirst()
        }
        return pad + s
    }

    /// Python's int() on text: surrounding blanks, an optional sign, digits with single underscores.
    static func pythonInt(_ text: Substring) -> Int? {
        var t = text.drop(while: { $0 == " " || $0 == "\t" })
        while let last = t.last, last == " " || last == "\t" { t = t.dropLast() }
        var sign = 1
        if let first = t.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            t = t.dropFirst()
        }
        guard let first = t.first, first.isASCIIDigit, t.last?.isASCIIDigit == true,
              !t.contains("__"), t.allSatisfy({ $0.isASCIIDigit || $0 == "_" }) else { return nil }
        return Int(t.filter { $0 != "_" }).map { $0 * sign }
    }
}
