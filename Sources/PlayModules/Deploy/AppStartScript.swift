import Foundation

/// The shell scripts `ssh_start` sends to a target: POSIX `sh` plus coreutils, `tar` and Linux's
/// `/proc` (to tell that a pid is still the app's and that its port listens). Answers are
/// `key=value` NUL-separated records (see `ScriptRecords`).
///
/// Layout on the target, under `~/apps/APP/`:
/// `VERSION/` the unpacked build (a single top-level folder in the archive is stripped) with
/// `app.env` (0600), `app.log` and `.play-start` (the launcher); `app.pid`; `app.state` (what runs:
/// a digest of version, artifact, environment, command and address); `current` -> `VERSION`.
///
/// Every process started here carries `PLAY_APP=APP` in its environment: a pid from `app.pid` is
/// signalled only when `/proc/PID/environ` still says so, so a pid reused after a reboot is never
/// killed by mistake.
struct AppStartScript: Sendable {
    var app: String
    var version: String
    var port: Int
    /// The address the app listens on (checked in `/proc/net/tcp`; used for the health URL).
    var bind: String
    /// Shell text started with `exec` inside the build directory.
    var command: String
    /// SHA-1 of the artifact.
    var checksum: String
    /// Identity of what should run; equal identities with a live, listening process mean nothing to do.
    var identity: String
    var healthPath: String?
    var stopTimeout: Double
    var checkMode: Bool

    /// The shell variable that holds the `app.env` file's text: the module sends it with the
    /// request's `shellVariables` (over stdin), never in the script, whose text is an argument list.
    static let environmentVariable = "_penv"

    enum Step {
        /// Probe, install (upload with `sendData`), stop what runs, start, and wait `wait` seconds.
        case deploy(sendData: Bool, wait: Double)
        /// Wait up to `wait` seconds more for the process `pid` to come up.
        case check(pid: Int, wait: Double)
        /// Stop the app and start it again, then wait.
        case restart(wait: Double)
        /// Stop the app (after a start that never came up).
        case stop
    }

    func script(_ step: Step) -> String {
        var s = [settings, Self.functions]
        switch step {
        case .deploy(let sendData, let wait):
            s.append(deploy(sendData: sendData, wait: wait))
        case .check(let pid, let wait):
            s.append("_pwait \(pid) \(Self.tenths(wait))")
        case .restart(let wait):
            s.append("_pstop\n_pstart\n_pwait \"$_ppid\" \(Self.tenths(wait))")
        case .stop:
            s.append("_pstop\n_ptail")
        }
        return s.joined(separator: "\n")
    }

    private var settings: String {
        let hexPort = String(format: "%04X", port)
        return """
            _pa=\(ShellWord.quote(app)); _pv=\(ShellWord.quote(version)); _pport=\(port)
            _pbind=\(ShellWord.quote(bind)); _pporthex=\(hexPort); _paddrhex=\(Self.procAddress(bind) ?? "")
            _psha=\(checksum); _pid=\(identity); _pck=\(checkMode ? 1 : 0)
            _phpath=\(ShellWord.quote(healthPath ?? "")); _pstopt=\(Self.tenths(stopTimeout))
            _pbase="$HOME/apps/$_pa"; _pdir="$_pbase/$_pv"
            if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
              _pmgr=systemd
            else
              _pmgr=nohup
            fi
            _punit="play-$_pa.service"
            """
    }

