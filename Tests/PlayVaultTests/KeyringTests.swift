import Foundation
import PlayBase
@testable import PlayVault
import XCTest

/// Secret order, encrypt-secret choice, the per-run key cache, and play-facing diagnostics.
final class KeyringTests: XCTestCase {
    func secret(_ label: String, _ password: String) throws -> VaultSecret {
        try VaultSecret(label: label, password: Array(password.utf8))
    }

    func testMatchingLabelIsTriedFirstThenTheRestInOrder() throws {
        let keyring = VaultKeyring(secrets: [try secret("a", "1"), try secret("prod", "2"), try secret("b", "3")])
        XCTAssertEqual(keyring.candidates(for: "prod").map(\.label), ["prod", "a", "b"])
        XCTAssertEqual(keyring.candidates(for: "default").map(\.label), ["a", "prod", "b"])
        let strict = VaultKeyring(secrets: keyring.secrets, requireLabelMatch: true)
        XCTAssertEqual(strict.candidates(for: "prod").map(\.label), ["prod"])
        XCTAssertEqual(strict.candidates(for: "other").map(\.label), [])
    }

    func testAnyLabelDecryptsAndTheWinningSecretIsReported() throws {
        let prod = try secret("prod", "prod-pass")
        let text = try VaultKeyring(secrets: [prod]).encrypt(Array("x".utf8), with: prod)
        // A plain password file (label default) still opens a `prod` file, as in ansible.
        let keyring = VaultKeyring(secrets: [try secret("default", "wrong"), try secret("default", "prod-pass")])
        let result = try keyring.decrypt(text)
        XCTAssertEqual(result.plaintext, Array("x".utf8))
        XCTAssertEqual(result.secret.password, Array("prod-pass".utf8))
        XCTAssertEqual(result.envelope.label, "prod")
        // With labels required to match, the default-labelled secrets are not tried.
        XCTAssertThrowsError(try VaultKeyring(secrets: keyring.secrets, requireLabelMatch: true).decrypt(text)) { error in
            XCTAssertEqual((error as? VaultError)?.kind, .decryptionFailed)
        }
    }

    func testWrongPasswordsReportWhichLabelsWereTried() throws {
        let right = try secret("default", "right")
        let text = try VaultKeyring(secrets: [right]).encrypt(Array("x".utf8), with: right)
        let keyring = VaultKeyring(secrets: [try secret("a", "no"), try secret("b", "nope")])
        XCTAssertThrowsError(try keyring.decrypt(text)) { error in
            XCTAssertEqual((error as? VaultError)?.triedLabels, ["a", "b"])
        }
    }

    func testEncryptionSecretSelection() throws {
        let keyring = VaultKeyring(secrets: [try secret("a", "1"), try secret("b", "2")])
        XCTAssertEqual(try keyring.encryptionSecret().label, "a")
        XCTAssertEqual(try keyring.encryptionSecret(encryptVaultID: "b").label, "b")
        XCTAssertThrowsError(try keyring.encryptionSecret(encryptVaultID: "c")) { error in
            XCTAssertEqual((error as? VaultError)?.message,
                           "Did not find a match for --encrypt-vault-id=c in the known vault-ids ['a', 'b']")
        }
        XCTAssertThrowsError(try VaultKeyring(secrets: []).encryptionSecret())
    }

    func testEmptyPasswordIsRefused() {
        XCTAssertThrowsError(try VaultSecret(password: [])) { error in
            XCTAssertEqual((error as? VaultError)?.kind, .invalidPassword)
        }
    }

    func testSecretsNeverPrintTheirPassword() throws {
        let s = try secret("prod", "hunter2-secret")
        XCTAssertFalse("\(s)".contains("hunter2"))
        XCTAssertFalse(String(reflecting: s).contains("hunter2"))
        var dumped = ""
        dump(s, to: &dumped)
        XCTAssertFalse(dumped.contains("hunter2"))
        XCTAssertFalse(dumped.contains("104"))  // nor its bytes
    }

    /// `play` decrypts many values that share a (password, salt): one PBKDF2 derivation in all.
    func testKeysAreDerivedOncePerPasswordAndSalt() throws {
        let pw = try secret("default", "cache-pass")
        let salt = Array("shared-salt-for-the-cache-test".utf8)
        let writer = VaultKeyring(secrets: [pw])
        let values = try (0..<40).map { try writer.encrypt(Array("value \($0)".utf8), with: pw, label: nil, salt: salt) }

        let keyring = VaultKeyring(secrets: [pw])
        for (index, value) in values.enumerated() {
            XCTAssertEqual(try keyring.decrypt(value).plaintext, Array("value \(index)".utf8))
        }
        XCTAssertEqual(keyring.derivationCount, 1)

        // A wrong password tried first costs one more derivation for the pair, not one per value.
        let twoSecrets = VaultKeyring(secrets: [try secret("default", "wrong"), pw])
        for value in values { _ = try twoSecrets.decrypt(value) }
        XCTAssertEqual(twoSecrets.derivationCount, 2)

        // A different salt is a different pair.
        let other = try writer.encrypt(Array("other".utf8), with: pw)
        _ = try keyring.decrypt(other)
        XCTAssertEqual(keyring.derivationCount, 2)
    }

