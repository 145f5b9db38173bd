import Foundation
import XCTest

/// `--diff`, `--check --diff` and task-level `diff: true` against the real ansible-playbook, byte
/// for byte: each tool runs the playbooks in Fixtures/diff on its own copy of the same files
/// (lines added and replaced, a file without a final newline, a 300-line file, new files, a loop,
/// file-module state changes whose diffs are mappings).
final class DiffComparisonTests: XCTestCase {
    /// Masked: Ansible renders a template into a temporary file on the controller and names that file in
    /// the diff's header; play names the template itself.
    /// Touch's times are the clock's.
    static let masked = #"\+\+\+ after: /\S+/conf\.j2|"[am]time": [0-9.]+"#

    /// A fresh directory with the fixture playbooks and the files they change.
    func workspace(_ root: URL, _ name: String) throws -> URL {
        let fm = FileManager.default
        let dir = root.appendingPathComponent(name)
        try fm.copyItem(at: PlayProcess.fixtures.appendingPathComponent("diff"), to: dir)
        let files = dir.appendingPathComponent("files")
        try fm.createDirectory(at: files, withIntermediateDirectories: true)
        var long = (1...300).map { $0 % 3 == 0 ? "}\n" : "line \($0)\n" }
        long[149] = "line 150\n"
        let contents = ["conf": "name=demo\nport=80\nend\n", "nonl": "one\ntwo", "copied": "one\n2\nthree\n",
                        "templated": "old\n", "gone": "gone\n", "a": "a1\n", "b": "b1\n", "long": long.joined()]
        for (file, text) in contents {
            try Data(text.utf8).write(to: files.appendingPathComponent(file))
            try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: files.appendingPathComponent(file).path)
        }
        return dir
    }

    func compare(_ playbook: String, _ extra: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("play-diff-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let args = ["-i", "h1,", "-c", "local", playbook,
                    "-e", #"{"ansible_python_interpreter": "{{ ansible_playbook_python }}"}"#] + extra
        let ansible = try PlayProcess.ansiblePlaybook(args, cwd: try workspace(root, "ansible"))
        let play = try PlayProcess.play(args, cwd: try workspace(root, "play"))
        XCTAssertTrue(ansible.stdout.contains("\n+++ after"), "ansible printed no diff: \(ansible.stdout)",
                      file: file, line: line)
        AnsibleComparisonTests.assertSameOutput("\(playbook) \(extra)", ansible: ansible, play: play,
                                                masking: Self.masked, file: file, line: line)
    }

    func testDiffMode() throws { try compare("diff.yml", ["--diff"]) }
    func testCheckAndDiffMode() throws { try compare("diff.yml", ["--check", "--diff"]) }
    func testTaskLevelDiff() throws {
        try compare("task-level.yml", [])
    }
}
