import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

final class CommandModuleTests: XCTestCase {
    let harness = ModuleHarness()

    func testRunsWordsWithoutAShellAndReportsAnsibleKeys() async throws {
        let r = try await harness.run(CommandModule(), ["_raw_params": #"printf '%s|' "a b" 'c;d' $(x) *"#])
        XCTAssertFalse(r.failed)
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r.string("stdout"), "a b|c;d|$(x)|*|")
        XCTAssertEqual(r["rc"], 0)
        XCTAssertEqual(r["cmd"], ["printf", "%s|", "a b", "c;d", "$(x)", "*"])
        XCTAssertEqual(r["stdout_lines"], ["a b|c;d|$(x)|*|"])
        XCTAssertEqual(r["stderr_lines"], [])
        XCTAssertEqual(r.string("msg"), "")
        XCTAssertNotNil(r.string("start")?.range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$"#, options: .regularExpression))
        XCTAssertNotNil(r.string("delta")?.range(of: #"^0:00:0\d(\.\d{6})?$"#, options: .regularExpression))
    }

    func testOutputOverTheLimitIsReportedAsAWarning() {
        let invocation = CommandInvocation(program: .shell("noisy", executable: "/bin/sh"), chdir: nil, creates: nil, removes: nil,
                                           stdin: nil, stdinAddNewline: true, stripEmptyEnds: true, warnings: ["earlier"])
        let answer = CommandResult(exitCode: 0, stdout: Data("\u{1E}play:run\u{1E}head[...]tail".utf8), stderr: Data(),
                                   duration: .zero, stdoutOmitted: 123_456)
        let r = invocation.result(of: answer, start: Date(), end: Date(), elapsed: .zero, checkMode: false)
        XCTAssertFalse(r.failed)
        XCTAssertEqual(r.string("stdout"), "head[...]tail")
        let warnings = r["warnings"]?.listValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(warnings.first, "earlier")
        XCTAssertEqual(warnings.dropFirst().first, "123456 bytes of the command's stdout were left out (play keeps the first and last"
            + " 32 MiB of each stream); redirect large output to a file on the host")
        XCTAssertEqual(warnings.count, 2, "no warning for a stderr kept whole")
    }

    func testExpandsVariablesAndTildeLikeAnsible() async throws {
        var h = harness
        h.environment = ["PLAY_GREETING": "hi there"]
        let r = try await h.run(CommandModule(), ["_raw_params": "printf '%s|' $PLAY_GREETING ${PLAY_GREETING} $PLAY_UNSET_VAR ~"])
        XCTAssertEqual(r.string("stdout"), "hi there|hi there|$PLAY_UNSET_VAR|\(NSHomeDirectory())|")
        let plain = try await h.run(CommandModule(), ["_raw_params": "printf %s $PLAY_GREETING", "expand_argument_vars": false])
        XCTAssertEqual(plain.string("stdout"), "$PLAY_GREETING")
    }

    func testNonZeroExitFails() async throws {
        let r = try await harness.run(CommandModule(), ["_raw_params": "sh -c 'echo oops >&2; exit 3'"])
        XCTAssertTrue(r.failed)
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r["rc"], 3)
        XCTAssertEqual(r.string("msg"), "non-zero return code")
        XCTAssertEqual(r.string("stderr"), "oops")
    }

    func testArgvCmdStdinAndStripEmptyEnds() async throws {
        let argv = try await harness.run(CommandModule(), ["argv": ["printf", "%s\\n\\n", "x y"]])
        XCTAssertEqual(argv.string("stdout"), "x y")
        XCTAssertEqual(argv["cmd"], ["printf", "%s\\n\\n", "x y"])
        let kept = try await harness.run(CommandModule(), ["cmd": "printf 'a\\n\\n'", "strip_empty_ends": false])
        XCTAssertEqual(kept.string("stdout"), "a\n\n")
        XCTAssertEqual(kept["stdout_lines"], ["a", ""])
        let input = try await harness.run(CommandModule(), ["_raw_params": "cat", "stdin": "line one"])
        XCTAssertEqual(input.string("stdout"), "line one")
        let raw = try await harness.run(CommandModule(), ["_raw_params": "od -c", "stdin": "z", "stdin_add_newline": false])
        XCTAssertFalse(raw.string("stdout")!.contains("\\n"))
    }

    func testChdirCreatesAndRemoves() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("here.txt", "x")
        let pwd = try await harness.run(CommandModule(), ["_raw_params": "pwd", "chdir": .string(dir.path)])
        XCTAssertEqual(pwd.string("stdout"), dir.path)

        let missing = try await harness.run(CommandModule(), ["_raw_params": "pwd", "chdir": .string(dir.file("nope"))])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing.string("msg"), "Unable to change directory before execution: No such file or directory: '\(dir.file("nope"))'")

        let created = try await harness.run(CommandModule(), ["_raw_params": .string("touch \(dir.file("ran"))"), "creates": .string(dir.path + "/h*.txt")])
        XCTAssertFalse(created.changed)
        XCTAssertEqual(created.string("msg"), "Did not run command since '\(dir.path)/h*.txt' exists")
        XCTAssertEqual(created.string("stdout"), "skipped, since \(dir.path)/h*.txt exists")
        XCTAssertFalse(dir.exists("ran"))

        let relative = try await harness.run(CommandModule(), ["_raw_params": "touch ran", "chdir": .string(dir.path), "creates": "here.txt"])
        XCTAssertFalse(relative.changed, "creates is relative to chdir")

        let removed = try await harness.run(CommandModule(), ["_raw_params": "touch ran", "removes": .string(dir.file("gone*"))])
        XCTAssertFalse(removed.changed)
        XCTAssertEqual(removed.string("msg"), "Did not run command since '\(dir.file("gone*"))' does not exist")

        let runs = try await harness.run(CommandModule(), ["_raw_params": "touch ran", "chdir": .string(dir.path), "removes": "here.txt"])
        XCTAssertTrue(runs.changed)
        XCTAssertTrue(dir.exists("ran"))
    }

    func testCheckModeRunsNothing() async throws {
        let dir = try TemporaryDirectory()
        var h = harness
        h.checkMode = true
        let plain = try await h.run(CommandModule(), ["_raw_params": .string("touch \(dir.file("a"))")])
        XCTAssertTrue(plain.skipped)
        XCTAssertFalse(plain.changed)
        XCTAssertEqual(plain.string("msg"), "Command would have run if not in check mode")

        let guarded = try await h.run(CommandModule(), ["_raw_params": .string("touch \(dir.file("a"))"), "creates": .string(dir.file("a"))])
        XCTAssertTrue(guarded.changed)
        XCTAssertFalse(guarded.skipped)
        XCTAssertEqual(guarded.string("msg"), "Command would have run if not in check mode")
        XCTAssertFalse(dir.exists("a"))

        try dir.write("a", "")
        let satisfied = try await h.run(CommandModule(), ["_raw_params": .string("rm \(dir.file("a"))"), "creates": .string(dir.file("a"))])
        XCTAssertFalse(satisfied.changed)
        XCTAssertEqual(satisfied.string("msg"), "Would not run command since '\(dir.file("a"))' exists")
        XCTAssertTrue(dir.exists("a"))
    }

    func testArgumentErrors() async throws {
        XCTAssertEqual(harness.argumentError(CommandModule(), ["_raw_params": "ls", "chdri": "/tmp"])?.contains("chdri"), true)
        XCTAssertEqual(harness.argumentError(CommandModule(), ["_raw_params": "ls", "chdri": "/tmp"])?.contains("Unsupported parameters"), true)
        let both = try await harness.run(CommandModule(), ["_raw_params": "ls", "argv": ["ls"]])
        XCTAssertEqual(both.string("msg"), "only command or argv can be given, not both")
        XCTAssertTrue(both.failed)
        let none = try await harness.run(CommandModule(), [:])
        XCTAssertEqual(none.string("msg"), "no command given")
        XCTAssertEqual(none["rc"], 256)
        let conflict = try await harness.run(CommandModule(), ["_raw_params": "ls", "cmd": "pwd"])
        XCTAssertTrue(conflict.failed)
        let unbalanced = try await harness.run(CommandModule(), ["_raw_params": "echo 'oops"])
        XCTAssertTrue(unbalanced.failed)
        XCTAssertTrue(unbalanced.string("msg")!.contains("No closing quotation"))
        let executable = try await harness.run(CommandModule(), ["_raw_params": "true", "executable": "/bin/bash"])
        XCTAssertFalse(executable.failed)
        XCTAssertEqual(executable["warnings"]?.listValue?.count, 1)
    }

    func testShellRunsThroughAShell() async throws {
        var h = harness
        h.environment = ["PLAY_WORDS": "one two three"]
        let r = try await h.run(ShellModule(), ["_raw_params": "echo $PLAY_WORDS | wc -w; exit 0"])
        XCTAssertEqual(r.string("stdout")?.trimmingCharacters(in: .whitespaces), "3")
        XCTAssertEqual(r["cmd"], "echo $PLAY_WORDS | wc -w; exit 0")
        XCTAssertTrue(r.changed)

        let bash = try await h.run(ShellModule(), ["_raw_params": "[[ a == a ]] && echo $0", "executable": "/bin/bash"])
        XCTAssertEqual(bash.string("stdout"), "/bin/bash")

        let syntax = try await h.run(ShellModule(), ["_raw_params": "if then"])
        XCTAssertTrue(syntax.failed)
        XCTAssertEqual(syntax["rc"], 2)
        XCTAssertEqual(syntax.string("msg"), "non-zero return code")

        let trapped = try await h.run(ShellModule(), ["_raw_params": "trap 'echo bye' EXIT; exit 4"])
        XCTAssertEqual(trapped["rc"], 4)
        XCTAssertEqual(trapped.string("stdout"), "bye")

        let empty = try await h.run(ShellModule(), ["_raw_params": "  "])
        XCTAssertEqual(empty.string("msg"), "no command given")
    }

    func testShellChecksCreatesInCheckMode() async throws {
        let dir = try TemporaryDirectory()
        var h = harness
        h.checkMode = true
        let r = try await h.run(ShellModule(), ["_raw_params": .string("echo x > \(dir.file("out"))"), "creates": .string(dir.file("out"))])
        XCTAssertTrue(r.changed)
        XCTAssertFalse(dir.exists("out"))
    }
}
