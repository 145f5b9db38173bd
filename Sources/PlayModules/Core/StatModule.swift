import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `stat`: facts about a path on the target, in Ansible's `stat` dictionary (exists, mode,
/// type flags, ownership, size, times, permissions for the connecting user, checksum, file
/// attributes, and with `get_mime: true` the MIME type). One command: GNU/BusyBox `stat -c`
/// plus `sha1sum` (or its siblings), `lsattr` and `file` when present.
public struct StatModule: Module {
    public init() {}

    static let algorithms = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]

    public let spec = ModuleSpec(name: "stat", arguments: [
        ArgumentSpec("path", .path, required: true, aliases: ["dest", "name"]),
        ArgumentSpec("follow", .bool, defaultValue: false),
        ArgumentSpec("get_checksum", .bool, defaultValue: true),
        ArgumentSpec("checksum_algorithm", .string, aliases: ["checksum", "checksum_algo"],
                     choices: StatModule.algorithms, defaultValue: "sha1"),
        // Off unless asked for, unlike Ansible: `file` loads its magic database on every call
        // (~30 ms of target CPU, more than the rest of the module together).
        ArgumentSpec("get_mime", .bool, aliases: ["mime", "mime_type", "mime-type"], defaultValue: false),
        ArgumentSpec("get_attributes", .bool, aliases: ["attr", "attributes"], defaultValue: true),
    ], freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        guard let path = context.string("path"), !path.isEmpty else { return .failed("path is required") }
        let request = CommandRequest(
            command: script(path: path, follow: context.bool("follow"),
                            checksum: context.bool("get_checksum", default: true)
                                ? (context.string("checksum_algorithm") ?? "sha1") : nil,
                            mime: context.bool("get_mime"),
                            attributes: context.bool("get_attributes", default: true)),
            environment: context.environment, become: context.become, becomeUser: context.becomeUser)
        let answer = try await context.connection().run(request)
        let records = ScriptRecords(answer.stdout)
        if let failure = records.failure(of: answer) { return failure }
        return TaskResult(["changed": false, "stat": .dict(Self.stat(records, path: path,
                                                                     mime: context.bool("get_mime"),
                                                                     attributes: context.bool("get_attributes", default: true)))])
    }

    func script(path: String, follow: Bool, checksum: String?, mime: Bool, attributes: Bool) -> String {
        var s = [#"_pfail() { printf 'failed=%s\0' "$1"; exit 0; }"#]
        s.append("_pP=\(ShellWord.expanded(path))")
        if follow {
            s.append(#"_pl=-L; _pex() { [ -e "$1" ]; }"#)
        } else {
            s.append(#"_pl=; _pex() { [ -e "$1" ] || [ -L "$1" ]; }"#)
        }
        s.append(#"""
            if ! _pex "$_pP"; then printf 'exists=0\0path=%s\0' "$_pP"; exit 0; fi
            _pf='%f %u %g %s %i %d %h %.9X %.9Y %.9Z %b %o %t %T %U %G'
            _ps=$(stat $_pl -c "$_pf" -- "$_pP" 2>/dev/null) || _ps=$(stat $_pl -c "$(echo "$_pf" | sed 's/%\.9/%/g')" -- "$_pP" 2>&1) || _pfail "stat failed: $_ps"
            printf 'exists=1\0path=%s\0st=%s\0' "$_pP" "$_ps"
            [ -r "$_pP" ] && printf 'r=1\0'
            [ -w "$_pP" ] && printf 'w=1\0'
            [ -x "$_pP" ] && printf 'x=1\0'
            _preg=0
            if [ -z "$_pl" ] && [ -L "$_pP" ]; then
              printf 'lnk_target=%s\0lnk_source=%s\0' "$(readlink -- "$_pP")" "$(readlink -f -- "$_pP")"
            elif [ -f "$_pP" ]; then _preg=1
            fi
            """#)
        if let algorithm = checksum {
            s.append(#"""
                if [ $_preg = 1 ] && [ -r "$_pP" ]; then
                  if command -v \#(algorithm)sum >/dev/null 2>&1; then _ph=$(\#(algorithm)sum < "$_pP")
                  else _ph=$(openssl dgst -\#(algorithm) -r < "$_pP"); fi && printf 'checksum=%s\0' "${_ph%% *}"
                fi
                """#)
        }
        if mime {
            s.append(#"""
                if command -v file >/dev/null 2>&1; then
                  _pm=$(file -b --mime-type --mime-encoding -- "$_pP" 2>/dev/null) && printf 'mime=%s\0' "$_pm"
                fi
                """#)
        }
        if attributes {
            s.append(#"""
                if { [ $_preg = 1 ] || [ -d "$_pP" ]; } && command -v lsattr >/dev/null 2>&1; then
                  _pa=$(lsattr -vd -- "$_pP" 2>/dev/null) && printf 'lsattr=%s\0' "$_pa"
                fi
                """#)
        }
        s.append("exit 0")
        return s.joined(separator: "\n")
    }

    /// Ansible's names for `lsattr` flags.
    static let attributeNames: [Character: String] = [
        "A": "noatime", "a": "append", "c": "compressed", "C": "nocow", "d": "nodump", "D": "dirsync",
        "e": "extents", "E": "encrypted", "h": "blocksize", "i": "immutable", "I": "indexed", "j": "journalled",
        "N": "inline", "s": "zero", "S": "synchronous", "t": "notail", "T": "blockroot", "u": "undelete",
        "X": "compressedraw", "Z": "compresseddirty",
    ]

    static func stat(_ records: ScriptRecords, path: String, mime: Bool, attributes: Bool) -> OrderedDictionary<String, Value> {
        var out: OrderedDictionary<String, Value> = ["exists": false]
        guard records["exists"] == "1", let line = records["st"] else {
            return out
        }
        out["exists"] = true
        let f = line.split(separator: " ", maxSplits: 15, omittingEmptySubsequences: false).map(String.init)
        guard f.count == 16, let raw = Int(f[0], radix: 16) else { return out }
        let type = raw & 0o170000
        let perms = raw & 0o7777
        out["path"] = .string(records["path"] ?? path)
        out["mode"] = .string(FileMode.octalText(perms))
        out["isdir"] = .bool(type == 0o040000)
        out["ischr"] = .bool(type == 0o020000)
        out["isblk"] = .bool(type == 0o060000)
        out["isreg"] = .bool(type == 0o100000)
        out["isfifo"] = .bool(type == 0o010000)
        out["islnk"] = .bool(type == 0o120000)
        out["issock"] = .bool(type == 0o140000)
        func int(_ s: String) -> Value { Int(s).map(Value.int) ?? .string(s) }
        func time(_ s: String) -> Value { Double(s).map(Value.double) ?? .string(s) }
        out["uid"] = int(f[1])
        out["gid"] = int(f[2])
        out["size"] = int(f[3])
        out["inode"] = int(f[4])
        out["dev"] = int(f[5])
        out["nlink"] = int(f[6])
        out["atime"] = time(f[7])
        out["mtime"] = time(f[8])
        out["ctime"] = time(f[9])
        for (name, bit) in [("wusr", 0o200), ("rusr", 0o400), ("xusr", 0o100), ("wgrp", 0o020), ("rgrp", 0o040),
                            ("xgrp", 0o010), ("woth", 0o002), ("roth", 0o004), ("xoth", 0o001),
                            ("isuid", 0o4000), ("isgid", 0o2000)] {
            out[name] = .bool(perms & bit != 0)
        }
        out["blocks"] = int(f[10])
        out["block_size"] = int(f[11])
        let major = Int(f[12], radix: 16) ?? 0
        let minor = Int(f[13], radix: 16) ?? 0
        // glibc's makedev(), so device_type matches Python's st_rdev.
        out["device_type"] = .int(((major & 0xfffff000) << 32) | ((major & 0xfff) << 8)
                                  | ((minor & 0xffffff00) << 12) | (minor & 0xff))
        out["readable"] = .bool(records.flag("r"))
        out["writeable"] = .bool(records.flag("w"))
        out["executable"] = .bool(records.flag("x"))
        out["pw_name"] = .string(f[14] == "UNKNOWN" ? f[1] : f[14])
        out["gr_name"] = .string(f[15] == "UNKNOWN" ? f[2] : f[15])
        if let target = records["lnk_target"] {
            out["lnk_source"] = .string(records["lnk_source"] ?? "")
            out["lnk_target"] = .string(target)
        }
        if let checksum = records["checksum"] { out["checksum"] = .string(checksum) }
        if mime {
            out["mimetype"] = "unknown"
            out["charset"] = "unknown"
            if let text = records["mime"], let semicolon = text.firstIndex(of: ";") {
                out["mimetype"] = .string(text[..<semicolon].trimmingCharacters(in: .whitespaces))
                let rest = text[text.index(after: semicolon)...]
                if let eq = rest.firstIndex(of: "=") {
                    out["charset"] = .string(rest[rest.index(after: eq)...].trimmingCharacters(in: .whitespaces))
                }
            }
        }
        if attributes {
            out["version"] = .null
            out["attributes"] = []
            out["attr_flags"] = ""
            if let text = records["lsattr"] {
                let fields = text.split(separator: " ", omittingEmptySubsequences: true)
                if fields.count >= 2 {
                    let flags = fields[1].replacingOccurrences(of: "-", with: "")
                    out["version"] = .string(String(fields[0]))
                    out["attr_flags"] = .string(flags)
                    out["attributes"] = .list(flags.compactMap { attributeNames[$0] }.map(Value.string))
                }
            }
        }
        return out
    }
}
