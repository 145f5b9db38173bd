import Foundation
import PlayTestSupport
import XCTest

/// A real SysV init script installed as /etc/init.d/<name> (with an LSB header, so
/// `update-rc.d` takes it) whose daemon is a `sleep` with its pid file and an action log in a
/// scratch directory. `remove()` stops it and deletes the script and any rc?.d links.
final class InitScriptService {
    let name: String
    let scratch: TemporaryDirectory
    var script: String { "/etc/init.d/\(name)" }

    init(_ prefix: String) throws {
        name = "\(prefix)-\(getpid())"
        scratch = try TemporaryDirectory()
        let dir = scratch.path
        try """
            #!/bin/sh
            ### BEGIN INIT INFO
            # Provides:          \(name)
            # Required-Start:
            # Required-Stop:
            # Default-Start:     2 3 4 5
            # Default-Stop:      0 1 6
            # Short-Description: play's service module test daemon
            ### END INIT INFO
            PIDFILE=\(dir)/pid
            running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
            case "$1" in
              start) running || { sleep 600 </dev/null >/dev/null 2>&1 & echo $! >"$PIDFILE"; }; echo start >>\(dir)/log ;;
              stop) running && kill "$(cat "$PIDFILE")"; rm -f "$PIDFILE"; echo stop >>\(dir)/log ;;
              reload) echo "reload $2" >>\(dir)/log ;;
              status) if running; then echo "\(name) is running"; exit 0; else echo "\(name) is not running"; exit 3; fi ;;
              *) echo "Usage: $0 {start|stop|reload|status}" >&2; exit 2 ;;
            esac

            """.write(toFile: script, atomically: false, encoding: .utf8)
        chmod(script, 0o755)
    }

    /// The daemon's pid while it runs.
    var pid: Int32? {
        guard let text = scratch.read("pid"), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              kill(pid, 0) == 0 else { return nil }
        return pid
    }

    /// The actions the script performed, in order.
    var log: [String] { (scratch.read("log") ?? "").split(separator: "\n").map(String.init) }

    var startLinks: [String] {
        let (_, out) = SSHFleet.run(["/bin/sh", "-c", "ls /etc/rc?.d/S??\(name) 2>/dev/null"])
        return out.split(separator: "\n").map(String.init)
    }

    func remove() {
        if let pid { kill(pid, SIGTERM) }
        _ = SSHFleet.run(["/bin/sh", "-c", "update-rc.d -f \(name) remove >/dev/null 2>&1; rm -f /etc/rc?.d/[SK]??\(name) \(script)"])
    }
}
