import Foundation
import PlayBase
import XCTest

/// What the built `play` prints and how it ends when its output or terminal goes away: no_log
/// and vaulted values hidden everywhere, SIGHUP handled as SIGTERM, a closed stdout (`| head -1`)
/// never ending the run.
final class OutputSafetyTests: XCTestCase {
    private var fixtures: URL { PlayProcess.fixtures.appendingPathComponent("safety") }

    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("play-safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    // MARK: no_log

    func testNoLogHidesRetryEventsAndTheResultARescueSees() throws {
        for format in [["-vvvv"], ["--output", "json"]] {
            let r = try PlayProcess.play(["nolog.yml"] + format, cwd: fixtures)
            XCTAssertEqual(r.exitCode, 0, r.stdout + r.stderr)
            let text = r.stdout + r.stderr
            XCTAssertFalse(text.contains("Secr3t"), text)
            // The retries and the rescue did happen, shown censored.
            XCTAssertTrue(text.contains("RETRYING") || text.contains("\"retrying\""), text)
            XCTAssertTrue(text.contains("what the rescue sees"), text)
            XCTAssertTrue(text.contains("'no_log: true' was specified"), text)
        }
    }

    // MARK: Vaulted values

    func testVaultedValuesAreRedactedInResultsVerboseJSONAndErrors() throws {
        let dir = try scratch()
        let password = dir.appendingPathComponent("password")
        try "correct horse\n".write(to: password, atomically: true, encoding: .utf8)
        let fileSecret = "file-S3cret-\(UUID().uuidString.prefix(8))"
        let inlineSecret = "inline-S3cret \"quoted\"\nsecond line"
        try "file_secret: \"\(fileSecret)\"\n".write(to: dir.appendingPathComponent("secrets.yml"), atomically: true, encoding: .utf8)
        let encrypt = try PlayProcess.play(["vault", "encrypt", "--vault-password-file", password.path, "secrets.yml"], cwd: dir)
        XCTAssertEqual(encrypt.exitCode, 0, encrypt.stderr)
        let inline = try PlayProcess.play(["vault", "encrypt_string", "--vault-password-file", password.path, "-"],
                                          cwd: dir, stdin: inlineSecret)
        XCTAssertEqual(inline.exitCode, 0, inline.stderr)
        let envelope = inline.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("!vault") }.joined(separator: "\n      ")
        let playbook = try String(contentsOf: fixtures.appendingPathComponent("vaulted.yml"), encoding: .utf8)
            .replacingOccurrences(of: "INLINE_ENVELOPE", with: envelope)
        try playbook.write(to: dir.appendingPathComponent("vaulted.yml"), atomically: true, encoding: .utf8)

        for format in [["-vvvv"], ["--output", "json"], []] {
            let r = try PlayProcess.play(["vaulted.yml", "--vault-password-file", password.path] + format, cwd: dir)
            let text = r.stdout + r.stderr
            XCTAssertEqual(r.exitCode, 2, text)
            XCTAssertTrue(text.contains("********"), text)
            XCTAssertTrue(text.contains("could not use"), text)
            for leak in [fileSecret, "inline-S3cret", "second line", #"inline-S3cret \"quoted\"\nsecond"#] {
                XCTAssertFalse(text.contains(leak), "\(format) printed \(leak):\n\(text)")
            }
        }
    }

    // MARK: Signals and a closed output

    func testSIGHUPStopsSchedulingLikeSIGTERMAndPrintsTheRecap() throws {
        let (process, text) = try PlayProcess.signalled(["interrupt.yml"], cwd: PlayProcess.fixtures.appendingPathComponent("cli"),
                                                        after: "TASK [wait]", signal: SIGHUP)
        XCTAssertEqual(process.terminationReason, .exit, text)
        XCTAssertEqual(process.terminationStatus, 99, text)
        XCTAssertTrue(text.contains("PLAY RECAP"), text)
        XCTAssertFalse(text.contains("not reached"), text)
    }

    func testAClosedStdoutNeverEndsTheRun() throws {
        let dir = try scratch()
        // Started with default signal dispositions (as from a shell), whatever the test runner ignores.
        let pipe = try Subprocess.makePipe()
        let log = dir.appendingPathComponent("stderr").path
        let spawned = Subprocess.spawn([PlayProcess.playPath, "pipe.yml", "-e", "out=\(dir.path)"],
                                       environment: PlayProcess.environment, stdin: .null, stdout: .descriptor(pipe.write),
                                       stderr: .file(log), directory: fixtures.path, processGroup: true)
        close(pipe.write)
        guard case .success(let pid) = spawned else { close(pipe.read); return XCTFail("\(spawned)") }
        // As `| head -1`: read one line, then the reader is gone.
        var byte: UInt8 = 0
        while read(pipe.read, &byte, 1) == 1 && byte != UInt8(ascii: "\n") {}
        close(pipe.read)
        let termination = Subprocess.wait(pid)
        let stderr = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        XCTAssertEqual(termination, .exited(0), stderr)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("done.txt"), encoding: .utf8), "done\n")
    }
}
