import Foundation

/// Linux's TCP connection tables (`/proc/net/tcp` and `/proc/net/tcp6`), read for `wait_for`'s
/// `state: drained`: how many connections to a local port are still active. Addresses there are
/// hex in host (little-endian) byte order, per 32-bit word; the port is big-endian hex.
struct TCPConnectionTable: Sendable {
    struct Entry: Sendable, Equatable {
        var localAddress: String
        var localPort: Int
        var remoteAddress: String
        var state: String
    }

    /// Ansible's `active_connection_states` names and the kernel's state numbers.
    static let stateNumbers: [String: String] = [
        "ESTABLISHED": "01", "SYN_SENT": "02", "SYN_RECV": "03", "FIN_WAIT1": "04", "FIN_WAIT2": "05",
        "TIME_WAIT": "06", "CLOSE": "07", "CLOSE_WAIT": "08", "LAST_ACK": "09", "LISTEN": "0A", "CLOSING": "0B",
    ]
    static let defaultActiveStates = ["ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"]

    static let anyIPv4 = "00000000"
    static let anyIPv6 = String(repeating: "0", count: 32)

    private(set) var entries: [Entry] = []

    /// Parses the text of one or both tables (header lines are skipped).
    init(_ text: String) {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 3, fields[0].hasSuffix(":"),
                  let local = fields[1].split(separator: ":").first, let localPort = fields[1].split(separator: ":").last,
                  let remote = fields[2].split(separator: ":").first, let port = Int(localPort, radix: 16) else { continue }
            entries.append(Entry(localAddress: String(local), localPort: port, remoteAddress: String(remote),
                                 state: String(fields[3])))
        }
    }

    /// Connections to `port` in one of `states` whose local address is one of `localAddresses`
    /// (in table form; the any-address form matches every local address) and whose remote
    /// address is not excluded.
    func activeCount(port: Int, localAddresses: Set<String>, excludedRemotes: Set<String>, states: [String]) -> Int {
        let numbers = Set(states.compactMap { Self.stateNumbers[$0.uppercased()] })
        let matchesAll = localAddresses.contains(Self.anyIPv4) || localAddresses.contains(Self.anyIPv6)
        return entries.filter { entry in
            entry.localPort == port && numbers.contains(entry.state)
                && (matchesAll || localAddresses.contains(entry.localAddress))
                && !excludedRemotes.contains(entry.remoteAddress)
        }.count
    }

    /// An address as the tables write it: IPv4 as one little-endian word, IPv6 as four; an IPv4
    /// address also gets its IPv4-mapped IPv6 form, since a dual-stack listener's connections
    /// from IPv4 peers sit in tcp6. The any-addresses map to both any forms. Nil for a name.
    static func tableForms(of address: String) -> [String] {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            if v4.s_addr == 0 { return [anyIPv4, anyIPv6] }
            let bytes = withUnsafeBytes(of: v4) { Array($0) }
            let mapped = [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + bytes
            return [words(bytes), words(mapped)]
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            if bytes.allSatisfy({ $0 == 0 }) { return [anyIPv4, anyIPv6] }
            return [words(bytes)]
        }
        return []
    }

    /// Bytes in network order, written as the kernel prints them: each 32-bit word's bytes
    /// reversed, in upper-case hex.
    private static func words(_ bytes: [UInt8]) -> String {
        stride(from: 0, to: bytes.count, by: 4).map { start in
            bytes[start..<start + 4].reversed().map { String(format: "%02X", $0) }.joined()
        }.joined()
    }

    /// Whether `condition` (a `.portDrained`) holds for these tables: `resolved` are the
    /// addresses a host name resolved to on the target (unused for an address literal).
    func isDrained(_ condition: WaitCondition, resolved: [String]) -> Bool {
        guard case .portDrained(let host, let port, let excluded, let states) = condition else { return false }
        var local = Set(Self.tableForms(of: host))
        if local.isEmpty { local = Set(resolved.flatMap(Self.tableForms(of:))) }
        let remote = Set(excluded.flatMap { name in
            let forms = Self.tableForms(of: name)
            return forms.isEmpty ? Self.resolve(name).flatMap(Self.tableForms(of:)) : forms
        })
        return activeCount(port: port, localAddresses: local, excludedRemotes: remote, states: states) == 0
    }

    /// A name's addresses on this machine (excluded hosts are resolved where play runs).
    static func resolve(_ name: String) -> [String] {
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, nil, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var out: [String] = []
        var entry = list
        while let info = entry {
            entry = info.pointee.ai_next
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &text, socklen_t(text.count), nil, 0,
                           NI_NUMERICHOST) == 0 {
                let address = String(cString: text)
                if !out.contains(address) { out.append(address) }
            }
        }
        return out
    }
}
