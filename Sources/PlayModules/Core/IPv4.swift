/// Dotted-quad arithmetic for netmask and network facts.
enum IPv4 {
    static func netmask(_ prefix: Int) -> String {
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - min(prefix, 32))
        return text(mask)
    }

    static func network(_ address: String, prefix: Int) -> String {
        let parts = address.split(separator: ".").compactMap { UInt32($0) }
        guard parts.count == 4 else { return "" }
        let value = parts.reduce(0) { $0 << 8 | $1 }
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - min(prefix, 32))
        return text(value & mask)
    }

    static func text(_ v: UInt32) -> String {
        [24, 16, 8, 0].map { String((v >> UInt32($0)) & 0xff) }.joined(separator: ".")
    }
}
