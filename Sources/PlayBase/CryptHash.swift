/// crypt(3) password hashes as passlib (and so Ansible's `password_hash` filter and
/// `vars_prompt: encrypt`) writes them: `$6$` SHA-512 and `$5$` SHA-256 crypt (Drepper's
/// scheme) and `$1$` MD5 crypt, over libcrypto's digests.
public enum CryptHash {
    public enum Scheme: String, Sendable, CaseIterable {
        case sha512 = "sha512_crypt", sha256 = "sha256_crypt", md5 = "md5_crypt"

        /// Ansible's names (`sha512`, `sha512_crypt`, ...); nil for a scheme play does not have.
        public init?(ansibleName: String) {
            switch ansibleName {
            case "sha512", "sha512_crypt": self = .sha512
            case "sha256", "sha256_crypt": self = .sha256
            case "md5", "md5_crypt": self = .md5
            default: return nil
            }
        }

        var saltSize: Int { self == .md5 ? 8 : 16 }
        /// passlib's default rounds (the scheme's own default, 5000, is not written in the hash).
        var defaultRounds: Int { self == .sha512 ? 656_000 : self == .sha256 ? 535_000 : 1000 }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    static let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// The hash of `password`. A nil salt is `saltSize` random characters (default the scheme's);
    /// `rounds` only for the SHA schemes.
    public static func hash(_ password: String, scheme: Scheme, salt: String? = nil, saltSize: Int? = nil,
                            rounds: Int? = nil) throws(Failure) -> String {
        let salt = salt ?? randomSalt(saltSize ?? scheme.saltSize)
        guard salt.utf8.allSatisfy({ alphabet.contains($0) }) else {
            throw Failure(description: "invalid characters in \(scheme.rawValue) salt")
        }
        guard salt.utf8.count <= scheme.saltSize else {
            throw Failure(description: "salt too large (\(scheme.rawValue) requires <= \(scheme.saltSize) chars)")
        }
        let password = Array(password.utf8), saltBytes = Array(salt.utf8)
        switch scheme {
        case .md5:
            if rounds != nil { throw Failure(description: "md5_crypt does not take rounds") }
            return "$1$\(salt)$" + md5Crypt(password, saltBytes)
        case .sha512, .sha256:
            let rounds = rounds ?? scheme.defaultRounds
            guard (1000...999_999_999).contains(rounds) else {
                throw Failure(description: "rounds must be between 1000 and 999999999 for \(scheme.rawValue), not \(rounds)")
            }
            let id = scheme == .sha512 ? "6" : "5"
            let shown = rounds == 5000 ? "" : "rounds=\(rounds)$"
            return "$\(id)$\(shown)\(salt)$" + shaCrypt(password, saltBytes, rounds: rounds, scheme: scheme)
        }
    }

    private static func randomSalt(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<max(count, 0)).map { _ in alphabet[Int(generator.next(upperBound: UInt(64)))] }, as: UTF8.self)
    }

    // MARK: SHA-crypt

    private static func shaCrypt(_ p: [UInt8], _ s: [UInt8], rounds: Int, scheme: Scheme) -> String {
        let algorithm: Digest.Algorithm = scheme == .sha512 ? .sha512 : .sha256
        func digest(_ parts: [UInt8]...) -> [UInt8] { Digest.bytes(parts.flatMap { $0 }, algorithm) }
        /// `source` repeated to `count` bytes.
        func stretched(_ source: [UInt8], _ count: Int) -> [UInt8] {
            (0..<count).map { source[$0 % source.count] }
        }
        let b = digest(p, s, p)
        var a = p + s + stretched(b, p.count)
        var length = p.count
        while length > 0 {
            a += length & 1 == 1 ? b : p
            length >>= 1
        }
        var c = Digest.bytes(a, algorithm)
        let pSeq = stretched(digest(Array(repeating: p, count: p.count).flatMap { $0 }), p.count)
        let sSeq = stretched(digest(Array(repeating: s, count: 16 + Int(c[0])).flatMap { $0 }), s.count)
        let hasher = StreamingDigest(algorithm)
        for i in 0..<rounds {
            hasher.reset()
            hasher.update(i & 1 == 1 ? pSeq : c)
            if i % 3 != 0 { hasher.update(sSeq) }
            if i % 7 != 0 { hasher.update(pSeq) }
            hasher.update(i & 1 == 1 ? c : pSeq)
            c = hasher.finish()
        }
        var out = ""
        if scheme == .sha512 {
            for i in 0..<21 {
                let (x, y, z) = (i, i + 21, i + 42)
                let group = [(x, y, z), (y, z, x), (z, x, y)][i % 3]
                out += encode(c[group.0], c[group.1], c[group.2], 4)
            }
            return out + encode(0, 0, c[63], 2)
        }
        for (x, y, z) in [(0, 10, 20), (21, 1, 11), (12, 22, 2), (3, 13, 23), (24, 4, 14),
                          (15, 25, 5), (6, 16, 26), (27, 7, 17), (18, 28, 8), (9, 19, 29)] {
            out += encode(c[x], c[y], c[z], 4)
        }
        return out + encode(0, c[31], c[30], 3)
    }

    /// Three bytes (high first) as `count` characters of crypt's base 64, low bits first.
    private static func encode(_ b2: UInt8, _ b1: UInt8, _ b0: UInt8, _ count: Int) -> String {
        var w = (UInt32(b2) << 16) | (UInt32(b1) << 8) | UInt32(b0)
        var out: [UInt8] = []
        for _ in 0..<count {
            out.append(alphabet[Int(w & 0x3f)])
            w >>= 6
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: MD5-crypt

    private static func md5Crypt(_ p: [UInt8], _ s: [UInt8]) -> String {
        var final = Digest.bytes(p + s + p, .md5)
        var ctx = p + Array("$1$".utf8) + s
        var remaining = p.count
        while remaining > 0 {
            ctx += final.prefix(min(remaining, 16))
            remaining -= 16
        }
        var i = p.count
        while i > 0 {
            ctx.append(i & 1 == 1 ? 0 : (p.first ?? 0))
            i >>= 1
        }
        final = Digest.bytes(ctx, .md5)
        for round in 0..<1000 {
            var input: [UInt8] = round & 1 == 1 ? p : final
            if round % 3 != 0 { input += s }
            if round % 7 != 0 { input += p }
            input += round & 1 == 1 ? final : p
            final = Digest.bytes(input, .md5)
        }
        var out = ""
        for (x, y, z) in [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)] { out += encode(final[x], final[y], final[z], 4) }
        return out + encode(0, 0, final[11], 2)
    }
}
