import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `authorized_key` (ansible.posix): keys (one or several lines, or a URL the target fetches)
/// present in or absent from a user's authorized_keys, optionally the only ones. One command
/// reads the file (and the user's home), the keys are merged on the controller
/// (`AuthorizedKeys`), one more writes when they changed: the .ssh directory 0700 and the file
/// 0600, both the user's, the file replaced atomically.
public struct AuthorizedKeyModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "authorized_key", arguments: [
        ArgumentSpec("user", .string, required: true),
        ArgumentSpec("key", .string, required: true),
        ArgumentSpec("path", .path),
        ArgumentSpec("manage_dir", .bool, defaultValue: true),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
        ArgumentSpec("key_options", .string),
        ArgumentSpec("exclusive", .bool, defaultValue: false),
        ArgumentSpec("comment", .string),
        ArgumentSpec("validate_certs", .bool, defaultValue: true),
        ArgumentSpec("follow", .bool, defaultValue: false),
    ])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let user = context.string("user") ?? ""
        var key = context.string("key") ?? ""
        let path = context.string("path")
        let present = context.string("state") != "absent"
        let follow = context.bool("follow")
        var result = TaskResult(OrderedDictionary(uniqueKeysWithValues: spec.arguments.map { ($0.name, context.args[$0.name] ?? .null) }))
        do {
            let read = try await SystemScript.run(Self.readScript(user: user, path: path, follow: follow, checkMode: context.checkMode,
                                                                  url: key.hasPrefix("http") ? key : nil,
                                                                  validateCerts: context.bool("validate_certs", default: true)),
                                                  context: context)
            if let fetched = read["url"] { key = fetched }
            let keyfile = read["keyfile"] ?? ""
            let existingText = read["text"].map { String($0.dropLast()) } ?? ""
            var keys = AuthorizedKeys(text: existingText)
            let wanted = key.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map(String.init)
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            var write = false
            var keep: [String] = []
            let base = keys.count
            for (rank, line) in wanted.enumerated() {
                guard var parsed = AuthorizedKeys.parse(line, rank: rank), parsed.type != nil else {
                    return .failed("invalid key specified: \(line)")
                }
                if let options = context.string("key_options") { parsed.options = AuthorizedKeys.parseOptions(options) }
                if let comment = context.string("comment") { parsed.comment = comment }
                var matched = false
                var stale = false
                if let old = keys[parsed.key] {
                    if !old.sameContent(parsed) && present { stale = true } else { matched = true }
                }
                if present {
                    keep.append(parsed.key)
                    if stale { keys.remove(parsed.key); write = true }
                    if !matched {
                        parsed.rank += base
                        keys.set(parsed)
                        write = true
                    }
                } else if matched {
                    keys.remove(parsed.key)
                    write = true
                }
            }
            if present && context.bool("exclusive") {
                for entry in keys.entries where !keep.contains(entry.key) {
                    keys.remove(entry.key)
                    write = true
                }
            }
            result["keyfile"] = .string(keyfile)
            var attributes = read
            if write {
                let newText = keys.serialized
                let target = read["target"] ?? keyfile
                if context.diffMode {
                    result["diff"] = ["before_header": .string(keyfile), "after_header": .string(target),
                                      "before": .string(existingText), "after": .string(newText)]
                }
                if !context.checkMode {
                    attributes = try await SystemScript.run(Self.writeScript(user: user, path: target,
                                                                    manageDir: context.bool("manage_dir", default: true)),
                                                   context: context, stdin: Data(newText.utf8))
                }
                result.changed = true
            } else {
                result.changed = false
            }
            // Ansible describes the file a given `path` names.
            if path != nil {
                result["path"] = .string(keyfile)
                SystemScript.addPathInfo(&result, attributes)
            }
            return result
        } catch let refusal as SystemScript.Refusal {
            return refusal.result
        }
    }

    /// Prints `keyfile` (where the file is), `target` (where a write goes: the real path with
    /// `follow`), `text` (the content plus one `x`, when it is a file), `url` (a fetched key).
    private static func readScript(user: String, path: String?, follow: Bool, checkMode: Bool, url: String?,
                                   validateCerts: Bool) -> String {
        var s = ["_pu=\(ShellWords.quote(user))"]
        if let path, checkMode {
            s.append("_pkf=\(ShellWord.expanded(path))")
        } else {
            s.append(#"""
                _ppw=$(_pdb passwd "$_pu" | head -n 1)
                [ -n "$_ppw" ] || _pfail \#(ShellWords.quote(path == nil && checkMode
                    ? "Either user must exist or you must provide full path to key file in check mode"
                    : "Failed to lookup user \(user): \"getpwnam(): name not found: '\(user)'\""))
                """#)
            s.append(path.map { "_pkf=\(ShellWord.expanded($0))" } ?? #"_pkf="$(printf '%s' "$_ppw" | cut -d: -f6)/.ssh/authorized_keys""#)
        }
        s.append(#"printf 'keyfile=%s\0' "$_pkf""#)
        s.append(follow ? #"_pkt=$(readlink -f -- "$_pkf" 2>/dev/null || printf '%s' "$_pkf"); printf 'target=%s\0' "$_pkt""#
                        : #"printf 'target=%s\0' "$_pkf""#)
        s.append(#"[ -f "$_pkf" ] && printf 'text=%s\0' "$(cat -- "$_pkf"; printf x)""#)
        if path != nil { s.append(SystemScript.statRecord("_pkf")) }
        if let url {
            let insecure = validateCerts ? "" : " -k"
            let wgetInsecure = validateCerts ? "" : " --no-check-certificate"
            s.append(#"""
                _purl=\#(ShellWords.quote(url))
                if command -v curl >/dev/null 2>&1; then _pk=$(curl -fsSL\#(insecure) -- "$_purl") || _pfail "Error getting key from: $_purl"
                elif command -v wget >/dev/null 2>&1; then _pk=$(wget -q\#(wgetInsecure) -O - -- "$_purl") || _pfail "Error getting key from: $_purl"
                else _pfail "Error getting key from: $_purl (the target has neither curl nor wget)"; fi
                printf 'url=%s\0' "$_pk"
                """#)
        }
        return s.joined(separator: "\n")
    }

    /// The file from standard input, with Ansible's ownership and modes.
    private static func writeScript(user: String, path: String, manageDir: Bool) -> String {
        #"""
        _pu=\#(ShellWords.quote(user)); _pkf=\#(ShellWords.quote(path))
        _ppw=$(_pdb passwd "$_pu" | head -n 1)
        [ -n "$_ppw" ] || _pfail "Failed to lookup user $_pu"
        _pid="$(printf '%s' "$_ppw" | cut -d: -f3):$(printf '%s' "$_ppw" | cut -d: -f4)"
        _psd=$(dirname -- "$_pkf")
        if [ \#(manageDir ? 1 : 0) = 1 ]; then
          [ -e "$_psd" ] || mkdir -m 0700 -- "$_psd" || _pfail "Failed to create directory $_psd"
          chown "$_pid" "$_psd"; chmod 0700 "$_psd"
        fi
        [ -d "$_psd" ] || mkdir -p -- "$_psd" || _pfail "Failed to create directory $_psd"
        _ptf=$(mktemp "$_psd/.authorized_keys.XXXXXX") || _pfail "Failed to write to a file in $_psd"
        cat > "$_ptf" || { rm -f -- "$_ptf"; _pfail "Failed to write to file $_ptf"; }
        chown "$_pid" "$_ptf" 2>/dev/null; chmod 0600 "$_ptf"
        mv -f -- "$_ptf" "$_pkf" || { rm -f -- "$_ptf"; _pfail "Failed to move the new file to $_pkf"; }
        \#(SystemScript.statRecord("_pkf"))
        """#
    }
}
