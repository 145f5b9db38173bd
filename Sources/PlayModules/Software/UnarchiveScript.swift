import PlayBase

/// The shell script `unarchive` runs on the target. It picks the handler as Ansible does (the
/// first of zip, tar -z, tar, tar -j, tar -J that lists the archive), extracts the archive into
/// a scratch directory, and compares every listed entry with `dest` (type, content, link target,
/// and, unless `mode`/`owner`/`group` are given, permissions and, as root, ownership; file
/// modification times): Ansible's `tar --diff` judgement, made with tools busybox has too.
/// Only when something differs, and not in check mode, is the scratch tree copied over `dest`
/// (`cp -a`, so times, modes and links come along); `keep_newer` first drops entries whose
/// copy in `dest` is newer, `exclude` entries are dropped from the scratch tree. Then `mode`,
/// `owner` and `group` are applied to every listed entry.
///
/// Records: `skipped` (creates), `handler`, `src`, `file` (one per listed entry, joined by the
/// module), `differs`, `cmd` (words joined by \u{1}), `rc`, `out`, `err`, `changed`, `st`.
struct UnarchiveScript {
    enum Source {
        /// The archive's bytes arrive on stdin (a controller file).
        case stdin(name: String)
        case remote(String)
        case url(String, HTTPDownload)
    }

    var source: Source
    var dest: String
    var creates: String?
    var mode: FileMode?
    var owner: String?
    var group: String?
    var keepNewer = false
    var exclude: [String] = []
    var include: [String] = []
    var extraOptions: [String] = []
    var checkMode = false

