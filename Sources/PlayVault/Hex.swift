/// Lowercase hex encoding and a decoder that fails like Python's `binascii.unhexlify`
/// (ansible-vault's two hex layers use it, and its error texts are part of the format's contract).
enum Hex {
    enum DecodeError: Error, Equatable {
        /// An odd number of digits ("Odd-length string").
        case oddLength
        /// The first byte that is not a hex digit, by offset ("Non-hexadecimal digit found").
        case nonHexDigit(offset: Int)

        var reason: String {
            switch self {
            case .oddLength: return "Odd-length string"
            case .nonHexDigit: return "Non-hexadecimal digit found"
            }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Value of an ASCII hex digit (either case), or 0xFF.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in "0123456789abcdef".utf8.enumerated() { table[Int(c)] = UInt8(i) }
        for (i, c) in "ABCDEF".utf8.enumerated() { table[Int(c)] = UInt8(10 + i) }
        return table
    }()

    static func encode<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out = [UInt8](repeating: 0, count: bytes.count * 2)
        out.withUnsafeMutableBufferPointer { dst in
            var i = 0
            for b in bytes {
                dst[i] = digits[Int(b >> 4)]
                dst[i + 1] = digits[Int(b & 0x0F)]
                i += 2
            }
        }
        return out
    }

    static func decode(_ hex: ArraySlice<UInt8>) throws(DecodeError) -> [UInt8] {
        guard hex.count % 2 == 0 else { throw .oddLength }
        var out = [UInt8](repeating: 0, count: hex.count / 2)
        var bad: Int? = nil
        hex.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                values.withUnsafeBufferPointer { table in
                    var i = 0
                    while i < src.count {
                        let hi = table[Int(src[i])], lo = table[Int(src[i + 1])]
                        if hi > 15 || lo > 15 {
                            bad = hi > 15 ? i : i + 1
                            return
                        }
                        dst[i / 2] = hi << 4 | lo
                        i += 2
                    }
                }
            }
        }
        if let bad { throw .nonHexDigit(offset: bad) }
        return out
    }

    static func decode(_ hex: [UInt8]) throws(DecodeError) -> [UInt8] {
        try decode(hex[...])
    }
}
