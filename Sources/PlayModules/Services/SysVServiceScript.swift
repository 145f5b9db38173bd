import PlayBase

/// The `service` module's work on a host without systemd, as one POSIX `sh` script: the
/// service's control command (`rc-service`, `service`, or the init script itself in
/// /etc/init.d or /etc/rc.d/init.d, which is all a busybox system has), its state from `status`
/// (or `ps` and a `pattern`), boot enablement through `update-rc.d`, `chkconfig` or `rc-update`,
/// then start/stop/restart/reload as needed. Commands run detached from the connection (output
/// to files, stdin from /dev/null) so a daemon they start holds no channel open.
struct SysVServiceScript: Sendable {
    var name: String
    var state: String?
    var enabled: Bool?
    var pattern: String?
    var sleep: Int?
    var runlevel = "default"
    var arguments = ""
    var checkMode = false

    func script() -> String {
        var s = [Self.functions]
        s.append("_su=\(ShellWords.quote(name)); _sargs=\(ShellWords.quote(arguments)); _srl=\(ShellWords.quote(runlevel)); _scheck=\(checkMode ? 1 : 0)")
        s.append("_svtools")
        if let enabled { s.append("_svenable \(enabled ? 1 : 0)") }
        if let state {
            if let pattern {
                s.append("_svps \(ShellWords.quote(pattern))")
            } else {
                s.append("_svstatus")
            }
            s.append("_svchange \(state) \(sleep ?? 0)")
        }
        s.append("_rec done 1")
        return s.joined(separator: "\n")
    }

