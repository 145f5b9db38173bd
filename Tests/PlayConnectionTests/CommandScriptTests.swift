import XCTest
@testable import PlayConnection

final class CommandScriptTests: XCTestCase {
    func testPlainCommandRunsUnderSh() throws {
        let words = try CommandScript.invocation(for: CommandRequest(command: "echo hi"), becomeMethod: "sudo", markExit255: false,
                                                 host: "h").words
        XCTAssertEqual(words, ["/bin/sh", "-c", "echo hi"])
    }

    func testEnvironmentValuesTravelOnStdinNeverInTheWords() throws {
        let request = CommandRequest(command: "env", stdin: Data("input".utf8), environment: ["B": "bee value", "A": "ay's value"],
                                     shellVariables: ["S": "s3cr3t"], workingDirectory: "/srv/my app")
        let invocation = try CommandScript.invocation(for: request, becomeMethod: "sudo", markExit255: false, host: "h")
        XCTAssertTrue(invocation.words[2].hasPrefix("cd -- '/srv/my app' || exit 1\nIFS= read -r _play_v"))
        XCTAssertTrue(invocation.words[2].hasSuffix("\nunset _play_v\nenv"))
        for value in ["bee value", "s value", "s3cr3t"] { XCTAssertFalse(invocation.words.joined().contains(value), value) }
        XCTAssertEqual(invocation.stdin, Data("ay\\047s value\nbee value\ns3cr3t\ninput".utf8))
        // Without values the input is the request's own.
        XCTAssertNil(try CommandScript.invocation(for: CommandRequest(command: "true"), becomeMethod: "sudo",
                                                  markExit255: false, host: "h").stdin)
    }

    func testValuesArriveExactlyAndTheCommandStillGetsItsInput() throws {
        let tricky = "it's \"$HOME\" `id` %s \\n 100%\n  two\tlines\n\n"
        let request = CommandRequest(command: #"printf '%s|%s|%s|' "$T" "$E" "$S"; sh -c 'printf %s "${S-unset}|"'; cat"#,
                                     stdin: Data("the input\n".utf8), environment: ["T": tricky, "E": ""],
                                     shellVariables: ["S": "ünï €"])
        let invocation = try CommandScript.invocation(for: request, becomeMethod: "sudo", markExit255: false, host: "h")
        let process = try runSync(invocation.words, stdin: invocation.stdin)
        XCTAssertEqual(String(decoding: process.stdout, as: UTF8.self), "\(tricky)||ünï €|unset|the input\n")
        XCTAssertEqual(process.stderr, Data())
    }

    func testBecomeWrapsTheShellInSudoAndMarksSuccess() throws {
        let request = CommandRequest(command: "id -un", become: true, becomeUser: "deploy")
        let words = try CommandScript.invocation(for: request, becomeMethod: "sudo", markExit255: true, host: "h").words
        XCTAssertEqual(Array(words.prefix(8)), ["sudo", "-n", "-H", "-u", "deploy", "/bin/sh", "-c", words[7]])
        XCTAssertTrue(words[7].hasPrefix(#"printf '\036play:become\036' >&2"#))
        XCTAssertTrue(words[7].contains("trap '"))
        XCTAssertTrue(words[7].hasSuffix("\nid -un"))
        let root = try CommandScript.invocation(for: CommandRequest(command: "true", become: true), becomeMethod: "sudo",
                                                markExit255: false, host: "h").words
        XCTAssertEqual(root[4], "root")
    }

    func testBadRequestsAreConfigurationErrors() {
        XCTAssertThrowsError(try CommandScript.invocation(
            for: CommandRequest(command: "true", environment: ["1BAD": "x"]), becomeMethod: "sudo", markExit255: false, host: "web1"
        )) { error in
            guard case .configuration(let host, let message)? = error as? ConnectionError else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "web1")
            XCTAssertTrue(message.contains("1BAD"))
        }
        XCTAssertThrowsError(try CommandScript.invocation(
            for: CommandRequest(command: "true", become: true), becomeMethod: "su", markExit255: false, host: "web1"
        )) { error in
            guard case .configuration(_, let message)? = error as? ConnectionError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("'su' is not supported"))
        }
    }

    func testCommandLineQuotesEveryWordForTheRemoteShell() {
        XCTAssertEqual(CommandScript.commandLine(["/bin/sh", "-c", "echo 'a b'"]), #"/bin/sh -c 'echo '\''a b'\'''"#)
    }

    func testExit255IsTheCommandsOwnOnlyWithTheMarker() {
        let marked = Data("oops\n".utf8) + CommandScript.exit255Marker
        XCTAssertEqual(
            CommandScript.interpret(status: 255, stdout: Data("o".utf8), stderr: marked, become: false, viaSSH: true),
            .completed(status: 255, stdout: Data("o".utf8), stderr: Data("oops\n".utf8)))
        XCTAssertEqual(
            CommandScript.interpret(status: 255, stdout: Data(), stderr: Data("ssh: connect to host x port 22: Connection refused\n".utf8),
                                    become: false, viaSSH: true),
            .connectionFailed(message: "ssh: connect to host x port 22: Connection refused", stdout: Data(),
                              stderr: Data("ssh: connect to host x port 22: Connection refused\n".utf8)))
        // Locally there is no ssh to confuse with.
        XCTAssertEqual(
            CommandScript.interpret(status: 255, stdout: Data(), stderr: Data(), become: false, viaSSH: false),
            .completed(status: 255, stdout: Data(), stderr: Data()))
    }

    func testBecomeMarkerDoesNotHideASilentSSHFailure() {
        XCTAssertEqual(
            CommandScript.interpret(status: 255, stdout: Data("part".utf8), stderr: CommandScript.becomeMarker, become: true, viaSSH: true),
            .connectionFailed(message: "", stdout: Data("part".utf8), stderr: Data()))
    }

    func testBecomeMarkerIsStrippedOrSudoFailed() {
        XCTAssertEqual(
            CommandScript.interpret(status: 3, stdout: Data(), stderr: CommandScript.becomeMarker + Data("e".utf8), become: true, viaSSH: true),
            .completed(status: 3, stdout: Data(), stderr: Data("e".utf8)))
        XCTAssertEqual(
            CommandScript.interpret(status: 1, stdout: Data(), stderr: Data("sudo: a password is required\n".utf8), become: true, viaSSH: true),
            .becomeFailed(message: "sudo: a password is required"))
    }

    func testMarkersWorkInARealShell() throws {
        let request = CommandRequest(command: "echo out; echo err >&2; exit 255")
        let words = try CommandScript.invocation(for: request, becomeMethod: "sudo", markExit255: true, host: "h").words
        let process = try runSync(words)
        XCTAssertEqual(process.status, 255)
        XCTAssertEqual(
            CommandScript.interpret(status: process.status, stdout: process.stdout, stderr: process.stderr, become: false, viaSSH: true),
            .completed(status: 255, stdout: Data("out\n".utf8), stderr: Data("err\n".utf8)))
        let plain = try runSync(try CommandScript.invocation(for: CommandRequest(command: "exit 7"), becomeMethod: "sudo", markExit255: true,
                                                            host: "h").words)
        XCTAssertEqual(plain.status, 7)
        XCTAssertEqual(plain.stderr, Data())
    }

    private func runSync(_ words: [String], stdin: Data? = nil) throws -> (status: Int32, stdout: Data, stderr: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: words[0])
        process.arguments = Array(words.dropFirst())
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(stdin ?? Data())
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }
}
