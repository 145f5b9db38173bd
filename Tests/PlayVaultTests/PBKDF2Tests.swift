import CLibCrypto
import XCTest
@testable import PlayVault

/// The vault's own PBKDF2 loop must give exactly what OpenSSL's PKCS5_PBKDF2_HMAC gives.
final class PBKDF2Tests: XCTestCase {
    private func openSSL(_ password: [UInt8], _ salt: [UInt8], _ iterations: Int, _ length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let pw = password.isEmpty ? [0] : password, sl = salt.isEmpty ? [0] : salt
        let ok = pw.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { pc in
                PKCS5_PBKDF2_HMAC(pc, Int32(password.count), sl, Int32(salt.count), Int32(iterations),
                                  EVP_sha256(), Int32(length), &out)
            }
        }
        XCTAssertEqual(ok, 1)
        return out
    }

    func testRFC7914Vector() throws {
        let derived = try VaultCrypto.pbkdf2SHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, length: 64)
        XCTAssertEqual(String(decoding: Hex.encode(derived), as: UTF8.self), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
    }

    func testMatchesOpenSSLAcrossShapes() throws {
        var generator = SystemRandomNumberGenerator()
        // Password lengths around HMAC's 64-byte block (longer keys are hashed first), salts
        // empty to long, lengths that end inside and on a block, the vault's 10,000 rounds.
        for passwordLength in [0, 1, 17, 63, 64, 65, 200] {
            for (saltLength, iterations, length) in [(0, 1, 32), (32, 2, 80), (16, 3, 31), (100, 10_000, 80), (32, 5, 65)] {
                let password = (0..<passwordLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let salt = (0..<saltLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let ours = try VaultCrypto.pbkdf2SHA256(password: password, salt: salt, iterations: iterations, length: length)
                XCTAssertEqual(ours, openSSL(password, salt, iterations, length),
                               "password \(passwordLength) B, salt \(saltLength) B, \(iterations) rounds, \(length) B")
            }
        }
    }
}
