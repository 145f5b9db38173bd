import Foundation
import PlayBase

/// Splits a play's hosts into `serial` batches: numbers or percentages, the last size repeating.
public enum SerialBatches {
    public static func split(_ hosts: [String], serial: [Value]) -> [[String]] {
        guard !serial.isEmpty, !hosts.isEmpty else { return [hosts] }
        var batches: [[String]] = []
        var rest = hosts[...]
        var index = 0
        while !rest.isEmpty {
            let spec = serial[min(index, serial.count - 1)]
            let size = max(1, min(rest.count, batchSize(spec, total: hosts.count)))
            batches.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
            index += 1
        }
        return batches
    }

    /// Ansible: a percentage is taken of all the play's hosts, rounded down, at least one; 0 means all.
    static func batchSize(_ spec: Value, total: Int) -> Int {
        switch spec {
        case .int(let n): return n <= 0 ? total : n
        case .double(let d): return d <= 0 ? total : Int(d)
        case .string(let s):
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("%"), let pct = Double(trimmed.dropLast()) {
                return max(1, Int(pct / 100 * Double(total)))
            }
            return Int(trimmed).map { $0 <= 0 ? total : $0 } ?? total
        default: return total
        }
    }
}
