import Foundation
@testable import PlayVault
import XCTest

/// `vault edit` with scripted editors: where the plaintext lives, when the file is rewritten,
/// and that every exit path (success, editor failure, SIGTERM, SIGINT) wipes the scratch copy.
final class EditTests: XCTestCase {
    var directory: URL!
    var passwordFile: String!
    let secret = try! VaultSecret(label: "prod", password: Array("edit-pass".utf8))

    override func setUpWithError() throws {
        directory = try TestSupport.makeTemporaryDirectory()
        passwordFile = directory.appendingPathComponent("pw").path
        try TestSupport.write(Array("edit-pass\n".utf8), to: URL(fileURLWithPath: passwordFile))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func makeVault(_ name: String, _ text: String, mode: Int = 0o640) throws -> URL {
        let file = url(name)
        try TestSupport.write(try VaultKeyring(secrets: [secret]).encrypt(Array(text.utf8), with: secret), to: file, mode: mode)
        return file
    }

    /// An editor that records what it saw (path, modes, filesystem), then runs `action`.
    func editor(_ action: String) throws -> String {
        let record = url("record")
        try FileManager.default.createDirectory(at: record, withIntermediateDirectories: true)
        let script = url("editor.sh")
        try TestSupport.script("""
            f="$1"
            echo "$f" > '\(record.path)/path'
            stat -c '%a' "$f" > '\(record.path)/filemode'
            stat -c '%a' "$(dirname "$f")" > '\(record.path)/dirmode'
            stat -f -c '%T' "$f" > '\(record.path)/fstype'
            \(action)
            """, at: script)
        return script.path
    }

    func recorded(_ name: String) throws -> String {
        String(decoding: try TestSupport.read(url("record/\(name)")), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testChangedTextIsReencryptedKeepingLabelAndModeWithAFreshSalt() throws {
        let file = try makeVault("aws.yml", "aws_region: eu-west-1\n")
        let before = try TestSupport.read(file)
        let result = try TestSupport.vault(["edit", file.path, "--vault-id", "prod@\(passwordFile!)"],
                                           environment: ["EDITOR": try editor("printf 'aws_session_token: t\\n' >> \"$f\"")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, [])
        let after = try TestSupport.read(file)
        XCTAssertTrue(after.starts(with: Array("$ANSIBLE_VAULT;1.2;AES256;prod\n".utf8)), "label kept")
        XCTAssertEqual(try VaultKeyring(secrets: [secret]).decrypt(after).plaintext,
                       Array("aws_region: eu-west-1\naws_session_token: t\n".utf8))
        XCTAssertNotEqual(try VaultEnvelope.parse(after).payload().salt, try VaultEnvelope.parse(before).payload().salt)
        XCTAssertEqual(try TestSupport.mode(of: file), 0o640, "mode kept")

        // The editor worked on a 0600 file with the original extension, in a private 0700
        // directory on a memory filesystem, which is gone now.
        let scratchFile = try recorded("path")
        XCTAssertTrue(scratchFile.hasSuffix(".yml"), scratchFile)
        XCTAssertTrue(scratchFile.hasPrefix("/dev/shm/play-vault-"), scratchFile)
        XCTAssertEqual(try recorded("filemode"), "600")
        XCTAssertEqual(try recorded("dirmode"), "700")
        XCTAssertEqual(try recorded("fstype"), "tmpfs")
        XCTAssertFalse(FileManager.default.fileExists(atPath: URL(fileURLWithPath: scratchFile).deletingLastPathComponent().path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["aws.yml", "editor.sh", "pw", "record"], "nothing left beside the vault")
    }

    func testUnchangedTextLeavesTheFileByteForByteUntouched() throws {
        let file = try makeVault("same.yml", "key: value\n")
        let before = try TestSupport.read(file)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        let result = try TestSupport.vault(["edit", file.path, "--vault-password-file", passwordFile],
                                           environment: ["EDITOR": try editor("touch \"$f\"")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try TestSupport.read(file), before)
        let now = try FileManager.default.attributesOfItem(atPath: file.path)
        XCTAssertEqual(now[.modificationDate] as? Date, attributes[.modificationDate] as? Date)
        XCTAssertEqual(now[.systemFileNumber] as? NSNumber, attributes[.systemFileNumber] as? NSNumber)
        XCTAssertFalse(FileManager.default.fileExists(atPath: try recorded("path")))
    }

    func testFailingEditorSavesNothingAndWipes() throws {
        let file = try makeVault("fail.yml", "key: value\n")
        let before = try TestSupport.read(file)
        let result = try TestSupport.vault(["edit", file.path, "--vault-password-file", passwordFile],
                                           environment: ["EDITOR": try editor("echo changed > \"$f\"; exit 3")])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("exited with status 3"), result.stderr)
        XCTAssertEqual(try TestSupport.read(file), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: try recorded("path")))
    }

    func testEditorCommandIsSplitLikeAShellAndAnsibleEditorWins() throws {
        let file = try makeVault("split.yml", "a: 1\n")
        let script = try editor("printf 'b: 2\\n' > \"$f\"")
        let result = try TestSupport.vault(["edit", file.path, "--vault-password-file", passwordFile],
                                           environment: ["ANSIBLE_EDITOR": "/bin/sh '\(script)'", "EDITOR": "false"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try VaultKeyring(secrets: [secret]).decrypt(try TestSupport.read(file)).plaintext, Array("b: 2\n".utf8))
    }

    func testXDGRuntimeDirOnTmpfsIsPreferred() throws {
        let runtime = URL(fileURLWithPath: "/dev/shm/play-vault-test-xdg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: runtime) }
        let file = try makeVault("xdg.yml", "a: 1\n")
        let result = try TestSupport.vault(["edit", file.path, "--vault-password-file", passwordFile],
                                           environment: ["EDITOR": try editor("true"), "XDG_RUNTIME_DIR": runtime.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(try recorded("path").hasPrefix(runtime.path + "/play-vault-"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: runtime.path), [], "scratch removed")
        // A runtime dir on persistent disk is skipped for /dev/shm.
        let disk = try TestSupport.vault(["edit", file.path, "--vault-password-file", passwordFile],
                                         environment: ["EDITOR": try editor("true"), "XDG_RUNTIME_DIR": directory.path])
        XCTAssertEqual(disk.status, 0, disk.stderr)
        XCTAssertTrue(try recorded("path").hasPrefix("/dev/shm/"))
    }

    func testSignalsStopTheEditorWipeAndLeaveTheFile() throws {
        for signal in [SIGTERM, SIGINT, SIGHUP] {
            let file = try makeVault("signal.yml", "key: value\n")
            let before = try TestSupport.read(file)
            try? FileManager.default.removeItem(at: url("record"))
            // The editor writes a change, then hangs until it is stopped.
            let script = try editor("echo changed > \"$f\"; exec sleep 30")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestSupport.vaultBinary)
            process.arguments = ["edit", file.path, "--vault-password-file", passwordFile]
            var environment = ProcessInfo.processInfo.environment
            environment["EDITOR"] = script
            process.environment = environment
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            let errors = Pipe()
            process.standardError = errors
            let started = Date()
            try process.run()
            while !FileManager.default.fileExists(atPath: url("record/fstype").path) {
                XCTAssertLessThan(Date().timeIntervalSince(started), 20, "editor never started")
                if Date().timeIntervalSince(started) > 20 { process.terminate(); return }
                usleep(20_000)
            }
            usleep(100_000)
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(process.terminationStatus, 99, "signal \(signal): \(stderr)")
            XCTAssertLessThan(Date().timeIntervalSince(started), 10, "the editor was stopped, not waited for")
            XCTAssertTrue(stderr.contains("was left unchanged"), stderr)
            XCTAssertEqual(try TestSupport.read(file), before, "signal \(signal) changed the vault")
            let scratch = URL(fileURLWithPath: try recorded("path")).deletingLastPathComponent()
            XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path), "signal \(signal) left \(scratch.path)")
        }
    }

    func testCreateRunsInTheSameMemoryScratch() throws {
        let result = try TestSupport.vault(["create", url("new.yml").path, "--skip-tty-check", "--vault-password-file", passwordFile],
                                           environment: ["EDITOR": try editor("echo 'x: 1' > \"$f\"")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(try recorded("path").hasPrefix("/dev/shm/play-vault-"))
        XCTAssertEqual(try recorded("fstype"), "tmpfs")
        XCTAssertFalse(FileManager.default.fileExists(atPath: try recorded("path")))
    }
}