    func testConcurrentDecryptsShareOneDerivation() throws {
        let pw = try secret("default", "concurrent-pass")
        let salt = Array("one-salt".utf8)
        let values = try (0..<64).map { try VaultKeyring(secrets: [pw]).encrypt(Array("v\($0)".utf8), with: pw, label: nil, salt: salt) }
        let keyring = VaultKeyring(secrets: [pw])
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: values.count) { index in
            if (try? keyring.decrypt(values[index]).plaintext) != Array("v\(index)".utf8) { failures.increment() }
        }
        XCTAssertEqual(failures.value, 0)
        XCTAssertEqual(keyring.derivationCount, 1)
    }

    func testYAMLLoaderDecryptsEveryVaultScalarWithOneDerivation() throws {
        let pw = try secret("default", "yaml-pass")
        let salt = Array("yaml-salt".utf8)
        let writer = VaultKeyring(secrets: [pw])
        var yaml = "aws_region: eu-west-1\n"
        for name in ["aws_access_key_id", "aws_secret_access_key", "aws_session_token"] {
            let envelope = String(decoding: try writer.encrypt(Array("\(name)-value".utf8), with: pw, label: nil, salt: salt), as: UTF8.self)
            yaml += "\(name): !vault |\n" + envelope.split(separator: "\n").map { "  \($0)\n" }.joined()
        }
        let keyring = VaultKeyring(secrets: [pw])
        let node = try XCTUnwrap(try YAMLLoader(secrets: keyring).parseDocuments(yaml, file: "aws.yml").first)
        let value = try YAMLLoader(secrets: keyring).value(from: node, file: "aws.yml")
        XCTAssertEqual(value.dictValue?["aws_secret_access_key"], .string("aws_secret_access_key-value"))
        XCTAssertEqual(value.dictValue?["aws_region"], .string("eu-west-1"))
        XCTAssertEqual(keyring.derivationCount, 1)
    }

    /// Errors for `play` are Diagnostics at the value's location; no plaintext, no password.
    func testResolverDiagnosticsNameTheLocationAndLeakNothing() throws {
        let right = try secret("default", "the-right-password")
        let text = String(decoding: try VaultKeyring(secrets: [right]).encrypt(Array("TOP-SECRET-VALUE".utf8), with: right), as: UTF8.self)
        let wrong = VaultKeyring(secrets: [try secret("ops", "a-wrong-password")])
        let location = SourceLocation(file: "group_vars/all.yml", line: 4, column: 12)
        XCTAssertThrowsError(try wrong.decrypt(text, source: location)) { error in
            guard let diagnostic = error as? Diagnostic else { return XCTFail("\(error)") }
            XCTAssertEqual(diagnostic.location, location)
            XCTAssertEqual(diagnostic.message, "Decryption failed (no vault secrets were found that could decrypt).")
            let everything = ([diagnostic.description] + diagnostic.notes).joined(separator: "\n")
            XCTAssertTrue(everything.contains("ops"))
            for secretText in ["TOP-SECRET-VALUE", "a-wrong-password", "the-right-password"] {
                XCTAssertFalse(everything.contains(secretText))
            }
        }
        // A damaged wholly encrypted file points at the bad character's line and column.
        var lines = text.components(separatedBy: "\n")
        lines[2] = String(lines[2].prefix(5)) + "x" + String(lines[2].dropFirst(6))
        XCTAssertThrowsError(try wrong.decrypt(lines.joined(separator: "\n"), source: .synthetic("vars/aws.yml"))) { error in
            let diagnostic = error as? Diagnostic
            XCTAssertEqual(diagnostic?.location, SourceLocation(file: "vars/aws.yml", line: 3, column: 6))
        }
        // No secrets at all.
        XCTAssertThrowsError(try VaultKeyring(secrets: []).decrypt(text, source: location)) { error in
            XCTAssertEqual((error as? Diagnostic)?.message, "Attempting to decrypt but no vault secrets found.")
        }
    }

    func testWhollyEncryptedVarsFileLoadsThroughYAMLLoader() throws {
        let pw = try secret("default", "file-pass")
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("aws.yml")
        let plain = "aws_access_key_id: AKIAEXAMPLE\naws_secret_access_key: s3cr3t/Key\naws_region: us-east-1\n"
        try TestSupport.write(try VaultKeyring(secrets: [pw]).encrypt(Array(plain.utf8), with: pw), to: file)
        let value = try YAMLLoader(secrets: VaultKeyring(secrets: [pw])).loadValue(path: file.path)
        XCTAssertEqual(value.dictValue?["aws_secret_access_key"], .string("s3cr3t/Key"))
    }
}

/// A thread-safe counter for concurrent test bodies.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
