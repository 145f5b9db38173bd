@testable import PlayVault
import XCTest

/// The envelope as ansible writes it, and exactly ansible's leniency when reading it.
final class FormatTests: XCTestCase {
    let secret = try! VaultSecret(password: Array("format-pass".utf8))
    var keyring: VaultKeyring { VaultKeyring(secrets: [secret]) }

    func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
    }

    func testLayoutHeaderColumnsAndFinalNewline() throws {
        for size in [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000] {
            let plaintext = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 37) }
            let text = try keyring.encrypt(plaintext, with: secret)
            let parts = lines(text)
            XCTAssertEqual(parts[0], "$ANSIBLE_VAULT;1.1;AES256")
            XCTAssertEqual(parts.last, "", "ends with exactly one LF")
            let body = parts.dropFirst().dropLast()
            XCTAssertTrue(body.dropLast().allSatisfy { $0.count == 80 })
            XCTAssertTrue((1...80).contains(body.last!.count))
            XCTAssertTrue(body.joined().allSatisfy { "0123456789abcdef".contains($0) }, "lowercase hex only")
            XCTAssertFalse(text.contains(0x0D))
            // 32-byte salt, ciphertext padded to the next whole block: 260 + 4 * len(ct) hex characters.
            let ciphertext = (size / 16 + 1) * 16
            XCTAssertEqual(body.joined().count, 260 + 4 * ciphertext, "size \(size)")
            XCTAssertEqual(try keyring.decrypt(text).plaintext, plaintext)
        }
    }

    func testLabelSelectsVersion() throws {
        let prod = try VaultSecret(label: "prod-eu-1", password: Array("p".utf8))
        XCTAssertEqual(lines(try keyring.encrypt([1], with: prod))[0], "$ANSIBLE_VAULT;1.2;AES256;prod-eu-1")
        XCTAssertEqual(lines(try keyring.encrypt([1], with: secret))[0], "$ANSIBLE_VAULT;1.1;AES256")
        XCTAssertEqual(lines(try keyring.encrypt([1], with: prod, label: "default"))[0], "$ANSIBLE_VAULT;1.1;AES256")
        // A label read from an ansible header (spaces allowed there) is written back as it was.
        XCTAssertEqual(lines(try keyring.encrypt([1], with: secret, label: "team a"))[0], "$ANSIBLE_VAULT;1.2;AES256;team a")
        for bad in ["prød", "a;b", " lead", ""] {
            XCTAssertThrowsError(try keyring.encrypt([1], with: secret, label: bad), bad)
        }
    }

    func testEveryWriteGetsAFreshSalt() throws {
        let a = try keyring.encrypt(Array("same".utf8), with: secret)
        let b = try keyring.encrypt(Array("same".utf8), with: secret)
        XCTAssertNotEqual(a, b)
        XCTAssertNotEqual(try VaultEnvelope.parse(a).payload().salt, try VaultEnvelope.parse(b).payload().salt)
    }

    func testReaderAcceptsAnsiblesVariations() throws {
        let text = String(decoding: try keyring.encrypt(Array("lenient".utf8), with: secret), as: UTF8.self)
        let body = text.components(separatedBy: "\n").dropFirst().filter { !$0.isEmpty }
        let variants = [
            text.replacingOccurrences(of: "\n", with: "\r\n"),
            text.replacingOccurrences(of: "\n", with: "\r"),
            String(text.dropLast()),  // no final newline
            text.replacingOccurrences(of: "\n", with: "\n\n"),  // blank lines
            "$ANSIBLE_VAULT;1.1;AES256\n" + body.map { $0.uppercased() }.joined(separator: "\n"),
            "$ANSIBLE_VAULT;9.9;AES256\n" + body.joined(separator: "\n"),  // version is not checked
            "$ANSIBLE_VAULT;1.1;AES256;someone\n" + body.joined(separator: "\n"),  // label in 1.1
            "  $ANSIBLE_VAULT ; 1.2 ; AES256 ; x \n" + body.joined(separator: "\n"),
            "$ANSIBLE_VAULT;1.1;AES256\n" + body.joined(),  // one long line
        ]
        for variant in variants {
            guard variant.hasPrefix("$") else {
                // Leading whitespace before the magic is not vault data (ansible checks offset 0).
                XCTAssertThrowsError(try keyring.decrypt(Array(variant.utf8)))
                continue
            }
            XCTAssertEqual(try keyring.decrypt(Array(variant.utf8)).plaintext, Array("lenient".utf8), variant)
        }
        // Labels are read from the fourth field, trimmed.
        XCTAssertEqual(try VaultEnvelope.parse(Array("$ANSIBLE_VAULT;1.2;AES256; prod \n00".utf8)).label, "prod")
    }

    func testTrailingSpaceInTheBodyIsAFormatError() throws {
        let text = String(decoding: try keyring.encrypt(Array("x".utf8), with: secret), as: UTF8.self)
        // A space at the end of the first body line (not the header, whose fields are trimmed:
        // replacing "\n3" hit the header whenever the salt began with a digit).
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count > 2 else { return XCTFail("a vault body has several lines") }
        lines[1] += " "
        let broken = lines.joined(separator: "\n")
        XCTAssertThrowsError(try keyring.decrypt(Array(broken.utf8))) { error in
            XCTAssertEqual((error as? VaultError)?.kind, .format)
        }
    }

    func testNonASCIIOrMissingMagicIsNotVaultData() {
        for text in ["hello", "", "$ANSIBLE_VAUL", "$ANSIBLE_VAULT;1.2;AES256;prød\n6162\n", " $ANSIBLE_VAULT;1.1;AES256\n"] {
            XCTAssertThrowsError(try keyring.decrypt(Array(text.utf8)), text) { error in
                XCTAssertEqual((error as? VaultError)?.message, "Input is not vault encrypted data.")
            }
        }
        XCTAssertFalse(VaultEnvelope.isVaultData(Array("$ANSIBLE_VAULT\u{e9}".utf8)))
        XCTAssertTrue(VaultEnvelope.isVaultData(Array("$ANSIBLE_VAULT".utf8)))
    }

    func testFormatErrorsUseAnsiblesWording() {
        let cases: [(String, String)] = [
            ("$ANSIBLE_VAULT;1.1\n6162\n", "Vault envelope format error: "),
            ("$ANSIBLE_VAULT\n", "Vault envelope format error: "),
            ("$ANSIBLE_VAULT;1.1;AES128\n6162\n", "Cipher 'AES128' could not be found."),
            ("$ANSIBLE_VAULT;1.1;AES256\n6162\n", "Vault vaulttext format error: "),
            ("$ANSIBLE_VAULT;1.1;AES256\n", "Vault vaulttext format error: "),
            ("$ANSIBLE_VAULT;1.1;AES256\n616\n", "Vault format unhexlify error: Odd-length string"),
            ("$ANSIBLE_VAULT;1.1;AES256\n61zz\n", "Vault format unhexlify error: Non-hexadecimal digit found"),
            // Inner layers: bad salt hex, bad ciphertext hex, bad HMAC hex.
            ("$ANSIBLE_VAULT;1.1;AES256\n" + hex("zz\n6364\n6162") + "\n", "Vault format unhexlify error: Non-hexadecimal digit found"),
            ("$ANSIBLE_VAULT;1.1;AES256\n" + hex("6162\n6364\nzz") + "\n", "Vault format unhexlify error: Non-hexadecimal digit found"),
            ("$ANSIBLE_VAULT;1.1;AES256\n" + hex("6162\n6q\n6162") + "\n", "Vault format unhexlify error: Non-hexadecimal digit found"),
            ("$ANSIBLE_VAULT;1.1;AES256\n" + hex("6162\n636\n6162") + "\n", "Vault format unhexlify error: Odd-length string"),
        ]
        for (text, prefix) in cases {
            XCTAssertThrowsError(try keyring.decrypt(Array(text.utf8)), text) { error in
                let message = (error as? VaultError)?.message ?? "\(error)"
                XCTAssertTrue(message.hasPrefix(prefix), "\(text): \(message)")
            }
        }
    }

    func testFormatErrorsComeBeforeAnyPasswordIsTried() throws {
        // A short (but valid hex) HMAC is a failed check, not a format error, as in ansible.
        let shortMac = "$ANSIBLE_VAULT;1.1;AES256\n" + hex("6162\n63\n" + String(repeating: "00", count: 16)) + "\n"
        XCTAssertThrowsError(try keyring.decrypt(Array(shortMac.utf8))) { error in
            XCTAssertEqual((error as? VaultError)?.kind, .decryptionFailed)
        }
        XCTAssertEqual(keyring.derivationCount, 0)
    }

    func testNoSecretsIsItsOwnError() throws {
        let text = try keyring.encrypt([1, 2, 3], with: secret)
        XCTAssertThrowsError(try VaultKeyring(secrets: []).decrypt(text)) { error in
            XCTAssertEqual((error as? VaultError)?.message, "Attempting to decrypt but no vault secrets found.")
        }
    }

    func testEncryptingVaultDataIsRefused() throws {
        let text = try keyring.encrypt([1], with: secret)
        XCTAssertThrowsError(try keyring.encrypt(text, with: secret)) { error in
            XCTAssertEqual((error as? VaultError)?.message, "input is already encrypted")
        }
    }

    /// Data that passes the HMAC but is not PKCS#7 padded is refused (ansible would crash on it).
    func testUnpaddedDataIsAFormatError() throws {
        let salt = [UInt8](repeating: 7, count: 32)
        let keys = try VaultKeys.derive(password: secret.password, salt: salt)
        let ciphertext = try VaultCrypto.aes256CTR(key: keys.cipherKey, counter: keys.counter, [UInt8](repeating: 0x41, count: 16))
        let payload = VaultPayload(salt: salt, mac: try VaultCrypto.hmacSHA256(key: keys.hmacKey, ciphertext), ciphertext: ciphertext)
        XCTAssertThrowsError(try keyring.decrypt(VaultEnvelope.format(payload, label: nil))) { error in
            XCTAssertEqual((error as? VaultError)?.kind, .format)
        }
    }

    /// The CTR counter is one 128-bit big-endian integer: a counter block of all 0xFF wraps to 0.
    func testCounterCarriesAcrossAll16Bytes() throws {
        let key = [UInt8](repeating: 1, count: 32)
        let start = [UInt8](repeating: 0xFF, count: 16)
        let out = try VaultCrypto.aes256CTR(key: key, counter: start, [UInt8](repeating: 0, count: 32))
        let secondBlockAlone = try VaultCrypto.aes256CTR(key: key, counter: [UInt8](repeating: 0, count: 16), [UInt8](repeating: 0, count: 16))
        XCTAssertEqual(Array(out[16..<32]), secondBlockAlone)
    }

    func testHexDecoderMatchesUnhexlify() throws {
        XCTAssertEqual(try Hex.decode(Array("00ffAb".utf8)), [0, 255, 0xAB])
        XCTAssertThrowsError(try Hex.decode(Array("0".utf8))) { XCTAssertEqual($0 as? Hex.DecodeError, .oddLength) }
        XCTAssertThrowsError(try Hex.decode(Array("0g".utf8))) { XCTAssertEqual($0 as? Hex.DecodeError, .nonHexDigit(offset: 1)) }
        XCTAssertEqual(Hex.encode([0, 0xAB, 0xFF]), Array("00abff".utf8))
    }

    private func hex(_ text: String) -> String {
        String(decoding: Hex.encode(Array(text.utf8)), as: UTF8.self)
    }
}
