import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `fetch`: copies a file from the target to the controller, into
/// `dest/<inventory_hostname>/<src path>` (or `dest` itself with `flat`). One command compares
/// the remote SHA-1 with the local copy's; only a different file is transferred (a second
/// command), checked against that SHA-1 and written atomically. Skipped in check mode, as in
/// Ansible.
public struct FetchModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "fetch", arguments: [
        ArgumentSpec("src", .string, required: true),
        ArgumentSpec("dest", .string, required: true),
        ArgumentSpec("flat", .bool, defaultValue: false),
        ArgumentSpec("fail_on_missing", .bool, defaultValue: true),
        ArgumentSpec("validate_checksum", .bool, defaultValue: true),
    ], freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if context.checkMode {
            return TaskResult(["changed": false, "msg": "check mode not (yet) supported for this module", "skipped": true])
        }
        guard let src = context.string("src"), !src.isEmpty, let destArgument = context.string("dest"), !destArgument.isEmpty else {
            return .failed("src and dest are required")
        }
        let script = FileScript.functions + "\n" + #"""
            _pP=\#(ShellWord.expanded(src)); printf 'path=%s\0' "$_pP"
            if [ -d "$_pP" ]; then printf 'state=directory\0'
            elif [ ! -e "$_pP" ]; then printf 'state=absent\0'
            elif [ ! -r "$_pP" ]; then printf 'state=unreadable\0'
            else _ps=$(_psum sha1 "$_pP") || _pfail "could not checksum $_pP"; printf 'state=file\0sum=%s\0' "$_ps"; fi
            """#
        let connection = try await context.connection()
        let answer = try await connection.run(CommandRequest(
            command: script, environment: context.environment, become: context.become, becomeUser: context.becomeUser))
        let records = ScriptRecords(answer.stdout)
        if let failure = records.failure(of: answer) { return failure }
        let source = records["path"] ?? src
        switch records["state"] {
        case "directory":
            return .failed("remote file is a directory, fetch cannot work on directories")
        case "absent", "unreadable":
            let message = records["state"] == "absent" ? "the remote file does not exist, not transferring, ignored"
                : "no read permission on remote file, not transferring, ignored"
            if context.bool("fail_on_missing", default: true) { return .failed(message) }
            return TaskResult(["changed": false, "file": .string(source), "msg": .string(message)])
        default:
            break
        }
        let remoteSum = records["sum"] ?? ""
        let dest: String
        do {
            dest = try Self.destination(destArgument, source: source, flat: context.bool("flat"), host: context.host,
                                        base: context.playbookDirectory)
        } catch let failure as Failure {
            return .failed(failure.message)
        }
        let local = FileManager.default.contents(atPath: dest)
        if let local, Digest.hex(local, .sha1) == remoteSum {
            return TaskResult(["changed": false, "checksum": .string(remoteSum), "dest": .string(dest),
                               "file": .string(source), "md5sum": .string(Digest.hex(local, .md5))])
        }
        let data: Data
        do {
            data = try await connection.fetch(source, become: context.become, becomeUser: context.becomeUser)
        } catch {
            guard case .transfer(_, _, let message) = error else { throw error }
            return .failed("Unable to fetch \(source): \(message)")
        }
        let newSum = Digest.hex(data, .sha1)
        if context.bool("validate_checksum", default: true), newSum != remoteSum {
            return .failed("checksum mismatch", ["checksum": .string(newSum), "dest": .string(dest),
                                                 "file": .string(source), "remote_checksum": .string(remoteSum)])
        }
        do {
            try FileManager.default.createDirectory(atPath: (dest as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: dest), options: .atomic)
        } catch {
            return .failed("Failed to write \(dest): \(error.localizedDescription)")
        }
        return TaskResult(["changed": true, "checksum": .string(newSum), "dest": .string(dest),
                           "md5sum": .string(Digest.hex(data, .md5)), "remote_checksum": .string(remoteSum),
                           "remote_md5sum": .null])
    }

    struct Failure: Error {
        var message: String
    }

    /// Where the file goes on the controller, following Ansible's fetch action: relative `dest`
    /// is beside the playbook; without `flat`, under a directory per host with the whole source
    /// path; with `flat`, a `dest` ending in `/` takes the source's file name.
    static func destination(_ dest: String, source: String, flat: Bool, host: String, base: String) throws -> String {
        let expanded = (dest as NSString).expandingTildeInPath
        let sourceLocal = source.drop { $0 == "/" }
        var path: String
        if flat {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory), isDirectory.boolValue,
               !expanded.hasSuffix("/") {
                throw Failure(message: "dest is an existing directory, use a trailing slash if you want to fetch src into that directory")
            }
            path = expanded.hasSuffix("/") ? expanded + (source as NSString).lastPathComponent : expanded
            if !path.hasPrefix("/") { path = base + "/" + path }
        } else {
            path = (expanded.hasPrefix("/") ? expanded : base + "/" + expanded) + "/" + host + "/" + sourceLocal
        }
        return normalized(path)
    }

    /// Python's `os.path.normpath` for absolute paths: no `.`, `..` or repeated slashes.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
