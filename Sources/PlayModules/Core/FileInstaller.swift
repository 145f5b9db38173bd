import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor

/// Puts one file on the target for `copy` and `template`: compares the SHA-1 of what is there
/// with the new content's BEFORE writing, writes only when they differ (atomically: a temporary
/// file beside the destination, given its mode/owner/group, then renamed over it), applies
/// mode/owner/group to a file left as it was, and reports the file's attributes.
///
/// Round trips: content up to `inlineLimit` bytes travels with the script, so a call is one
/// command whether or not the file changes. Larger content first goes without its bytes; only
/// if the script answers that the file differs is it run again with them (two commands).
struct FileInstaller {
    enum Source {
        /// Bytes from the controller; `name` is the file name used when `dest` is a directory
        /// (nil for `content:`, which cannot go into a directory).
        case data(Data, name: String?)
        /// A file already on the target (`remote_src: true`).
        case remote(String)
    }

    static let inlineLimit = 256 * 1024
    /// Ansible's `max_file_size_for_diff`.
    static let diffLimit = 104_448

    var source: Source
    var dest: String
    var mode: FileMode?
    var owner: String?
    var group: String?
    var force = true
    var backup = false
    var validate: String?
    var follow = false
    /// Shown as `src` in the result and as the diff's `after_header`.
    var sourceLabel: String?

    func run(_ context: ModuleContext) async throws -> TaskResult {
        if let validate, !validate.contains("%s") {
            return .failed("validate must contain %s: \(validate)")
        }
        let validateWords: [String]?
        do {
            validateWords = try validate.map { try ShellWords.split($0) }
        } catch {
            return .failed("cannot split validate into words: \(error) (check the quotes in: \(validate ?? ""))")
        }
        let connection = try await context.connection()
        var data: Data?
        if case .data(let d, _) = source { data = d }
        let inline = data.map { $0.count <= Self.inlineLimit } ?? true
        var answer = try await connection.run(request(context, validateWords: validateWords, sendData: inline))
        var records = ScriptRecords(answer.stdout)
        if records.flag("need"), data != nil {
            // Large content that differs: now send it.
            answer = try await connection.run(request(context, validateWords: validateWords, sendData: true))
            records = ScriptRecords(answer.stdout)
        }
        if let failure = records.failure(of: answer) {
            var r = failure
            if let out = records["validate_out"] { r["stdout"] = .string(out) }
            return r
        }
        return result(records, context: context, data: data)
    }

    private func request(_ context: ModuleContext, validateWords: [String]?, sendData: Bool) -> CommandRequest {
        var stdin: Data?
        if sendData, !context.checkMode, case .data(let d, _) = source { stdin = d }
        return CommandRequest(
            command: script(checkMode: context.checkMode, diff: context.diffMode, validateWords: validateWords,
                            sendData: sendData),
            stdin: stdin, environment: context.environment, become: context.become, becomeUser: context.becomeUser)
    }

