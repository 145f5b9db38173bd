import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `apt_key` (deprecated in Ansible, still used): adds a key to an APT keyring from `data`
/// (sent on stdin), a `file` on the target, a `url` downloaded on the target, or a `keyserver`,
/// or removes one, with the target's `apt-key` (and `gpg` to read a key's id). The first
/// command finds the key's id when `id` is not given and lists the keyring; only when the key
/// is missing (or present, for `absent`) does a second command change it and list it again.
/// Results as Ansible's: `id`, `short_id`, `fp`, `key_id`, `before`, `after`.
public struct AptKeyModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "apt_key", arguments: [
        ArgumentSpec("id", .string),
        ArgumentSpec("url", .string),
        ArgumentSpec("data", .string),
        ArgumentSpec("file", .path),
        ArgumentSpec("keyring", .path),
        ArgumentSpec("validate_certs", .bool, defaultValue: true),
        ArgumentSpec("keyserver", .string),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
    ], freeForm: .keyValue, mutuallyExclusive: [["data", "file", "keyserver", "url"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let state = context.string("state") ?? "present"
        var keyID = context.string("id")
        let keyring = context.string("keyring")
        let url = context.string("url"), data = context.string("data"), file = context.string("file")
        let keyserver = context.string("keyserver")
        var download = HTTPDownload()
        download.validateCerts = context.bool("validate_certs", default: true)
        let q = ShellWords.quote
        let ring = keyring.map { "--keyring \(ShellWord.expanded($0))" } ?? ""
        var prelude = [#"_pfail() { printf 'failed=%s\0' "$1"; exit 0; }"#]
        prelude.append(#"""
            command -v apt-key >/dev/null 2>&1 || _pfail "Failed to find required executable \"apt-key\" in paths"
            command -v gpg >/dev/null 2>&1 || _pfail "Failed to find required executable \"gpg\" in paths"
            _pW=$(mktemp -d "${TMPDIR:-/tmp}/play-apt_key-XXXXXX") || _pfail "could not create a temporary directory"
            trap 'rm -rf "$_pW"' EXIT
            _plist() { apt-key \#(ring) adv --list-public-keys --keyid-format=long 2>/dev/null; }
            """#)
        // The key material, in "$_pK" (a file), when there is any.
        if data != nil {
            prelude.append(#"_pK=$_pW/key; cat > "$_pK""#)
        } else if let file {
            prelude.append("_pK=\(ShellWord.expanded(file)); [ -r \"$_pK\" ] || _pfail \"Unable to extract key from '\(file)'\"")
        } else if let url, keyID == nil || state == "present" {
            prelude.append(download.functions)
            prelude.append("_pK=$_pW/key; _pdl \(q(url)) \"$_pK\"")
            prelude.append(#"[ "$_pdlstatus" = 200 ] || _pfail "error getting key id from url: \#(url)""#)
        }
        let stdin = data.map { Data($0.utf8) }
        let connection = try await context.connection()
        var first = prelude
        if keyID == nil {
            if keyserver != nil { return .failed("Missing key_id, required with keyserver.") }
            if data != nil || file != nil || url != nil {
                first.append(#"""
                    _pid=$(gpg --with-colons "$_pK" 2>/dev/null | awk -F: '/^(pub|sub)/ { print $5; exit }')
                    [ -n "$_pid" ] || _pfail "Unable to extract key from '\#(file ?? (data != nil ? "inline data" : url ?? ""))'"
                    printf 'id=%s\0' "$_pid"
                    """#)
            }
        }
        first.append(#"printf 'keys=%s\0' "$(_plist)""#)
        let answer = try await connection.run(request(first.joined(separator: "\n"), stdin: stdin, context))
        var records = ScriptRecords(answer.stdout)
        if let failure = records.failure(of: answer) { return failure }
        keyID = keyID ?? records["id"]
        var r = TaskResult(["changed": false, "id": keyID.map(Value.string) ?? .null])
        guard let given = keyID, let parsed = Self.parse(given) else { return .failed("Invalid key_id", r.values) }
        r["short_id"] = .string(parsed.short)
        r["fp"] = .string(parsed.fingerprint)
        r["key_id"] = .string(parsed.keyID)
        let short = parsed.keyID.count == 8
        let before = Self.keys(in: records["keys"] ?? "", short: short)
        r["before"] = .list(before.map(Value.string))
        let present = before.contains(short ? parsed.short : parsed.fingerprint)
        let wanted = state == "present" ? !present : before.contains(parsed.fingerprint)
        guard wanted else { return r }
        r.changed = true
        if context.checkMode { return r }
        var second = prelude
        if state == "present" {
            if file != nil {
                second.append(#"_pe=$(apt-key \#(ring) add "$_pK" 2>&1) || _pfail "Unable to add a key from file \#(file ?? ""): $_pe""#)
            } else if let keyserver {
                second.append("_pe=$(apt-key \(ring) adv --no-tty --keyserver \(q(keyserver)) --recv \(q(parsed.keyID)) 2>&1)"
                              + " || _pfail \"Unable to import key: $_pe\"")
            } else {
                second.append(#"_pe=$(apt-key \#(ring) add - < "$_pK" 2>&1) || _pfail "Unable to add a key from binary data: $_pe""#)
            }
        } else {
            second.append("_pe=$(apt-key \(ring) del \(q(parsed.short)) 2>&1) || _pfail \"Unable to remove a key with id \(parsed.short): $_pe\"")
        }
        second.append(#"printf 'keys=%s\0' "$(_plist)""#)
        let changed = try await connection.run(request(second.joined(separator: "\n"), stdin: stdin, context))
        records = ScriptRecords(changed.stdout)
        if let failure = records.failure(of: changed) {
            var f = failure
            for (k, v) in r.values where f[k] == nil { f[k] = v }
            return f
        }
        let after = Self.keys(in: records["keys"] ?? "", short: short)
        r["after"] = .list(after.map(Value.string))
        let there = after.contains(short ? parsed.short : parsed.fingerprint)
        if state == "present" && !there || state == "absent" && after.contains(parsed.fingerprint) {
            let what = state == "present" ? "failed to add the key" : "the key was not removed"
            return .failed("apt-key did not return an error, but \(what) (check that the id is correct and *not* a subkey)", r.values)
        }
        return r
    }

    private func request(_ script: String, stdin: Data?, _ context: ModuleContext) -> CommandRequest {
        CommandRequest(command: script, stdin: stdin, environment: context.environment, become: context.become,
                       becomeUser: context.becomeUser)
    }

    /// Ansible's reading of a key id: hex (with an optional `0x`), 8, 16 or more digits; the
    /// last 8 for `del`, the last 16 to compare with listings, all of it to fetch.
    static func parse(_ id: String) -> (short: String, fingerprint: String, keyID: String)? {
        var key = id.uppercased()
        if key.hasPrefix("0X") { key.removeFirst(2) }
        guard !key.isEmpty, key.allSatisfy(\.isHexDigit), key.count == 8 || key.count >= 16 else { return nil }
        return (String(key.suffix(8)), String(key.suffix(16)), key)
    }

    /// Key ids in `apt-key adv --list-public-keys --keyid-format=long` output (`pub`/`sub`
    /// lines, expired ones left out), shortened to 8 digits for a short id.
    static func keys(in listing: String, short: Bool) -> [String] {
        var found: [String] = []
        for line in listing.split(separator: "\n") where (line.hasPrefix("pub") || line.hasPrefix("sub")) && !line.contains("expired") {
            let tokens = line.split(whereSeparator: \.isWhitespace)
            if tokens.count > 1, let slash = tokens[1].firstIndex(of: "/") {
                found.append(String(tokens[1][tokens[1].index(after: slash)...]))
            } else {
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                if fields.count > 4 { found.append(String(fields[4])) }
            }
        }
        return short ? found.map { String($0.suffix(8)) } : found
    }
}
