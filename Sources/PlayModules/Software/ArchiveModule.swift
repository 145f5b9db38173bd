import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `archive` (community.general): packs paths on the target into a tar (plain, gz, bz2, xz) or
/// zip archive, or compresses a single file, with the target's `tar`, `gzip`, `bzip2`, `xz`
/// and `zip`. Two commands: the first expands the paths' globs and looks at what exists (so
/// the module can work out `arcroot`, whether it must archive, and `dest`), the second builds
/// the archive beside `dest` and moves it into place only when its members differ from the
/// existing archive's (names with mode, owner, size and time for tar, names with CRC for zip,
/// the content for a single compressed file), which is the collection's idempotence test.
public struct ArchiveModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "archive", arguments: [
        ArgumentSpec("path", .list, required: true, elements: .path),
        ArgumentSpec("format", .string, choices: ["bz2", "gz", "tar", "xz", "zip"], defaultValue: "gz"),
        ArgumentSpec("dest", .path),
        ArgumentSpec("exclude_path", .list, defaultValue: [], elements: .path),
        ArgumentSpec("exclusion_patterns", .list, elements: .path),
        ArgumentSpec("force_archive", .bool, defaultValue: false),
        ArgumentSpec("remove", .bool, defaultValue: false),
    ] + FileAttributeArguments.all, freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let paths = (context.list("path") ?? []).map(\.renderedString)
        let excludes = (context.list("exclude_path") ?? []).map(\.renderedString)
        let format = context.string("format") ?? "gz"
        let mode: FileMode?
        switch FileAttributeArguments.mode(context) {
        case .success(let m): mode = m
        case .failure(let error): return .failed(error.description)
        }
        let connection = try await context.connection()
        let survey = try await connection.run(request(ArchiveScript.survey(paths: paths, excludes: excludes), context))
        if let failure = ScriptRecords(survey.stdout).failure(of: survey) { return failure }
        let expanded = ArchiveScript.all("exp", in: survey.stdout)
        let excluded = ArchiveScript.all("excl", in: survey.stdout)
        let globby = paths.contains { $0.contains("*") || $0.contains("?") }
        let chosen = Array(Set(expanded).subtracting(excluded)).sorted()
        guard let first = chosen.first else {
            return .failed("Error, no source paths were found", [
                "path": .string(paths.joined(separator: ", ")), "expanded_paths": .string(expanded.joined(separator: ", ")),
                "expanded_exclude_paths": .string(excluded.joined(separator: ", ")),
            ])
        }
        let directories = Set(ArchiveScript.all("dir", in: survey.stdout))
        let present = Set(ArchiveScript.all("present", in: survey.stdout))
        let root = Self.commonPath(chosen)
        let mustArchive = context.bool("force_archive") || globby || directories.contains(first) || chosen.count > 1
        var dest = context.string("dest")
        if dest == nil && !mustArchive { dest = first + "." + format }
        guard let destination = dest else {
            return .failed("Error, must specify \"dest\" when archiving multiple files or trees",
                           ["dest": .null, "path": .string(paths.joined(separator: ", "))])
        }
        if context.bool("remove") {
            for path in chosen where directories.contains(path) && destination.hasPrefix(path.hasSuffix("/") ? path : path + "/") {
                return .failed("Error, created archive can not be contained in source paths when remove=true",
                               ["path": .string(chosen.joined(separator: ", "))])
            }
        }
        var script = ArchiveScript(targets: chosen.filter(present.contains), root: root, dest: destination, format: format)
        script.mustArchive = mustArchive
        script.patterns = (context.list("exclusion_patterns") ?? []).map(\.renderedString)
        script.remove = context.bool("remove")
        script.mode = mode
        script.owner = context.string("owner")
        script.group = context.string("group")
        script.checkMode = context.checkMode
        let answer = try await connection.run(request(script.text, context))
        let records = ScriptRecords(answer.stdout)
        var r = TaskResult()
        r["archived"] = .list(ArchiveScript.all("arch", in: answer.stdout).map(Value.string))
        r["dest"] = .string(records["dest"] ?? destination)
        let missing = chosen.filter { !present.contains($0) }
        var state = records["dest_state"] ?? "absent"
        if state == "archive" && !missing.isEmpty { state = "incomplete" }
        r["dest_state"] = .string(state)
        r["state"] = .string(state)
        r.changed = records.flag("changed")
        r["arcroot"] = .string(root)
        r["missing"] = .list(missing.map(Value.string))
        r["expanded_paths"] = .list(expanded.map(Value.string))
        r["expanded_exclude_paths"] = .list(excluded.map(Value.string))
        if let failure = records.failure(of: answer) {
            var f = failure
            for (k, v) in r.values where f[k] == nil { f[k] = v }
            return f
        }
        for (k, v) in records.fileAttributes() { r[k] = v }
        return r
    }

    private func request(_ script: String, _ context: ModuleContext) -> CommandRequest {
        CommandRequest(command: script, environment: context.environment, become: context.become,
                       becomeUser: context.becomeUser)
    }

    /// The collection's `common_path`: the longest common prefix of the paths' parent
    /// directories (each with a trailing slash), cut back to a directory, with a trailing slash.
    static func commonPath(_ paths: [String]) -> String {
        let parents = paths.map { path -> String in
            let parent = (path as NSString).deletingLastPathComponent
            return parent.hasSuffix("/") ? parent : parent + "/"
        }
        guard var prefix = parents.first else { return "" }
        for p in parents.dropFirst() {
            prefix = String(zip(prefix, p).prefix { $0 == $1 }.map(\.0))
        }
        guard let slash = prefix.lastIndex(of: "/") else { return "" }
        let dir = String(prefix[..<slash])
        return dir.isEmpty ? "/" : dir + "/"
    }
}
