import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// apt_repository on a scratch APT tree (APT_CONFIG points apt-config, and so the module, at
/// it; the machine's own sources are never touched), compared with ansible-playbook on another
/// scratch tree. update_cache stays off: no network.
final class AptRepositoryModuleTests: XCTestCase {
    private func aptTree() throws -> (TemporaryDirectory, [String: String]) {
        let dir = try TemporaryDirectory()
        try dir.write("etc/apt/sources.list", "deb http://deb.example.invalid/debian bookworm main\n# a comment\n")
        try FileManager.default.createDirectory(atPath: dir.file("etc/apt/sources.list.d"), withIntermediateDirectories: true)
        try dir.write("apt.conf", "Dir::Etc \"\(dir.file("etc/apt"))/\";\n")
        return (dir, ["APT_CONFIG": dir.file("apt.conf")])
    }

    private let line = "deb [arch=amd64] https://user:pw@repo.example.invalid/apt stable main"

    func testAddEnableRemoveWithCheckAndDiff() async throws {
        let (dir, environment) = try aptTree()
        var h = ModuleHarness()
        h.environment = environment
        var check = h
        check.checkMode = true
        check.diffMode = true
        let file = dir.file("etc/apt/sources.list.d/repo_example_invalid_apt.list")
        let preview = try await check.run(AptRepositoryModule(), ["repo": .string(line), "update_cache": false])
        XCTAssertTrue(preview.changed)
        XCTAssertEqual(preview["sources_added"], .list([.string(file)]))
        XCTAssertEqual(preview["diff"]?[0]?["after"], .string("deb [arch=amd64] https://user:pw@repo.example.invalid/apt stable main\n"))
        XCTAssertEqual(preview["diff"]?[0]?["before_header"], "/dev/null")
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))

        let added = try await h.run(AptRepositoryModule(), ["repo": .string(line), "update_cache": false, "mode": "0640"])
        XCTAssertTrue(added.changed)
        XCTAssertEqual(dir.read("etc/apt/sources.list.d/repo_example_invalid_apt.list"), line + "\n")
        XCTAssertEqual(dir.mode("etc/apt/sources.list.d/repo_example_invalid_apt.list"), 0o640)
        let again = try await h.run(AptRepositoryModule(), ["repo": .string(line), "update_cache": false])
        XCTAssertFalse(again.changed)

        // A commented-out copy is enabled in place, not added again.
        try dir.write("etc/apt/sources.list", "# deb http://deb.example.invalid/debian bookworm contrib\n")
        let enabled = try await h.run(AptRepositoryModule(), ["repo": "deb http://deb.example.invalid/debian bookworm contrib",
                                                               "update_cache": false])
        XCTAssertTrue(enabled.changed)
        XCTAssertEqual(enabled["sources_added"], .list([]))
        XCTAssertEqual(dir.read("etc/apt/sources.list"), "deb http://deb.example.invalid/debian bookworm contrib\n")

        let named = try await h.run(AptRepositoryModule(), ["repo": "deb-src http://src.example.invalid/ x main", "filename": "custom",
                                                            "update_cache": false])
        XCTAssertEqual(named["sources_added"], .list([.string(dir.file("etc/apt/sources.list.d/custom.list"))]))

        let gone = try await h.run(AptRepositoryModule(), ["repo": .string(line), "state": "absent", "update_cache": false])
        XCTAssertTrue(gone.changed)
        XCTAssertEqual(gone["sources_removed"], .list([.string(file)]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
        let invalid = try await h.run(AptRepositoryModule(), ["repo": "http://nope", "update_cache": false])
        XCTAssertEqual(invalid.message, "Invalid repository string: http://nope")
    }

    func testMatchesAnsible() async throws {
        let (ours, ourEnvironment) = try aptTree()
        let (theirs, theirEnvironment) = try aptTree()
        let tasks = [
            "apt_repository: {repo: '\(line)', update_cache: false}",
            "apt_repository: {repo: '\(line)', update_cache: false}",
            "apt_repository: {repo: 'deb-src http://src.example.invalid/ x main', filename: custom, update_cache: false}",
            "apt_repository: {repo: 'deb http://deb.example.invalid/debian bookworm main', state: absent, update_cache: false}",
            "apt_repository: {repo: '\(line)', state: absent, update_cache: false}",
        ].map { $0 + "\nenvironment: {APT_CONFIG: '\(theirEnvironment["APT_CONFIG"]!)'}" }
        let ansible = try AnsibleTask.run(tasks, in: theirs.path)
        var h = ModuleHarness()
        h.environment = ourEnvironment
        let results = [
            try await h.run(AptRepositoryModule(), ["repo": .string(line), "update_cache": false]),
            try await h.run(AptRepositoryModule(), ["repo": .string(line), "update_cache": false]),
            try await h.run(AptRepositoryModule(), ["repo": "deb-src http://src.example.invalid/ x main", "filename": "custom",
                                                    "update_cache": false]),
            try await h.run(AptRepositoryModule(), ["repo": "deb http://deb.example.invalid/debian bookworm main", "state": "absent",
                                                    "update_cache": false]),
            try await h.run(AptRepositoryModule(), ["repo": .string(line), "state": "absent", "update_cache": false]),
        ]
        XCTAssertEqual(ansible.count, 5)
        func local(_ v: Value?, _ root: String) -> [String] {
            (v?.listValue ?? []).compactMap(\.stringValue).map { $0.replacingOccurrences(of: root, with: "ROOT") }.sorted()
        }
        for (i, (a, p)) in zip(ansible, results).enumerated() {
            XCTAssertEqual(AnsibleTask.keys(p.values), AnsibleTask.keys(a), "result keys of task \(i): \(a)")
            for key in ["changed", "repo", "state"] { XCTAssertEqual(p[key], a[key], "\(key) of task \(i)") }
            XCTAssertEqual(local(p["sources_added"], ours.path), local(a["sources_added"], theirs.path), "task \(i)")
            XCTAssertEqual(local(p["sources_removed"], ours.path), local(a["sources_removed"], theirs.path), "task \(i)")
        }
        for file in ["etc/apt/sources.list", "etc/apt/sources.list.d/custom.list", "etc/apt/sources.list.d/repo_example_invalid_apt.list"] {
            XCTAssertEqual(ours.read(file), theirs.read(file), file)
            XCTAssertEqual(ours.exists(file) ? ours.mode(file) : -1, theirs.exists(file) ? theirs.mode(file) : -1, file)
        }
    }
}
