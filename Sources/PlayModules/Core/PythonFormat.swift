import Foundation
import PlayBase

/// Text as Ansible's Python modules print it in results, so registered values compare and
/// parse the same way they do under Ansible.
enum PythonFormat {
    /// `str(datetime.datetime.now())`: local time, `2024-05-01 12:34:56.123456`.
    static func dateTime(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var micros = Int(((interval - Double(seconds)) * 1_000_000).rounded())
        if micros >= 1_000_000 { seconds += 1; micros -= 1_000_000 }
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }

    /// `str(datetime.timedelta)`: `0:00:00.003456`, `0:00:01` (no fraction when whole),
    /// `1 day, 0:00:00`.
    static func timeDelta(_ duration: Duration) -> String {
        let totalMicros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let micros = totalMicros % 1_000_000
        var seconds = totalMicros / 1_000_000
        let days = seconds / 86_400
        seconds %= 86_400
        var text = String(format: "%d:%02d:%02d", Int(seconds / 3600), Int(seconds / 60 % 60), Int(seconds % 60))
        if micros != 0 { text += String(format: ".%06d", Int(micros)) }
        if days != 0 { text = "\(days) day\(days == 1 ? "" : "s"), " + text }
        return text
    }

    /// `str.splitlines()`: breaks at \n, \r\n, \r and the other line boundaries Python knows.
    static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if previousWasCR {
                previousWasCR = false
                if scalar == "\n" { continue }
            }
            switch scalar.value {
            case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                lines.append(current)
                current = ""
            case 0x0D:
                lines.append(current)
                current = ""
                previousWasCR = true
            default:
                current.unicodeScalars.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// `splitLines` as a list value (`stdout_lines`).
    static func lines(_ text: String) -> Value {
        .list(splitLines(text).map(Value.string))
    }

    /// `s.rstrip("\r\n")`.
    static func stripTrailingNewlines(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, last == "\n" || last == "\r" { scalars.removeLast() }
        return String(Substring(scalars))
    }
}
