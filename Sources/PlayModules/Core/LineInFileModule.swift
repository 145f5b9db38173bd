import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// `lineinfile`: makes one line be in a file (replacing the last line a `regexp` or
/// `search_string` matches, else inserting it after/before a matching line, at the end or the
/// beginning), or removes every matching line. The file is read in one command, edited on the
/// controller with Ansible's rules (on bytes, as Ansible does), and written back in one more
/// only when it changed.
public struct LineInFileModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "lineinfile", arguments: [
        ArgumentSpec("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
        ArgumentSpec("regexp", .string, aliases: ["regex"]),
        ArgumentSpec("search_string", .string),
        ArgumentSpec("line", .string, aliases: ["value"]),
        ArgumentSpec("backrefs", .bool, defaultValue: false),
        ArgumentSpec("insertafter", .string),
        ArgumentSpec("insertbefore", .string),
        ArgumentSpec("create", .bool, defaultValue: false),
        ArgumentSpec("backup", .bool, defaultValue: false),
        ArgumentSpec("firstmatch", .bool, defaultValue: false),
    ] + RemoteTextFile.sharedArguments, freeForm: .keyValue, mutuallyExclusive: [["insertbefore", "insertafter"], ["regexp", "search_string"],
                                                ["backrefs", "search_string"]])

    /// What editing the lines did.
    struct Edit: Equatable {
        var lines: [String]
        var changed: Bool
        var message: String
        /// Lines removed (state=absent).
        var found = 0
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if let refusal = try await SELinuxArguments.refusal(context) { return refusal }
        let path: String, mode: FileMode?
        switch RemoteTextFile.target(context) {
        case .success(let target): (path, mode) = target
        case .failure(let failed): return failed.result
        }
        let regexp = context.string("regexp")
        let searchString = context.string("search_string")
        let line = context.string("line")
        let present = context.string("state") != "absent"
        let backrefs = context.bool("backrefs")
        if present {
            if backrefs && regexp == nil { return .failed("regexp is required with backrefs=true") }
            if line == nil { return .failed("line is required with state=present") }
        } else if regexp == nil && searchString == nil && line == nil {
            return .failed("one of line, search_string, or regexp is required with state=absent")
        }
        var warnings: [Value] = []
        for (name, value) in [("regexp", regexp), ("search_string", searchString)] where value == "" {
            warnings.append(.string("The \(name) is an empty string, which will match every line in the file. This may have"
                + " unintended consequences, such as replacing the last line in the file rather than appending."))
        }
        do {
            let file = try await RemoteTextFile.read(path, context: context)
            if file.state == .directory { return .failed("Path \(file.path) is a directory !", ["rc": 256]) }
            if file.state == .absent {
                if !present { return TaskResult(["changed": false, "msg": "file not present"]) }
                if !context.bool("create") {
                    return .failed("Destination \(file.path) does not exist !", ["rc": 257])
                }
            }
            // Edited as bytes (see RemoteTextFile.byteText); arguments are turned into bytes too.
            let b = RemoteTextFile.byteText as (String) -> String
            let lines = RemoteTextFile.lines(file.byteText)
            let edit: Edit
            if present {
                var insertAfter = context.string("insertafter")
                let insertBefore = context.string("insertbefore")
                if insertAfter == nil && insertBefore == nil { insertAfter = "EOF" }
                edit = try Self.present(lines, line: b(line ?? ""), regexp: regexp.map { try PythonRegex(b($0)) },
                                        searchString: searchString.map(b), insertAfter: insertAfter.map(b),
                                        insertBefore: insertBefore.map(b),
                                        backrefs: backrefs, firstMatch: context.bool("firstmatch"))
            } else {
                edit = Self.absent(lines, line: line.map(b), regexp: try regexp.map { try PythonRegex(b($0)) },
                                   searchString: searchString.map(b))
            }
            let newData = RemoteTextFile.bytes(edit.lines.joined())
            let before = String(decoding: file.data, as: UTF8.self)
            let after = String(decoding: newData, as: UTF8.self)
            var r = TaskResult()
            let outcome = try await file.write(
                edit.changed ? newData : nil, context: context, mode: mode, owner: context.string("owner"),
                group: context.string("group"), backup: context.bool("backup"), validate: context.string("validate"),
                makeParents: true)
            r["backup"] = .string(outcome.backupFile ?? "")
            if context.checkMode && file.state == .absent {
                r.changed = edit.changed
                r.message = edit.message
                r["diff"] = RemoteTextFile.contentDiff(path: file.path, before: before, after: after, diffMode: context.diffMode)
            } else {
                r.changed = edit.changed || outcome.attributesChanged
                if !present { r["found"] = .int(edit.found) }
                r.message = RemoteTextFile.message(edit.message, attributesChanged: outcome.attributesChanged)
                r["diff"] = RemoteTextFile.diffList(path: file.path, before: before, after: after, diffMode: context.diffMode,
                                                    outcome: outcome)
            }
            if !warnings.isEmpty { r["warnings"] = .list(warnings) }
            return r
        } catch let failure as RemoteTextFile.Failure {
            return failure.result
        } catch let invalid as PythonRegex.Invalid {
            return .failed(invalid.description)
        }
    }

    /// state=present on the file's lines (each with its line break), following Ansible's order of
    /// preference: a regexp/search_string match is replaced; else an identical line leaves the file
    /// alone; else the line goes after/before the last (or, with firstmatch, first) insert match,
    /// at BOF, or at EOF.
    static func present(_ input: [String], line: String, regexp: PythonRegex?, searchString: String?,
                        insertAfter: String?, insertBefore: String?, backrefs: Bool, firstMatch: Bool) throws -> Edit {
        var lines = input
        let insertPattern: PythonRegex?
        if let insertAfter, insertAfter != "BOF", insertAfter != "EOF" {
            insertPattern = try PythonRegex(insertAfter)
        } else if let insertBefore, insertBefore != "BOF" {
            insertPattern = try PythonRegex(insertBefore)
        } else {
            insertPattern = nil
        }
        var found = -1
        var insertAt = -1
        var matchedLine: String?
        var match: NSTextCheckingResult?
        var exactLine = false
        if let regexp {
            for (i, current) in lines.enumerated() {
                if let m = regexp.search(current) {
                    found = i; match = m; matchedLine = current
                    if firstMatch { break }
                }
            }
        }
        if let searchString {
            for (i, current) in lines.enumerated() where current.contains(searchString) || searchString.isEmpty {
                found = i; matchedLine = current
                if firstMatch { break }
            }
        }
        if matchedLine == nil {
            for (i, current) in lines.enumerated() {
                if RemoteTextFile.strippingLineEnd(current) == line {
                    found = i; exactLine = true
                } else if let insertPattern, insertPattern.search(current) != nil {
                    insertAt = insertAfter != nil ? i + 1 : i
                    if firstMatch { break }
                }
            }
        }
        func added(_ at: Int) -> Edit {
            lines.insert(line + "\n", at: at)
            return Edit(lines: lines, changed: true, message: "line added")
        }
        let unchanged = Edit(lines: input, changed: false, message: "")
        if found != -1 {
            var newLine = line
            if backrefs, let match, let matchedLine, let regexp { newLine = regexp.expand(line, match, in: matchedLine) }
            if !RemoteTextFile.endsWithNewline(newLine) { newLine += "\n" }
            if regexp == nil && searchString == nil && matchedLine == nil && !exactLine {
                return unchanged
            }
            guard lines[found] != newLine else { return unchanged }
            lines[found] = newLine
            return Edit(lines: lines, changed: true, message: "line replaced")
        }
        if backrefs { return unchanged }  // no match to take the groups from: Ansible leaves the file alone
        if insertBefore == "BOF" || insertAfter == "BOF" { return added(0) }
        if insertAfter == "EOF" || insertAt == -1 {
            if let last = lines.last, !RemoteTextFile.endsWithLineBreak(last) { lines.append("\n") }
            return added(lines.count)
        }
        if insertAfter != nil {
            // Already right after the anchor: nothing to do.
            if insertAt == lines.count {
                if RemoteTextFile.strippingLineEnd(lines[insertAt - 1]) == line { return unchanged }
                if !RemoteTextFile.endsWithLineBreak(lines[insertAt - 1]) { lines[insertAt - 1] += "\n" }
                return added(insertAt)
            }
            if RemoteTextFile.strippingLineEnd(lines[insertAt]) == line { return unchanged }
            return added(insertAt)
        }
        return added(insertAt)
    }

    /// state=absent: every line the regexp or search_string finds, or equal to `line`, goes.
    static func absent(_ input: [String], line: String?, regexp: PythonRegex?, searchString: String?) -> Edit {
        var kept: [String] = []
        var found = 0
        for current in input {
            let matches: Bool
            if let regexp {
                matches = regexp.search(current) != nil
            } else if let searchString {
                matches = searchString.isEmpty || current.contains(searchString)
            } else {
                matches = RemoteTextFile.strippingLineEnd(current) == line
            }
            if matches { found += 1 } else { kept.append(current) }
        }
        return Edit(lines: kept, changed: found > 0, message: found > 0 ? "\(found) line(s) removed" : "", found: found)
    }
}
