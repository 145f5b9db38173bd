import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

/// `include_vars` beyond the comparison fixture: vaulted files, a role's `vars/`, and failures
/// reported as Ansible reports them (`message`, no exception).
final class IncludeVarsModuleTests: XCTestCase {
    /// Stands in for the vault: the run's loader is what decrypts, so any resolver proves the path.
    struct FixedVault: VaultSecretResolver {
        func decrypt(_ envelope: String, source: SourceLocation) throws -> String { "token: s3cret\n" }
    }

    private func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("include-vars-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/roles/web/tasks", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/roles/web/vars", withIntermediateDirectories: true)
        return dir
    }

    func testVaultedFileLoadsThroughTheRunsLoader() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "$ANSIBLE_VAULT;1.1;AES256\n3132\n".write(toFile: dir + "/secret.yml", atomically: true, encoding: .utf8)
        var h = ModuleHarness()
        h.taskDirectory = dir
        h.resources = RunResources(loader: YAMLLoader(secrets: FixedVault()))
        let r = try await h.run(IncludeVarsModule(), ["_raw_params": "secret.yml"])
        XCTAssertEqual(r["ansible_facts"], ["token": "s3cret"])
        XCTAssertEqual(r["ansible_included_var_files"], [.string(dir + "/secret.yml")])
        let locked = try await ModuleHarness(taskDirectory: dir).run(IncludeVarsModule(), ["file": "secret.yml"])
        XCTAssertTrue(locked.failed, "without secrets the file cannot load")
    }

    func testInARoleTheRolesVarsDirectoryComesFirst() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "where: role\n".write(toFile: dir + "/roles/web/vars/extra.yml", atomically: true, encoding: .utf8)
        try "where: beside\n".write(toFile: dir + "/roles/web/tasks/extra.yml", atomically: true, encoding: .utf8)
        let r = try await ModuleHarness(taskDirectory: dir + "/roles/web/tasks").run(IncludeVarsModule(), ["file": "extra.yml"])
        XCTAssertEqual(r["ansible_facts"], ["where": "role"])
    }

    func testFailuresAreReportedInTheResult() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = ModuleHarness(taskDirectory: dir)
        let missing = try await h.run(IncludeVarsModule(), ["file": "nope.yml"])
        XCTAssertTrue(missing.failed)
        XCTAssertTrue(missing["message"]?.stringValue?.hasPrefix("Could not find or access 'nope.yml'\nSearched in:\n\t\(dir)/vars/nope.yml") == true,
                      "\(missing)")
        try "- a list\n".write(toFile: dir + "/list.yml", atomically: true, encoding: .utf8)
        let list = try await h.run(IncludeVarsModule(), ["file": "list.yml"])
        XCTAssertEqual(list["message"], .string(dir + "/list.yml must be stored as a dictionary/hash"))
        try "x\n".write(toFile: dir + "/roles/web/vars/notes.txt", atomically: true, encoding: .utf8)
        let strict = try await h.run(IncludeVarsModule(), ["dir": "roles/web/vars"])
        XCTAssertEqual(strict["message"], .string(dir + "/roles/web/vars/notes.txt does not have a valid extension: yaml, yml, json"))
    }
}
