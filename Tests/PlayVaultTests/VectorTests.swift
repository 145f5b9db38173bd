import Foundation
import PlayBase
@testable import PlayVault
import XCTest

/// Every case in the ansible-vault vector set gives its expected bytes or its expected failure.
final class VectorTests: XCTestCase {
    struct Case: Decodable {
        var name: String
        var kind: String
        var vault_file: String
        var plain_file: String
        var password: String?
        var password_file: String?
        var vault_id: String?
        var format_version: String?
        var should_decrypt: Bool
        var expected_error: String?
        var plain_bytes: Int?
        var salt_bytes: Int?
        var ciphertext_bytes: Int?
        var salt: String?
        var yaml_file: String?
        var yaml_path: [String]?
        var encrypt_string_output: String?
    }

    struct CaseFile: Decodable { var cases: [Case] }

    var directory: URL { TestSupport.vectorsDirectory }

    func loadCases() throws -> [Case] {
        let data = try Data(contentsOf: directory.appendingPathComponent("cases.json"))
        let cases = try JSONDecoder().decode(CaseFile.self, from: data).cases
        XCTAssertFalse(cases.isEmpty)
        return cases
    }

    func secret(for testCase: Case) throws -> VaultSecret {
        let label = testCase.vault_id ?? VaultSecret.defaultLabel
        if let file = testCase.password_file {
            // A password file is read the way ansible reads it (stripping and all).
            let loader = VaultSecretLoader(environment: [:], currentDirectory: directory.path)
            let secrets = try loader.load([VaultID(label: label, source: .file(file))], purpose: .decrypt)
            return try XCTUnwrap(secrets.first)
        }
        return try VaultSecret(label: label, password: Array(try XCTUnwrap(testCase.password).utf8))
    }

    func testEveryCaseDecryptsOrFailsAsExpected() throws {
        for testCase in try loadCases() {
            let vaultText = try TestSupport.read(directory.appendingPathComponent(testCase.vault_file))
            let plain = try TestSupport.read(directory.appendingPathComponent(testCase.plain_file))
            let keyring = VaultKeyring(secrets: [try secret(for: testCase)])
            if testCase.should_decrypt {
                let result = try keyring.decrypt(vaultText)
                XCTAssertEqual(result.plaintext, plain, testCase.name)
                if let count = testCase.plain_bytes { XCTAssertEqual(result.plaintext.count, count, testCase.name) }
                if let version = testCase.format_version { XCTAssertEqual(result.envelope.version, version, testCase.name) }
                XCTAssertEqual(result.envelope.label, testCase.vault_id, testCase.name)
                let payload = try result.envelope.payload()
                if let count = testCase.salt_bytes { XCTAssertEqual(payload.salt.count, count, testCase.name) }
                if let count = testCase.ciphertext_bytes { XCTAssertEqual(payload.ciphertext.count, count, testCase.name) }
            } else {
                XCTAssertThrowsError(try keyring.decrypt(vaultText), testCase.name) { error in
                    guard let error = error as? VaultError else { return XCTFail("\(testCase.name): \(error)") }
                    switch testCase.expected_error {
                    case "integrity", "wrong_password":
                        XCTAssertEqual(error.kind, .decryptionFailed, testCase.name)
                        XCTAssertEqual(error.message, "Decryption failed (no vault secrets were found that could decrypt).")
                    case "format":
                        XCTAssertEqual(error.kind, .format, testCase.name)
                        XCTAssertTrue(error.message.hasPrefix("Vault format unhexlify error: ") || error.message.hasPrefix("Vault"), error.message)
                    default:
                        XCTFail("\(testCase.name): unknown expected_error \(testCase.expected_error ?? "nil")")
                    }
                    let plainText = String(decoding: plain, as: UTF8.self)
                    if !plainText.isEmpty { XCTAssertFalse(error.message.contains(plainText)) }
                }
            }
        }
    }

