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
}
