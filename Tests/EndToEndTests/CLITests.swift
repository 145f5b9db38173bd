import Foundation
import XCTest

/// `play` as a user meets it: diagnostics, exit codes, variable precedence, JSON events, Ctrl-C.
final class CLITests: XCTestCase {
    var cli: URL { PlayProcess.fixtures.appendingPathComponent("cli") }

    func testUnknownKeywordAndModuleAreReportedWithLocationAndSuggestion() throws {
        let r = try PlayProcess.play(["bad-keyword.yml"], cwd: cli)
        XCTAssertEqual(r.exitCode, 4, "a parse error exits 4 as ansible-playbook")
        XCTAssertEqual(r.stdout, "", "nothing runs when the playbook has errors")
        XCTAssertTrue(r.stderr.contains("bad-keyword.yml:8:7: error: 'whne' is not a valid task keyword"), r.stderr)
        XCTAssertTrue(r.stderr.contains("      whne: true\n      ^~~~\n"), "source line and marker: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("did you mean 'when'?"), r.stderr)
        XCTAssertTrue(r.stderr.contains("bad-keyword.yml:10:7: error:"), "every error is reported, not just the first")
        XCTAssertTrue(r.stderr.contains("did you mean 'debug'?"), r.stderr)
    }

    /// Without a terminal a prompt with no default cannot be answered: the run stops before the
    /// play, naming the variable and how to give it; `-e` gives it without asking.
    func testVarsPromptWithoutTerminalOrDefaultFails() throws {
        let r = try PlayProcess.play(["-c", "local", "vars-prompt-no-default.yml"], cwd: cli)
        XCTAssertEqual(r.exitCode, 2, r.stderr)
        XCTAssertFalse(r.stdout.contains("TASK ["), r.stdout)
        XCTAssertTrue(r.stderr.contains("vars-prompt-no-default.yml:4:7: vars_prompt 'password' has no default"), r.stderr)
        XCTAssertTrue(r.stderr.contains("-e password=VALUE"), r.stderr)
        let given = try PlayProcess.play(["-c", "local", "vars-prompt-no-default.yml", "-e", "password=s3"], cwd: cli)
        XCTAssertEqual(given.exitCode, 0, given.stderr)
        XCTAssertTrue(given.stdout.contains("\"msg\": \"s3\""), given.stdout)
        XCTAssertFalse(given.stderr.contains("Not prompting"), "a variable given with -e is not asked for: \(given.stderr)")
    }

    /// sha512/sha256/md5_crypt are made (AnsibleComparisonTests); bcrypt is reported before the run.
    func testVarsPromptEncryptSchemePlayCannotMakeIsReported() throws {
        let r = try PlayProcess.play(["vars-prompt-encrypt.yml"], cwd: cli)
        XCTAssertEqual(r.exitCode, 4, r.stderr)
        XCTAssertTrue(r.stderr.contains("vars-prompt-encrypt.yml:6:16: error: 'bcrypt' is not an encrypt scheme play can make"), r.stderr)
        XCTAssertTrue(r.stderr.contains("sha512_crypt, sha256_crypt, md5_crypt"), r.stderr)
    }

    func testBadOptionExitsFive() throws {
        let r = try PlayProcess.play(["--no-such-flag", "x.yml"], cwd: cli)
        XCTAssertEqual(r.exitCode, 5)
        XCTAssertTrue(r.stderr.contains("--no-such-flag"))
    }

    func testMissingPlaybookIsAnError() throws {
        let r = try PlayProcess.play(["nowhere.yml"], cwd: cli)
        XCTAssertEqual(r.exitCode, 1)
        XCTAssertTrue(r.stderr.contains("nowhere.yml could not be found"), r.stderr)
    }

    func testUndefinedVariableNamesTheVariableAndTheTask() throws {
        let r = try PlayProcess.play(["undefined.yml"], cwd: cli)
        XCTAssertEqual(r.exitCode, 2, "a failed host exits 2")
        XCTAssertTrue(r.stdout.contains("'missing_var' is undefined"), r.stdout)
        XCTAssertTrue(r.stdout.contains("uses a missing variable"), r.stdout)
    }

    func testArgumentThatRendersBadlyNamesItsOwnPlace() throws {
        let r = try PlayProcess.play(["bad-argument.yml"], cwd: cli)
        XCTAssertEqual(r.exitCode, 2, "a failed host exits 2")
        // A choices violation found after templating points at the argument, with its line and a marker.
        XCTAssertTrue(r.stdout.contains("""
            bad-argument.yml:8:9: error: value of state must be one of: absent, directory, file, hard, link, touch, got: bogus
                    state: "{{ 'bog' + 'us' }}"
                    ^~~~~

            """), r.stdout)
        // In a free-form `k=v` string the marker is on the key inside the string.
        XCTAssertTrue(r.stdout.contains("""
            bad-argument.yml:12:32: error: argument 'port' is of type str and we were unable to convert to int
                  wait_for: host=localhost port="{{ 'eighty' }}"
                                           ^~~~

            """), r.stdout)
        // A template that fails in an argument is placed at that argument too.
        XCTAssertTrue(r.stdout.contains("bad-argument.yml:17:9: error: 'no_such_variable' is undefined"), r.stdout)
        XCTAssertTrue(r.stdout.contains("        msg: \"{{ no_such_variable }}\"\n        ^~~\n"), r.stdout)

        // JSON events carry the place as data.
        let json = try PlayProcess.play(["bad-argument.yml", "--output", "json"], cwd: cli)
        let places = try json.stdout.split(separator: "\n").compactMap { line -> String? in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            guard object?["event"] as? String == "host_result" else { return nil }
            return object?["error_location"] as? String ?? "none"
        }
        XCTAssertEqual(places, ["bad-argument.yml:8:9", "bad-argument.yml:12:32", "bad-argument.yml:17:9"])
    }

    func testVariablePrecedenceFollowsAnsible() throws {
        let r = try PlayProcess.play(["-i", "inventory.ini", "precedence.yml", "-e", "top=extra", "-e", "level=from-extra"], cwd: cli)
        XCTAssertEqual(r.exitCode, 0, r.stdout + r.stderr)
        // Extra vars beat everything, set_fact included: every `level` is the extra var's.
        XCTAssertTrue(r.stdout.contains("\"msg\": \"extra\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"w1 from-extra yes from group_vars\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"from-extra\""), r.stdout)
        XCTAssertFalse(r.stdout.contains("\"msg\": \"fact\""), r.stdout)
        let noExtra = try PlayProcess.play(["-i", "inventory.ini", "precedence.yml"], cwd: cli)
        let out = noExtra.stdout
        XCTAssertTrue(out.contains("\"msg\": \"w1 host yes from group_vars\""), out)
        XCTAssertTrue(out.contains("\"msg\": \"w2 host_vars file yes from group_vars\""), out)
        XCTAssertTrue(out.contains("\"msg\": \"vars_files vf\""), out)
        XCTAssertTrue(out.contains("\"msg\": \"block=block\""), out)
        XCTAssertTrue(out.contains("\"msg\": \"task=task\""), out)
        XCTAssertTrue(out.contains("\"msg\": \"fact\""), out)
        XCTAssertTrue(out.contains("\"msg\": \"none\""), out)
    }

    func testAnsiblePlaybookPythonIsDefinedForTheDocumentedLocalhostLine() throws {
        let r = try PlayProcess.play(["-i", "localhost-python.ini", "playbook-python.yml"], cwd: cli)
        XCTAssertEqual(r.exitCode, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("localhost                  : ok=2 "), r.stdout)
    }

    func testJSONOutputIsOneEventPerLine() throws {
        let r = try PlayProcess.play(["checkmode.yml", "--output", "json"], cwd: cli)
        XCTAssertEqual(r.exitCode, 0)
        let lines = r.stdout.split(separator: "\n")
        var events: [String] = []
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            events.append(object?["event"] as? String ?? "?")
        }
        XCTAssertEqual(events.first, "playbook_start")
        XCTAssertEqual(events.last, "recap")
        XCTAssertEqual(events.filter { $0 == "host_result" }.count, 2)
    }

    func testCheckModeIsVisibleToTasks() throws {
        let r = try PlayProcess.play(["checkmode.yml", "--check"], cwd: cli)
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"check=True\""), r.stdout)
    }

    func testInterruptStopsSchedulingPrintsRecapAndExits99() throws {
        // Once the first task has printed, press Ctrl-C.
        let (process, text) = try PlayProcess.signalled(["interrupt.yml"], cwd: cli, after: "TASK [wait]", signal: SIGINT)
        XCTAssertEqual(process.terminationStatus, 99, text)
        XCTAssertTrue(text.contains("PLAY RECAP"), text)
        XCTAssertFalse(text.contains("not reached"), text)
    }
}
