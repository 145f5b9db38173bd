import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// script through the local connection, and the same tasks with ansible-playbook.
final class ScriptModuleTests: XCTestCase {
    private func fixtures() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("files/greet.sh", "#!/bin/sh\necho \"hello $1 from $(pwd)\"\necho warn >&2\n[ \"$2\" = fail ] && exit 3\nexit 0\n")
        try dir.write("files/plain.txt", "echo \"run by $0\"\n")
        try dir.write("work/marker", "")
        return dir
    }

    func testRunsWithArgumentsGuardsAndCheckMode() async throws {
        let dir = try fixtures()
        var h = ModuleHarness()
        h.taskDirectory = dir.path
        let r = try await h.run(ScriptModule(), ["_raw_params": "greet.sh 'big world'", "chdir": .string(dir.file("work"))])
        XCTAssertFalse(r.failed, "\(r.values)")
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r["rc"], 0)
        XCTAssertEqual(r["stdout"], .string("hello big world from \(dir.file("work"))\n"))
        XCTAssertEqual(r["stdout_lines"], .list([.string("hello big world from \(dir.file("work"))")]))
        XCTAssertEqual(r["stderr"], "warn\n")

        let failed = try await h.run(ScriptModule(), ["cmd": "greet.sh x fail"])
        XCTAssertTrue(failed.failed)
        XCTAssertEqual(failed["rc"], 3)
        XCTAssertEqual(failed.message, "non-zero return code")

        let viaSh = try await h.run(ScriptModule(), ["_raw_params": "plain.txt", "executable": "/bin/sh"])
        XCTAssertEqual(viaSh.string("stdout")?.hasPrefix("run by /"), true, "\(viaSh.values)")

        let created = try await h.run(ScriptModule(), ["_raw_params": "greet.sh", "creates": .string(dir.file("work/mark*"))])
        XCTAssertEqual(created["skipped"], true)
        XCTAssertEqual(created.message, "\(dir.file("work/mark*")) exists, matching creates option")
        let removed = try await h.run(ScriptModule(), ["_raw_params": "greet.sh", "removes": .string(dir.file("work/none"))])
        XCTAssertEqual(removed.message, "\(dir.file("work/none")) does not exist, matching removes option")

        var check = h
        check.checkMode = true
        let skipped = try await check.run(ScriptModule(), ["_raw_params": "greet.sh"])
        XCTAssertEqual(skipped["skipped"], true)
        XCTAssertEqual(skipped.message, "Check mode is not supported for this task.")
        let guarded = try await check.run(ScriptModule(), ["_raw_params": "greet.sh", "creates": .string(dir.file("work/none"))])
        XCTAssertTrue(guarded.changed)
        XCTAssertNil(guarded["rc"], "nothing ran")

        let missing = try await h.run(ScriptModule(), ["_raw_params": "nope.sh"])
        XCTAssertTrue(missing.failed)
        let relative = try await h.run(ScriptModule(), ["_raw_params": "greet.sh", "chdir": "work"])
        XCTAssertEqual(relative.message, "chdir work must be an absolute path for a Unix-aware remote node")
    }

    func testMatchesAnsible() async throws {
        let dir = try fixtures()
        let ansible = try AnsibleTask.run([
            "script: greet.sh one\nargs: {chdir: '\(dir.file("work"))'}",
            "script: greet.sh one fail\nargs: {chdir: '\(dir.path)'}",
            "script: greet.sh\nargs: {creates: '\(dir.file("work/marker"))'}",
        ], in: dir.path)
        var h = ModuleHarness()
        h.taskDirectory = dir.path
        let results = [
            try await h.run(ScriptModule(), ["_raw_params": "greet.sh one", "chdir": .string(dir.file("work"))]),
            try await h.run(ScriptModule(), ["_raw_params": "greet.sh one fail", "chdir": .string(dir.path)]),
            try await h.run(ScriptModule(), ["_raw_params": "greet.sh", "creates": .string(dir.file("work/marker"))]),
        ]
        XCTAssertEqual(ansible.count, 3)
        for (i, (a, p)) in zip(ansible, results).enumerated() {
            XCTAssertEqual(AnsibleTask.keys(p.values), AnsibleTask.keys(a), "result keys of task \(i)")
            for key in ["changed", "rc", "stdout", "stdout_lines", "stderr", "msg", "skipped"] {
                XCTAssertEqual(p[key], a[key], "\(key) of task \(i)")
            }
        }
    }
}
