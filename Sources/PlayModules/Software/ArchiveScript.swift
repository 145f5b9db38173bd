import Foundation
import PlayBase

/// The two shell scripts of `archive`: the survey (glob expansion and existence of the paths)
/// and the build. Records: `exp`, `excl`, `dir`, `present` (survey, one per path); `arch` (one
/// per archived path), `dest_state`, `changed`, `st` (build).
struct ArchiveScript {
    var targets: [String]
    var root: String
    var dest: String
    var format: String
    var mustArchive = true
    var patterns: [String] = []
    var remove = false
    var mode: FileMode?
    var owner: String?
    var group: String?
    var checkMode = false

    /// Every record `key=` in `output`, in order.
    static func all(_ key: String, in output: Data) -> [String] {
        let prefix = key + "="
        return output.split(separator: 0).compactMap { record in
            let text = String(decoding: record, as: UTF8.self)
            return text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : nil
        }
    }

    static func survey(paths: [String], excludes: [String]) -> String {
        var s = [#"_plook() { printf '%s=%s\0' "$1" "$2"; [ "$1" = exp ] || return 0; [ -d "$2" ] && printf 'dir=%s\0' "$2"; { [ -e "$2" ] || [ -L "$2" ]; } && printf 'present=%s\0' "$2"; return 0; }"#]
        for (key, list) in [("exp", paths), ("excl", excludes)] {
            for path in list {
                if path.contains("*") || path.contains("?") {
                    s.append("for _pf in \(ShellWord.glob(path)); do { [ -e \"$_pf\" ] || [ -L \"$_pf\" ]; } && _plook \(key) \"$_pf\"; done")
                } else {
                    s.append("_plook \(key) \(ShellWord.expanded(path))")
                }
            }
        }
        s.append("exit 0")
        return s.joined(separator: "\n")
    }

    var text: String {
        let q = ShellWords.quote
        var s = [FileScript.settings(mode: mode, owner: owner, group: group, checkMode: checkMode, follow: false),
                 FileScript.functions]
        s.append("_pD=\(ShellWord.expanded(dest)); _proot=\(q(root)); _pfmt=\(q(format))")
        s.append("_pexcluded() {\n  case $1 in\n"
                 + patterns.map { "  \(ShellWord.glob($0))) return 0;;" }.joined(separator: "\n")
                 + "\n  esac\n  return 1\n}")
        s.append("set -- " + targets.map(q).joined(separator: " "))
        s.append(#"""
            printf 'dest=%s\0' "$_pD"
            _pstate() { case $_pD in *.tar|*.tar.gz|*.tar.bz2|*.tar.xz|*.tar.zst|*.tgz|*.tbz2|*.tzst|*.zip|*.TAR|*.TGZ|*.ZIP) echo archive;; *) echo compress;; esac; }
            if [ $# = 0 ]; then
              if [ -e "$_pD" ]; then printf 'dest_state=%s\0' "$(_pstate)"; _pattrs "$_pD" 0; _preport "$_pD"; fi
              printf 'changed=%s\0' "$_pch"; exit 0
            fi
            _pcompress() { case $_pfmt in gz) gzip -c;; bz2) bzip2 -c;; xz) xz -c;; *) cat;; esac; }
            _pdecompress() { case $_pfmt in gz) gzip -dc;; bz2) bzip2 -dc;; xz) xz -dc;; *) cat;; esac; }
            """#)
        if mustArchive {
            s.append(#"""
                if [ $_pck = 1 ]; then
                  for _pt in "$@"; do printf 'arch=%s\0' "$_pt"; done
                  printf 'dest_state=archive\0changed=1\0'; [ -e "$_pD" ] && _preport "$_pD"; exit 0
                fi
                _pW=$(mktemp -d "${TMPDIR:-/tmp}/play-archive-XXXXXX") || _pfail "could not create a scratch directory"
                trap 'rm -rf "$_pW"' EXIT
                : > "$_pW/members"
                for _pt in "$@"; do
                  if [ -d "$_pt" ] && [ ! -L "$_pt" ]; then find "$_pt" -mindepth 1; else printf '%s\n' "$_pt"; fi
                done > "$_pW/all"
                while IFS= read -r _pp; do
                  _pn=${_pp#"$_proot"}
                  if [ $_pfmt = zip ]; then _pexcluded "$_pp" && continue; else _pexcluded "$_pn" && continue; fi
                  printf 'arch=%s\0' "$_pp"
                  printf '%s\n' "$_pn" >> "$_pW/members"
                done < "$_pW/all"
                set --
                while IFS= read -r _pn; do set -- "$@" "$_pn"; done < "$_pW/members"
                if [ $_pfmt = zip ]; then
                  command -v zip >/dev/null 2>&1 || _pfail "archive with format zip needs the zip command on the target"
                  _pe=$(cd "$_proot" && zip -q -X "$_pW/new.zip" "$@" 2>&1) || _pfail "Error when writing zip archive at $_pD: $_pe"
                  _plist() { if unzip -Z1 "$1" >/dev/null 2>&1; then unzip -v "$1" | awk 'NR > 3 && $7 ~ /^[0-9a-f]+$/ { print $7, $8 }' | sort; else cksum < "$1"; fi; }
                  _pnew=$_pW/new.zip
                else
                  _pe=$( { (cd "$_proot" && tar -c --no-recursion -f - "$@") | _pcompress > "$_pW/new"; } 2>&1) \
                    || _pfail "Error when writing archive at $_pD: $_pe"
                  [ -s "$_pW/new" ] || _pfail "Error when writing archive at $_pD: $_pe"
                  _plist() { _pdecompress < "$1" | tar -tvf - 2>/dev/null | sort; }
                  _pnew=$_pW/new
                fi
                printf 'dest_state=archive\0'
                """#)
        } else {
            s.append(#"""
                _pt=$1
                printf 'arch=%s\0' "$_pt"
                if [ $_pck = 1 ]; then
                  [ -e "$_pD" ] || _pch=1
                  printf 'dest_state=compress\0'; [ -e "$_pD" ] && { _pattrs "$_pD" 0; _preport "$_pD"; }
                  printf 'changed=%s\0' "$_pch"; exit 0
                fi
                _pW=$(mktemp -d "${TMPDIR:-/tmp}/play-archive-XXXXXX") || _pfail "could not create a scratch directory"
                trap 'rm -rf "$_pW"' EXIT
                if [ $_pfmt = zip ] || [ $_pfmt = tar ]; then
                  _pn=${_pt#"$_proot"}
                  if [ $_pfmt = zip ]; then
                    _pe=$(cd "$_proot" && zip -q -X "$_pW/new.zip" "$_pn" 2>&1) || _pfail "Error when writing zip archive at $_pD: $_pe"
                    _pnew=$_pW/new.zip
                    _plist() { unzip -v "$1" | awk 'NR > 3 && $7 ~ /^[0-9a-f]+$/ { print $7, $8 }' | sort; }
                  else
                    (cd "$_proot" && tar -c --no-recursion -f "$_pW/new" "$_pn") || _pfail "Error when writing tar archive at $_pD"
                    _pnew=$_pW/new
                    _plist() { tar -tvf "$1" 2>/dev/null | sort; }
                  fi
                  printf 'dest_state=archive\0'
                else
                  _pcompress < "$_pt" > "$_pW/new" || _pfail "Unable to write to compressed file: $_pD"
                  _pnew=$_pW/new
                  _plist() { _pdecompress < "$1" | cksum; }
                  printf 'dest_state=compress\0'
                fi
                """#)
        }
        s.append(#"""
            if [ ! -e "$_pD" ] || [ "$(_plist "$_pD" 2>/dev/null)" != "$(_plist "$_pnew")" ]; then
              case $_pD in */*) _pdd=${_pD%/*}; [ -n "$_pdd" ] || _pdd=/;; *) _pdd=.;; esac
              _pt2=$(mktemp "$_pdd/.play-tmp-XXXXXX") || _pfail "could not write the archive in $_pdd"
              cat "$_pnew" > "$_pt2" && chmod "$(printf %o $((0666 & ~$(umask))))" "$_pt2"
              [ -e "$_pD" ] && chmod "$(stat -c %a -- "$_pD")" "$_pt2"
              _pe=$(mv -f -- "$_pt2" "$_pD" 2>&1) || { rm -f "$_pt2"; _pfail "could not move the archive into place at $_pD: $_pe"; }
              _pch=1
            fi
            """#)
        if remove {
            s.append(#"""
                for _pt in \#(targets.map(ShellWords.quote).joined(separator: " ")); do
                  rm -rf -- "$_pt" || _pfail "Error deleting some source files: $_pt"
                done
                _pch=1
                """#)
        }
        s.append(#"_pattrs "$_pD" 0; _preport "$_pD"; printf 'changed=%s\0' "$_pch""#)
        return s.joined(separator: "\n")
    }
}
