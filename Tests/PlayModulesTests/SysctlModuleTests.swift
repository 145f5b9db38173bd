import Foundation
import OrderedCollections
import PlayBase
@testable import PlayModules
import XCTest

/// ansible.posix.sysctl on a scratch sysctl file (reload off: this container's /proc/sys is
/// read-only), held against the collection run by the real ansible-playbook: the same file bytes
/// and `changed` after each step; then a reload that fails with sysctl's own words.
final class SysctlModuleTests: XCTestCase {
    private var harness = ModuleHarness()

    func testFileEditsMatchTheCollection() async throws {
        let dir = try TemporaryDirectory()
        let seed = "# tuning\nvm.swappiness = 60\n\n; old\nnet.core.somaxconn=128\nvm.swappiness=30\nbroken line\n"
        let steps: [(String, OrderedDictionary<String, Value>)] = [
            ("set an existing key", ["name": "vm.swappiness", "value": "10"]),
            ("same again", ["name": "vm.swappiness", "value": "10"]),
            ("a new key", ["name": "net.ipv4.tcp_syncookies", "value": true]),
            ("words", ["key": "net.ipv4.tcp_rmem", "val": "4096   87380 6291456"]),
            ("absent", ["name": "net.core.somaxconn", "state": "absent"]),
            ("absent again", ["name": "net.core.somaxconn", "state": "absent"]),
        ]
        let ansibleFile = dir.file("ansible.conf"), playFile = dir.file("play.conf")
        try seed.write(toFile: ansibleFile, atomically: true, encoding: .utf8)
        try seed.write(toFile: playFile, atomically: true, encoding: .utf8)

        // One ansible-playbook run; each step's file is copied aside so every step can be compared.
        var reference: [AnsibleReference.Step] = []
        for (i, (_, args)) in steps.enumerated() {
            var a = args
            a["sysctl_file"] = .string(ansibleFile)
            a["reload"] = false
            reference.append(.init("ansible.posix.sysctl", a))
            reference.append(.init("ansible.builtin.copy", ["src": .string(ansibleFile), "dest": .string(dir.file("after-\(i)")),
                                                            "remote_src": true]))
        }
        let results = try AnsibleReference.run(reference)
        for (i, (label, args)) in steps.enumerated() {
            var a = args
            a["sysctl_file"] = .string(playFile)
            a["reload"] = false
            let result = try await harness.run(SysctlModule(), a)
            XCTAssertFalse(result.failed, "\(label): \(result.message ?? "")")
            XCTAssertEqual(result.changed, results[2 * i]["changed"]?.boolValue, label)
            XCTAssertEqual(try String(contentsOfFile: playFile, encoding: .utf8),
                           try String(contentsOfFile: dir.file("after-\(i)"), encoding: .utf8), label)
        }
        XCTAssertEqual(try String(contentsOfFile: playFile, encoding: .utf8),
                       "# tuning\nvm.swappiness=10\n\n; old\nbroken line\nnet.ipv4.tcp_syncookies=1\nnet.ipv4.tcp_rmem=4096   87380 6291456\n")
    }

    func testCheckModeChangesNothingAndArgumentsAreChecked() async throws {
        let dir = try TemporaryDirectory()
        let file = dir.file("sysctl.conf")
        try "vm.swappiness=60\n".write(toFile: file, atomically: true, encoding: .utf8)
        harness.checkMode = true
        let check = try await harness.run(SysctlModule(), ["name": "vm.swappiness", "value": "1", "sysctl_file": .string(file)])
        XCTAssertTrue(check.changed)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "vm.swappiness=60\n")
        harness.checkMode = false
        let missing = try await harness.run(SysctlModule(), ["name": "vm.swappiness", "sysctl_file": .string(file)])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing.message, "state is present but all of the following are missing: value")
    }

    /// The file is written before the reload, and a reload that fails (a key the kernel does not
    /// have: harmless on any machine) is reported with sysctl's own words, as the collection's is.
    func testReloadWritesTheFileThenReportsSysctl() async throws {
        let dir = try TemporaryDirectory()
        let file = dir.file("sysctl.conf")
        let result = try await harness.run(SysctlModule(), ["name": "play.test.nonexistent", "value": "13", "sysctl_file": .string(file)])
        XCTAssertTrue(result.failed)
        XCTAssertTrue(result.message?.hasPrefix("Failed to reload sysctl: ") ?? false, result.message ?? "")
        XCTAssertTrue(result.message?.contains("play/test/nonexistent") ?? false, result.message ?? "")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "play.test.nonexistent=13\n")
    }
}
