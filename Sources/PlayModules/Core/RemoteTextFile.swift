import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// A text file on the target that lineinfile, replace and blockinfile edit on the controller:
/// one command reads it whole, the module edits the text in Swift, and (only when the text
/// changed, or attributes were asked for) one more command writes it back atomically (a
/// temporary file beside it, renamed over it, keeping the old file's mode and owner as
/// Ansible's atomic_move does), makes a backup and applies mode/owner/group.
struct RemoteTextFile {
    enum State: String {
        case absent, file, directory
    }

    /// The path as the target's shell expanded it (`~`, `$VAR`).
    var path: String
    var state: State
    /// Where writes go: a symlink is followed to its target, as Ansible writes `realpath(path)`.
    var realPath: String
    var data: Data
    /// The SHA-1 of what was read, checked again just before writing.
    var checksum: String?

    /// The text, or nil when the file is not UTF-8.
    var text: String? { String(data: data, encoding: .utf8) }

    /// The bytes as text with one character per byte (ISO Latin-1): lineinfile and blockinfile
    /// work on bytes, as Ansible's do, so a file in any encoding is edited without loss and a
    /// pattern matches bytes as a Python bytes pattern does.
    var byteText: String { Self.byteText(data) }

    static func byteText(_ data: Data) -> String { String(decoding: data.map { UInt16($0) }, as: UTF16.self) }

    /// An argument (UTF-8 text) as byte text.
    static func byteText(_ argument: String) -> String { byteText(Data(argument.utf8)) }

    /// Byte text back to its bytes.
    static func bytes(_ byteText: String) -> Data { Data(byteText.utf16.map { UInt8(truncatingIfNeeded: $0) }) }

    /// Byte text shown as text (a diff), its bytes read as UTF-8, as Ansible's `to_native` does.
    static func displayText(_ byteText: String) -> String { String(decoding: bytes(byteText), as: UTF8.self) }

    struct Failure: Error {
        var result: TaskResult
    }

    static func read(_ path: String, context: ModuleContext) async throws -> RemoteTextFile {
        let script = """
            _pP=\(ShellWord.expanded(path))
            printf '%s\\0' "$_pP"
            if [ -d "$_pP" ]; then printf 'directory\\0'
            elif [ -e "$_pP" ]; then
              _pR=$_pP; [ -L "$_pP" ] && _pR=$(readlink -f -- "$_pP")
              printf 'file\\0%s\\0' "$_pR"; exec cat -- "$_pP"
            else printf 'absent\\0'; fi
            """
        let answer = try await context.connection().run(CommandRequest(
            command: script, environment: context.environment, become: context.become, becomeUser: context.becomeUser,
            outputLimit: CommandRequest.wholeFileOutputLimit))
        // Editing a file read in part would write the cut text back.
        if answer.stdoutOmitted > 0 {
            throw Failure(result: .failed("\(path) is larger than the \(ByteSize.describe(CommandRequest.wholeFileOutputLimit)) play reads into memory to edit"))
        }
        var fields = answer.stdout.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard answer.exitCode == 0, fields.count >= 2 else {
            let stderr = answer.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(result: .failed("could not read \(path) on the target: \(stderr.isEmpty ? "exit \(answer.exitCode)" : stderr)"))
        }
        let expanded = String(decoding: fields[0], as: UTF8.self)
        let state = State(rawValue: String(decoding: fields[1], as: UTF8.self)) ?? .absent
        var file = RemoteTextFile(path: expanded, state: state, realPath: expanded, data: Data())
        if state == .file, fields.count == 3 {
            let rest = fields.removeLast()
            if let nul = rest.firstIndex(of: 0) {
                file.realPath = String(decoding: rest[rest.startIndex..<nul], as: UTF8.self)
                file.data = Data(rest[rest.index(after: nul)...])
            }
            file.checksum = Digest.hex(file.data, .sha1)
        }
        return file
    }

    /// What writing (or, in check mode, checking) did.
    struct Outcome {
        /// mode/owner/group differed (and were set, outside check mode).
        var attributesChanged = false
        var backupFile: String?
        /// The attributes that differ, for the diff (empty when none do).
        var attributesBefore: OrderedDictionary<String, Value> = [:]
        var attributesAfter: OrderedDictionary<String, Value> = [:]
    }

