import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// pip into a virtualenv made by the module (`python3 -m venv`), from wheels built here by
/// hand: no index, no network. Compared with ansible-playbook doing the same.
final class PipModuleTests: XCTestCase {
    /// `playdemo-<version>-py3-none-any.whl` in `dir/wheels`.
    private func wheel(_ version: String, in dir: TemporaryDirectory) throws {
        let root = "wheel-\(version)"
        try dir.write("\(root)/playdemo/__init__.py", "VERSION = '\(version)'\n")
        try dir.write("\(root)/playdemo-\(version).dist-info/METADATA", "Metadata-Version: 2.1\nName: playdemo\nVersion: \(version)\n")
        try dir.write("\(root)/playdemo-\(version).dist-info/WHEEL",
                      "Wheel-Version: 1.0\nGenerator: play-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        try dir.write("\(root)/playdemo-\(version).dist-info/RECORD",
                      "playdemo/__init__.py,,\nplaydemo-\(version).dist-info/METADATA,,\nplaydemo-\(version).dist-info/WHEEL,,\nplaydemo-\(version).dist-info/RECORD,,\n")
        try FileManager.default.createDirectory(atPath: dir.file("wheels"), withIntermediateDirectories: true)
        try ArchiveFixtures.sh("zip -qr ../wheels/playdemo-\(version)-py3-none-any.whl playdemo playdemo-\(version).dist-info",
                               in: dir.file(root))
    }

    func testVirtualenvInstallUpgradeRemove() async throws {
        let dir = try TemporaryDirectory()
        try wheel("1.0", in: dir)
        let h = ModuleHarness()
        let venv = dir.file("venv")
        let local = "--no-index --find-links \(dir.file("wheels"))"
        var check = h
        check.checkMode = true
        let preview = try await check.run(PipModule(), ["name": ["playdemo"], "virtualenv": .string(venv),
                                                        "virtualenv_command": "python3 -m venv"])
        XCTAssertTrue(preview.changed)
        XCTAssertFalse(dir.exists("venv"))

        let installed = try await h.run(PipModule(), ["name": ["playdemo==1.0"], "virtualenv": .string(venv),
                                                      "virtualenv_command": "python3 -m venv", "extra_args": .string(local)])
        XCTAssertFalse(installed.failed, installed.message ?? "")
        XCTAssertTrue(installed.changed)
        XCTAssertEqual(installed["cmd"]?.listValue?.map(\.renderedString),
                       [venv + "/bin/pip3", "install", "--no-index", "--find-links", dir.file("wheels"), "playdemo==1.0"])
        XCTAssertEqual(installed["virtualenv"], .string(venv))
        XCTAssertEqual(installed["name"], .list(["playdemo==1.0"]))
        XCTAssertEqual(try ArchiveFixtures.sh("\(venv)/bin/python -c 'import playdemo; print(playdemo.VERSION)'", in: dir.path), "1.0\n")

        let again = try await h.run(PipModule(), ["name": ["playdemo"], "virtualenv": .string(venv), "extra_args": .string(local)])
        XCTAssertFalse(again.changed, "\(again.values)")
        let checkPresent = try await check.run(PipModule(), ["name": ["playdemo"], "version": "1.0", "virtualenv": .string(venv)])
        XCTAssertFalse(checkPresent.changed)
        XCTAssertEqual(checkPresent["cmd"], .string("\(venv)/bin/pip3 list --format=freeze"))
        let checkNewer = try await check.run(PipModule(), ["name": ["playdemo>=2"], "virtualenv": .string(venv)])
        XCTAssertTrue(checkNewer.changed)

        try wheel("2.0", in: dir)
        let latest = try await h.run(PipModule(), ["name": ["playdemo"], "virtualenv": .string(venv), "state": "latest",
                                                   "extra_args": .string(local)])
        XCTAssertTrue(latest.changed, "\(latest.values)")
        XCTAssertEqual(try ArchiveFixtures.sh("\(venv)/bin/python -c 'import playdemo; print(playdemo.VERSION)'", in: dir.path), "2.0\n")

        let fromPath = try await h.run(PipModule(), ["name": .list([.string(dir.file("wheels/playdemo-1.0-py3-none-any.whl"))]),
                                                     "virtualenv": .string(venv), "state": "forcereinstall"])
        XCTAssertTrue(fromPath.changed)
        let removed = try await h.run(PipModule(), ["name": ["playdemo"], "virtualenv": .string(venv), "state": "absent"])
        XCTAssertTrue(removed.changed, "\(removed.values)")

        try dir.write("req.txt", "playdemo==1.0\n")
        let requirements = try await h.run(PipModule(), ["requirements": .string(dir.file("req.txt")), "virtualenv": .string(venv),
                                                         "extra_args": .string(local)])
        XCTAssertTrue(requirements.changed)
    }

    /// Two tasks only: ansible's pip module is slow here (a virtualenv, then pip twice).
    func testMatchesAnsible() async throws {
        let dir = try TemporaryDirectory()
        try wheel("1.0", in: dir)
        let local = "--no-index --find-links \(dir.file("wheels"))"
        let ansible = try AnsibleTask.run([
            "pip: {name: playdemo, virtualenv: '\(dir.file("theirs"))', virtualenv_command: 'python3 -m venv', extra_args: '\(local)'}",
            "pip: {name: playdemo, virtualenv: '\(dir.file("theirs"))', state: absent}",
        ], in: dir.path)
        let h = ModuleHarness()
        let results = [
            try await h.run(PipModule(), ["name": ["playdemo"], "virtualenv": .string(dir.file("ours")),
                                          "virtualenv_command": "python3 -m venv", "extra_args": .string(local)]),
            try await h.run(PipModule(), ["name": ["playdemo"], "virtualenv": .string(dir.file("ours")), "state": "absent"]),
        ]
        XCTAssertEqual(ansible.count, 2)
        for (i, (a, p)) in zip(ansible, results).enumerated() {
            XCTAssertEqual(AnsibleTask.keys(p.values), AnsibleTask.keys(a), "result keys of task \(i): \(a)")
            for key in ["changed", "name", "version", "state", "requirements"] { XCTAssertEqual(p[key], a[key], "\(key) of task \(i)") }
            XCTAssertEqual(p["cmd"]?.listValue?.dropFirst().map(\.renderedString), a["cmd"]?.listValue?.dropFirst().map(\.renderedString),
                           "cmd of task \(i)")
        }
    }
}
