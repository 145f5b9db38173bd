import PlayBase

/// Shell functions the file-handling modules (copy, template, file) send ahead of their own
/// steps, so each module call is one command on the target. They speak only POSIX `sh` plus
/// the coreutils every Debian host has (`stat -c`, `sha1sum`, `mktemp`, `find`); scripts answer
/// with `key=value` records separated by NUL bytes (see `ScriptRecords`), because paths may
/// hold newlines.
///
/// Variables the functions read: `_pm` mode (4-digit octal or symbolic, empty for none),
/// `_pms` 1 when symbolic, `_po` owner, `_pg` group, `_pck` 1 in check mode, `_pfl` 1 to follow
/// symlinks. `_pch` becomes 1 when something changed (or would, in check mode).
enum FileScript {
    /// Variable settings for the functions, from the module's arguments.
    static func settings(mode: FileMode?, owner: String?, group: String?, checkMode: Bool, follow: Bool) -> String {
        let modeText: String
        var symbolic = false
        switch mode {
        case .octal(let m)?: modeText = FileMode.octalText(m)
        case .symbolic(let s)?: modeText = s; symbolic = true
        case .preserve?, nil: modeText = ""
        }
        return """
            _pch=0
            _pm=\(ShellWords.quote(modeText)); _pms=\(symbolic ? 1 : 0)
            _po=\(ShellWords.quote(owner ?? "")); _pg=\(ShellWords.quote(group ?? ""))
            _pck=\(checkMode ? 1 : 0); _pfl=\(follow ? 1 : 0)
            """
    }

    static let functions = #"""
        _pfail() { [ -z "${_pscratch-}" ] || rm -f -- "$_pscratch"; printf 'failed=%s\0' "$1"; exit 0; }
        _psum() {
          if command -v "$1sum" >/dev/null 2>&1; then _h=$("$1sum" < "$2") || return 1
          else _h=$(openssl dgst "-$1" -r < "$2") || return 1; fi
          printf %s "${_h%% *}"
        }
        _pmodes() {
          if [ "$2" = 1 ]; then find "$1" ! -type l -exec stat -c "$3" {} +; else stat $_pl -c "$3" -- "$1"; fi
        }
        _pown() {
          [ -n "$2" ] || return 0
          _pd=0
          if [ "$4" = 1 ]; then
            [ -z "$(find "$1" ! "-$5" "$2" -print 2>&1 | head -n 1)" ] || _pd=1
          else
            case $2 in *[!0-9]*) _pf=$6;; *) _pf=$7;; esac
            [ "$(stat $_pl -c "$_pf" -- "$1")" = "$2" ] || _pd=1
          fi
          if [ $_pd = 1 ]; then
            _pch=1
            _pwas=$(stat $_pl -c "$7" -- "$1")
            [ "$_pck" = 1 ] || _pe=$("$3" $_ph $_pr -- "$2" "$1" 2>&1) || _pfail "$3 failed: $_pe"
            case $2 in
            *[!0-9]*) if [ "$5" = user ]; then _pnow=$(id -u -- "$2"); else _pnow=$(getent group "$2" | cut -d: -f3); fi;;
            *) _pnow=$2;;
            esac
            [ "$_pwas" = "$_pnow" ] || printf '%s_before=%s\0%s_after=%s\0' "$5" "$_pwas" "$5" "$_pnow"
          fi
        }
        _pattrs() {
          _pl=; _ph=; _pr=
          [ "$2" = 1 ] && _pr=-R
          if [ -L "$1" ]; then if [ "$_pfl" = 1 ]; then _pl=-L; else _ph=-h; fi; fi
          _pown "$1" "$_po" chown "$2" user %U %u
          _pown "$1" "$_pg" chgrp "$2" group %G %g
          [ -n "$_pm" ] && [ -z "$_ph" ] || return 0
          _pmb=$(stat $_pl -c %a -- "$1")
          if [ "$_pms" != 1 ]; then
            [ "$(printf %04d "$_pmb")" = "$_pm" ] || printf 'mode_before=%s\0mode_after=%s\0' "$_pmb" "$_pm"
            _pd=0
            if [ "$2" = 1 ]; then
              [ -z "$(find "$1" ! -type l ! -perm "$_pm" -print 2>&1 | head -n 1)" ] || _pd=1
            else
              [ "$(printf %04d "$(stat $_pl -c %a -- "$1")")" = "$_pm" ] || _pd=1
            fi
            if [ $_pd = 1 ]; then
              _pch=1
              [ "$_pck" = 1 ] || _pe=$(chmod $_pr -- "$_pm" "$1" 2>&1) || _pfail "chmod failed: $_pe"
            fi
          elif [ "$_pck" = 1 ]; then
            _pd=$(_pmodes "$1" "$2" '%a %F' | sort -u | while read -r _pa _pk; do
              if [ "$_pk" = directory ]; then _ps=$(mktemp -d); else _ps=$(mktemp); fi
              chmod "$_pa" "$_ps"
              if chmod -- "$_pm" "$_ps" 2>/dev/null; then [ "$(stat -c %a "$_ps")" = "$_pa" ] || echo d; else echo bad; fi
              rm -rf "$_ps"
            done)
            case $_pd in *bad*) _pfail "bad symbolic permission for mode: $_pm";; *d*) _pch=1;; esac
          else
            _pb=$(_pmodes "$1" "$2" %a)
            _pe=$(chmod $_pr -- "$_pm" "$1" 2>&1) || _pfail "chmod failed: $_pe"
            [ "$_pb" = "$(_pmodes "$1" "$2" %a)" ] || _pch=1
            _pma=$(stat $_pl -c %a -- "$1")
            [ "$_pmb" = "$_pma" ] || printf 'mode_before=%s\0mode_after=%s\0' "$_pmb" "$_pma"
          fi
        }
        _preport() {
          printf 'st=%s\0' "$(stat -c '%a %u %g %s %U %G %F' -- "$1" 2>/dev/null)"
        }
        """#
}
