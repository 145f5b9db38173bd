import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `known_hosts`: one host's key of one type present in (or the host, or one key, absent from)
/// a known_hosts file. Lookups are the target's `ssh-keygen -F` (so hashed entries match, as in
/// Ansible); the file is rebuilt on the controller and replaced atomically. A hashed host name
/// (`hash_host`) is made here: HMAC-SHA1 of the name under a random salt, OpenSSH's `|1|` form.
public struct KnownHostsModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "known_hosts", arguments: [
        ArgumentSpec("name", .string, required: true, aliases: ["host"]),
        ArgumentSpec("key", .string),
        ArgumentSpec("path", .path, defaultValue: "~/.ssh/known_hosts"),
        ArgumentSpec("hash_host", .bool, defaultValue: false),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
    ])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let host = (context.string("name") ?? "").lowercased()
        let present = context.string("state") != "absent"
        var key = context.string("key").flatMap { $0.isEmpty ? nil : $0 }
        if key == nil && present { return .failed("No key specified when adding a host") }
        if var k = key {
            if context.bool("hash_host") { k = Self.hashed(host: host, key: k) }
            if !k.hasSuffix("\n") { k += "\n" }
            key = k
            if host.range(of: #"\S\s*,"#, options: .regularExpression) != nil {
                return .failed("Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.")
            }
        }
        var result = TaskResult(OrderedDictionary(uniqueKeysWithValues: spec.arguments.map { ($0.name, context.args[$0.name] ?? .null) }))
        do {
            let read = try await SystemScript.run(Self.readScript(host: host, path: context.string("path") ?? "~/.ssh/known_hosts", key: key),
                                                  context: context)
            let path = read["path"] ?? ""
            result["path"] = .string(path)
            if key != nil && (read["sanity"] ?? "").isEmpty {
                return .failed("Host parameter does not match hashed host field in supplied key")
            }
            let exists = read["text"] != nil
            let text = read["text"].map { String($0.dropLast()) } ?? ""
            var found = false, replace = false
            var foundLine: Int?
            if exists {
                let rc = Int(read["rc"] ?? "") ?? 0, out = read["out"] ?? "", err = read["err"] ?? ""
                if !(out.isEmpty && err.isEmpty && (rc == 0 || rc == 1)) {
                    if rc != 0 { return .failed("ssh-keygen failed (rc=\(rc), stdout='\(out)',stderr='\(err)')") }
                    (found, replace, foundLine) = Self.search(output: out, key: key)
                }
            }
            var lines = AuthorizedKeys.linesKeepingEnds(text)
            if (replace || !present), let foundLine, (1...lines.count).contains(foundLine) { lines.remove(at: foundLine - 1) }
            if present, let key, replace || foundLine == nil { lines.append(key) }
            let after = lines.joined()
            result["changed"] = false
            result["diff"] = ["before_header": .string(exists ? path : "/dev/null"), "after_header": .string(path),
                              "before": .string(text), "after": .string(after)]
            if !present && foundLine == nil && key != nil {
                SystemScript.addPathInfo(&result, read)
                return result
            }
            if context.checkMode {
                // Ansible leaves early here, with the change and the diff only.
                return TaskResult(["changed": .bool(replace || present != found), "diff": result["diff"] ?? .null])
            }
            var script: [String] = []
            if found && key == nil && !present { script.append("_prun ssh-keygen -R \(ShellWords.quote(host)) -f \(ShellWords.quote(path))") }
            if key != nil && (replace || found != present) { script.append(Self.writeScript(path: path)) }
            var attributes = read
            if !script.isEmpty {
                script.append("_pkp=\(ShellWords.quote(path))")
                script.append(SystemScript.statRecord("_pkp"))
                let written = try await SystemScript.run(script.joined(separator: "\n"), context: context, stdin: Data(after.utf8))
                let outcome = SystemScript.Outcome(written)
                if outcome.failed { return .failed(outcome.stderr, ["rc": .int(outcome.rc), "stdout": .string(outcome.stdout)]) }
                result.changed = true
                attributes = written
            }
            SystemScript.addPathInfo(&result, attributes)
            return result
        } catch let refusal as SystemScript.Refusal {
            return refusal.result
        }
    }

    private static func readScript(host: String, path: String, key: String?) -> String {
        var s = ["_pkh=\(ShellWords.quote(host)); _pkp=\(ShellWord.expanded(path))", #"printf 'path=%s\0' "$_pkp""#]
        if let key {
            s.append(#"""
                _pkt=$(mktemp) || _pfail "could not create a temporary file"
                printf '%s' \#(ShellWords.quote(key)) > "$_pkt"
                printf 'sanity=%s\0' "$(ssh-keygen -F "$_pkh" -f "$_pkt" 2>/dev/null)"; rm -f -- "$_pkt"
                """#)
        }
        s.append(#"""
            if [ -e "$_pkp" ]; then
              printf 'text=%s\0' "$(cat -- "$_pkp"; printf x)"
              _ptag=; _prc=0
              _pef=$(mktemp) || _pfail "mktemp failed on the target"
              _pout=$(ssh-keygen -F "$_pkh" -f "$_pkp" 2>"$_pef") || _prc=$?
              printf 'rc=%s\0out=%s\0err=%s\0' "$_prc" "$_pout" "$(cat "$_pef")"; rm -f -- "$_pef"
            fi
            """#)
        s.append(SystemScript.statRecord("_pkp"))
        return s.joined(separator: "\n")
    }

    /// Standard input to the file, through a temporary file beside it (an existing file's mode
    /// and owner kept, a new one 0666 less the umask).
    private static func writeScript(path: String) -> String {
        #"""
        _pkp=\#(ShellWords.quote(path)); _pkd=$(dirname -- "$_pkp")
        _ptf=$(mktemp "$_pkd/.known_hosts.XXXXXX") || _pfail "Failed to write to file '$_pkp'."
        cat > "$_ptf" || { rm -f -- "$_ptf"; _pfail "Failed to write to file '$_pkp'."; }
        if [ -e "$_pkp" ]; then chmod "$(stat -c %a -- "$_pkp")" "$_ptf"; chown "$(stat -c %u:%g -- "$_pkp")" "$_ptf" 2>/dev/null
        else chmod "$(printf %o $((0666 & ~$(umask))))" "$_ptf"; fi
        mv -f -- "$_ptf" "$_pkp" || { rm -f -- "$_ptf"; _pfail "could not replace $_pkp"; }
        printf 'rc=0\0ran=1\0'
        """#
    }

    /// Ansible's search_for_host_key over `ssh-keygen -F` output: (found, replace or add, line).
    static func search(output: String, key: String?) -> (Bool, Bool, Int?) {
        guard let key else { return (true, false, nil) }
        var wanted = normalized(key)
        var foundLine: Int?
        for line in output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("#") {
                if let r = line.range(of: #"found: line (\d+)"#, options: .regularExpression) {
                    foundLine = Int(line[r].split(separator: " ").last ?? "")
                }
                continue
            }
            let found = normalized(line)
            if let options = found["options"], options.hasPrefix("@cert-authority") || options.hasPrefix("@revoke") {
                if wanted == found { return (true, false, foundLine) }
            } else {
                if wanted["host"]?.hasPrefix("|1|") == true && found["host"]?.hasPrefix("|1|") == true { wanted["host"] = found["host"] }
                if wanted == found { return (true, false, foundLine) }
                if wanted["type"] == found["type"] { return (true, true, foundLine) }
            }
        }
        return (true, true, nil)
    }

    private static func normalized(_ key: String) -> [String: String] {
        let k = key.split(whereSeparator: \.isWhitespace).map(String.init)
        guard k.count >= 3 else { return ["host": k.first ?? ""] }
        if k[0].hasPrefix("@"), k.count >= 4 { return ["options": k[0], "host": k[1], "type": k[2], "key": k[3]] }
        return ["host": k[0], "type": k[1], "key": k[2]]
    }

    /// The key with its host field replaced by `|1|salt|HMAC-SHA1(salt, host)`, base64.
    static func hashed(host: String, key: String, salt: [UInt8]? = nil) -> String {
        let salt = salt ?? (0..<20).map { _ in UInt8.random(in: 0...255) }
        var parts = key.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !parts.isEmpty else { return key }
        let i = parts[0].hasPrefix("@") ? 1 : 0
        guard i < parts.count else { return key }
        parts[i] = "|1|\(Data(salt).base64EncodedString())|\(Data(hmacSHA1(key: salt, message: Array(host.utf8))).base64EncodedString())"
        return parts.joined(separator: " ")
    }

    static func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? Digest.bytes(key, .sha1) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = Digest.bytes(block.map { $0 ^ 0x36 } + message, .sha1)
        return Digest.bytes(block.map { $0 ^ 0x5c } + inner, .sha1)
    }
}