    /// The first command: decide, install, (re)start.
    private func deploy(sendData: Bool, wait: Double) -> String {
        var s: [String] = []
        s.append("""
            printf 'manager=%s\\0' "$_pmgr"
            _pcur=$(cat "$_pbase/app.pid" 2>/dev/null)
            if [ "$(cat "$_pbase/app.state" 2>/dev/null)" = "$_pid" ] && _palive "$_pcur" && _plisten && _phealth; then
              printf 'state=running\\0pid=%s\\0' "$_pcur"; cat > /dev/null; exit 0
            fi
            _pneed=0
            [ "$(cat "$_pdir/.play-artifact" 2>/dev/null)" = "$_psha" ] || _pneed=1
            printf 'upload=%s\\0' "$_pneed"
            if [ "$_pck" = 1 ]; then printf 'state=would_start\\0'; cat > /dev/null; exit 0; fi
            """)
        if !sendData {
            s.append(#"if [ $_pneed = 1 ]; then printf 'need=1\0'; exit 0; fi"#)
        }
        s.append(#"""
            _ptmp=
            if [ $_pneed = 1 ]; then
              _pe=$(mkdir -p -- "$_pbase" 2>&1) || _pfail "could not create $_pbase: $_pe"
              _ptmp=$(mktemp -d "$_pbase/.unpack-XXXXXX") || _pfail "could not create a temporary directory in $_pbase"
              cat > "$_ptmp/artifact" || _pclean "could not write the artifact to $_ptmp"
              _pread=1
              [ "$(_psum "$_ptmp/artifact")" = "$_psha" ] || _pclean "the artifact arrived damaged (its SHA-1 differs from the controller's copy)"
              mkdir "$_ptmp/x"
              _pe=$(tar -xf "$_ptmp/artifact" -C "$_ptmp/x" 2>&1) || _pclean "could not unpack the artifact: $_pe"
              _psrc="$_ptmp/x"
              _pone=$(ls -A "$_ptmp/x")
              if [ "$(ls -A "$_ptmp/x" | wc -l)" = 1 ] && [ -d "$_ptmp/x/$_pone" ]; then _psrc="$_ptmp/x/$_pone"; fi
            else
              cat > /dev/null
            fi
            _pread=1
            _pstop
            if [ -n "$_ptmp" ]; then
              rm -rf -- "$_pdir"
              _pe=$(mv -- "$_psrc" "$_pdir" 2>&1) || _pclean "could not move the build into $_pdir: $_pe"
              printf '%s\n' "$_psha" > "$_pdir/.play-artifact"
              rm -rf -- "$_ptmp"
            fi
            [ -d "$_pdir" ] || _pfail "$_pdir is missing after the install"
            """#)
        s.append("""
            (umask 077; printf %s "$\(Self.environmentVariable)" > "$_pdir/app.env") || _pfail "could not write $_pdir/app.env"
            printf %s \(ShellWord.quote(launcher)) > "$_pdir/.play-start" && chmod 0755 "$_pdir/.play-start" || _pfail "could not write the launcher in $_pdir"
            _pstart
            _pwait "$_ppid" \(Self.tenths(wait))
            """)
        return s.joined(separator: "\n")
    }

    /// The launcher: the app's environment, the marker, then the command in place of the shell.
    var launcher: String {
        """
        #!/bin/sh
        # Written by play's ssh_start: starts \(app) \(version) with its environment (app.env).
        cd "$(dirname "$0")" || exit 1
        set -a
        . ./app.env
        set +a
        PLAY_APP=\(ShellWord.quote(app)); PLAY_APP_VERSION=\(ShellWord.quote(version))
        export PLAY_APP PLAY_APP_VERSION
        exec \(command)

        """
    }

    /// Functions shared by every step. `_pwait PID TENTHS` prints `state=up|starting|dead` (and
    /// the log's tail when the process died); `_pstart` sets `_ppid`.
    static let functions = #"""
        _pfail() { printf 'failed=%s\0' "$1"; [ "$_pread" = 1 ] || cat > /dev/null; exit 0; }
        _pclean() { [ -n "$_ptmp" ] && rm -rf -- "$_ptmp"; _pfail "$1"; }
        _psum() {
          if command -v sha1sum >/dev/null 2>&1; then _h=$(sha1sum < "$1") || return 1
          else _h=$(openssl dgst -sha1 -r < "$1") || return 1; fi
          printf %s "${_h%% *}"
        }
        _pexists() {
          [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
          [ -r "/proc/$1/stat" ] || return 0
          case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) in Z|X|'') return 1;; esac
        }
        _palive() {
          _pexists "$1" || return 1
          [ -r "/proc/$1/environ" ] || return 0
          tr '\0' '\n' < "/proc/$1/environ" 2>/dev/null | grep -qx "PLAY_APP=$_pa"
        }
        _plisten() {
          for _pf in /proc/net/tcp /proc/net/tcp6; do
            [ -r "$_pf" ] || continue
            awk -v p="$_pporthex" -v a="$_paddrhex" 'NR > 1 && $4 == "0A" {
                n = split($2, x, ":"); if (x[n] == p && (a == "" || x[1] == a || x[1] ~ /^0+$/)) f = 1 }
              END { exit !f }' "$_pf" && return 0
          done
          return 1
        }
        _phealth() {
          [ -n "$_phpath" ] || return 0
          _purl="http://$_pbind:$_pport$_phpath"
          if command -v curl >/dev/null 2>&1; then
            _phc=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$_purl")
          elif command -v wget >/dev/null 2>&1; then
            if wget -q -O /dev/null -T 2 -t 1 "$_purl"; then _phc=200; else _phc=error; fi
          elif command -v python3 >/dev/null 2>&1; then
            _phc=$(python3 -c 'import sys, urllib.request
        try: print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
        except Exception as e: print(getattr(e, "code", "error"))' "$_purl")
          else
            _phc="no curl, wget or python3 on the target"
          fi
          [ "$_phc" = 200 ]
        }
        _ptail() { printf 'log=%s\0' "$(tail -n 20 "$_pdir/app.log" 2>/dev/null)"; }
        _pwait() {
          _pn=0
          while :; do
            if ! _pexists "$1"; then printf 'state=dead\0pid=%s\0' "$1"; _ptail; return 0; fi
            _pl=0; _phc=
            if _plisten; then _pl=1; _phealth && { printf 'state=up\0pid=%s\0' "$1"; return 0; }; fi
            if [ "$_pn" -ge "$2" ]; then
              printf 'state=starting\0pid=%s\0listening=%s\0health=%s\0' "$1" "$_pl" "$_phc"; return 0
            fi
            sleep 0.1; _pn=$((_pn + 1))
          done
        }
        _pkill() {
          kill "-$1" "-$2" 2>/dev/null || kill "-$1" "$2" 2>/dev/null
        }
        _pstop() {
          if [ "$_pmgr" = systemd ] && [ -f "/etc/systemd/system/$_punit" ]; then
            systemctl stop "$_punit" >/dev/null 2>&1
          fi
          _pold=$(cat "$_pbase/app.pid" 2>/dev/null)
          if _palive "$_pold"; then
            _pkill TERM "$_pold"
            _pn=0
            while _pexists "$_pold" && [ "$_pn" -lt "$_pstopt" ]; do sleep 0.1; _pn=$((_pn + 1)); done
            if _pexists "$_pold"; then
              _pkill KILL "$_pold"; printf 'killed=%s\0' "$_pold"
              _pn=0; while _pexists "$_pold" && [ "$_pn" -lt 50 ]; do sleep 0.1; _pn=$((_pn + 1)); done
            fi
            printf 'stopped=%s\0' "$_pold"
          fi
          rm -f -- "$_pbase/app.pid" "$_pbase/app.state"
        }
        _pstart() {
          cd "$_pdir" || _pfail "cannot enter $_pdir"
          printf '%s play ssh_start: starting %s %s (%s)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$_pa" "$_pv" "$_pmgr" >> app.log
          if [ "$_pmgr" = systemd ]; then
            _pq=$(printf %s "$_pdir/.play-start" | sed 's/\\/\\\\/g; s/"/\\"/g')
            { printf '[Unit]\nDescription=%s %s (started by play ssh_start)\nAfter=network.target\n\n' "$_pa" "$_pv"
              printf '[Service]\nExecStart="%s"\nStandardOutput=append:%s\nStandardError=append:%s\n' \
                "$_pq" "$_pdir/app.log" "$_pdir/app.log"
              printf 'KillMode=mixed\nTimeoutStopSec=%s\nRestart=no\n' "$((_pstopt / 10 + 1))"
            } > "/etc/systemd/system/$_punit" || _pfail "could not write /etc/systemd/system/$_punit"
            _pe=$(systemctl daemon-reload 2>&1 && systemctl restart "$_punit" 2>&1) || _pfail "systemctl could not start $_punit: $_pe"
            _ppid=$(systemctl show -p MainPID --value "$_punit")
          else
            if command -v setsid >/dev/null 2>&1; then _pss=setsid; else _pss=; fi
            PLAY_APP=$_pa $_pss nohup ./.play-start >> app.log 2>&1 < /dev/null &
            _ppid=$!
          fi
          printf '%s\n' "$_ppid" > "$_pbase/app.pid"
          printf '%s\n' "$_pid" > "$_pbase/app.state"
          ln -sfn -- "$_pv" "$_pbase/current"
          printf 'started=%s\0' "$_ppid"
        }
        """#

    /// Tenths of a second, the unit of the scripts' polling loops.
    static func tenths(_ seconds: Double) -> Int { max(0, Int((seconds * 10).rounded())) }

    /// An IPv4 address as `/proc/net/tcp` writes it (the 32-bit value in host byte order on
    /// little-endian machines, which every EC2 instance type is); nil for anything else.
    static func procAddress(_ address: String) -> String? {
        let parts = address.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard parts.count == 4, address.split(separator: ".", omittingEmptySubsequences: false).count == 4 else {
            return nil
        }
        return parts.reversed().map { String(format: "%02X", $0) }.joined()
    }
}
