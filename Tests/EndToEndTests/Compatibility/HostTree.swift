import Foundation

/// What a run left on a host, below one directory: every path with its kind, permission bits and
/// content (or link target), so two runs' effects compare exactly.
struct HostTree: Equatable {
    var entries: [String: String] = [:]

    init(_ root: String) {
        let fm = FileManager.default
        guard let walker = fm.enumerator(atPath: root) else { return }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            guard let attributes = try? fm.attributesOfItem(atPath: path) else { continue }
            let mode = String((attributes[.posixPermissions] as? Int ?? 0), radix: 8)
            switch attributes[.type] as? FileAttributeType {
            case .typeSymbolicLink?:
                entries[relative] = "link -> " + ((try? fm.destinationOfSymbolicLink(atPath: path)) ?? "?")
            case .typeDirectory?:
                entries[relative] = "dir \(mode)"
            default:
                let content = fm.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "<unreadable>"
                entries[relative] = "file \(mode) \(content.debugDescription)"
            }
        }
    }

    /// The entries under one top-level directory (a playbook's own `cNN`).
    func under(_ top: String) -> [String: String] {
        entries.filter { $0.key == top || $0.key.hasPrefix(top + "/") }
    }

    /// Lines describing how `other` differs from this tree, under `top`.
    func differences(from other: HostTree, under top: String) -> [String] {
        let mine = under(top), theirs = other.under(top)
        return Set(mine.keys).union(theirs.keys).sorted().compactMap { key in
            mine[key] == theirs[key] ? nil : "\(key): ansible \(mine[key] ?? "<absent>") / play \(theirs[key] ?? "<absent>")"
        }
    }
}
