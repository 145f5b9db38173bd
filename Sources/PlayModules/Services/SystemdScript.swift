import PlayBase

/// The `systemd_service` module's work as one POSIX `sh` script driving `systemctl`: reload or
/// re-exec the manager, read the unit (`show`, or `is-enabled`/`list-unit-files` where the
/// manager does not answer), then mask, enable and start/stop as asked, each only when the unit
/// is not already so. Prints records: `show`, `found`, `enabled`, `state`, `changed`, `warn*`.
struct SystemdScript: Sendable {
    var unit: String?
    var state: String?
    var enabled: Bool?
    var masked: Bool?
    var force = false
    var daemonReload = false
    var daemonReexec = false
    var scope = "system"
    var noBlock = false
    var checkMode = false

    private var flags: [String] {
        var f: [String] = []
        if scope != "system" { f.append("--\(scope)") }
        if noBlock { f.append("--no-block") }
        if force { f.append("--force") }
        return f
    }

    func script() -> String {
        var s = [Self.functions]
        s.append("_sd() { systemctl \(flags.map(ShellWords.quote).joined(separator: " ")) \"$@\"; }")
        s.append(#"command -v systemctl >/dev/null 2>&1 || _pfail 'Failed to find required executable "systemctl" in paths: '"$PATH""#)
        s.append(#"[ -n "${XDG_RUNTIME_DIR-}" ] || { XDG_RUNTIME_DIR=/run/user/$(id -u); export XDG_RUNTIME_DIR; }"#)
        for (asked, verb) in [(daemonReload, "daemon-reload"), (daemonReexec, "daemon-reexec")] where asked && !checkMode {
            s.append("_sdmanager \(verb)")
        }
        guard let unit else {
            s.append("_rec done 1")
            return s.joined(separator: "\n")
        }
        s.append("_su=\(ShellWords.quote(unit)); _sdread")
        if let masked {
            s.append("_sdmask \(masked ? 1 : 0) \(checkMode ? 1 : 0)")
        }
        if let enabled {
            s.append("_sdenable \(enabled ? 1 : 0) \(checkMode ? 1 : 0) \(scope)")
        }
        if let state {
            s.append("_sdstate \(state) \(checkMode ? 1 : 0)")
        }
        s.append("_rec done 1")
        return s.joined(separator: "\n")
    }

    static let functions = #"""
        _rec() { printf '%s=%s\0' "$1" "$2"; }
        _pfail() { printf 'failed=%s\0' "$1"; exit 0; }
        _sdoffline() {
          [ "${SYSTEMD_OFFLINE-}" = 1 ] && return 0
          [ -r /proc/1/root ] || return 1
          [ "$(stat -c %d:%i / 2>/dev/null)" != "$(stat -c %d:%i /proc/1/root/. 2>/dev/null)" ]
        }
        _sdmanager() {
          _o=$(_sd "$1" 2>&1) && return
          _rc=$?
          if _sdoffline; then _rec "warn$1" "$1 failed, but target is a chroot or systemd is offline. Continuing. Error was: $_rc / $_o"
          else _pfail "failure $_rc during $1: $_o"; fi
        }
        _sdmissing() { [ "$_sfound" = 1 ] || _pfail "Could not find the requested service $_su: host"; }
        _sdread() {
          _sinitd=0; [ -x "/etc/init.d/$_su" ] && _sinitd=1
          _ssystemd=0; _sactive=
          _so=$(_sd show -- "$_su" 2>/dev/null); _src=$?
          case $_so in *=*) _sign=0 ;; *'ignoring request'*|*'ignoring command'*) _sign=1 ;; *) _sign=0 ;; esac
          if [ $_src = 0 ] && [ $_sign = 0 ]; then
            _rec show "$_so"
            _sls=$(printf '%s\n' "$_so" | sed -n 's/^LoadState=//p')
            _sactive=$(printf '%s\n' "$_so" | sed -n 's/^ActiveState=//p')
            [ -n "$_sls" ] && [ "$_sls" != not-found ] && _ssystemd=1
            if [ $_ssystemd = 1 ] && [ "$_sls" != masked ]; then
              _sle=$(printf '%s\n' "$_so" | sed -n 's/^LoadError=//p')
              [ -n "$_sle" ] && _pfail "Error loading unit file '$_su': $_sle"
            fi
          else
            case $(_sd is-enabled -- "$_su" 2>/dev/null) in
              enabled|enabled-runtime|linked|linked-runtime|masked|masked-runtime|static|indirect|disabled|generated|transient) _ssystemd=1 ;;
              *) _sd list-unit-files -- "$_su" >/dev/null 2>&1 && _ssystemd=1 ;;
            esac
          fi
          _sfound=0; { [ $_ssystemd = 1 ] || [ $_sinitd = 1 ]; } && _sfound=1
          _rec found $_sfound
          [ $_sinitd = 1 ] && [ $_ssystemd = 0 ] && _rec warninitd "The service ($_su) is actually an init script but the system is managed by systemd"
          :
        }
        _sdmask() {
          _sm=0; [ "$(_sd is-enabled -- "$_su" 2>/dev/null)" = masked ] && _sm=1
          [ $_sm = "$1" ] && return
          _rec changed 1
          [ "$2" = 1 ] && return
          if [ "$1" = 1 ]; then _sv=mask; else _sv=unmask; fi
          _o=$(_sd $_sv -- "$_su" 2>&1) || { _sdmissing; _pfail "Failed to $_sv the service ($_su): $_o"; }
        }
        _sdenable() {
          _sdmissing
          _se=0
          _so=$(_sd is-enabled -l -- "$_su" 2>/dev/null); _src=$?
          if [ $_src = 0 ]; then
            case $_so in enabled-runtime|indirect|alias) ;; *) _se=1 ;; esac
          elif [ $_src = 1 ] && [ "$3" = system ] && [ $_sinitd = 1 ]; then
            case $_so in *disabled) ;; *) ls /etc/rc?.d/S??"$_su" >/dev/null 2>&1 && _se=1 ;; esac
          fi
          _rec enabled $_se
          [ $_se = "$1" ] && return
          _rec changed 1
          _rec enabled "$1"
          [ "$2" = 1 ] && return
          if [ "$1" = 1 ]; then _sv=enable; else _sv=disable; fi
          _o=$(_sd $_sv -- "$_su" 2>&1) || _pfail "Unable to $_sv service $_su: $_o"
        }
        _sdstate() {
          _sdmissing
          _rec state "$1"
          if [ -z "$_sactive" ]; then
            if _sdoffline; then _rec warnoffline "Target is a chroot or systemd is offline. This can lead to false positives or prevent the init system tools from working."; return; fi
            _rec unknown 1; exit 0
          fi
          _srun=0; case $_sactive in active|activating) _srun=1 ;; esac
          _sv=
          case $1 in
            started) [ $_srun = 1 ] || _sv=start ;;
            stopped) { [ $_srun = 1 ] || [ "$_sactive" = deactivating ]; } && _sv=stop ;;
            *) if [ $_srun = 1 ]; then _sv=${1%ed}; else _sv=start; fi; _rec state started ;;
          esac
          [ -n "$_sv" ] || return
          _rec changed 1
          [ "$2" = 1 ] && return
          _o=$(_sd $_sv -- "$_su" 2>&1 >/dev/null) || _pfail "Unable to $_sv service $_su: $_o"
        }
        """#
}
