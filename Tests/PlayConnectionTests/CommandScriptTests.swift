import XCTest
@testable import PlayConnection

final class CommandScriptTests: XCTestCase {
    func testPlainCommandRunsUnderSh() throws {
        let words = try CommandScript.words(for: CommandRequest(command: "echo hi"), becomeMethod: "sudo", markExit255: false, host: "h")
        XCTAssertEqual(words, ["/bin/sh", "-c", "echo hi"])
    }

    func testDirectoryAndEnvironmentComeBeforeTheCommand() throws {
        let request = CommandRequest(command: "env", environment: ["B": "x y", "A": "it's"], workingDirectory: "/srv/my app")
        let words = try CommandScript.words(for: request, becomeMethod: "sudo", markExit255: false, host: "h")
        XCTAssertEqual(words[2], "cd -- '/srv/my app' || exit 1\nexport A='it'\\''s'\nexport B='x y'\nenv")
    }

    func testBecomeWrapsTheShellInSudoAndMarksSuccess() throws {
        let request = CommandRequest(command: "id -un", become: true, becomeUser: "deploy")
        let words = try CommandScript.words(for: request, becomeMethod: "sudo", markExit255: true, host: "h")
        XCTAssertEqual(Array(words.prefix(8)), ["sudo", "-n", "-H", "-u", "deploy", "/bin/sh", "-c", words[7]])
        XCTAssertTrue(words[7].hasPrefix(#"printf '\036play:become\036' >&2"#))
        XCTAssertTrue(words[7].contains("trap '"))
        XCTAssertTrue(words[7].hasSuffix("\nid -un"))
        let root = try CommandScript.words(for: CommandRequest(command: "true", become: true), becomeMethod: "sudo", markExit255: false, host: "h")
        XCTAssertEqual(root[4], "root")
    }

    func testBadRequestsAreConfigurationErrors() {
        XCTAssertThrowsError(try CommandScript.words(
            for: CommandRequest(command: "true", environment: ["1BAD": "x"]), becomeMethod: "sudo", markExit255: false, host: "web1"
        )) { error in
            guard case .configuration(let host, let message)? = error as? ConnectionError else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "web1")
            XCTAssertTrue(message.contains("1BAD"))
        }
        XCTAssertThrowsError(try CommandScript.words(
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
        let words = try CommandScript.words(for: request, becomeMethod: "sudo", markExit255: true, host: "h")
        let process = try runSync(words)
        XCTAssertEqual(process.status, 255)
        XCTAssertEqual(
            CommandScript.interpret(status: process.status, stdout: process.stdout, stderr: process.stderr, become: false, viaSSH: true),
            .completed(status: 255, stdout: Data("out\n".utf8), stderr: Data("err\n".utf8)))
        let plain = try runSync(try CommandScript.words(for: CommandRequest(command: "exit 7"), becomeMethod: "sudo", markExit255: true, host: "h"))
        XCTAssertEqual(plain.status, 7)
        XCTAssertEqual(plain.stderr, Data())
    }

    private func runSync(_ words: [String]) throws -> (status: Int32, stdout: Data, stderr: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: words[0])
        process.arguments = Array(words.dropFirst())
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }
}