    static let functions = #"""
        # play-sysv-service-script (the marker `_svps` leaves out of `ps`)
        _rec() { printf '%s=%s\0' "$1" "$2"; }
        _pfail() { printf 'failed=%s\0' "$1"; exit 0; }
        _sdir=$(mktemp -d 2>/dev/null || mktemp -d -t play.XXXXXX) || _pfail 'cannot create a scratch directory'
        trap 'rm -rf "$_sdir"' EXIT
        _svtools() {
          _sscript=
          for _d in /etc/init.d /etc/rc.d/init.d; do [ -x "$_d/$_su" ] && { _sscript=$_d/$_su; break; }; done
          _scmd=
          if command -v rc-service >/dev/null 2>&1 && [ -n "$_sscript" ] && command -v openrc >/dev/null 2>&1; then _scmd=rc-service
          elif command -v service >/dev/null 2>&1; then _scmd=service
          fi
          [ -n "$_scmd" ] || [ -n "$_sscript" ] || _pfail "cannot find 'service' binary or init script for service,  possible typo in service name?, aborting"
          _senable=
          for _t in rc-update update-rc.d chkconfig; do command -v $_t >/dev/null 2>&1 && { _senable=$_t; break; }; done
        }
        # _svrun ACTION: the control command, detached; output in $_sdir/o and $_sdir/e, status in $_src.
        _svrun() {
          if [ -n "$_scmd" ]; then
            # shellcheck disable=SC2086
            $_scmd "$_su" "$1" $_sargs </dev/null >"$_sdir/o" 2>"$_sdir/e"
          else
            # shellcheck disable=SC2086
            "$_sscript" "$1" $_sargs </dev/null >"$_sdir/o" 2>"$_sdir/e"
          fi
          _src=$?
        }
        _svstatus() {
          _svrun status
          _sout=$(cat "$_sdir/o")
          _srun=
          if [ "$_scmd" = rc-service ]; then
            case $_sout in *started*) _srun=1 ;; *) _srun=0 ;; esac
            grep -q crashed "$_sdir/e" && _scrashed=1
          fi
          if [ -z "$_srun" ]; then case $_src in 1|2|3|4|69) _srun=0 ;; esac; fi
          if [ -z "$_srun" ] && [ "$(printf '%s' "$_sout" | wc -l)" -le 1 ]; then
            _sclean=$(printf '%s' "$_sout" | tr 'A-Z' 'a-z' | awk -v n="$(printf '%s' "$_su" | tr 'A-Z' 'a-z')" \
              '{ while (n != "" && (i = index($0, n)) > 0) $0 = substr($0, 1, i - 1) substr($0, i + length(n)); print }')
            case $_sclean in
              *stop*) _srun=0 ;;
              *run*) case $_sclean in *"not "*) _srun=0 ;; *) _srun=1 ;; esac ;;
              *start*) case $_sclean in *"not "*) ;; *) _srun=1 ;; esac ;;
              *'could not access pid file'*|*'is dead and pid file exists'*|*'dead but subsys locked'*|*'dead but pid file exists'*) _srun=0 ;;
            esac
          fi
          [ -z "$_srun" ] && [ $_src = 0 ] && _srun=1
          [ -n "$_srun" ] || _pfail "failed determining service state, possible typo of service name?"
        }
        _svps() {
          _srun=0
          ps -eo args= 2>/dev/null >"$_sdir/ps" || ps >"$_sdir/ps"
          grep -v 'play-sysv-service-script' "$_sdir/ps" | grep -F -e "$1" >/dev/null && _srun=1
        }
        _svenable() {
          [ -n "$_senable" ] || _pfail "cannot detect command to enable service $_su, typo or init system potentially unknown"
          case $_senable in
          update-rc.d)
            _se=0; ls /etc/rc?.d/S??"$_su" >/dev/null 2>&1 && _se=1
            _rec enabled "$1"
            [ $_se = "$1" ] && return
            _rec changed 1
            [ $_scheck = 1 ] && return
            if [ "$1" = 1 ]; then
              if ! ls /etc/rc?.d/K??"$_su" >/dev/null 2>&1; then
                _o=$(update-rc.d "$_su" defaults 2>&1) || _pfail "$_o"
              fi
              _o=$(update-rc.d "$_su" enable 2>&1) || _pfail "$_o"
            else
              _o=$(update-rc.d "$_su" disable 2>&1) || _pfail "$_o"
            fi ;;
          chkconfig)
            _se=0; chkconfig --list "$_su" 2>/dev/null | grep -q '[0-6]:on' && _se=1
            _rec enabled "$1"
            [ $_se = "$1" ] && return
            _rec changed 1
            [ $_scheck = 1 ] && return
            if [ "$1" = 1 ]; then _sv=on; else _sv=off; fi
            _o=$(chkconfig "$_su" $_sv 2>&1) || _pfail "Error when trying to $_sv $_su: $_o" ;;
          rc-update)
            _se=0; rc-update show "$_srl" 2>/dev/null | awk -F'|' -v n="$_su" '{ gsub(/ /, "", $1) } $1 == n { f = 1 } END { exit !f }' && _se=1
            _rec enabled "$1"
            [ $_se = "$1" ] && return
            _rec changed 1
            [ $_scheck = 1 ] && return
            if [ "$1" = 1 ]; then _sv=add; else _sv=delete; fi
            _o=$(rc-update $_sv "$_su" "$_srl" 2>&1) || _pfail "Error when trying to $_sv $_su: $_o" ;;
          esac
        }
        _svchange() {
          _sv=
          case $1 in
            started) [ $_srun = 1 ] || _sv=start ;;
            stopped) [ $_srun = 1 ] && _sv=stop ;;
            reloaded) if [ $_srun = 1 ]; then _sv=reload; else _sv=start; fi ;;
            restarted) _sv=restart ;;
          esac
          [ -n "$_sv" ] || return
          _rec changed 1
          if [ $_scheck = 1 ]; then _rec checkchanged 1; return; fi
          if [ $_sv = restart ] && [ "$_scmd" != rc-service ]; then
            _svrun stop; _src1=$_src; cat "$_sdir/o" >"$_sdir/o1"; cat "$_sdir/e" >"$_sdir/e1"
            [ "$2" -gt 0 ] && sleep "$2"
            _svrun start
            if [ $_src1 != 0 ] && [ $_src = 0 ]; then :; else
              _src=$((_src1 + _src)); cat "$_sdir/o1" "$_sdir/o" >"$_sdir/o2"; mv "$_sdir/o2" "$_sdir/o"
              cat "$_sdir/e1" "$_sdir/e" >"$_sdir/e2"; mv "$_sdir/e2" "$_sdir/e"
            fi
          else
            [ "$_scrashed" = 1 ] && [ $_sv = start ] && rc-service "$_su" zap </dev/null >/dev/null 2>&1
            _svrun $_sv
          fi
          if [ $_src != 0 ]; then
            grep -q 'Job is already running' "$_sdir/e" && return
            if [ -s "$_sdir/e" ]; then _pfail "$(cat "$_sdir/e")"; else _pfail "$(cat "$_sdir/o")"; fi
          fi
        }
        """#
}
