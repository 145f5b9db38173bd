import Foundation
import PlayBase
import XCTest

/// `play inventory` against the real `ansible-inventory` (ansible-core 2.19 on PATH), text for
/// text: `--list` JSON (sorted keys, four-space indent, non-ASCII kept) with and without
/// `--limit` and with `--export`, `--yaml`, `--graph` with and without `--vars` and from a group, `--host`.
final class InventoryCommandTests: XCTestCase {
    func ansibleInventory(_ arguments: [String], cwd: URL) throws -> ProcessResult {
        let candidates = (PlayProcess.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/ansible-inventory" }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw MissingTool()
        }
        return try PlayProcess.run(path, arguments, cwd: cwd)
    }

    func testOutputMatchesAnsibleInventory() throws {
        let cwd = PlayProcess.fixtures.appendingPathComponent("inventory")
        for arguments in [["--list"], ["--list", "--limit", "d1,lone"], ["--list", "--export"], ["--list", "--yaml", "--export"], ["--graph", "--vars"], ["--graph", "prod"], ["--host", "w1"]] {
            let full = ["-i", "hosts.ini"] + arguments
            let theirs = try ansibleInventory(full, cwd: cwd)
            let ours = try PlayProcess.play(["inventory"] + full, cwd: cwd)
            XCTAssertEqual(theirs.exitCode, 0, theirs.stderr)
            XCTAssertEqual(ours.exitCode, 0, ours.stderr)
            XCTAssertEqual(ours.stdout, theirs.stdout, arguments.joined(separator: " "))
        }
    }

    /// A `!vault` host var is listed as its envelope, as ansible-inventory lists it, never as its
    /// plaintext (the password opens it for the load; the listing does not print what it opened).
    func testVaultedValuesAreListedAsTheirEnvelopes() throws {
        let cwd = FileManager.default.temporaryDirectory.appendingPathComponent("inventory-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cwd.appendingPathComponent("host_vars"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: cwd) }
        try "h1 ansible_connection=local\n".write(to: cwd.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        try "pw\n".write(to: cwd.appendingPathComponent("pass.txt"), atomically: true, encoding: .utf8)
        let encrypted = try PlayProcess.run(PlayProcess.vaultPath, ["encrypt_string", "--vault-password-file", "pass.txt",
                                                                     "inventory-secret-value", "--name", "secret_var"], cwd: cwd)
        XCTAssertEqual(encrypted.exitCode, 0, encrypted.stderr)
        try encrypted.stdout.write(to: cwd.appendingPathComponent("host_vars/h1.yml"), atomically: true, encoding: .utf8)
        for arguments in [["--list"], ["--host", "h1"]] {
            let full = ["-i", "hosts", "--vault-password-file", "pass.txt"] + arguments
            let theirs = try ansibleInventory(full, cwd: cwd)
            let ours = try PlayProcess.play(["inventory"] + full, cwd: cwd)
            XCTAssertEqual(ours.exitCode, 0, ours.stderr)
            XCTAssertFalse(ours.stdout.contains("inventory-secret-value"), ours.stdout)
            XCTAssertTrue(ours.stdout.contains("__ansible_vault"), ours.stdout)
            XCTAssertEqual(ours.stdout, theirs.stdout, arguments.joined(separator: " "))
        }
    }

    /// Where hosts share a group_vars value PyYAML writes an anchor and aliases (`&id001`,
    /// `*id001`) and play writes the value again: the documents read back the same.
    func testYAMLListingReadsBackAsAnsibleInventorys() throws {
        let cwd = PlayProcess.fixtures.appendingPathComponent("inventory")
        let arguments = ["-i", "hosts.ini", "--list", "--yaml", "--limit", "web"]
        let theirs = try ansibleInventory(arguments, cwd: cwd)
        let ours = try PlayProcess.play(["inventory"] + arguments, cwd: cwd)
        XCTAssertEqual(ours.exitCode, 0, ours.stderr)
        let loader = YAMLLoader()
        let expected = try loader.value(from: XCTUnwrap(loader.parseDocuments(theirs.stdout, file: "ansible").first), file: "ansible")
        let actual = try loader.value(from: XCTUnwrap(loader.parseDocuments(ours.stdout, file: "play").first), file: "play")
        XCTAssertEqual(actual, expected)
        XCTAssertTrue(theirs.stdout.contains("&id001"), "the fixture no longer exercises PyYAML's anchors")
    }

    func testBadUsageExitsLikeAnsibleInventory() throws {
        let cwd = PlayProcess.fixtures.appendingPathComponent("inventory")
        let none = try PlayProcess.play(["inventory", "-i", "hosts.ini"], cwd: cwd)
        XCTAssertEqual(none.exitCode, 5)
        XCTAssertTrue(none.stderr.contains("No action selected"), none.stderr)
        let twoHosts = try PlayProcess.play(["inventory", "-i", "hosts.ini", "--host", "web"], cwd: cwd)
        XCTAssertEqual(twoHosts.exitCode, 1)
        XCTAssertTrue(twoHosts.stderr.contains("You must pass a single valid host to --host parameter"), twoHosts.stderr)
        let graph = try PlayProcess.play(["inventory", "-i", "hosts.ini", "--graph", "webb"], cwd: cwd)
        XCTAssertTrue(graph.stderr.contains("did you mean 'web'?"), graph.stderr)
    }
}
