import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// `authorized_key` and `known_hosts` on a real sshd host, step by step against
/// ansible-playbook doing the same: results, diffs and the files' bytes.
final class SSHKeyModuleTests: SystemModuleTestCase {
    /// Public keys made by ssh-keygen for this test: type, base64.
    private func newKeys(_ dir: TemporaryDirectory) throws -> [(String, String)] {
        try [("ed25519", "a"), ("ed25519", "b"), ("rsa", "c")].map { type, name in
            let file = dir.file("id_\(name)")
            XCTAssertEqual(Self.shell("ssh-keygen -q -t \(type) -N '' -C \(name)@test -f \(file)").0, 0)
            let parts = try String(contentsOfFile: file + ".pub", encoding: .utf8).split(separator: " ")
            return (String(parts[0]), String(parts[1]))
        }
    }

    private func compare(_ mine: TaskResult, _ expected: Value, step i: Int, ours: String, theirs: String) {
        // Names differ by user or file; a hashed host has a random salt.
        func plain(_ text: String) -> String {
            text.replacingOccurrences(of: #"\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+"#, with: "|1|HASHED", options: .regularExpression)
        }
        func swapped(_ v: Value?) -> Value? {
            guard let text = v?.stringValue else { return v }
            return .string(plain(text.replacingOccurrences(of: theirs, with: ours)))
        }
        XCTAssertEqual(Set(mine.values.keys).subtracting(["failed"]), AnsibleReference.keys(expected), "step \(i)")
        for key in ["changed", "msg", "exclusive", "state", "hash_host", "mode", "size"] where expected[key] != nil {
            XCTAssertEqual(mine[key], expected[key], "step \(i) \(key)")
        }
        for key in ["keyfile", "path", "owner"] where expected[key] != nil {
            XCTAssertEqual(mine[key], swapped(expected[key]), "step \(i) \(key)")
        }
        for part in ["before", "after", "before_header", "after_header"] where expected["diff"]?[part] != nil {
            XCTAssertEqual(mine["diff"]?[part].map { .string(plain($0.renderedString)) }, swapped(expected["diff"]?[part]), "step \(i) diff \(part)")
        }
    }

    func testAuthorizedKeyMatchesAnsible() async throws {
        let dir = try TemporaryDirectory()
        let keys = try newKeys(dir)
        let (a, b, c) = ("\(keys[0].0) \(keys[0].1) a@test", "\(keys[1].0) \(keys[1].1)", "\(keys[2].0) \(keys[2].1) c@test")
        let ours = newUser(), theirs = newUser()
        for user in [ours, theirs] { XCTAssertEqual(Self.shell("useradd -m -d /tmp/\(user)-home \(user)").0, 0) }
        func steps(_ user: String) -> [AnsibleReference.Step] {
            [
                .init("ansible.posix.authorized_key", ["user": .string(user), "key": .string(a + "\n# note\n" + b)], diff: true),
                .init("ansible.posix.authorized_key", ["user": .string(user), "key": .string(a + "\n" + b)]),
                .init("ansible.posix.authorized_key", ["user": .string(user), "key": .string(a),
                                                       "key_options": #"no-port-forwarding,from="10.0.0.1,10.0.0.2""#], diff: true),
                .init("ansible.posix.authorized_key", ["user": .string(user), "key": .string(c), "comment": "renamed", "exclusive": true],
                      check: true, diff: true),
                .init("ansible.posix.authorized_key", ["user": .string(user), "key": .string(c), "comment": "renamed"], diff: true),
                .init("ansible.posix.authorized_key", ["user": .string(user), "key": .string(b), "state": "absent"], diff: true),
                .init("ansible.posix.authorized_key", ["user": .string(user), "key": "not a key"]),
                .init("ansible.posix.authorized_key", ["user": .string(user), "key": .string(b),
                                                       "path": .string("/tmp/\(user)-home/other/keys"), "manage_dir": false]),
            ]
        }
        let reference = try AnsibleReference.run(steps(theirs))
        try await withHost { h, _ in
            for (i, mine) in try await h.replay(AuthorizedKeyModule(), steps(ours)).enumerated() {
                compare(mine, reference[i], step: i, ours: ours, theirs: theirs)
            }
        }
        let mine = try String(contentsOfFile: "/tmp/\(ours)-home/.ssh/authorized_keys", encoding: .utf8)
        XCTAssertEqual(mine, try String(contentsOfFile: "/tmp/\(theirs)-home/.ssh/authorized_keys", encoding: .utf8))
        XCTAssertEqual(mine, "no-port-forwarding,from=\"10.0.0.1,10.0.0.2\" \(a)\n\(keys[2].0) \(keys[2].1) renamed\n")
        XCTAssertEqual(Self.shell("stat -c '%U %a' /tmp/\(ours)-home/.ssh /tmp/\(ours)-home/.ssh/authorized_keys /tmp/\(ours)-home/other/keys").1,
                       "\(ours) 700\n\(ours) 600\n\(ours) 600\n")
        XCTAssertEqual(try String(contentsOfFile: "/tmp/\(ours)-home/other/keys", encoding: .utf8),
                       try String(contentsOfFile: "/tmp/\(theirs)-home/other/keys", encoding: .utf8))
    }

    func testKnownHostsMatchesAnsible() async throws {
        let dir = try TemporaryDirectory()
        let keys = try newKeys(dir)
        func steps(_ file: String) -> [AnsibleReference.Step] {
            [
                .init("known_hosts", ["name": "example.org", "key": .string("example.org \(keys[0].0) \(keys[0].1)"), "path": .string(file)],
                      diff: true),
                .init("known_hosts", ["name": "example.org", "key": .string("example.org \(keys[0].0) \(keys[0].1)"), "path": .string(file)]),
                .init("known_hosts", ["name": "Example.ORG", "key": .string("example.org \(keys[1].0) \(keys[1].1)"), "path": .string(file)],
                      check: true),
                .init("known_hosts", ["name": "example.org", "key": .string("example.org \(keys[1].0) \(keys[1].1)"), "path": .string(file)]),
                .init("known_hosts", ["name": "[10.1.2.3]:2222", "key": .string("[10.1.2.3]:2222 \(keys[2].0) \(keys[2].1)"),
                                      "path": .string(file), "hash_host": true]),
                .init("known_hosts", ["name": "[10.1.2.3]:2222", "key": .string("[10.1.2.3]:2222 \(keys[2].0) \(keys[2].1)"),
                                      "path": .string(file), "hash_host": true]),
                .init("known_hosts", ["name": "[10.1.2.3]:2222", "path": .string(file), "state": "absent"]),
                .init("known_hosts", ["name": "other.org", "key": .string("example.org \(keys[0].0) \(keys[0].1)"), "path": .string(file)]),
                .init("known_hosts", ["name": "example.org", "key": .string("example.org \(keys[1].0) \(keys[1].1)"), "path": .string(file),
                                      "state": "absent"], diff: true),
            ]
        }
        let theirs = dir.file("theirs/known_hosts"), ours = dir.file("ours/known_hosts")
        try FileManager.default.createDirectory(atPath: dir.file("theirs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.file("ours"), withIntermediateDirectories: true)
        let reference = try AnsibleReference.run(steps(theirs))
        try await withHost { h, _ in
            for (i, mine) in try await h.replay(KnownHostsModule(), steps(ours)).enumerated() {
                compare(mine, reference[i], step: i, ours: ours, theirs: theirs)
            }
        }
        XCTAssertEqual(try String(contentsOfFile: ours, encoding: .utf8), try String(contentsOfFile: theirs, encoding: .utf8))
        XCTAssertEqual(try String(contentsOfFile: ours, encoding: .utf8), "", "every entry went")
    }

    /// A key given as a URL is fetched by the target (curl or wget), here from a loopback server.
    func testAuthorizedKeyFromAURL() async throws {
        let dir = try TemporaryDirectory()
        let keys = try newKeys(dir)
        let body = "\(keys[0].0) \(keys[0].1) a@test\n\(keys[1].0) \(keys[1].1) b@test\n"
        let server = try HTTPTestServer { request in
            request.target == "/keys" ? .init(status: 200, body: body) : .init(status: 404)
        }
        defer { server.stop() }
        let user = newUser()
        XCTAssertEqual(Self.shell("useradd -m -d /tmp/\(user)-home \(user)").0, 0)
        try await withHost { h, _ in
            let fetched = try await h.run(AuthorizedKeyModule(), ["user": .string(user), "key": .string("http://127.0.0.1:\(server.port)/keys")])
            XCTAssertTrue(fetched.changed, "\(fetched.values)")
            XCTAssertEqual(try String(contentsOfFile: "/tmp/\(user)-home/.ssh/authorized_keys", encoding: .utf8), body)
            let missing = try await h.run(AuthorizedKeyModule(), ["user": .string(user), "key": .string("http://127.0.0.1:\(server.port)/none")])
            XCTAssertEqual(missing.message, "Error getting key from: http://127.0.0.1:\(server.port)/none")
        }
    }

    func testHashedHostNameIsOpenSSHs() {
        // `ssh-keygen -H` finds a host by hashing its name with the stored salt: the same HMAC.
        let salt = [UInt8](repeating: 7, count: 20)
        let line = KnownHostsModule.hashed(host: "example.org", key: "example.org ssh-ed25519 AAAA", salt: salt)
        let dir = try? TemporaryDirectory()
        let file = try? dir?.write("kh", line + "\n")
        XCTAssertEqual(Self.shell("ssh-keygen -F example.org -f \(file ?? "")").0, 0, line)
        XCTAssertNotEqual(Self.shell("ssh-keygen -F example.net -f \(file ?? "") | grep -q ssh-ed25519").0, 0)
    }
}