    func script(checkMode: Bool, diff: Bool, validateWords: [String]?, sendData: Bool) -> String {
        var s = [FileScript.settings(mode: mode, owner: owner, group: group, checkMode: checkMode, follow: follow),
                 FileScript.functions]
        s.append("_pD=\(ShellWord.expanded(dest)); _pmade=0")
        if dest.hasSuffix("/") {
            s.append("""
                if [ ! -d "$_pD" ]; then
                  [ -e "$_pD" ] && _pfail "Destination $_pD exists and is not a directory"
                  [ "$_pck" = 1 ] || { _pe=$(mkdir -p -- "$_pD" 2>&1) || _pfail "could not create directory $_pD: $_pe"; }
                  _pch=1; _pmade=1
                fi
                """)
        }
        let name: String?
        switch source {
        case .data(_, let n): name = n
        case .remote(let path): name = path
        }
        if let name {
            let base = (name as NSString).lastPathComponent
            s.append("if [ -d \"$_pD\" ] || [ $_pmade = 1 ]; then _pD=\"${_pD%/}/\"\(ShellWords.quote(base)); fi")
        } else {
            s.append(#"[ -d "$_pD" ] && _pfail "can not use content with a dir as dest""#)
        }
        if follow {
            s.append(#"if [ -L "$_pD" ]; then _pD=$(readlink -f -- "$_pD"); fi"#)
        }
        s.append(#"[ -d "$_pD" ] && _pfail "Destination $_pD is a directory""#)
        switch source {
        case .remote(let path):
            s.append("""
                _pS=\(ShellWord.expanded(path))
                [ -e "$_pS" ] || _pfail "Source $_pS not found"
                [ -d "$_pS" ] && _pfail "Source $_pS is a directory: copying directories with remote_src is not supported"
                _pwant=$(_psum sha1 "$_pS") || _pfail "Source $_pS not readable"
                printf 'srcsum=%s\\0' "$_pwant"
                """)
        case .data(let d, _):
            s.append("_pwant=\(Digest.hex(d, .sha1))")
        }
        s.append(#"""
            case $_pD in */*) _pdir=${_pD%/*}; [ -n "$_pdir" ] || _pdir=/;; *) _pdir=.;; esac
            if [ -e "$_pD" ]; then
              _pcur=$(_psum sha1 "$_pD") || _pfail "Destination $_pD not readable"
            else
              _pcur=
              # Check mode reports a would-be write even when an earlier task would have made the
              # directory (Ansible compares checksums only there).
              [ -d "$_pdir" ] || [ $_pmade = 1 ] || [ $_pck = 1 ] || _pfail "Destination directory $_pdir does not exist"
            fi
            _pneed=0
            """#)
        s.append("if [ \"$_pcur\" != \"$_pwant\" ]; then if [ -z \"$_pcur\" ] || [ \(force ? 1 : 0) = 1 ]; then _pneed=1; fi; fi")
        if diff {
            s.append(#"""
                if [ $_pneed = 1 ] && [ -n "$_pcur" ]; then
                  if [ "$(stat -c %s -- "$_pD")" -le \#(Self.diffLimit) ]; then
                    printf 'before='; base64 < "$_pD" | tr -d '\n'; printf '\0'
                  else printf 'dst_larger=1\0'; fi
                elif [ $_pneed = 1 ]; then printf 'dst_absent=1\0'
                fi
                """#)
        }
        var write: [String] = []
        if !sendData, case .data = source {
            write.append(#"printf 'need=1\0'; exit 0"#)
        } else {
            write.append(#"_pt=$(mktemp "$_pdir/.play-tmp-XXXXXX") || _pfail "could not create a temporary file in $_pdir""#)
            if case .remote = source {
                write.append(#"_pe=$(cp -- "$_pS" "$_pt" 2>&1) || { rm -f "$_pt"; _pfail "could not copy $_pS: $_pe"; }"#)
            } else {
                write.append(#"cat > "$_pt" || { rm -f "$_pt"; _pfail "could not write $_pt"; }"#)
            }
            // A replaced file keeps its mode and ownership (as Ansible's atomic_move does); a new
            // one gets the umask's default, not mktemp's 0600.
            write.append(#"""
                if [ -e "$_pD" ]; then
                  chmod "$(stat -c %a -- "$_pD")" "$_pt"; chown "$(stat -c %u:%g -- "$_pD")" "$_pt" 2>/dev/null
                else
                  chmod "$(printf %o $((0666 & ~$(umask))))" "$_pt"
                fi
                """#)
            // The task's mode, owner and group go on before the rename, so the file never shows
            // at its path with other permissions (a 0600 secret briefly 0644); a failure from
            // here on removes the temporary file (`_pscratch`, see `_pfail`).
            write.append(#"_pscratch=$_pt; _pattrs "$_pt" 0"#)
            if let words = validateWords {
                let command = words.map(Self.validateWord).joined(separator: " ")
                write.append(#"_pvo=$(\#(command) 2>&1) || { rm -f "$_pt"; printf 'validate_out=%s\0' "$_pvo"; _pfail "failed to validate"; }"#)
            }
            if backup {
                write.append(#"""
                    if [ -e "$_pD" ]; then
                      _pb="$_pD.$$.$(date +%Y-%m-%d@%H:%M:%S)~"
                      _pe=$(cp -p -- "$_pD" "$_pb" 2>&1) || { rm -f "$_pt"; _pfail "could not back up $_pD: $_pe"; }
                      printf 'backup_file=%s\0' "$_pb"
                    fi
                    """#)
            }
            write.append(#"_pe=$(mv -f -- "$_pt" "$_pD" 2>&1) || { rm -f "$_pt"; _pfail "could not move the new file into place at $_pD: $_pe"; }"#)
            write.append("_pscratch=")
        }
        s.append("if [ $_pneed = 1 ]; then\n  _pch=1; printf 'written=1\\0'\n  if [ \"$_pck\" != 1 ]; then\n"
                 + write.joined(separator: "\n") + "\n  fi\nfi")
        s.append(#"""
            if [ -e "$_pD" ]; then _pattrs "$_pD" 0; _preport "$_pD"; fi
            printf 'dest=%s\0changed=%s\0' "$_pD" "$_pch"
            """#)
        return s.joined(separator: "\n")
    }

    /// A validate word with `%s` standing for the temporary file.
    private static func validateWord(_ word: String) -> String {
        let parts = word.components(separatedBy: "%s")
        return parts.enumerated().map { i, part in
            (i > 0 ? "\"$_pt\"" : "") + (part.isEmpty ? "" : ShellWords.quote(part))
        }.joined()
    }

    private func result(_ records: ScriptRecords, context: ModuleContext, data: Data?) -> TaskResult {
        var r = TaskResult()
        let changed = records.flag("changed")
        r.changed = changed
        r["dest"] = .string(records["dest"] ?? dest)
        // Ansible's unchanged answer comes from its file module, which adds `path`.
        if !records.flag("written") { r["path"] = .string(records["dest"] ?? dest) }
        if let sourceLabel { r["src"] = .string(sourceLabel) }
        if let data {
            r["checksum"] = .string(Digest.hex(data, .sha1))
            if records.flag("written") { r["md5sum"] = .string(Digest.hex(data, .md5)) }
        } else if let sum = records["srcsum"] {
            r["checksum"] = .string(sum)
        }
        let attributes = records.fileAttributes()
        if attributes.isEmpty {
            // Check mode for a file that does not exist yet: nothing to stat.
            if let data { r["size"] = .int(data.count) }
            r["state"] = "file"
        } else {
            for (k, v) in attributes { r[k] = v }
        }
        if let backup = records["backup_file"] { r["backup_file"] = .string(backup) }
        if context.diffMode, records.flag("written"), let data {
            r["diff"] = diff(records, data: data)
        }
        return r
    }

    /// Ansible's diff entry: the old and new text, or flags saying why they are not shown. A new
    /// file's old text is empty and has no header; the new text is headed by the source file, or
    /// by the destination for `content:`.
    private func diff(_ records: ScriptRecords, data: Data) -> Value {
        var d: OrderedDictionary<String, Value> = [:]
        let destination = records["dest"] ?? dest
        if records.flag("dst_absent") {
            d["before"] = ""
        } else if records.flag("dst_larger") {
            d["dst_larger"] = .int(Self.diffLimit)
        } else {
            let before = records["before"].flatMap { Data(base64Encoded: $0) } ?? Data()
            if let text = Self.text(before) {
                d["before_header"] = .string(destination)
                d["before"] = .string(text)
            } else {
                d["dst_binary"] = 1
            }
        }
        if data.count > Self.diffLimit {
            d["src_larger"] = .int(Self.diffLimit)
        } else if let text = Self.text(data) {
            d["after_header"] = .string(sourceLabel ?? destination)
            d["after"] = .string(text)
        } else {
            d["src_binary"] = 1
        }
        return .list([.dict(d)])
    }

    private static func text(_ data: Data) -> String? {
        guard !data.contains(0) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
