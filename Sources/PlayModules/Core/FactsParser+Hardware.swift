import Foundation
import OrderedCollections
import PlayBase

/// Hardware facts: mounts, memory, processors.
extension FactsParser {
    func hardware(_ f: inout OrderedDictionary<String, Value>) {
        if let text = records["meminfo"] { memory(text, &f) }
        if let text = records["cpuinfo"] { processors(text, &f) }
        if let line = records["uptime"], let first = line.split(separator: " ").first, let up = Double(first) {
            f["uptime_seconds"] = .int(Int(up))
        }
        if let line = records["loadavg"] {
            let loads = line.split(separator: " ").prefix(3).compactMap { Double($0) }
            if loads.count == 3 { f["loadavg"] = ["1m": .double(loads[0]), "5m": .double(loads[1]), "15m": .double(loads[2])] }
        }
        if let text = records["mounts"] { f["mounts"] = .list(Self.mounts(text, statfs: records["statfs"] ?? "")) }
        if let line = records["flags"], let colon = line.firstIndex(of: ":") {
            f["flags"] = .list(line[line.index(after: colon)...].split(separator: " ").map { .string(String($0)) })
        }
        guard records["flags"] != nil else { return }
        // Storage network identities: empty when the host has none, as Ansible reports them.
        f["iscsi_iqn"] = .string(records["iscsi"].flatMap { text in
            text.split(separator: "\n").first { $0.hasPrefix("InitiatorName=") }.map { String($0.dropFirst("InitiatorName=".count)) }
        } ?? "")
        f["hostnqn"] = .string(records["hostnqn"] ?? "")
        f["fibre_channel_wwn"] = .list([])
        // DMI values as Ansible names them; "NA" where the machine has none.
        let dmi: [(String, String)] = [
            ("bios_date", "bios_date"), ("bios_vendor", "bios_vendor"), ("bios_version", "bios_version"),
            ("board_asset_tag", "board_asset_tag"), ("board_name", "board_name"), ("board_serial", "board_serial"),
            ("board_vendor", "board_vendor"), ("board_version", "board_version"),
            ("chassis_asset_tag", "chassis_asset_tag"), ("chassis_serial", "chassis_serial"),
            ("chassis_vendor", "chassis_vendor"), ("chassis_version", "chassis_version"),
            ("product_name", "product_name"), ("product_serial", "product_serial"), ("product_uuid", "product_uuid"),
            ("product_version", "product_version"), ("sys_vendor", "system_vendor"),
        ]
        for (file, fact) in dmi { f[fact] = .string(records["dmi_" + file].flatMap { $0.isEmpty ? nil : $0 } ?? "NA") }
        let forms = ["1": "Other", "2": "Unknown", "3": "Desktop", "4": "Low Profile Desktop", "6": "Mini Tower",
                     "7": "Tower", "8": "Portable", "9": "Laptop", "10": "Notebook", "13": "All In One",
                     "17": "Main Server Chassis", "23": "Rack Mount Chassis", "30": "Tablet", "31": "Convertible",
                     "32": "Detachable", "35": "Mini PC"]
        f["form_factor"] = .string(records["dmi_chassis_type"].flatMap { forms[$0] } ?? "NA")
    }

