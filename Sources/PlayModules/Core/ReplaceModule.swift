import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// `replace`: replaces every match of a Python regular expression (MULTILINE) in a file, or only
/// in the part after `after` and/or before `before`. Read in one command, replaced on the
/// controller, written back in one more only when the text changed.
public struct ReplaceModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "replace", arguments: [
        ArgumentSpec("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
        ArgumentSpec("regexp", .string, required: true),
        ArgumentSpec("replace", .string, defaultValue: ""),
        ArgumentSpec("after", .string),
        ArgumentSpec("before", .string),
        ArgumentSpec("backup", .bool, defaultValue: false),
        ArgumentSpec("encoding", .string, defaultValue: "utf-8"),
    ] + RemoteTextFile.sharedArguments, freeForm: .keyValue)

    /// The outcome of replacing in a text.
    enum Replacement: Equatable {
        case replaced(String, count: Int)
        case unchanged
        /// `after`/`before` found no section; the message names the pattern tried.
        case noSection(pattern: String)
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if let refusal = try await SELinuxArguments.refusal(context) { return refusal }
        let path: String, mode: FileMode?
        switch RemoteTextFile.target(context) {
        case .success(let target): (path, mode) = target
        case .failure(let failed): return failed.result
        }
        let encoding = (context.string("encoding") ?? "utf-8").lowercased()
        guard ["utf-8", "utf8"].contains(encoding) else {
            return .failed("encoding '\(encoding)' is not supported: replace reads and writes UTF-8 only")
        }
        do {
            let file = try await RemoteTextFile.read(path, context: context)
            if file.state == .directory { return .failed("Path \(file.path) is a directory !", ["rc": 256]) }
            if file.state == .absent { return .failed("Path \(file.path) does not exist !", ["rc": 257]) }
            guard let contents = file.text else { return .failed("\(file.path) is not UTF-8 text; replace edits text files only") }
            let replacement = try Self.replace(in: contents, regexp: context.string("regexp") ?? "",
                                               with: context.string("replace") ?? "",
                                               after: context.string("after"), before: context.string("before"))
            var r = TaskResult(["rc": 0])
            var message = ""
            var newText: String?
            switch replacement {
            case .noSection(let pattern):
                r.changed = false
                r.message = "Pattern for before/after params did not match the given file: \(pattern)"
                return r
            case .unchanged:
                break
            case .replaced(let text, let count):
                message = "\(count) replacements made"
                newText = text
                if context.diffMode {
                    r["diff"] = ["before_header": .string(file.path), "before": .string(contents),
                                 "after_header": .string(file.path), "after": .string(text)]
                }
            }
            let outcome = try await file.write(
                newText.map { Data($0.utf8) }, context: context, mode: mode, owner: context.string("owner"),
                group: context.string("group"), backup: context.bool("backup"), validate: context.string("validate"),
                makeParents: false)
            if let backup = outcome.backupFile { r["backup_file"] = .string(backup) }
            r.message = RemoteTextFile.message(message, attributesChanged: outcome.attributesChanged)
            r.changed = newText != nil || outcome.attributesChanged
            return r
        } catch let failure as RemoteTextFile.Failure {
            return failure.result
        } catch let invalid as PythonRegex.Invalid {
            return .failed(invalid.description)
        }
    }

    /// Replaces in the section `after`/`before` delimit (the whole text without them); a
    /// replacement that leaves the text as it was is no change, as in Ansible.
    static func replace(in contents: String, regexp: String, with template: String, after: String?,
                        before: String?) throws -> Replacement {
        var section = contents[...]
        var sectionPattern = ""
        if let after, !after.isEmpty, let before, !before.isEmpty {
            sectionPattern = "\(after)(?P<subsection>.*?)\(before)"
        } else if let after, !after.isEmpty {
            sectionPattern = "\(after)(?P<subsection>.*)"
        } else if let before, !before.isEmpty {
            sectionPattern = "(?P<subsection>.*)\(before)"
        }
        if !sectionPattern.isEmpty {
            let finder = try PythonRegex(sectionPattern, dotAll: true)
            guard let match = finder.search(contents),
                  let range = Range(match.range(withName: "subsection"), in: contents) else {
                return .noSection(pattern: sectionPattern)
            }
            section = contents[range]
        }
        let (replaced, count) = try PythonRegex(regexp, multiline: true).replace(String(section), with: template)
        guard count > 0, replaced != section else { return .unchanged }
        return .replaced(contents[..<section.startIndex] + replaced + contents[section.endIndex...], count: count)
    }
}