    var text: String {
        var s = [FileScript.settings(mode: mode, owner: owner, group: group, checkMode: checkMode, follow: false),
                 FileScript.functions]
        if let creates {
            s.append("for _pf in \(ShellWord.glob(creates)); do [ -e \"$_pf\" ] && { printf 'skipped=1\\0'; exit 0; }; done")
        }
        s.append("_pD=\(ShellWord.expanded(dest))")
        s.append(#"""
            [ -d "$_pD" ] || _pfail "dest '$_pD' must be an existing dir"
            _pW=$(mktemp -d "${TMPDIR:-/tmp}/play-unarchive-XXXXXX") || _pfail "could not create a scratch directory"
            trap 'rm -rf "$_pW"' EXIT
            """#)
        switch source {
        case .stdin(let name):
            s.append("_pS=\"$_pW\"/\(ShellWords.quote(name)); cat > \"$_pS\" || _pfail \"Source '\(name)' failed to transfer\"")
        case .remote(let path):
            s.append("_pS=\(ShellWord.expanded(path))")
            s.append(#"""
                [ -e "$_pS" ] || _pfail "Source '$_pS' does not exist"
                [ -r "$_pS" ] || _pfail "Source '$_pS' not readable"
                case $_pS in /*) ;; *) _pS=$(pwd)/$_pS;; esac
                """#)
        case .url(let url, let download):
            s.append(download.functions)
            s.append("_pS=\"$_pW\"/\(ShellWords.quote(HTTPDownload.fileName(url)))")
            s.append("_pdl \(ShellWords.quote(url)) \"$_pS\"")
            s.append(#"""
                [ "$_pdlstatus" = -1 ] && _pfail "Failure downloading \#(url), $_pdlerr"
                [ "$_pdlstatus" = 200 ] || _pfail "Failure downloading \#(url), HTTP Error $_pdlstatus: $(_pdlreason "$_pS")"
                rm -f "$_pS.h"
                """#)
        }
        s.append(#"printf 'src=%s\0' "$_pS""#)
        s.append(#"[ -s "$_pS" ] || _pfail "Invalid archive '$_pS', the file is 0 bytes""#)
        // An entry is excluded when it or one of its parent directories matches (as tar's --exclude).
        s.append("_pexcluded() {\n  _pq=$1\n  while :; do\n    case $_pq in\n"
                 + exclude.map { "    \(ShellWord.glob(Self.trimmedSlash($0)))) return 0;;" }.joined(separator: "\n")
                 + "\n    esac\n    case $_pq in */*) _pq=${_pq%/*};; *) return 1;; esac\n  done\n}")
        let includes = include.map(ShellWords.quote).joined(separator: " ")
        let options = extraOptions.map(ShellWords.quote).joined(separator: " ")
        s.append(#"""
            _pgnu=0; tar --version 2>/dev/null | grep -q GNU && _pgnu=1
            _phandler=
            if command -v unzip >/dev/null 2>&1; then
              if unzip -Z1 "$_pS" > "$_pW/list" 2>/dev/null; then _phandler=ZipArchive
              elif unzip -l "$_pS" > "$_pW/l" 2>/dev/null; then
                awk '/^ *-----/ { n++; next } n == 1 { sub(/^ *[0-9]+ +[^ ]+ +[^ ]+ +/, ""); print }' "$_pW/l" > "$_pW/list"
                _phandler=ZipArchive
              fi
              [ -n "$_phandler" ] && [ ! -s "$_pW/list" ] && _phandler=
            fi
            if [ -z "$_phandler" ] && command -v tar >/dev/null 2>&1; then
              for _pz in TgzArchive:-z TarArchive: TarBzipArchive:-j TarXzArchive:-J; do
                _pflag=${_pz#*:}
                if [ $_pgnu = 1 ] && [ -n "\#(options.isEmpty ? "" : "x")" ]; then
                  tar -t $_pflag --show-transformed-names \#(options) -f "$_pS" \#(includes) > "$_pW/list" 2>/dev/null || continue
                else
                  tar -t $_pflag -f "$_pS" \#(includes) > "$_pW/list" 2>/dev/null || continue
                fi
                [ -s "$_pW/list" ] && { _phandler=${_pz%%:*}; break; }
              done
            fi
            [ -n "$_phandler" ] || _pfail "Failed to find handler for \"$_pS\". Make sure the required command to extract the file is installed."
            printf 'handler=%s\0' "$_phandler"
            mkdir "$_pW/x"
            if [ $_phandler = ZipArchive ]; then
              set -- "$(command -v unzip)" -o \#(options) "$_pS" \#(includes) -d "$_pW/x"
            else
              set -- "$(command -v tar)" -x $_pflag -C "$_pW/x" \#(options) -f "$_pS" \#(includes)
            fi
            printf 'cmd='; printf '%s\001' "$@"; printf '\0'
            "$@" > "$_pW/out" 2> "$_pW/err"; _prc=$?
            printf 'rc=%s\0out=%s\0err=%s\0' "$_prc" "$(cat "$_pW/out")" "$(cat "$_pW/err")"
            [ $_prc = 0 ] || _pfail "failed to unpack $_pS to $_pD"
            _puid=$(id -u)
            _pdiffers() {
              _pa="$_pW/x/$1"; _pb="$_pD/$1"
              if [ -L "$_pa" ]; then
                [ -L "$_pb" ] && [ "$(readlink "$_pa")" = "$(readlink "$_pb")" ] || return 0
                return 1
              fi
              if [ -d "$_pa" ]; then [ -d "$_pb" ] && [ ! -L "$_pb" ] || return 0
              elif [ -e "$_pa" ]; then
                [ -f "$_pb" ] && [ ! -L "$_pb" ] || return 0
                [ \#(keepNewer ? 1 : 0) = 1 ] && [ "$(stat -c %Y "$_pb")" -gt "$(stat -c %Y "$_pa")" ] && return 1
                cmp -s "$_pa" "$_pb" || return 0
                [ "$(stat -c %Y "$_pa")" = "$(stat -c %Y "$_pb")" ] || return 0
              else return 1
              fi
              if [ -z "$_pm" ]; then [ "$(stat -c %a "$_pa")" = "$(stat -c %a "$_pb")" ] || return 0; fi
              if [ "$_puid" = 0 ]; then
                [ -n "$_po" ] || [ "$(stat -c %u "$_pa")" = "$(stat -c %u "$_pb")" ] || return 0
                [ -n "$_pg" ] || [ "$(stat -c %g "$_pa")" = "$(stat -c %g "$_pb")" ] || return 0
              fi
              return 1
            }
            _pdiff=0
            while IFS= read -r _pe; do
              _pe=${_pe#/}; [ -n "$_pe" ] || continue
              _pn=${_pe%/}
              if _pexcluded "$_pn"; then rm -rf "$_pW/x/$_pn"; continue; fi
              printf 'file=%s\0' "$_pe"
              printf '%s\n' "$_pn" >> "$_pW/kept"
              if [ $_pdiff = 0 ] && _pdiffers "$_pn"; then _pdiff=1; printf 'first_difference=%s\0' "$_pn"; fi
            done < "$_pW/list"
            printf 'differs=%s\0' "$_pdiff"
            if [ $_pdiff = 1 ]; then
              _pch=1
              if [ $_pck = 0 ]; then
                if [ \#(keepNewer ? 1 : 0) = 1 ]; then
                  while IFS= read -r _pn; do
                    [ -f "$_pW/x/$_pn" ] && [ -f "$_pD/$_pn" ] && [ "$(stat -c %Y "$_pD/$_pn")" -gt "$(stat -c %Y "$_pW/x/$_pn")" ] && rm -f "$_pW/x/$_pn"
                  done < "$_pW/kept"
                fi
                _pe=$(cp -a "$_pW/x/." "$_pD/" 2>&1) || _pfail "failed to unpack $_pS to $_pD: $_pe"
              fi
            fi
            if [ -s "$_pW/kept" ] && { [ -n "$_pm" ] || [ -n "$_po" ] || [ -n "$_pg" ]; }; then
              while IFS= read -r _pn; do
                [ -e "$_pD/$_pn" ] && _pattrs "$_pD/$_pn" 0
              done < "$_pW/kept"
            fi
            _preport "$_pD"
            printf 'changed=%s\0' "$_pch"
            """#)
        return s.joined(separator: "\n")
    }

    private static func trimmedSlash(_ pattern: String) -> String {
        var p = pattern
        while p.hasSuffix("/") { p.removeLast() }
        return p
    }
}
