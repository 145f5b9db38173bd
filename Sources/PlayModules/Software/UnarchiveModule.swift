import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `unarchive`: unpacks a zip or tar (plain, gz, bz2, xz) archive into an existing directory on
/// the target. A controller `src` travels on the command's stdin (Ansible copies it to a
/// temporary `source` file first); with `remote_src` the archive is already on the target, or
/// is downloaded there when `src` is a URL. The whole call is one command (`UnarchiveScript`):
/// the archive is unpacked only when its entries differ from what `dest` holds, so a second run
/// reports no change. Unlike Ansible (which skips tar archives in check mode), check mode
/// answers whether anything would change.
public struct UnarchiveModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "unarchive", arguments: [
        ArgumentSpec("src", .path, required: true),
        ArgumentSpec("dest", .path, required: true),
        ArgumentSpec("remote_src", .bool),
        ArgumentSpec("copy", .bool),
        ArgumentSpec("creates", .path),
        ArgumentSpec("list_files", .bool, defaultValue: false),
        ArgumentSpec("keep_newer", .bool, defaultValue: false),
        ArgumentSpec("exclude", .list, defaultValue: [], elements: .string),
        ArgumentSpec("include", .list, defaultValue: [], elements: .string),
        ArgumentSpec("extra_opts", .list, defaultValue: [], elements: .string),
        ArgumentSpec("validate_certs", .bool, defaultValue: true),
        ArgumentSpec("io_buffer_size", .int, defaultValue: 65536),
        ArgumentSpec("decrypt", .bool, defaultValue: true),
    ] + FileAttributeArguments.all, freeForm: .keyValue, mutuallyExclusive: [["include", "exclude"], ["copy", "remote_src"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let src = context.string("src") ?? ""
        let dest = context.string("dest") ?? ""
        let remote = context.args["copy"].map { !(ValueCoercion.bool($0) ?? true) } ?? context.bool("remote_src")
        let mode: FileMode?
        switch FileAttributeArguments.mode(context) {
        case .success(let m): mode = m
        case .failure(let error): return .failed(error.description)
        }
        var input: Data?
        let source: UnarchiveScript.Source
        if remote {
            if src.contains("://") {
                var download = HTTPDownload()
                download.validateCerts = context.bool("validate_certs", default: true)
                source = .url(src, download)
            } else {
                source = .remote(src)
            }
        } else {
            if src.contains("://") {
                return .failed("Unsupported option, an URI src (\(HTTPDownload.masked(src))) is only supported when remote_src is True")
            }
            let path = context.localPath((src as NSString).expandingTildeInPath, subdirectory: "files")
            guard let data = FileManager.default.contents(atPath: path) else {
                return .failed("Could not find or access '\(src)' on the controller (looked in files/ beside the task"
                    + " and the playbook, then beside them; last tried \(path))")
            }
            if context.bool("decrypt", default: true), data.starts(with: Data("$ANSIBLE_VAULT;".utf8)) {
                return .failed("src '\(src)' is vault-encrypted, and unarchive cannot decrypt sources yet")
            }
            input = data
            source = .stdin(name: "source")
        }
        var script = UnarchiveScript(source: source, dest: dest)
        script.creates = context.string("creates")
        script.mode = mode
        script.owner = context.string("owner")
        script.group = context.string("group")
        script.keepNewer = context.bool("keep_newer")
        script.exclude = (context.list("exclude") ?? []).map(\.renderedString)
        script.include = (context.list("include") ?? []).map(\.renderedString)
        script.extraOptions = (context.list("extra_opts") ?? []).map(\.renderedString)
        script.checkMode = context.checkMode
        let connection = try await context.connection()
        let answer = try await connection.run(CommandRequest(
            command: script.text, stdin: input, environment: context.environment, become: context.become,
            becomeUser: context.becomeUser))
        let records = ScriptRecords(answer.stdout)
        if records.flag("skipped") {
            return TaskResult(["changed": false, "skipped": true,
                               "msg": .string("skipped, since \(context.string("creates") ?? "") exists")])
        }
        var r = TaskResult()
        if let handler = records["handler"] { r["handler"] = .string(handler) }
        r["dest"] = .string(dest)
        if let s = records["src"] { r["src"] = .string(s) }
        let extracted = records["cmd"] != nil && !context.checkMode && records.flag("differs")
        if extracted || (records["failed"] != nil && records["rc"] != nil) {
            r["extract_results"] = .dict([
                "cmd": .list((records["cmd"] ?? "").split(separator: "\u{1}").map { .string(String($0)) }),
                "err": .string(records["err"] ?? ""), "out": .string(records["out"] ?? ""),
                "rc": .int(Int(records["rc"] ?? "") ?? 0),
            ])
        }
        if let failure = records.failure(of: answer) {
            var f = failure
            for (k, v) in r.values { f[k] = v }
            return f
        }
        r.changed = records.flag("changed")
        // With -vvv, the first entry found to differ (why the archive was unpacked).
        if context.verbosity >= 3, let first = records["first_difference"] {
            r["first_difference"] = .string(first)
        }
        if context.bool("list_files") {
            r["files"] = .list(Self.entries(answer.stdout).map(Value.string))
        }
        for (k, v) in records.fileAttributes() { r[k] = v }
        return r
    }

    /// Every `file=` record, in order (ScriptRecords keeps only the last of a key).
    static func entries(_ output: Data) -> [String] {
        output.split(separator: 0).compactMap { record in
            let text = String(decoding: record, as: UTF8.self)
            return text.hasPrefix("file=") ? String(text.dropFirst(5)) : nil
        }
    }
}
