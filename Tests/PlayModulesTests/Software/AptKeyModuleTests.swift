import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// apt_key with keyrings in scratch directories (never the machine's own), a key made here
/// with gpg, compared with ansible-playbook.
final class AptKeyModuleTests: XCTestCase {
    /// A fresh ed25519 key: its armored public key and its fingerprint.
    private func makeKey(in dir: TemporaryDirectory) throws -> (armored: String, fingerprint: String) {
        let home = "GNUPGHOME=\(dir.file("gnupg"))"
        try FileManager.default.createDirectory(atPath: dir.file("gnupg"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try ArchiveFixtures.sh("\(home) gpg --batch --passphrase '' --quick-gen-key 'Play Test <t@example.invalid>' ed25519 sign never 2>/dev/null",
                               in: dir.path)
        let armored = try ArchiveFixtures.sh("\(home) gpg --armor --export t@example.invalid", in: dir.path)
        let colons = try ArchiveFixtures.sh("\(home) gpg --with-colons --list-keys t@example.invalid", in: dir.path)
        let fpr = colons.split(separator: "\n").first { $0.hasPrefix("fpr:") }?.split(separator: ":", omittingEmptySubsequences: false)[9]
        return (armored, String(fpr ?? ""))
    }

    func testAddFromDataAndFileThenRemove() async throws {
        let dir = try TemporaryDirectory()
        let (armored, fingerprint) = try makeKey(in: dir)
        try dir.write("key.asc", armored)
        let keyring = dir.file("trusted.gpg.d/play-test.gpg")
        try FileManager.default.createDirectory(atPath: dir.file("trusted.gpg.d"), withIntermediateDirectories: true)
        let h = ModuleHarness()
        var check = h
        check.checkMode = true
        let preview = try await check.run(AptKeyModule(), ["data": .string(armored), "keyring": .string(keyring)])
        XCTAssertFalse(preview.failed, preview.message ?? "")
        XCTAssertTrue(preview.changed)
        XCTAssertEqual(preview["id"], .string(String(fingerprint.suffix(16))))
        // (Listing the keyring, as Ansible's apt-key call does, may create it empty.)

        let added = try await h.run(AptKeyModule(), ["data": .string(armored), "keyring": .string(keyring)])
        XCTAssertFalse(added.failed, added.message ?? "")
        XCTAssertTrue(added.changed)
        XCTAssertEqual(added["fp"], .string(String(fingerprint.suffix(16))))
        XCTAssertEqual(added["short_id"], .string(String(fingerprint.suffix(8))))
        XCTAssertEqual(added["before"], .list([]))
        XCTAssertEqual(added["after"], .list([.string(String(fingerprint.suffix(16)))]))
        XCTAssertTrue(FileManager.default.fileExists(atPath: keyring))

        let again = try await h.run(AptKeyModule(), ["file": .string(dir.file("key.asc")), "keyring": .string(keyring),
                                                     "id": .string(fingerprint)])
        XCTAssertFalse(again.changed, "\(again.values)")
        XCTAssertEqual(again["key_id"], .string(fingerprint))

        let removed = try await h.run(AptKeyModule(), ["id": .string(fingerprint), "keyring": .string(keyring), "state": "absent"])
        XCTAssertTrue(removed.changed, "\(removed.values)")
        XCTAssertEqual(removed["after"], .list([]))
        let bad = try await h.run(AptKeyModule(), ["id": "XYZ", "keyring": .string(keyring), "state": "absent"])
        XCTAssertEqual(bad.message, "Invalid key_id")
    }

    func testMatchesAnsible() async throws {
        let dir = try TemporaryDirectory()
        let (armored, fingerprint) = try makeKey(in: dir)
        try dir.write("key.asc", armored)
        let ansible = try AnsibleTask.run([
            "apt_key: {file: '\(dir.file("key.asc"))', keyring: '\(dir.file("theirs.gpg"))'}",
            "apt_key: {file: '\(dir.file("key.asc"))', keyring: '\(dir.file("theirs.gpg"))'}",
            "apt_key: {id: '\(fingerprint)', keyring: '\(dir.file("theirs.gpg"))', state: absent}",
        ], in: dir.path)
        let h = ModuleHarness()
        let results = [
            try await h.run(AptKeyModule(), ["file": .string(dir.file("key.asc")), "keyring": .string(dir.file("ours.gpg"))]),
            try await h.run(AptKeyModule(), ["file": .string(dir.file("key.asc")), "keyring": .string(dir.file("ours.gpg"))]),
            try await h.run(AptKeyModule(), ["id": .string(fingerprint), "keyring": .string(dir.file("ours.gpg")), "state": "absent"]),
        ]
        XCTAssertEqual(ansible.count, 3)
        for (i, (a, p)) in zip(ansible, results).enumerated() {
            XCTAssertEqual(AnsibleTask.keys(p.values), AnsibleTask.keys(a), "result keys of task \(i): \(a)")
            for key in ["changed", "id", "short_id", "fp", "key_id", "before", "after"] { XCTAssertEqual(p[key], a[key], "\(key) of task \(i)") }
        }
    }
}
