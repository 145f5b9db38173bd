import Foundation

/// Processes on this machine, read from /proc: used to check which ssh processes are alive.
public enum ProcessTable {
    /// Command lines (arguments joined by spaces) of processes whose executable name is `name`.
    public static func commandLines(named name: String) -> [(pid: Int32, commandLine: String)] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var found: [(Int32, String)] = []
        for entry in entries {
            guard let pid = Int32(entry),
                  let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                  comm.trimmingCharacters(in: .whitespacesAndNewlines) == name,
                  let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let words = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            found.append((pid, words.joined(separator: " ")))
        }
        return found
    }

    /// ssh masters whose control socket lives in `directory`.
    public static func masters(in directory: String) -> [Int32] {
        commandLines(named: "ssh")
            .filter { $0.commandLine.contains("ControlPath=\(directory)/") && $0.commandLine.contains("ControlMaster=yes") }
            .map(\.pid)
    }

    /// Any ssh process (master or client) using a control socket in `directory`.
    public static func sshProcesses(in directory: String) -> [Int32] {
        commandLines(named: "ssh").filter { $0.commandLine.contains("ControlPath=\(directory)/") }.map(\.pid)
    }

    /// Every process's arguments (NUL-separated words joined by spaces), by pid: what any user
    /// on the machine can read in /proc/*/cmdline.
    public static func allCommandLines() -> [Int32: String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [:] }
        var lines: [Int32: String] = [:]
        for entry in entries {
            guard let pid = Int32(entry), let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            lines[pid] = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        }
        return lines
    }

    /// `pid` and all its descendants (from the parent pids in /proc/*/stat).
    public static func tree(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [pid] }
        var children: [Int32: [Int32]] = [:]
        for entry in entries {
            guard let child = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // "PID (COMM) STATE PPID ...": the name may hold spaces and parentheses.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, let parent = Int32(fields[1]) else { continue }
            children[parent, default: []].append(child)
        }
        var found = [pid], next = 0
        while next < found.count {
            found += children[found[next]] ?? []
            next += 1
        }
        return found
    }
}
