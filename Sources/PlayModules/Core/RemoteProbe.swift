import PlayBase

/// The shell script `wait_for` runs on a target: it checks the condition every `sleep` seconds
/// for a bounded number of rounds and answers `ok=1` (with the matching line for patterns) or
/// `ok=0`, so a short wait costs one command and a long one a command every few seconds, between
/// which the module reports progress.
///
/// Port checks are made FROM the target (as Ansible's are) with the first tool it has: bash's
/// `/dev/tcp` (under `timeout` for the connect time-out), else `nc -z`, else `python3`. Patterns
/// are matched with `grep -P` (Perl syntax, closest to Python's `re`) where grep has it, else
/// `grep -E`, line by line.
enum RemoteProbe {
    static func script(_ condition: WaitCondition, connectTimeout: Double, sleep: Double, rounds: Int) -> String {
        var s = [#"_pfail() { printf 'failed=%s\0' "$1"; exit 0; }"#, "_pline="]
        let ct = seconds(connectTimeout)
        switch condition {
        case .portOpen(let host, let port, _), .portClosed(let host, let port):
            let h = ShellWords.quote(host)
            s.append(#"""
                if command -v bash >/dev/null 2>&1; then _ptool=bash
                elif command -v nc >/dev/null 2>&1; then _ptool=nc
                elif command -v python3 >/dev/null 2>&1; then _ptool=python3
                else _pfail "wait_for needs bash, nc or python3 on the target to check a port"; fi
                if command -v timeout >/dev/null 2>&1; then _pto="timeout \#(ct)"; else _pto=; fi
                _ptcp() {
                  case $_ptool in
                  bash) $_pto bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1; [ "$2" = read ] && cat <&3; exit 0' \#(h) \#(port) "$1" 2>/dev/null;;
                  nc) if [ "$1" = read ]; then nc -w \#(ct) \#(h) \#(port) </dev/null 2>/dev/null; else nc -z -w \#(ct) \#(h) \#(port) 2>/dev/null; fi;;
                  python3) $_pto python3 -c '
                import socket, sys
                s = socket.create_connection((sys.argv[1], int(sys.argv[2])), float(sys.argv[3]))
                if sys.argv[4] == "read":
                    s.settimeout(float(sys.argv[3]))
                    try:
                        while True:
                            d = s.recv(4096)
                            if not d: break
                            sys.stdout.buffer.write(d); sys.stdout.flush()
                    except Exception: pass
                ' \#(h) \#(port) \#(ct) "$1" 2>/dev/null;;
                  esac
                }
                """#)
        default:
            break
        }
        if let pattern = condition.pattern {
            s.append("if printf x | grep -qP x 2>/dev/null; then _pgp=-P; else _pgp=-E; fi")
            s.append("_pre=\(ShellWords.quote(pattern))")
        }
        switch condition {
        case .portOpen(_, _, nil):
            s.append("_pcheck() { _ptcp; }")
        case .portOpen(_, _, _?):
            s.append(#"_pcheck() { _pline=$(_ptcp read | grep -m1 $_pgp -- "$_pre"); }"#)
        case .portClosed:
            s.append("_pcheck() { ! _ptcp; }")
        case .portDrained(let host, _, _, _):
            // The tables are read here and counted by the module (TCPConnectionTable); a host
            // name is resolved here, on the target, as Ansible does.
            s.append("_phost=\(ShellWords.quote(host))")
            return s.joined(separator: "\n") + "\n" + #"""
                [ -r /proc/net/tcp ] || _pfail "state=drained needs /proc/net/tcp on the target (Linux)"
                printf 'tcp=%s\0' "$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null)"
                command -v getent >/dev/null 2>&1 && printf 'addrs=%s\0' "$(getent ahosts "$_phost" 2>/dev/null | awk '{print $1}')"
                exit 0
                """#
        case .pathPresent(let path, nil):
            s.append("_pP=\(ShellWord.expanded(path))")
            s.append(#"_pcheck() { [ -e "$_pP" ]; }"#)
        case .pathPresent(let path, _?):
            s.append("_pP=\(ShellWord.expanded(path))")
            s.append(#"_pcheck() { [ -f "$_pP" ] && _pline=$(grep -m1 $_pgp -- "$_pre" "$_pP" 2>/dev/null); }"#)
        case .pathAbsent(let path):
            s.append("_pP=\(ShellWord.expanded(path))")
            s.append(#"_pcheck() { ! { [ -e "$_pP" ] || [ -L "$_pP" ]; }; }"#)
        case .time:
            s.append("_pcheck() { false; }")
        }
        s.append(#"""
            _pn=0
            while :; do
              if _pcheck; then
                printf 'ok=1\0line=%s\0' "$_pline"
                [ -n "${_pP-}" ] && [ -e "$_pP" ] && printf 'st=%s\0' "$(stat -c '%a %u %g %s %U %G %F' -- "$_pP" 2>/dev/null)"
                exit 0
              fi
              _pn=$((_pn + 1))
              if [ $_pn -ge \#(max(1, rounds)) ]; then printf 'ok=0\0'; exit 0; fi
              sleep \#(seconds(sleep))
            done
            """#)
        return s.joined(separator: "\n")
    }

    /// Seconds as `sleep` and `timeout` take them (`1`, `0.25`).
    static func seconds(_ value: Double) -> String {
        let v = max(0, value)
        return v == v.rounded() ? String(Int(v)) : String(format: "%.3f", v)
    }
}
