import Foundation
@testable import PlayVault
import XCTest

/// Password prompts on a real pseudo-terminal (driven by Python's pty module): no echo, ansible's
/// prompt texts, line editing, Ctrl-C restoring the terminal, and a clear failure without a terminal.
final class PromptTests: XCTestCase {
    var directory: URL!
    let secret = try! VaultSecret(password: Array("abc".utf8))

    override func setUpWithError() throws {
        directory = try TestSupport.makeTemporaryDirectory()
        try TestSupport.write(try VaultKeyring(secrets: [secret]).encrypt(Array("shown: plaintext\n".utf8), with: secret),
                              to: directory.appendingPathComponent("f.yml"))
        try Data(Self.driver.utf8).write(to: directory.appendingPathComponent("pty_driver.py"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs a command on a new pty, typing each answer after output stops at a prompt (": ").
    static let driver = """
        import os, pty, select, sys, time
        answers = [a.encode() for a in os.environ["PTY_ANSWERS"].split("\\x1f")] if os.environ.get("PTY_ANSWERS") else []
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp(sys.argv[1], sys.argv[1:])
        out = b""
        def pump(timeout):
            global out
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                return False
            try:
                data = os.read(fd, 4096)
            except OSError:
                return None
            if not data:
                return None
            out += data
            return True
        for answer in answers:
            start, deadline = len(out), time.time() + 15
            while time.time() < deadline:
                state = pump(0.2)
                if state is None or (state is False and out[start:].rstrip(b" ").endswith(b":")):
                    break
            os.write(fd, answer)
        while pump(15):
            pass
        _, status = os.waitpid(pid, 0)
        sys.stdout.buffer.write(out)
        code = os.waitstatus_to_exitcode(status)
        sys.exit(code if code >= 0 else 128 - code)
        """

    func onTerminal(_ command: [String], answers: [String], environment: [String: String] = [:]) throws -> TestSupport.RunResult {
        let python = try TestSupport.ansibleTool("python3")
        var env = environment
        env["PTY_ANSWERS"] = answers.joined(separator: "\u{1f}")
        env["PAGER"] = env["PAGER"] ?? "cat"
        return try TestSupport.run(python, [directory.appendingPathComponent("pty_driver.py").path] + command,
                                   environment: env, currentDirectory: directory)
    }

    func testAskVaultPassReadsTheTerminalWithoutEcho() throws {
        let result = try onTerminal([TestSupport.vaultBinary, "view", "f.yml", "--ask-vault-pass"], answers: ["abc\r"])
        XCTAssertEqual(result.status, 0, result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("Vault password: "))
        XCTAssertTrue(result.stdoutText.contains("shown: plaintext"), "shown through the pager")
        XCTAssertFalse(result.stdoutText.contains("abc"), "the password was echoed: \(result.stdoutText)")
    }

    func testLineEditingAndAutomaticPrompt() throws {
        // No password option at all: ansible-vault asks; backspace removes a typed character.
        let result = try onTerminal([TestSupport.vaultBinary, "view", "f.yml"], answers: ["abX\u{7f}c\r"])
        XCTAssertEqual(result.status, 0, result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("shown: plaintext"))
    }

    func testNewPasswordsAreAskedTwiceWithTheLabel() throws {
        let result = try onTerminal([TestSupport.vaultBinary, "encrypt_string", "--vault-id", "dev@prompt", "value"],
                                    answers: ["np\r", "np\r"])
        XCTAssertEqual(result.status, 0, result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("New vault password (dev): "))
        XCTAssertTrue(result.stdoutText.contains("Confirm new vault password (dev): "))
        XCTAssertTrue(result.stdoutText.contains("$ANSIBLE_VAULT;1.2;AES256;dev"))
        XCTAssertTrue(result.stdoutText.contains("Encryption successful"), "stdout is a terminal")

        let mismatch = try onTerminal([TestSupport.vaultBinary, "encrypt_string", "--ask-vault-pass", "value"],
                                      answers: ["one\r", "two\r"])
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertTrue(mismatch.stdoutText.contains("New Vault password: "))
        XCTAssertTrue(mismatch.stdoutText.contains("[ERROR]: Passwords do not match"))
    }

    func testEncryptStringPromptHidesTheValue() throws {
        let result = try onTerminal([TestSupport.vaultBinary, "encrypt_string", "-p", "--vault-password-file", passwordFile()],
                                    answers: ["my_var\r", "hidden-value\r"])
        XCTAssertEqual(result.status, 0, result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("Variable name (enter for no name): my_var"), "the name is echoed")
        XCTAssertTrue(result.stdoutText.contains("String to encrypt (hidden): "))
        XCTAssertTrue(result.stdoutText.contains("my_var: !vault |"))
        XCTAssertFalse(result.stdoutText.contains("hidden-value"))
    }

    func testCtrlCAtThePromptRestoresTheTerminal() throws {
        let script = "'\(TestSupport.vaultBinary)' view f.yml --ask-vault-pass; echo \"status=$?\"; stty -a"
        let result = try onTerminal(["/bin/sh", "-c", script], answers: ["\u{3}"])
        XCTAssertTrue(result.stdoutText.contains("status=99"), result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains("User interrupted execution"))
        let flags = result.stdoutText.components(separatedBy: .whitespacesAndNewlines)
        XCTAssertTrue(flags.contains("echo") && flags.contains("icanon") && flags.contains("isig"), result.stdoutText)
    }

    func testWithoutATerminalPromptsFailClearly() throws {
        for arguments in [["view", "f.yml", "--ask-vault-pass"], ["view", "f.yml"], ["encrypt_string", "x"]] {
            let result = try TestSupport.run("/usr/bin/setsid", ["-w", TestSupport.vaultBinary] + arguments, currentDirectory: directory)
            XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("no terminal to ask for a vault password"), result.stderr)
            XCTAssertEqual(result.stdout, [])
        }
    }

    private func passwordFile() -> String {
        let path = directory.appendingPathComponent("pw").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("abc".utf8))
        return path
    }
}