    /// Writes `newData` (nil: only check and apply the attributes) unless in check mode; with
    /// `makeParents`, missing parent directories are created first (lineinfile/blockinfile `create`).
    func write(_ newData: Data?, context: ModuleContext, mode: FileMode?, owner: String?, group: String?,
               backup: Bool, validate: String?, makeParents: Bool) async throws -> Outcome {
        let exists = state == .file
        let attributes = mode != nil || owner != nil || group != nil
        // Check mode only needs the target to compare attributes.
        if context.checkMode && (!exists || !attributes) { return Outcome() }
        if newData == nil && (!attributes || !exists) { return Outcome() }
        var validateCommand: String?
        if let validate, newData != nil {
            guard validate.contains("%s") else { throw Failure(result: .failed("validate must contain %s: \(validate)")) }
            do {
                validateCommand = try ShellWords.split(validate).map(Self.validateWord).joined(separator: " ")
            } catch {
                throw Failure(result: .failed("cannot split validate into words: \(error) (check the quotes in: \(validate))"))
            }
        }
        var s = [FileScript.settings(mode: mode, owner: owner, group: group, checkMode: context.checkMode, follow: true),
                 FileScript.functions]
        s.append("_pD=\(ShellWords.quote(realPath))")
        let writing = newData != nil && !context.checkMode
        if writing {
            s.append(#"case $_pD in */*) _pdir=${_pD%/*}; [ -n "$_pdir" ] || _pdir=/;; *) _pdir=.;; esac"#)
            if makeParents {
                s.append(#"[ -d "$_pdir" ] || { _pe=$(mkdir -p -- "$_pdir" 2>&1) || _pfail "Error creating $_pdir ($_pe)"; }"#)
            }
            if let checksum {
                // The file was read by an earlier command: refuse to overwrite someone else's edit.
                s.append(#"[ -e "$_pD" ] && [ "$(_psum sha1 "$_pD")" != \#(checksum) ] && _pfail "$_pD changed on the target while it was being edited; run the task again""#)
            }
            s.append(#"""
                _pt=$(mktemp "$_pdir/.play-tmp-XXXXXX") || _pfail "could not create a temporary file in $_pdir"
                cat > "$_pt" || { rm -f "$_pt"; _pfail "could not write $_pt"; }
                if [ -e "$_pD" ]; then
                  chmod "$(stat -c %a -- "$_pD")" "$_pt"; chown "$(stat -c %u:%g -- "$_pD")" "$_pt" 2>/dev/null
                else
                  chmod "$(printf %o $((0666 & ~$(umask))))" "$_pt"
                fi
                _pstb=$(stat -c '%a %u %g' -- "$_pt"); _pscratch=$_pt; _pattrs "$_pt" 0
                """#)
            if let validateCommand {
                // Ansible's message keeps the command's stderr whole (trailing newline too) and its rc.
                s.append(#"""
                    _pve=$(\#(validateCommand) 2>&1 >/dev/null; printf 'x%s' $?); _pvr=${_pve##*x}; _pve=${_pve%x*}
                    [ "$_pvr" = 0 ] || { rm -f "$_pt"; _pfail "failed to validate: rc:$_pvr error:$_pve"; }
                    """#)
            }
            if backup && exists {
                s.append(#"""
                    _pb="$_pD.$$.$(date +%Y-%m-%d@%H:%M:%S)~"
                    _pe=$(cp -p -- "$_pD" "$_pb" 2>&1) || { rm -f "$_pt"; _pfail "could not back up $_pD: $_pe"; }
                    printf 'backup_file=%s\0' "$_pb"
                    """#)
            }
            s.append(#"_pe=$(mv -f -- "$_pt" "$_pD" 2>&1) || { rm -f "$_pt"; _pfail "could not move the new file into place at $_pD: $_pe"; }"#)
            s.append("_pscratch=")
        }
        // Attributes before and after, for the diff's "file attributes" part; in check mode the
        // owner and group asked for are resolved to ids instead.
        s.append(#"""
            if [ -e "$_pD" ]; then
              # A rewritten file got its mode and owner before the rename (never visible otherwise);
              # its attributes before them were taken then.
              printf 'stb=%s\0' "${_pstb:-$(stat -c '%a %u %g' -- "$_pD")}"
              _pattrs "$_pD" 0
              printf 'sta=%s\0' "$(stat -c '%a %u %g' -- "$_pD")"
              if [ "$_pck" = 1 ]; then
                case $_po in ''|*[!0-9]*) [ -n "$_po" ] && printf 'cku=%s\0' "$(id -u -- "$_po" 2>/dev/null)";; *) printf 'cku=%s\0' "$_po";; esac
                case $_pg in ''|*[!0-9]*) [ -n "$_pg" ] && printf 'ckg=%s\0' "$(awk -F: -v g="$_pg" '$1 == g { print $3; exit }' /etc/group)";; *) printf 'ckg=%s\0' "$_pg";; esac
              fi
            fi
            printf 'changed=%s\0' "$_pch"
            """#)
        let answer = try await context.connection().run(CommandRequest(
            command: s.joined(separator: "\n"), stdin: writing ? newData : nil, environment: context.environment,
            become: context.become, becomeUser: context.becomeUser))
        let records = ScriptRecords(answer.stdout)
        if let failure = records.failure(of: answer) { throw Failure(result: failure) }
        var outcome = Outcome(attributesChanged: records.flag("changed"), backupFile: records["backup_file"])
        if outcome.attributesChanged, let before = records["stb"]?.split(separator: " ").map(String.init), before.count == 3 {
            var after = records["sta"]?.split(separator: " ").map(String.init) ?? before
            if context.checkMode {
                if case .octal(let m)? = mode { after[0] = String(m, radix: 8) }
                if let uid = records["cku"], !uid.isEmpty { after[1] = uid }
                if let gid = records["ckg"], !gid.isEmpty { after[2] = gid }
            }
            // Ansible's order (owner, group, mode), ids as integers, modes as 0NNN.
            for (i, key) in [(1, "owner"), (2, "group"), (0, "mode")] where before[i] != after[i] {
                if i == 0 {
                    outcome.attributesBefore[key] = .string(Self.modeText(before[i]))
                    outcome.attributesAfter[key] = .string(Self.modeText(after[i]))
                } else {
                    outcome.attributesBefore[key] = Int(before[i]).map(Value.int) ?? .string(before[i])
                    outcome.attributesAfter[key] = Int(after[i]).map(Value.int) ?? .string(after[i])
                }
            }
        }
        return outcome
    }

    /// `stat -c %a` text as Ansible's `'0%03o'`.
    private static func modeText(_ octal: String) -> String {
        Int(octal, radix: 8).map { "0" + String(format: "%03o", $0) } ?? octal
    }

    /// A validate word with `%s` standing for the temporary file.
    private static func validateWord(_ word: String) -> String {
        word.components(separatedBy: "%s").enumerated().map { i, part in
            (i > 0 ? "\"$_pt\"" : "") + (part.isEmpty ? "" : ShellWords.quote(part))
        }.joined()
    }

    /// Ansible's `check_file_attrs`: an attribute change is added to the message.
    static func message(_ message: String, attributesChanged: Bool) -> String {
        guard attributesChanged else { return message }
        return (message.isEmpty ? "" : message + " and ") + "ownership, perms or SE linux context changed"
    }

    /// The `diff` list lineinfile and blockinfile return: content (filled in diff mode) and file attributes.
    static func diffList(path: String, before: String, after: String, diffMode: Bool, outcome: Outcome) -> Value {
        // Ansible's key order: before, after, before_header, after_header.
        var attributes: OrderedDictionary<String, Value> = [:]
        if !outcome.attributesBefore.isEmpty { attributes["before"] = .dict(outcome.attributesBefore) }
        if !outcome.attributesAfter.isEmpty { attributes["after"] = .dict(outcome.attributesAfter) }
        attributes["before_header"] = .string("\(path) (file attributes)")
        attributes["after_header"] = .string("\(path) (file attributes)")
        return .list([contentDiff(path: path, before: before, after: after, diffMode: diffMode), .dict(attributes)])
    }

    static func contentDiff(path: String, before: String, after: String, diffMode: Bool) -> Value {
        ["before": .string(diffMode ? before : ""), "after": .string(diffMode ? after : ""),
         "before_header": .string("\(path) (content)"), "after_header": .string("\(path) (content)")]
    }

    /// Python's `readlines()`: lines split after each "\n", which each keeps.
    static func lines(_ text: String) -> [String] {
        var out: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            current.append(scalar)
            if scalar == "\n" { out.append(String(current)); current = String.UnicodeScalarView() }
        }
        if !current.isEmpty { out.append(String(current)) }
        return out
    }

    /// Python's `rstrip('\r\n')`.
    static func strippingLineEnd(_ line: String) -> String {
        var scalars = line.unicodeScalars[...]
        while let last = scalars.last, last == "\n" || last == "\r" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Python's `endswith('\n')`; Swift's `hasSuffix` would see "\r\n" as one character.
    static func endsWithNewline(_ text: String) -> Bool { text.unicodeScalars.last == "\n" }

    static func endsWithLineBreak(_ line: String) -> Bool {
        guard let last = line.unicodeScalars.last else { return false }
        return last == "\n" || last == "\r"
    }
}

extension RemoteTextFile {
    /// The arguments lineinfile, replace and blockinfile share: a validation command and the
    /// attributes the written file gets.
    static let sharedArguments: [ArgumentSpec] = [
        ArgumentSpec("validate", .string),
        ArgumentSpec("mode", .raw),
        ArgumentSpec("owner", .string),
        ArgumentSpec("group", .string),
        ArgumentSpec("unsafe_writes", .bool, defaultValue: false),
    ] + SELinuxArguments.specs

    /// A module's failed result, as an error for `Result`.
    struct Refusal: Error {
        var result: TaskResult
    }

    /// The file to edit and the mode asked for, or the failed result to return.
    static func target(_ context: ModuleContext) -> Result<(path: String, mode: FileMode?), Refusal> {
        guard let path = context.string("path"), !path.isEmpty else { return .failure(Refusal(result: .failed("path is required"))) }
        do {
            return .success((path, try FileMode.parse(context.args["mode"])))
        } catch {
            return .failure(Refusal(result: .failed(error.description)))
        }
    }
}
