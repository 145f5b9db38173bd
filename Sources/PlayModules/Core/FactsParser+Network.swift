import Foundation
import OrderedCollections
import PlayBase

/// Network facts: interfaces, addresses, default routes.
extension FactsParser {
    func network(_ f: inout OrderedDictionary<String, Value>) {
        var interfaces: OrderedDictionary<String, OrderedDictionary<String, Value>>
        var route4: (interface: String, gateway: String, source: String?)?
        var route6: (interface: String, gateway: String, source: String?)?
        if let links = records["ip_link"] {
            interfaces = Self.links(links)
            Self.addresses(records["ip_addr"] ?? "", into: &interfaces)
            route4 = records["route4"].flatMap(Self.route)
            route6 = records["route6"].flatMap(Self.route)
        } else {
            let sys = records.filter { $0.key.hasPrefix("sys_") }.sorted { $0.key < $1.key }
            guard !sys.isEmpty || records["proc_route"] != nil else { return }
            interfaces = [:]
            for (key, line) in sys { interfaces[String(key.dropFirst(4))] = Self.sysInterface(String(key.dropFirst(4)), line) }
            route4 = records["proc_route"].flatMap(Self.procRoute)
        }
        f["interfaces"] = .list(interfaces.keys.map(Value.string))
        var all4: [Value] = [], all6: [Value] = []
        for (name, info) in interfaces {
            if case .dict(let v4)? = info["ipv4"], name != "lo", let a = v4["address"] { all4.append(a) }
            for case .dict(let v6) in info["ipv6"]?.listValue ?? [] where v6["scope"] != "host" {
                if let a = v6["address"] { all6.append(a) }
            }
            f[name.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ":", with: "_")] = .dict(info)
        }
        if let local4 = records["local4"] {
            f["locally_reachable_ips"] = ["ipv4": .list(Self.localRoutes(local4)),
                                          "ipv6": .list(Self.localRoutes(records["local6"] ?? ""))]
        }
        f["all_ipv4_addresses"] = .list(all4)
        f["all_ipv6_addresses"] = .list(all6)
        f["default_ipv4"] = .dict(route4.map { Self.defaultIPv4($0, interfaces: interfaces) } ?? [:])
        f["default_ipv6"] = .dict(route6.map { Self.defaultIPv6($0, interfaces: interfaces) } ?? [:])
    }

    /// `ip route show table local`: the destinations of `local` routes, each once.
    static func localRoutes(_ text: String) -> [Value] {
        var seen: [String] = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count > 1, words[0] == "local", !seen.contains(String(words[1])) { seen.append(String(words[1])) }
        }
        return seen.map(Value.string)
    }

    /// `ip -o link`: one line an interface with its flags, mtu and link address.
    static func links(_ text: String) -> OrderedDictionary<String, OrderedDictionary<String, Value>> {
        var out: OrderedDictionary<String, OrderedDictionary<String, Value>> = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\\" }).map(String.init)
            guard words.count >= 3 else { continue }
            var name = words[1]
            if name.hasSuffix(":") { name.removeLast() }
            if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
            let flags = Set(words[2].trimmingCharacters(in: CharacterSet(charactersIn: "<>")).split(separator: ",").map(String.init))
            var info: OrderedDictionary<String, Value> = ["active": .bool(flags.contains("UP")), "device": .string(name)]
            if let i = words.firstIndex(of: "mtu"), i + 1 < words.count, let mtu = Int(words[i + 1]) { info["mtu"] = .int(mtu) }
            info["promisc"] = .bool(flags.contains("PROMISC"))
            if let link = words.first(where: { $0.hasPrefix("link/") }) {
                let kind = String(link.dropFirst(5))
                info["type"] = .string(kind == "loopback" ? "loopback" : kind == "ether" ? "ether" : kind)
                if kind == "ether", let i = words.firstIndex(of: link), i + 1 < words.count {
                    info["macaddress"] = .string(words[i + 1])
                }
            } else {
                info["type"] = "unknown"
            }
            out[name] = info
        }
        return out
    }

    /// `ip -o addr`: the first IPv4 address of an interface is its `ipv4`; every IPv6 one goes in `ipv6`.
    static func addresses(_ text: String, into interfaces: inout OrderedDictionary<String, OrderedDictionary<String, Value>>) {
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\\" }).map(String.init)
            guard words.count >= 4 else { continue }
            var name = words[1]
            if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
            guard interfaces[name] != nil else { continue }
            let cidr = words[3].split(separator: "/").map(String.init)
            guard cidr.count == 2, let prefix = Int(cidr[1]) else { continue }
            let scope = words.firstIndex(of: "scope").flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil } ?? "global"
            if words[2] == "inet" {
                guard interfaces[name]?["ipv4"] == nil else { continue }
                let broadcast = words.firstIndex(of: "brd").flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil } ?? ""
                interfaces[name]?["ipv4"] = [
                    "address": .string(cidr[0]), "broadcast": .string(broadcast),
                    "netmask": .string(IPv4.netmask(prefix)), "network": .string(IPv4.network(cidr[0], prefix: prefix)),
                    "prefix": .string(cidr[1]),
                ]
            } else if words[2] == "inet6" {
                var list = interfaces[name]?["ipv6"]?.listValue ?? []
                list.append(["address": .string(cidr[0]), "prefix": .string(cidr[1]), "scope": .string(scope)])
                interfaces[name]?["ipv6"] = .list(list)
            }
        }
    }

    /// `ip route get`: "8.8.8.8 via 192.0.2.1 dev eth0 src 192.0.2.2 ...".
    static func route(_ text: String) -> (interface: String, gateway: String, source: String?)? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        func after(_ key: String) -> String? {
            words.firstIndex(of: key).flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil }
        }
        guard let dev = after("dev") else { return nil }
        return (dev, after("via") ?? "", after("src"))
    }

    /// The default route in /proc/net/route (hex, little-endian), when `ip` is missing.
    static func procRoute(_ text: String) -> (interface: String, gateway: String, source: String?)? {
        for line in text.split(separator: "\n").dropFirst() {
            let cols = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard cols.count > 2, cols[1] == "00000000", let hex = UInt32(cols[2], radix: 16) else { continue }
            let gateway = (0..<4).map { String((hex >> (8 * UInt32($0))) & 0xff) }.joined(separator: ".")
            return (cols[0], gateway, nil)
        }
        return nil
    }

    /// `address mtu flags type` from /sys/class/net/NAME.
    static func sysInterface(_ name: String, _ line: String) -> OrderedDictionary<String, Value> {
        let words = line.split(separator: " ").map(String.init)
        var info: OrderedDictionary<String, Value> = ["device": .string(name)]
        let flags = words.count > 2 ? Int(words[2].dropFirst(2), radix: 16) ?? 0 : 0
        info["active"] = .bool(flags & 1 != 0)
        if words.count > 1, let mtu = Int(words[1]) { info["mtu"] = .int(mtu) }
        info["promisc"] = .bool(flags & 0x100 != 0)
        let type = words.count > 3 ? words[3] : ""
        info["type"] = .string(type == "772" ? "loopback" : type == "1" ? "ether" : "unknown")
        if type == "1", let mac = words.first { info["macaddress"] = .string(mac) }
        return info
    }

    static func defaultIPv4(_ route: (interface: String, gateway: String, source: String?),
                            interfaces: OrderedDictionary<String, OrderedDictionary<String, Value>>) -> OrderedDictionary<String, Value> {
        var out: OrderedDictionary<String, Value> = [:]
        let info = interfaces[route.interface] ?? [:]
        if case .dict(let v4)? = info["ipv4"] { for (k, v) in v4 { out[k] = v } }
        if let src = route.source, out["address"] == nil { out["address"] = .string(src) }
        out["alias"] = .string(route.interface)
        out["gateway"] = .string(route.gateway)
        out["interface"] = .string(route.interface)
        for key in ["macaddress", "mtu", "type"] { if let v = info[key] { out[key] = v } }
        out.sort { $0.key < $1.key }
        return out
    }

    static func defaultIPv6(_ route: (interface: String, gateway: String, source: String?),
                            interfaces: OrderedDictionary<String, OrderedDictionary<String, Value>>) -> OrderedDictionary<String, Value> {
        var out: OrderedDictionary<String, Value> = [:]
        let info = interfaces[route.interface] ?? [:]
        let list = info["ipv6"]?.listValue ?? []
        let chosen = list.first { $0["address"]?.stringValue == route.source } ?? list.first { $0["scope"] == "global" }
        if case .dict(let v6)? = chosen { for (k, v) in v6 { out[k] = v } }
        out["gateway"] = .string(route.gateway)
        out["interface"] = .string(route.interface)
        for key in ["macaddress", "mtu", "type"] { if let v = info[key] { out[key] = v } }
        out.sort { $0.key < $1.key }
        return out
    }
}
