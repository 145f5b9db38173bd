import Foundation
import PlayBase
import XCTest
@testable import PlayLanguage

/// A scratch directory of YAML files for one test, removed at the end.
final class TempFiles {
    let root: String

    init() {
        root = NSTemporaryDirectory() + "play-language-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `text` to `name` (relative to the root) and returns its full path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let path = root + "/" + name
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }
}

/// Helpers shared by the parser tests.
extension XCTestCase {
    var parser: PlaybookParser { PlaybookParser(catalog: TestCatalog.catalog) }
    var compiler: PlaybookCompiler { PlaybookCompiler(catalog: TestCatalog.catalog) }

    /// Parses one playbook text; fails the test on diagnostics.
    func parse(_ yaml: String, files: TempFiles = TempFiles(), file: StaticString = #filePath, line: UInt = #line) -> Playbook? {
        let path = files.write("playbook.yml", yaml)
        do {
            return try parser.parse(path: path)
        } catch {
            XCTFail("unexpected diagnostics:\n\(error)", file: file, line: line)
            return nil
        }
    }

    /// The tasks of the first play.
    func tasks(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> [PlaybookTask] {
        guard let pb = parse(yaml, file: file, line: line) else { return [] }
        return pb.plays.first?.tasks.compactMap { if case .task(let t) = $0 { return t }; return nil } ?? []
    }

    /// Parses a playbook expected to fail and returns its diagnostics.
    func diagnostics(_ yaml: String, files: TempFiles = TempFiles(), file: StaticString = #filePath, line: UInt = #line) -> [Diagnostic] {
        let path = files.write("playbook.yml", yaml)
        do {
            _ = try parser.parse(path: path)
            XCTFail("expected diagnostics, the playbook parsed", file: file, line: line)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// A playbook with one play around the given tasks YAML (indented by the caller as list items).
    func playWith(tasks: String) -> String {
        "- hosts: localhost\n  tasks:\n" + tasks.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n") + "\n"
    }
}
