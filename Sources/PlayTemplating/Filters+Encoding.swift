import Foundation
import PlayBase

extension Filters {
    /// Base64, digests, URL encoding.
    static let encoding: [String: Function] = [
        "b64encode": text { s, _ in .string(Data(s.utf8).base64EncodedString()) },
        "b64decode": text { s, args throws(TemplateError) in
            guard let data = Data(base64Encoded: s.trimmingSpaces) else {
                throw args.error("invalid base64 input (Incorrect padding or characters)")
            }
            return .string(String(decoding: data, as: UTF8.self))
        },
        "hash": text { s, args throws(TemplateError) in
            let algorithm = try args.string(0, "hashtype") ?? "sha1"
            guard let digest = Digest.Algorithm(named: algorithm).map({ Digest.hex(Data(s.utf8), $0) }) else { throw args.error("unsupported hash type '\(algorithm)'") }
            return .string(digest)
        },
        "password_hash": text { s, args throws(TemplateError) in
            let name = try args.string(0, "hashtype") ?? "sha512"
            guard let scheme = CryptHash.Scheme(ansibleName: name) else {
                throw args.error("password_hash: '\(name)' is not a hash play can make; use sha512, sha256 or md5 (or their *_crypt names)")
            }
            if let ident = try args.string(4, "ident"), !ident.isEmpty {
                throw args.error("password_hash: 'ident' applies to bcrypt only, which play does not make")
            }
            let salt = try args.value(1, "salt").flatMap { $0.isNull ? nil : $0.renderedString }
            let saltSize = try args.int(2, "salt_size"), rounds = try args.int(3, "rounds")
            do throws(CryptHash.Failure) {
                return .string(try CryptHash.hash(s, scheme: scheme, salt: salt, saltSize: saltSize, rounds: rounds))
            } catch {
                throw args.error("password_hash: \(error.description)")
            }
        },
        "checksum": text { s, _ in .string(Digest.hex(Data(s.utf8), .sha1)) },
        "sha1": text { s, _ in .string(Digest.hex(Data(s.utf8), .sha1)) },
        "md5": text { s, _ in .string(Digest.hex(Data(s.utf8), .md5)) },
        "urlencode": plain { v, _, _ in
            switch v {
            case .dict(let d):
                return .string(d.map { urlQuote($0.key, plus: true) + "=" + urlQuote($0.value.renderedString, plus: true) }.joined(separator: "&"))
            case .list(let l):
                return .string(l.compactMap { pair -> String? in
                    guard case .list(let kv) = pair, kv.count == 2 else { return nil }
                    return urlQuote(kv[0].renderedString, plus: true) + "=" + urlQuote(kv[1].renderedString, plus: true)
                }.joined(separator: "&"))
            default:
                return .string(urlQuote(v.renderedString, plus: false))
            }
        },
    ]

    /// Jinja's url quoting: `/` stays in plain strings; in query pairs spaces become `+`.
    static func urlQuote(_ s: String, plus: Bool) -> String {
        var out = ""
        for byte in s.utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII, c.isLetter || c.isNumber || "_.-~".contains(c) || (!plus && c == "/") {
                out.append(c)
            } else if plus, c == " " {
                out.append("+")
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
