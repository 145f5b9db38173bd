import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// `blockinfile`: keeps a block of lines between two marker lines in a file (replacing the block
/// the markers already hold, else inserting it after/before a matching line, at the end or the
/// beginning), or removes the block with its markers. Read in one command, edited on the
/// controller, written back in one more only when it changed.
public struct BlockInFileModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "blockinfile", arguments: [
        ArgumentSpec("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
        ArgumentSpec("marker", .string, defaultValue: "# {mark} ANSIBLE MANAGED BLOCK"),
        ArgumentSpec("block", .string, aliases: ["content"], defaultValue: ""),
        ArgumentSpec("insertafter", .string),
        ArgumentSpec("insertbefore", .string),
        ArgumentSpec("create", .bool, defaultValue: false),
        ArgumentSpec("backup", .bool, defaultValue: false),
        ArgumentSpec("marker_begin", .string, defaultValue: "BEGIN"),
        ArgumentSpec("marker_end", .string, defaultValue: "END"),
        ArgumentSpec("append_newline", .bool, defaultValue: false),
        ArgumentSpec("prepend_newline", .bool, defaultValue: false),
    ] + RemoteTextFile.sharedArguments, freeForm: .keyValue, mutuallyExclusive: [["insertbefore", "insertafter"]])

    struct Options {
        var present = true
        var block = ""
        var marker = "# {mark} ANSIBLE MANAGED BLOCK"
        var markerBegin = "BEGIN"
        var markerEnd = "END"
        var insertAfter: String?
        var insertBefore: String?
        var appendNewline = false
        var prependNewline = false
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if let refusal = try await SELinuxArguments.refusal(context) { return refusal }
        let path: String, mode: FileMode?
        switch RemoteTextFile.target(context) {
        case .success(let target): (path, mode) = target
        case .failure(let failed): return failed.result
        }
        // Edited as bytes, as Ansible does (see RemoteTextFile.byteText): arguments become bytes too.
        let b = RemoteTextFile.byteText as (String) -> String
        var options = Options()
        options.present = context.string("state") != "absent"
        options.block = b(context.string("block") ?? "")
        options.marker = b(context.string("marker") ?? options.marker)
        options.markerBegin = b(context.string("marker_begin") ?? "BEGIN")
        options.markerEnd = b(context.string("marker_end") ?? "END")
        options.insertAfter = context.string("insertafter").map(b)
        options.insertBefore = context.string("insertbefore").map(b)
        options.appendNewline = context.bool("append_newline")
        options.prependNewline = context.bool("prepend_newline")
        do {
            let file = try await RemoteTextFile.read(path, context: context)
            if file.state == .directory { return .failed("Path \(file.path) is a directory !", ["rc": 256]) }
            if file.state == .absent {
                if !context.bool("create") { return .failed("Path \(file.path) does not exist !", ["rc": 257]) }
                if !options.present { return TaskResult(["changed": false, "msg": .string("File \(file.path) not present")]) }
            }
            let lines = RemoteTextFile.lines(file.byteText)
            let (newLines, inserted) = try Self.edit(lines, options)
            let newData = RemoteTextFile.bytes(newLines.joined())
            let original = String(decoding: file.data, as: UTF8.self)
            let result = String(decoding: newData, as: UTF8.self)
            let message: String
            let changed: Bool
            if file.state == .file && file.data == newData {
                (message, changed) = ("", false)
            } else if file.state == .absent {
                (message, changed) = ("File created", true)
            } else if !inserted {
                (message, changed) = ("Block removed", true)
            } else {
                (message, changed) = ("Block inserted", true)
            }
            let outcome = try await file.write(
                changed ? newData : nil, context: context, mode: mode, owner: context.string("owner"),
                group: context.string("group"), backup: context.bool("backup"), validate: context.string("validate"),
                makeParents: true)
            var r = TaskResult()
            if context.checkMode && file.state == .absent {
                r.changed = changed
                r.message = message
                r["diff"] = RemoteTextFile.contentDiff(path: file.path, before: original, after: result, diffMode: context.diffMode)
                return r
            }
            r.changed = changed || outcome.attributesChanged
            r.message = RemoteTextFile.message(message, attributesChanged: outcome.attributesChanged)
            r["diff"] = RemoteTextFile.diffList(path: file.path, before: original, after: result, diffMode: context.diffMode,
                                                outcome: outcome)
            if let backup = outcome.backupFile { r["backup_file"] = .string(backup) }
            return r
        } catch let failure as RemoteTextFile.Failure {
            return failure.result
        } catch let invalid as PythonRegex.Invalid {
            return .failed(invalid.description)
        }
    }

    /// Whether a pattern turns on Python's MULTILINE flag with a leading inline group (`(?m)`, `(?im)`).
    static func isMultiline(_ pattern: String) -> Bool {
        guard pattern.hasPrefix("(?"), let close = pattern.firstIndex(of: ")") else { return false }
        let flags = pattern[pattern.index(pattern.startIndex, offsetBy: 2)..<close]
        return flags.contains("m") && flags.allSatisfy { "aiLmsux".contains($0) }
    }

    /// The file's lines with the block in place (or gone); `inserted` is false when no block
    /// lines were written (state=absent, or an empty block).
    static func edit(_ input: [String], _ o: Options) throws -> (lines: [String], inserted: Bool) {
        var lines = input
        var insertAfter = o.insertAfter
        if o.insertBefore == nil && insertAfter == nil { insertAfter = "EOF" }
        let insertText: String?
        if let insertAfter, insertAfter != "EOF" {
            insertText = insertAfter
        } else if let insertBefore = o.insertBefore, insertBefore != "BOF" {
            insertText = insertBefore
        } else {
            insertText = nil
        }
        let insertPattern = try insertText.map { try PythonRegex($0) }
        let begin = o.marker.replacingOccurrences(of: "{mark}", with: o.markerBegin) + "\n"
        let end = o.marker.replacingOccurrences(of: "{mark}", with: o.markerEnd) + "\n"
        var blockLines: [String] = []
        if o.present && !o.block.isEmpty {
            let block = RemoteTextFile.endsWithNewline(o.block) ? o.block : o.block + "\n"
            blockLines = [begin] + RemoteTextFile.lines(block) + [end]
        }
        // The last line equal to each marker, as Ansible looks for them.
        var first: Int?
        var last: Int?
        for (i, line) in lines.enumerated() {
            if line == begin { first = i }
            if line == end { last = i }
        }
        var at: Int
        if let first, let last {
            let lower = min(first, last)
            lines.removeSubrange(lower...max(first, last))
            at = lower
        } else if let insertPattern {
            var found: Int?
            if let insertText, Self.isMultiline(insertText) {
                // A (?m) pattern is searched in the whole text, as Ansible does: the block goes
                // after the line where the match ends (or before the one where it starts).
                let text = lines.joined()
                if let match = insertPattern.search(text), let range = Range(match.range, in: text) {
                    let edge = o.insertAfter != nil ? range.upperBound : range.lowerBound
                    found = text[..<edge].unicodeScalars.filter { $0 == "\n" }.count
                }
            } else {
                for (i, line) in lines.enumerated() where insertPattern.search(line) != nil { found = i }
            }
            if let found { at = o.insertAfter != nil ? found + 1 : found } else { at = lines.count }
        } else if o.insertBefore != nil {
            at = 0
        } else {
            at = lines.count
        }
        if at > 0, !RemoteTextFile.endsWithNewline(lines[at - 1]) { lines[at - 1] += "\n" }
        if o.prependNewline && o.present && at != 0 && lines[at - 1] != "\n" {
            lines.insert("\n", at: at)
            at += 1
        }
        lines.insert(contentsOf: blockLines, at: at)
        if o.appendNewline && o.present {
            let after = at + blockLines.count
            if after < lines.count && lines[after] != "\n" { lines.insert("\n", at: after) }
        }
        return (lines, !blockLines.isEmpty)
    }
}