    /// `/proc/mounts` lines (block devices only) with `stat -f` sizes, in Ansible's shape:
    /// blocks of the fundamental size, "used" counted against what is available to users.
    static func mounts(_ text: String, statfs: String) -> [Value] {
        var sizes: [String: [Int]] = [:]
        for line in statfs.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 7, omittingEmptySubsequences: false)
            guard words.count == 8 else { continue }
            let numbers = words.prefix(7).compactMap { Int($0) }
            if numbers.count == 7 { sizes[String(words[7])] = numbers }
        }
        var out: [Value] = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard words.count >= 4 else { continue }
            let mount = unescapeMountPath(words[1])
            var m: OrderedDictionary<String, Value> = [:]
            if let n = sizes[mount] {
                let (fragment, block, total, available, inodes, freeInodes) = (n[0], n[1], n[2], n[4], n[5], n[6])
                m["block_available"] = .int(available)
                m["block_size"] = .int(block)
                m["block_total"] = .int(total)
                m["block_used"] = .int(total - available)
                m["device"] = .string(words[0])
                m["dump"] = .int(words.count > 4 ? Int(words[4]) ?? 0 : 0)
                m["fstype"] = .string(words[2])
                m["inode_available"] = .int(freeInodes)
                m["inode_total"] = .int(inodes)
                m["inode_used"] = .int(inodes - freeInodes)
                m["mount"] = .string(mount)
                m["options"] = .string(words[3])
                m["passno"] = .int(words.count > 5 ? Int(words[5]) ?? 0 : 0)
                m["size_available"] = .int(fragment * available)
                m["size_total"] = .int(fragment * total)
            } else {
                m = ["device": .string(words[0]), "fstype": .string(words[2]), "mount": .string(mount),
                     "options": .string(words[3])]
            }
            m["uuid"] = "N/A"
            out.append(.dict(m))
        }
        return out
    }

    /// `/proc/mounts` writes space, tab, newline and backslash in paths as octal escapes.
    static func unescapeMountPath(_ path: String) -> String {
        guard path.contains("\\") else { return path }
        var out = "", chars = Array(path), i = 0
        while i < chars.count {
            if chars[i] == "\\", i + 3 < chars.count, let code = UInt8(String(chars[(i + 1)...(i + 3)]), radix: 8) {
                out.append(Character(UnicodeScalar(code)))
                i += 4
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return out
    }

    func memory(_ text: String, _ f: inout OrderedDictionary<String, Value>) {
        var kb: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let number = line[line.index(after: colon)...].split(separator: " ").first.flatMap { Int($0) }
            kb[String(line[..<colon])] = number
        }
        func mb(_ key: String) -> Int { (kb[key] ?? 0) / 1024 }
        let total = mb("MemTotal"), free = mb("MemFree")
        let nocacheFree = free + mb("Buffers") + mb("Cached")
        let swapTotal = mb("SwapTotal"), swapFree = mb("SwapFree")
        f["memtotal_mb"] = .int(total)
        f["memfree_mb"] = .int(free)
        f["swaptotal_mb"] = .int(swapTotal)
        f["swapfree_mb"] = .int(swapFree)
        f["memory_mb"] = [
            "nocache": ["free": .int(nocacheFree), "used": .int(total - nocacheFree)],
            "real": ["free": .int(free), "total": .int(total), "used": .int(total - free)],
            "swap": ["cached": .int(mb("SwapCached")), "free": .int(swapFree), "total": .int(swapTotal),
                     "used": .int(swapTotal - swapFree)],
        ]
    }

    func processors(_ text: String, _ f: inout OrderedDictionary<String, Value>) {
        var list: [Value] = []
        var sockets: Set<String> = []
        var cores = 0, siblings = 0, logical = 0
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "processor":
                logical += 1
                list.append(.string(value))
            case "vendor_id", "model name", "Processor", "cpu model": list.append(.string(value))
            case "physical id": sockets.insert(value)
            case "cpu cores": cores = Int(value) ?? cores
            case "siblings": siblings = Int(value) ?? siblings
            default: break
            }
        }
        let nproc = Int(records["nproc"] ?? "") ?? logical
        let count = max(sockets.count, 1)
        let perSocketCores = cores > 0 ? cores : max(logical / count, 1)
        let threads = cores > 0 && siblings > 0 ? max(siblings / cores, 1) : 1
        f["processor"] = .list(list)
        f["processor_count"] = .int(count)
        f["processor_cores"] = .int(perSocketCores)
        f["processor_threads_per_core"] = .int(threads)
        f["processor_vcpus"] = .int(cores > 0 ? threads * perSocketCores * count : logical)
        f["processor_nproc"] = .int(nproc)
    }
}
