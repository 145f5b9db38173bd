/// The text form of vault data: a `$ANSIBLE_VAULT;VERSION;CIPHER[;LABEL]` header line and a hex
/// body cut into 80-column lines. Reading is exactly as lenient as ansible-vault, no more.
public struct VaultEnvelope: Sendable {
    public static let magic = "$ANSIBLE_VAULT"
    public static let cipherName = "AES256"

    /// The version field as written (`1.1`, `1.2`; never checked on read, as in ansible).
    public var version: String
    public var cipher: String
    /// The fourth header field, if any and non-empty.
    public var label: String?
    /// The outer hex layer: every line after the header, concatenated as-is.
    var body: [UInt8]
    /// Where each body line starts: (1-based line number in the text, offset in `body`).
    var bodyLines: [(line: Int, offset: Int)]

    /// The label secrets are matched against: the header's, or `default` for a 1.1 file.
    public var effectiveLabel: String { label ?? VaultSecret.defaultLabel }

    /// True when `bytes` is vault data as ansible decides it: ASCII only and starting with the magic.
    public static func isVaultData<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        let magic = Array(Self.magic.utf8)
        guard bytes.count >= magic.count, bytes.starts(with: magic) else { return false }
        // OR-ing every byte is one vectorised pass over large files.
        if let ascii = bytes.withContiguousStorageIfAvailable({ $0.reduce(0, |) < 0x80 }) { return ascii }
        return bytes.allSatisfy { $0 < 0x80 }
    }

    /// Parses the header and gathers the body; the body's hex is checked later by `payload()`.
    public static func parse(_ bytes: [UInt8]) throws(VaultError) -> VaultEnvelope {
        guard isVaultData(bytes) else { throw VaultError(.notVaultData, "Input is not vault encrypted data.") }
        // Lines end at LF, CRLF or a lone CR, like Python's `bytes.splitlines()`.
        let headerEnd = bytes.firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.count
        let header = strip(bytes[0..<headerEnd]).split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
            .map { String(decoding: strip($0), as: UTF8.self) }
        guard header.count >= 3 else {
            throw VaultError(.format,
                "Vault envelope format error: the header has \(header.count) field\(header.count == 1 ? "" : "s"), expected $ANSIBLE_VAULT;VERSION;CIPHER",
                line: 1, column: 1)
        }
        guard header[2] == cipherName else {
            throw VaultError(.unknownCipher, "Cipher '\(header[2])' could not be found.")
        }
        // The body is every later line concatenated as-is (no trimming), in one pass.
        var body: [UInt8] = []
        body.reserveCapacity(bytes.count - headerEnd)
        var bodyLines: [(line: Int, offset: Int)] = []
        bytes.withUnsafeBufferPointer { source in
            var i = headerEnd, lineNumber = 1
            while i < source.count {
                i += (source[i] == 0x0D && i + 1 < source.count && source[i + 1] == 0x0A) ? 2 : 1
                lineNumber += 1
                let start = i
                while i < source.count && source[i] != 0x0A && source[i] != 0x0D { i += 1 }
                if i > start {
                    bodyLines.append((line: lineNumber, offset: body.count))
                    body.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<i]))
                }
            }
        }
        let label = header.count >= 4 && !header[3].isEmpty ? header[3] : nil
        return VaultEnvelope(version: header[1], cipher: header[2], label: label, body: body, bodyLines: bodyLines)
    }

    /// The salt, HMAC and ciphertext held in the body (both hex layers decoded).
    func payload() throws(VaultError) -> VaultPayload {
        let inner: [UInt8]
        do {
            inner = try Hex.decode(body)
        } catch {
            throw unhexlifyError(error, bodyOffset: { $0 })
        }
        let parts = inner.split(separator: UInt8(ascii: "\n"), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw VaultError(.format,
                "Vault vaulttext format error: expected salt, HMAC and ciphertext on 3 lines, found \(parts.count)")
        }
        // Offsets in the inner text map to two characters each in the body.
        func decode(_ part: ArraySlice<UInt8>) throws(VaultError) -> [UInt8] {
            do { return try Hex.decode(part) } catch {
                throw unhexlifyError(error, bodyOffset: { 2 * (part.startIndex + $0) })
            }
        }
        return VaultPayload(salt: try decode(parts[0]), mac: try decode(parts[1]), ciphertext: try decode(parts[2]))
    }

    private func unhexlifyError(_ error: Hex.DecodeError, bodyOffset: (Int) -> Int) -> VaultError {
        var result = VaultError(.format, "Vault format unhexlify error: \(error.reason)")
        if case .nonHexDigit(let offset) = error,
           let place = bodyLines.last(where: { $0.offset <= bodyOffset(offset) }) {
            result.line = place.line
            result.column = bodyOffset(offset) - place.offset + 1
        }
        return result
    }

    /// Strips ASCII whitespace at both ends, like Python's `bytes.strip()`.
    static func strip(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = bytes
        while let f = s.first, isASCIIWhitespace(f) { s = s.dropFirst() }
        while let l = s.last, isASCIIWhitespace(l) { s = s.dropLast() }
        return s
    }

    static func isASCIIWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || (c >= 0x09 && c <= 0x0D)
    }

    /// Whether a label survives a write and a read unchanged: printable ASCII, no `;`, no spaces at
    /// its ends. Labels read from existing headers always do (an edit keeps them); new labels from
    /// `--vault-id` are held to the stricter `VaultID.validateLabel`.
    static func canWrite(label: String) -> Bool {
        !label.isEmpty && label.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") }
            && label.first != " " && label.last != " "
    }

    /// The file text ansible-vault writes: header (1.2 only for a non-default label), the double-hex
    /// body in 80-column lines, every line ending in one LF.
    static func format(_ payload: VaultPayload, label: String?) -> [UInt8] {
        var header = "\(magic);"
        if let label, label != VaultSecret.defaultLabel {
            header += "1.2;\(cipherName);\(label)"
        } else {
            header += "1.1;\(cipherName)"
        }
        var inner = Hex.encode(payload.salt)
        inner.append(UInt8(ascii: "\n"))
        inner += Hex.encode(payload.mac)
        inner.append(UInt8(ascii: "\n"))
        inner += Hex.encode(payload.ciphertext)
        let body = Hex.encode(inner)

        var out = Array(header.utf8)
        out.reserveCapacity(out.count + 1 + body.count + body.count / 80 + 1)
        out.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < body.count {
            let end = min(offset + 80, body.count)
            out += body[offset..<end]
            out.append(UInt8(ascii: "\n"))
            offset = end
        }
        return out
    }
}
