import PlayBase

/// The shell the user module runs after (or, for a new user, around) its account commands, in
/// the same command: a missing home directory made from the skeleton with login.defs' mode and
/// handed to the user, the SSH key pair, and password ageing with `chage`. Check mode reports
/// what would change and writes nothing. Records: `pw` (the entry afterwards), `homemade`,
/// `keygen`, `keywarn`, `fp`, `pub`, `keyfile`, `chage`.
enum UserAftercare {
    struct SSHKey {
        var file: String
        var type: String
        var bits: Int
        /// nil: Ansible's default, "ansible-generated on" the target's host name.
        var comment: String?
        var passphrase: String?
        var force: Bool
    }

    struct Ageing: Equatable {
        var min: Int?
        var max: Int?
        var warn: Int?
    }

    /// `_pmkhome PATH`: the skeleton (or an empty directory) at PATH, mode from login.defs
    /// (HOME_MODE, else 0777 & ~UMASK, else 0755).
    static func homeFunctions(skeleton: String?) -> String {
        #"""
        _pskel=\#(ShellWords.quote(skeleton ?? "/etc/skel"))
        _pmkhome() {
          if [ -e "$_pskel" ] && [ "$_pskel" != /dev/null ]; then
            mkdir -p -- "$(dirname -- "$1")" && cp -RP -- "$_pskel" "$1" || _pfail "could not copy $_pskel to $1"
          else mkdir -p -- "$1" || _pfail "could not create $1"; fi
          if [ -f /etc/login.defs ]; then
            _phm=$(awk '$1 == "HOME_MODE" && $2 ~ /^[0-9]+$/ { print $2; exit }' /etc/login.defs)
            if [ -z "$_phm" ]; then
              _pum=$(awk '$1 == "UMASK" && $2 ~ /^[0-9]+$/ { u = $2 } END { print u }' /etc/login.defs)
              if [ -n "$_pum" ]; then _phm=$(printf '%o' $((0777 & ~0$_pum))); else _phm=755; fi
            fi
            chmod "$_phm" "$1"
          fi
        }
        _pchownhome() { find "$3" ! -type l -exec chown "$1:$2" {} + 2>/dev/null || _pfail "could not give $3 to $1:$2"; }
        """#
    }

    /// The script after the account commands ran (or, in check mode, would have); it follows
    /// `homeFunctions`, and hands the home over when the module made it first (`_pnp=1`).
    static func script(name: String, home: String?, createHome: Bool, skeleton: String?, checkMode: Bool,
                       key: SSHKey?, ageing: Ageing) -> String {
        var s = ["_pn=\(ShellWords.quote(name)); _pck=\(checkMode ? 1 : 0)",
                 #"""
                 _pw=$(_pdb passwd "$_pn" | head -n 1)
                 printf 'pw=%s\0' "$_pw"
                 [ -n "$_pw" ] || exit 0
                 _puid=$(printf '%s' "$_pw" | cut -d: -f3); _pgid=$(printf '%s' "$_pw" | cut -d: -f4)
                 _phd=$(printf '%s' "$_pw" | cut -d: -f6)
                 [ "${_pnp-0}" = 1 ] && [ "$_pck" = 0 ] && _pchownhome "$_puid" "$_pgid" "$_phd"
                 """#]
        if let home { s.append("_phd=\(ShellWords.quote(home))") }
        if createHome {
            s.append(#"""
                if [ ! -e "$_phd" ]; then
                  printf 'homemade=1\0'
                  [ "$_pck" = 1 ] || { _pmkhome "$_phd"; _pchownhome "$_puid" "$_pgid" "$_phd"; }
                fi
                """#)
        }
        if let key { s.append(keyScript(key)) }
        if ageing != Ageing() {
            s.append(#"_psp=$(_pdb shadow "$_pn" 2>/dev/null | head -n 1); _pca="#)
            for (flag, field, value) in [("-m", 4, ageing.min), ("-M", 5, ageing.max), ("-W", 6, ageing.warn)] {
                guard let value else { continue }
                s.append(#"[ "$(printf '%s' "$_psp" | cut -d: -f\#(field))" = \#(value) ] || _pca="$_pca \#(flag) \#(value)""#)
            }
            s.append(#"""
                if [ -n "$_pca" ]; then
                  printf 'chage=1\0'
                  [ "$_pck" = 1 ] || { _ptag=c; _prun chage $_pca "$_pn"; }
                fi
                """#)
        }
        return s.joined(separator: "\n")
    }

    private static func keyScript(_ key: SSHKey) -> String {
        var keygen = ["ssh-keygen", "-t", key.type]
        if key.bits > 0 { keygen += ["-b", String(key.bits)] }
        let comment = key.comment.map(ShellWords.quote) ?? #""ansible-generated on $(uname -n)""#
        let file = key.file.hasPrefix("/") ? ShellWords.quote(key.file) : "\"$_phd\"/" + ShellWords.quote(key.file)
        return #"""
            _pkf=\#(file); _pkd=$(dirname -- "$_pkf"); _pkgo=1; _pkin=
            printf 'keyfile=%s\0' "$_pkf"
            \#(key.file.hasPrefix("/") ? "" : #"[ -e "$_phd" ] || [ "$_pck" = 1 ] || _pfail "User $_pn home directory does not exist""#)
            if [ ! -e "$_pkd" ]; then
              if [ "$_pck" = 1 ]; then printf 'keygen=0\0'; _pkgo=0
              else mkdir -m 0700 -- "$_pkd" && chown "$_puid:$_pgid" "$_pkd" || _pfail "Failed to create $_pkd"; fi
            fi
            for _pkx in "$_pkf" "$_pkf.pub"; do
              [ "$_pkgo" = 1 ] && [ -e "$_pkx" ] || continue
              case $_pkx in *.pub) _pkw='public';; *) _pkw='private';; esac
              if [ \#(key.force ? 1 : 0) = 1 ]; then
                printf 'keywarn=Overwriting existing ssh key %s file "%s"\0' "$_pkw" "$_pkx"
                case $_pkx in *.pub) [ "$_pck" = 1 ] || rm -f -- "$_pkx";; *) _pkin=y;; esac
              else
                printf 'keywarn=Found existing ssh key %s file "%s", no force, so skipping ssh-keygen generation\0' "$_pkw" "$_pkx"
                _pkgo=0
              fi
            done
            if [ "$_pkgo" = 1 ]; then
              if [ "$_pck" = 1 ]; then printf 'keygen=0\0'
              else
                _pin=$_pkin; _ptag=k; _prun \#(SystemScript.line(keygen)) -C \#(comment) -f "$_pkf" -N \#(ShellWords.quote(key.passphrase ?? ""))
                printf 'keygen=0\0'
                chown "$_puid:$_pgid" "$_pkf" "$_pkf.pub"
              fi
            fi
            if [ -e "$_pkf" ]; then
              _pfp=$(ssh-keygen -l -f "$_pkf" 2>&1) && printf 'fp=%s\0' "$_pfp" || printf 'fp=\0'
            else printf 'fp=\0'; fi
            [ -r "$_pkf.pub" ] && printf 'pub=%s\0' "$(cat -- "$_pkf.pub")"
            """#
    }
}
