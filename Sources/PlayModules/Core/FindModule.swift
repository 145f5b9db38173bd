import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// `find`: files, directories or links under `paths` selected by name patterns (globs, or Python
/// regexes with `use_regex`), age, size, mode and content, with Ansible's stat dictionary for
/// each. One command lists every entry with `find` + `stat -c` (GNU or busybox); the selection
/// is made on the controller. `contains` and `get_checksum` cost one more command for the
/// candidates only (`grep`, `sha1sum`).
public struct FindModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "find", arguments: [
        ArgumentSpec("paths", .list, required: true, aliases: ["name", "path"], elements: .string),
        ArgumentSpec("patterns", .list, aliases: ["pattern"], defaultValue: .list([]), elements: .string),
        ArgumentSpec("excludes", .list, aliases: ["exclude"], elements: .string),
        ArgumentSpec("contains", .string),
        ArgumentSpec("read_whole_file", .bool, defaultValue: false),
        ArgumentSpec("file_type", .string, choices: ["any", "directory", "file", "link"], defaultValue: "file"),
        ArgumentSpec("recurse", .bool, defaultValue: false),
        ArgumentSpec("hidden", .bool, defaultValue: false),
        ArgumentSpec("follow", .bool, defaultValue: false),
        ArgumentSpec("get_checksum", .bool, defaultValue: false),
        ArgumentSpec("checksum_algorithm", .string, aliases: ["checksum", "checksum_algo"],
                     choices: StatModule.algorithms, defaultValue: "sha1"),
        ArgumentSpec("use_regex", .bool, defaultValue: false),
        ArgumentSpec("age", .string),
        ArgumentSpec("age_stamp", .string, choices: ["atime", "ctime", "mtime"], defaultValue: "mtime"),
        ArgumentSpec("size", .string),
        ArgumentSpec("depth", .int),
        ArgumentSpec("mode", .raw),
        ArgumentSpec("exact_mode", .bool, defaultValue: true),
        ArgumentSpec("encoding", .string),
        ArgumentSpec("limit", .int),
    ], freeForm: .keyValue)

    /// One entry `find` listed.
    struct Entry {
        var path: String
        /// Levels below the search path (1 for its children).
        var depth: Int
        var rawMode: Int
        var uid: String, gid: String, size: Int, inode: String, dev: String, nlink: String
        var atime: String, mtime: String, ctime: String
        var owner: String, group: String

        var type: Int { rawMode & 0o170000 }
        var isDirectory: Bool { type == 0o040000 }
        var isRegular: Bool { type == 0o100000 }
        var isLink: Bool { type == 0o120000 }
        var name: String { (path as NSString).lastPathComponent }
    }

    struct Failure: Error {
        var message: String
    }

    /// The selection criteria, parsed from the arguments.
    struct Filter {
        var patterns: [String] = []
        var excludes: [String] = []
        var useRegex = false
        var fileType = "file"
        var hidden = false
        /// Seconds; negative means "at most".
        var age: Int?
        var ageStamp = "mtime"
        var size: Int?
        var mode: Int?
        var exactMode = true

        func matchesName(_ name: String) throws -> Bool {
            if patterns.isEmpty && excludes.isEmpty { return true }
            // Ansible: without patterns every name is a candidate for the excludes.
            let candidates = patterns.isEmpty ? (useRegex ? [".*"] : ["*"]) : patterns
            for p in candidates where try matches(name, p) {
                for e in excludes where try matches(name, e) { return false }
                return true
            }
            return false
        }

        private func matches(_ name: String, _ pattern: String) throws -> Bool {
            useRegex ? try PythonRegex(pattern).matchesAtStart(name) : FindModule.fnmatch(name, pattern)
        }

        func selects(_ e: Entry, now: Double) throws -> Bool {
            if !hidden && e.name.hasPrefix(".") { return false }
            let typeOK: Bool
            switch fileType {
            case "any": typeOK = true
            case "directory": typeOK = e.isDirectory
            case "link": typeOK = e.isLink
            default: typeOK = e.isRegular
            }
            guard typeOK, try matchesName(e.name) else { return false }
            if let age {
                let stamp = Double(ageStamp == "atime" ? e.atime : ageStamp == "ctime" ? e.ctime : e.mtime) ?? 0
                let old = now - stamp
                if age >= 0 ? old < Double(age) : old > Double(-age) { return false }
            }
            // Ansible applies size to regular files only (and to everything with file_type=any).
            if let size, fileType == "file" || fileType == "any", e.isRegular || fileType == "any" {
                if size >= 0 ? e.size < size : e.size > -size { return false }
            }
            if let mode {
                let perms = e.rawMode & 0o7777
                if exactMode ? perms != mode : perms & mode != mode { return false }
            }
            return true
        }
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let paths = (context.list("paths") ?? []).map(\.renderedString)
        var filter = Filter()
        filter.patterns = (context.list("patterns") ?? []).map(\.renderedString)
        filter.excludes = (context.list("excludes") ?? []).map(\.renderedString)
        filter.useRegex = context.bool("use_regex")
        filter.fileType = context.string("file_type") ?? "file"
        filter.hidden = context.bool("hidden")
        filter.ageStamp = context.string("age_stamp") ?? "mtime"
        filter.exactMode = context.bool("exact_mode", default: true)
        if let age = context.string("age") {
            guard let seconds = Self.amount(age, units: ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]) else {
                return .failed("failed to process age")
            }
            filter.age = seconds
        }
        if let size = context.string("size") {
            guard let bytes = Self.amount(size, units: ["b": 1, "k": 1024, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40]) else {
                return .failed("failed to process size")
            }
            filter.size = bytes
        }
        if let modeValue = context.args["mode"], !modeValue.isNull {
            switch try? FileMode.parse(modeValue) {
            case .octal(let m)?: filter.mode = m
            default: return .failed("mode must be given in octal here (symbolic modes are not supported): \(modeValue.renderedString)")
            }
        }
        let recurse = context.bool("recurse")
        let maxDepth = recurse ? context.int("depth").map { $0 + 1 } : 1
        let follow = context.bool("follow")
        let connection = try await context.connection()
        let answer = try await connection.run(CommandRequest(
            command: Self.listScript(paths, maxDepth: maxDepth, follow: follow), environment: context.environment,
            become: context.become, becomeUser: context.becomeUser))
        let listing = Self.parse(answer.stdout)
        if answer.exitCode != 0 && listing.now == nil {
            return .failed("find failed on the target: " + answer.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let depthLimit = recurse ? context.int("depth") : 1
        let limit = context.int("limit").flatMap { $0 > 0 ? $0 : nil }
        var matched: [Entry] = []
        var examined = 0
        var limitReached = false
        do {
            walk: for group in Self.walkOrder(listing.entries) {
                examined += group.count
                for e in group {
                    if let depthLimit, e.depth > depthLimit { continue }
                    if try filter.selects(e, now: listing.now ?? Date().timeIntervalSince1970) { matched.append(e) }
                    if let limit, matched.count >= limit { limitReached = true; break walk }
                }
            }
        } catch let invalid as PythonRegex.Invalid {
            return .failed(invalid.description)
        }
        let contains = context.string("contains")
        let checksum = context.bool("get_checksum") ? (context.string("checksum_algorithm") ?? "sha1") : nil
        var sums: [String: String] = [:]
        if (contains != nil && filter.fileType == "file") || checksum != nil {
            let regular = matched.filter(\.isRegular).map(\.path)
            let extra = try await connection.run(CommandRequest(
                command: Self.contentScript(regular, contains: contains, wholeFile: context.bool("read_whole_file"),
                                            checksum: checksum),
                environment: context.environment, become: context.become, becomeUser: context.becomeUser))
            let answer: (found: Set<String>, sums: [String: String])
            do {
                answer = try Self.contentAnswer(extra.stdout, contains: contains)
            } catch let invalid as PythonRegex.Invalid {
                return .failed(invalid.description)
            }
            let found = answer.found
            sums = answer.sums
            // As in Ansible, `contains` selects only with file_type=file.
            if contains != nil && filter.fileType == "file" { matched = matched.filter { found.contains($0.path) } }
        }
        var r = TaskResult()
        r["files"] = .list(matched.map { e in
            var info = Self.statInfo(e)
            if let sum = sums[e.path] { info["checksum"] = .string(sum) }
            return .dict(info)
        })
        r.changed = false
        r["examined"] = .int(examined)
        r["matched"] = .int(matched.count)
        var skipped: OrderedDictionary<String, Value> = [:]
        var warnings: [Value] = []
        for (path, reason) in listing.skipped {
            skipped[path] = .string(reason)
            warnings.append(.string("Skipped '\(path)' path due to this access issue: \(reason)\n"))
        }
        r.message = limitReached ? "Limit of matches reached"
            : skipped.isEmpty ? "All paths examined" : "Not all paths examined, check warnings for details"
        r["skipped_paths"] = .dict(skipped)
        if !warnings.isEmpty { r["warnings"] = .list(warnings) }
        return r
    }
}
