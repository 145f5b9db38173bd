import Foundation
import PlayBase
@testable import PlayVault
import XCTest

/// Round trips with the real ansible-vault / ansible-playbook (ansible-core 2.19), both directions.
final class AnsibleInteropTests: XCTestCase {
    var directory: URL!
    var passwordFile: String!
    let password = "interop pässwörd ✓"

    override func setUpWithError() throws {
        directory = try TestSupport.makeTemporaryDirectory()
        passwordFile = directory.appendingPathComponent("pw").path
        try TestSupport.write(Array("  \(password)\n".utf8), to: URL(fileURLWithPath: passwordFile))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    func ansibleVault(_ arguments: [String], input: [UInt8]? = nil) throws -> TestSupport.RunResult {
        try TestSupport.run(try TestSupport.ansibleTool("ansible-vault"), arguments, input: input,
                            environment: ["ANSIBLE_NOCOLOR": "1"], currentDirectory: directory)
    }

    func samples() -> [(String, [UInt8])] {
        var binary = (0...255).map(UInt8.init)
        binary += binary.reversed()
        return [
            ("empty", []),
            ("text", Array("aws_access_key_id: AKIAEXAMPLE\naws_secret_access_key: abc/def+ghi\n".utf8)),
            ("block", [UInt8](repeating: 0x61, count: 32)),
            ("binary", binary),
            ("crlf", Array("a: 1\r\nb: 2\r\n".utf8)),
            ("large", (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }),
        ]
    }

    /// One ansible-vault run per label decrypts all our files in place (ansible start-up is slow).
    func testAnsibleDecryptsWhatWeEncrypt() throws {
        for (label, idArgument) in [(nil as String?, ["--vault-password-file", passwordFile!]), ("prod", ["--vault-id", "prod@\(passwordFile!)"])] {
            var files: [(URL, [UInt8])] = []
            for (name, plain) in samples() {
                let file = url("ours-\(name)-\(label ?? "none").vault")
                try TestSupport.write(plain, to: url("plain"))
                let ours = try TestSupport.vault(["encrypt", url("plain").path, "--output", file.path] + idArgument)
                XCTAssertEqual(ours.status, 0, ours.stderr)
                let header = label.map { "$ANSIBLE_VAULT;1.2;AES256;\($0)\n" } ?? "$ANSIBLE_VAULT;1.1;AES256\n"
                XCTAssertTrue(try TestSupport.read(file).starts(with: Array(header.utf8)), name)
                files.append((file, plain))
            }
            let theirs = try ansibleVault(["decrypt"] + files.map(\.0.path) + idArgument)
            XCTAssertEqual(theirs.status, 0, theirs.stderr)
            for (file, plain) in files {
                XCTAssertEqual(try TestSupport.read(file), plain, file.lastPathComponent)
            }
        }
    }

    func testWeDecryptWhatAnsibleEncrypts() throws {
        for (label, idArgument) in [(nil as String?, ["--vault-password-file", passwordFile!]), ("ops-1", ["--vault-id", "ops-1@\(passwordFile!)"])] {
            var files: [(URL, [UInt8])] = []
            for (name, plain) in samples() {
                let file = url("theirs-\(name)-\(label ?? "none")")
                try TestSupport.write(plain, to: file)
                files.append((file, plain))
            }
            let theirs = try ansibleVault(["encrypt"] + files.map(\.0.path) + idArgument)
            XCTAssertEqual(theirs.status, 0, theirs.stderr)
            // As play reads them: through the library, with the secrets loaded the way play loads them.
            let keyring = try VaultKeyring.loadSecrets(vaultIDs: label == nil ? [] : [idArgument[1]],
                                                       passwordFiles: label == nil ? [passwordFile] : [],
                                                       askVaultPass: false, environment: [:])
            for (file, plain) in files {
                let result = try keyring.decrypt(try TestSupport.read(file))
                XCTAssertEqual(result.plaintext, plain, file.lastPathComponent)
                XCTAssertEqual(result.envelope.label, label)
                let ours = try TestSupport.vault(["decrypt", file.path, "--output", "-", "--vault-password-file", passwordFile])
                XCTAssertEqual(ours.status, 0, "\(file.lastPathComponent): \(ours.stderr)")
                XCTAssertEqual(ours.stdout, plain, file.lastPathComponent)
            }
        }
    }

    /// Views match ansible's byte for byte (CRLF, invalid UTF-8, final newline) and so do failures.
    func testViewOutputAndFailuresMatchAnsible() throws {
        let bytes: [UInt8] = Array("a\rb\r\nc\r\n\r\nd".utf8) + [0xFF, 0xC3] + Array("é✓".utf8)
        try TestSupport.write(bytes, to: url("plain"))
        XCTAssertEqual(try TestSupport.vault(["encrypt", url("plain").path, "--output", url("v.yml").path, "--vault-password-file", passwordFile]).status, 0)
        try TestSupport.write(Array("wrong".utf8), to: url("wrong"))
        try TestSupport.write(Array("not a vault\n".utf8), to: url("notvault.yml"))
        let scenarios: [[String]] = [
            ["view", "v.yml", "--vault-password-file", passwordFile],
            ["view", "v.yml", "--vault-password-file", url("wrong").path],
            ["decrypt", "v.yml", "--output", "-", "--vault-password-file", url("wrong").path],
            ["view", "notvault.yml", "--vault-password-file", passwordFile],
            ["encrypt", "v.yml", "--vault-password-file", passwordFile],
            ["view", "v.yml", "--vault-id", "x;y@\(passwordFile!)"],
            ["encrypt_string", "x", "--vault-id", "a@\(passwordFile!)", "--vault-id", "b@\(passwordFile!)"],
            ["decrypt", "a", "b", "--output", "c", "--vault-password-file", passwordFile],
            ["encrypt_string", "", "--vault-password-file", passwordFile],
        ]
        for arguments in scenarios {
            let ours = try TestSupport.vault(arguments, currentDirectory: directory)
            let theirs = try ansibleVault(arguments)
            XCTAssertEqual(ours.status, theirs.status, "\(arguments): ours \(ours.stderr) theirs \(theirs.stderr)")
            XCTAssertEqual(ours.stdout, theirs.stdout, "\(arguments)")
            XCTAssertEqual(ours.stderr, theirs.stderr, "\(arguments)")
        }
        XCTAssertEqual(try TestSupport.read(url("v.yml")).prefix(14), ArraySlice(Array("$ANSIBLE_VAULT".utf8)))
    }

    /// encrypt_string output pasted into a playbook is read by ansible-playbook, and ansible's
    /// encrypt_string output is read by play's YAML loader.
    func testInlineValuesBothWays() throws {
        let ours = try TestSupport.vault(["encrypt_string", "--vault-password-file", passwordFile, "--name", "db_password", "s3cr3t value!"])
        XCTAssertEqual(ours.status, 0, ours.stderr)
        let indented = ours.stdoutText.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")
        let playbook = """
            - hosts: localhost
              gather_facts: false
              vars:
            \(indented)
              tasks:
                - ansible.builtin.debug:
                    msg: "value=[{{ db_password }}]"

            """
        try Data(playbook.utf8).write(to: url("play.yml"))
        let run = try TestSupport.run(try TestSupport.ansibleTool("ansible-playbook"),
                                      ["-i", "localhost,", "-c", "local", url("play.yml").path, "--vault-password-file", passwordFile],
                                      environment: ["ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCALHOST_WARNING": "0"], currentDirectory: directory)
        XCTAssertEqual(run.status, 0, run.stdoutText + run.stderr)
        XCTAssertTrue(run.stdoutText.contains("\"msg\": \"value=[s3cr3t value!]\""), run.stdoutText)

        let theirs = try ansibleVault(["encrypt_string", "--vault-id", "prod@\(passwordFile!)", "--name", "token", "from ansible"])
        XCTAssertEqual(theirs.status, 0, theirs.stderr)
        let keyring = try VaultKeyring.loadSecrets(vaultIDs: ["prod@\(passwordFile!)"], passwordFiles: [], askVaultPass: false, environment: [:])
        let loader = YAMLLoader(secrets: keyring)
        let node = try XCTUnwrap(try loader.parseDocuments(theirs.stdoutText, file: "inline.yml").first)
        XCTAssertEqual(try loader.value(from: node, file: "inline.yml").dictValue?["token"], .string("from ansible"))
    }

    /// Files we edit and rekey stay readable by ansible, with the label ansible expects.
    func testEditedAndRekeyedFilesOpenInAnsible() throws {
        try TestSupport.write(Array("a: 1\n".utf8), to: url("e.yml"))
        XCTAssertEqual(try ansibleVault(["encrypt", url("e.yml").path, "--vault-id", "prod@\(passwordFile!)"]).status, 0)
        let editor = url("editor.sh")
        try TestSupport.script("printf 'b: 2\\n' >> \"$1\"", at: editor)
        let edit = try TestSupport.vault(["edit", url("e.yml").path, "--vault-password-file", passwordFile], environment: ["EDITOR": editor.path])
        XCTAssertEqual(edit.status, 0, edit.stderr)
        let view = try ansibleVault(["view", url("e.yml").path, "--vault-id", "prod@\(passwordFile!)"])
        XCTAssertEqual(view.stdoutText, "a: 1\nb: 2\n")
        XCTAssertTrue(try TestSupport.read(url("e.yml")).starts(with: Array("$ANSIBLE_VAULT;1.2;AES256;prod\n".utf8)))

        try TestSupport.write(Array("new password".utf8), to: url("pw-new"))
        let rekey = try TestSupport.vault(["rekey", url("e.yml").path, "--vault-password-file", passwordFile, "--new-vault-id", "ops@\(url("pw-new").path)"])
        XCTAssertEqual(rekey.status, 0, rekey.stderr)
        let after = try ansibleVault(["view", url("e.yml").path, "--vault-id", "ops@\(url("pw-new").path)"])
        XCTAssertEqual(after.stdoutText, "a: 1\nb: 2\n", after.stderr)
    }
}
