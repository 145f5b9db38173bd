import Foundation
import XCTest

/// A stand-in `systemctl` first on PATH for the one thing this container cannot provide: a
/// running service manager. It answers `show` for one unit from a state file and records
/// start/stop/restart/reload; every other call goes to the real /usr/bin/systemctl.
final class FakeSystemctl {
    let directory: TemporaryDirectory
    let unit: String

    var environment: [String: String] { ["PATH": "\(directory.path):/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"] }
    var actions: [String] { (directory.read("actions") ?? "").split(separator: "\n").map(String.init) }
    var activeState: String { (directory.read("active") ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

    init(unit: String) throws {
        self.unit = unit
        directory = try TemporaryDirectory()
        try directory.write("active", "inactive\n")
        let dir = directory.path
        try directory.write("systemctl", """
            #!/bin/sh
            flags=
            while [ $# -gt 0 ]; do case $1 in --) shift; break ;; --*) flags="$flags$1 "; shift ;; *) break ;; esac; done
            verb=$1; shift; [ "$1" = -- ] && shift
            if [ "$1" != \(unit) ]; then exec /usr/bin/systemctl $flags "$verb" "$@"; fi
            case $verb in
              show)
                active=$(cat \(dir)/active)
                if [ "$active" = active ]; then sub=running; else sub=dead; fi
                printf 'Type=simple\\nExecStart={ path=/bin/sleep ; argv[]=/bin/sleep 600 ;\\n  ignore_errors=no }\\n'
                printf 'Id=%s\\nNames=%s\\nLoadState=loaded\\nActiveState=%s\\nSubState=%s\\nUnitFileState=disabled\\n' "$1" "$1" "$active" "$sub" ;;
              start|restart) echo active >\(dir)/active; echo "$flags$verb" >>\(dir)/actions ;;
              reload) echo "$flags$verb" >>\(dir)/actions ;;
              stop) echo inactive >\(dir)/active; echo "$flags$verb" >>\(dir)/actions ;;
              is-enabled) echo disabled; exit 1 ;;
              *) exec /usr/bin/systemctl $flags "$verb" "$@" ;;
            esac

            """, mode: 0o755)
    }
}
