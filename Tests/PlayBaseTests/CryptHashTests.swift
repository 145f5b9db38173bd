import Foundation
import PlayBase
import XCTest

/// crypt(3) hashes against passlib, which Ansible's `password_hash` and `vars_prompt: encrypt` use.
final class CryptHashTests: XCTestCase {
    struct Case {
        var password: String, scheme: CryptHash.Scheme, salt: String, rounds: Int?
    }

    static let cases: [Case] = [
        Case(password: "secret", scheme: .sha512, salt: "mysalt", rounds: 5000),
        Case(password: "secret", scheme: .sha512, salt: "mysalt", rounds: 10000),
        Case(password: "", scheme: .sha512, salt: "s", rounds: 1000),
        Case(password: String(repeating: "long password ", count: 12), scheme: .sha512, salt: "0123456789abcdef", rounds: 5000),
        Case(password: "päss wörd", scheme: .sha512, salt: "./AZaz09", rounds: 1234),
        Case(password: "secret", scheme: .sha256, salt: "mysalt", rounds: 5000),
        Case(password: "a", scheme: .sha256, salt: "0123456789abcdef", rounds: 20000),
        Case(password: String(repeating: "x", count: 65), scheme: .sha256, salt: "q", rounds: 1000),
        Case(password: "secret", scheme: .md5, salt: "mysalt", rounds: nil),
        Case(password: "", scheme: .md5, salt: "12345678", rounds: nil),
        Case(password: String(repeating: "md5 ", count: 9), scheme: .md5, salt: "a.b/", rounds: nil),
    ]

    func testHashesMatchPasslib() async throws {
        let script = """
            import json, sys
            from passlib.hash import sha512_crypt, sha256_crypt, md5_crypt
            schemes = {"sha512_crypt": sha512_crypt, "sha256_crypt": sha256_crypt, "md5_crypt": md5_crypt}
            out = []
            for c in json.load(sys.stdin):
                settings = {"salt": c["salt"]}
                if c["rounds"] is not None: settings["rounds"] = c["rounds"]
                out.append(schemes[c["scheme"]].using(**settings).hash(c["password"]))
            print(json.dumps(out))
            """
        let input = Value.list(Self.cases.map { c in
            ["password": .string(c.password), "scheme": .string(c.scheme.rawValue), "salt": .string(c.salt),
             "rounds": c.rounds.map(Value.int) ?? .null]
        }).jsonString()
        let run = try await Subprocess.run(["/usr/bin/env", "python3", "-c", script], stdin: Data(input.utf8))
        XCTAssertEqual(run.status, 0, "python3 with passlib: " + String(decoding: run.stderr, as: UTF8.self))
        let expected = try XCTUnwrap(Value.parseJSON(String(decoding: run.stdout, as: UTF8.self)).listValue)
        XCTAssertEqual(expected.count, Self.cases.count)
        for (c, want) in zip(Self.cases, expected) {
            let got = try CryptHash.hash(c.password, scheme: c.scheme, salt: c.salt, rounds: c.rounds)
            XCTAssertEqual(got, want.stringValue, "\(c.scheme.rawValue) of '\(c.password)' with salt \(c.salt)")
        }
    }

    /// What ansible-playbook 2.19 printed for `'secret' | password_hash('sha512', 'mysalt')`:
    /// passlib's default rounds, written in the hash.
    func testDefaultRoundsAsAnsibleWritesThem() throws {
        XCTAssertEqual(try CryptHash.hash("secret", scheme: .sha512, salt: "mysalt"),
                       "$6$rounds=656000$mysalt$cDA0t8lm/qt.LT6DzpoHxJ.NwTpx.WTkOPwhseSva8pRixDSH2./ffedCjAMbTX1Uo1QNT7jJPJ6FIzU2i59K/")
        XCTAssertEqual(try CryptHash.hash("secret", scheme: .md5, salt: "mysalt"), "$1$mysalt$n/EfEiV74OYgBdqhKQzSW/")
    }

    func testRandomSaltsAndBadInput() throws {
        let a = try CryptHash.hash("pw", scheme: .sha256, rounds: 1000)
        let b = try CryptHash.hash("pw", scheme: .sha256, rounds: 1000)
        XCTAssertNotEqual(a, b, "each hash gets its own salt")
        XCTAssertEqual(a.split(separator: "$")[2].count, 16)
        XCTAssertEqual(try CryptHash.hash("pw", scheme: .md5, saltSize: 4).split(separator: "$")[1].count, 4)
        XCTAssertThrowsError(try CryptHash.hash("pw", scheme: .sha512, salt: "bad salt!"))
        XCTAssertThrowsError(try CryptHash.hash("pw", scheme: .sha512, salt: String(repeating: "a", count: 17)))
        XCTAssertThrowsError(try CryptHash.hash("pw", scheme: .sha512, salt: "ok", rounds: 999))
    }
}