    func testTheMalformedHexCaseNamesTheLineAndColumnOfTheBadDigit() throws {
        for testCase in try loadCases() where testCase.expected_error == "format" {
            let text = try TestSupport.read(directory.appendingPathComponent(testCase.vault_file))
            do {
                _ = try VaultKeyring(secrets: [try secret(for: testCase)]).decrypt(text)
                XCTFail("\(testCase.name) decrypted")
            } catch let error as VaultError {
                let lines = String(decoding: text, as: UTF8.self).components(separatedBy: "\n")
                let line = try XCTUnwrap(error.line), column = try XCTUnwrap(error.column)
                let character = Array(lines[line - 1])[column - 1]
                XCTAssertFalse(character.isHexDigit, "\(testCase.name): \(line):\(column) is '\(character)'")
            }
        }
    }

    /// With the salt injected (ansible's ANSIBLE_VAULT_ENCRYPT_SALT), our encoder reproduces the file.
    func testFixedSaltCasesAreReproducedByteForByte() throws {
        let cases = try loadCases().filter { $0.salt != nil && $0.should_decrypt && $0.kind == "file" }
        XCTAssertFalse(cases.isEmpty, "the vector set has a fixed-salt case")
        for testCase in cases {
            let expected = try TestSupport.read(directory.appendingPathComponent(testCase.vault_file))
            let plain = try TestSupport.read(directory.appendingPathComponent(testCase.plain_file))
            let secret = try secret(for: testCase)
            let produced = try VaultKeyring(secrets: [secret])
                .encrypt(plain, with: secret, label: testCase.vault_id, salt: Array(try XCTUnwrap(testCase.salt).utf8))
            XCTAssertEqual(String(decoding: produced, as: UTF8.self), String(decoding: expected, as: UTF8.self), testCase.name)
        }
    }

    /// Cases written by ansible with its normal layout re-format identically from their payload.
    func testOurLayoutMatchesAnsiblesForEveryUnmodifiedCase() throws {
        for testCase in try loadCases() where testCase.should_decrypt && testCase.kind == "file" {
            let text = try TestSupport.read(directory.appendingPathComponent(testCase.vault_file))
            guard !text.contains(0x0D) else { continue }  // the CRLF case was edited on purpose
            let envelope = try VaultEnvelope.parse(text)
            XCTAssertEqual(VaultEnvelope.format(try envelope.payload(), label: envelope.label), text, testCase.name)
        }
    }

    func testInlineCasesDecryptThroughTheYAMLLoader() throws {
        let cases = try loadCases().filter { $0.kind == "inline" }
        XCTAssertFalse(cases.isEmpty)
        for testCase in cases {
            let keyring = VaultKeyring(secrets: [try secret(for: testCase)])
            let expected = String(decoding: try TestSupport.read(directory.appendingPathComponent(testCase.plain_file)), as: UTF8.self)
            // The scalar as a YAML parser yields it.
            let scalar = String(decoding: try TestSupport.read(directory.appendingPathComponent(testCase.vault_file)), as: UTF8.self)
            XCTAssertEqual(try keyring.decrypt(scalar, source: .synthetic(testCase.vault_file)), expected)
            // The playbook, loaded by PlayBase's YAML loader with the keyring as resolver.
            if let yamlFile = testCase.yaml_file, let path = testCase.yaml_path {
                let loader = YAMLLoader(secrets: keyring)
                var value = try loader.loadValue(path: directory.appendingPathComponent(yamlFile).path)
                for key in path {
                    if let index = Int(key), let list = value.listValue { value = list[index] }
                    else { value = try XCTUnwrap(value.dictValue?[key], "\(testCase.name): no \(key)") }
                }
                XCTAssertEqual(value, .string(expected), testCase.name)
            }
            // encrypt_string's raw output pasted as YAML decrypts the same.
            if let output = testCase.encrypt_string_output {
                let text = String(decoding: try TestSupport.read(directory.appendingPathComponent(output)), as: UTF8.self)
                let loader = YAMLLoader(secrets: keyring)
                let node = try XCTUnwrap(try loader.parseDocuments(text, file: output).first)
                let value = try loader.value(from: node, file: output)
                XCTAssertEqual(value.dictValue?.values.first, .string(expected), testCase.name)
            }
        }
    }
}
