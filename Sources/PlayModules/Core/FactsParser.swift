import Foundation
import OrderedCollections
import PlayBase

/// Turns the records of `FactsScript` into facts named and shaped as Ansible's `setup` returns
/// them (without the `ansible_` prefix, which `SetupModule` adds): strings where Ansible has
/// strings (`distribution_major_version`, `date_time.epoch`), ints where it has ints
/// (`memtotal_mb`, `processor_vcpus`, `mtu`).
struct FactsParser {
    let records: [String: String]

    init(_ records: [String: String]) { self.records = records }

    func facts() -> OrderedDictionary<String, Value> {
        var f: OrderedDictionary<String, Value> = [:]
        platform(&f)
        distribution(&f)
        dateTime(&f)
        environment(&f)
        user(&f)
        packageManager(&f)
        serviceManager(&f)
        python(&f)
        dns(&f)
        if let line = records["cmdline"] {
            f["cmdline"] = .dict(Self.kernelCommandLine(line))
            f["proc_cmdline"] = .dict(Self.kernelCommandLine(line))
        }
        security(&f)
        virtualization(&f)
        hardware(&f)
        network(&f)
        return f
    }

    // MARK: Platform and distribution

    func platform(_ f: inout OrderedDictionary<String, Value>) {
        guard let uname = records["uname"] else { return }
        // "SYSTEM NODE RELEASE MACHINE" (no spaces in any), then the kernel version on its own line.
        let lines = uname.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let words = lines[0].split(separator: " ").map(String.init)
        guard words.count == 4, lines.count == 2 else { return }
        f["system"] = .string(words[0])
        f["kernel"] = .string(words[2])
        f["kernel_version"] = .string(String(lines[1]))
        f["machine"] = .string(words[3])
        f["architecture"] = .string(Self.architecture(words[3]))
        f["userspace_architecture"] = .string(Self.architecture(words[3]))
        if let bits = records["bits"], !bits.isEmpty { f["userspace_bits"] = .string(bits) }
        let node = words[1]
        f["nodename"] = .string(node)
        let host = records["hostname"].flatMap { $0.isEmpty ? nil : $0 } ?? node
        f["hostname"] = .string(String(host.split(separator: ".").first ?? Substring(host)))
        let fqdn = Self.fqdn(names: records["fqdn_names"]) ?? records["fqdn"].flatMap { $0.isEmpty ? nil : $0 } ?? host
        f["fqdn"] = .string(fqdn)
        f["domain"] = .string(fqdn.firstIndex(of: ".").map { String(fqdn[fqdn.index(after: $0)...]) } ?? "")
        if let id = records["machine_id"] { f["machine_id"] = .string(id) }
    }

    /// From `getent hosts ADDRESS` ("127.0.0.1 localhost alias..."): the first name with a dot,
    /// else the canonical one, as Python's `socket.getfqdn`.
    static func fqdn(names line: String?) -> String? {
        guard let line else { return nil }
        let names = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().map(String.init)
        return names.first { $0.contains(".") } ?? names.first
    }

    /// Ansible's names for `uname -m` values that differ.
    static func architecture(_ machine: String) -> String {
        switch machine {
        case "i386", "i486", "i586", "i686": return "i386"
        case "amd64": return "x86_64"
        default: return machine
        }
    }

    /// `KEY=value` lines of os-release, quotes removed.
    static func osRelease(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            var value = String(line[line.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            out[String(line[..<eq])] = value
        }
        return out
    }

    /// os-release `ID` to Ansible's `distribution`.
    static let distributionNames: [String: String] = [
        "debian": "Debian", "ubuntu": "Ubuntu", "raspbian": "Debian", "linuxmint": "Linux Mint", "kali": "Kali",
        "devuan": "Devuan", "pop": "Pop!_OS", "centos": "CentOS", "rhel": "RedHat", "rocky": "Rocky",
        "almalinux": "AlmaLinux", "fedora": "Fedora", "amzn": "Amazon", "ol": "OracleLinux",
        "scientific": "Scientific", "cloudlinux": "CloudLinux", "alpine": "Alpine", "arch": "Archlinux",
        "manjaro": "Manjaro", "opensuse-leap": "openSUSE Leap", "opensuse-tumbleweed": "openSUSE Tumbleweed",
        "sles": "SLES", "sles_sap": "SLES_SAP", "gentoo": "Gentoo", "void": "Void", "nixos": "NixOS",
        "clear-linux-os": "Clear Linux OS", "openwrt": "OpenWrt",
    ]

    /// Ansible's `os_family` for a `distribution`.
    static let families: [String: String] = {
        var map: [String: String] = [:]
        for d in ["Debian", "Ubuntu", "Raspbian", "Linux Mint", "Kali", "Devuan", "Pop!_OS", "Neon", "Parrot"] { map[d] = "Debian" }
        for d in ["RedHat", "CentOS", "Fedora", "Rocky", "AlmaLinux", "Amazon", "OracleLinux", "Scientific",
                  "CloudLinux", "XenServer", "EulerOS", "openEuler", "Virtuozzo"] { map[d] = "RedHat" }
        for d in ["SLES", "SLES_SAP", "SUSE", "openSUSE", "openSUSE Leap", "openSUSE Tumbleweed", "SLED"] { map[d] = "Suse" }
        for d in ["Archlinux", "Manjaro", "Antergos"] { map[d] = "Archlinux" }
        map["Alpine"] = "Alpine"
        map["Gentoo"] = "Gentoo"
        map["Void"] = "Void"
        map["Clear Linux OS"] = "ClearLinux"
        map["OpenWrt"] = "OpenWrt"
        return map
    }()

    func distribution(_ f: inout OrderedDictionary<String, Value>) {
        guard let text = records["os_release"] else {
            if let system = f["system"]?.stringValue {
                for key in ["distribution", "os_family"] { f[key] = .string(system) }
            }
            return
        }
        let os = Self.osRelease(text)
        let id = os["ID"] ?? ""
        let name = Self.distributionNames[id] ?? (os["NAME"] ?? id.capitalized)
        var version = os["VERSION_ID"] ?? ""
        // Debian's os-release carries the major version only; /etc/debian_version has the point release.
        if name == "Debian", let full = records["debian_version"]?.trimmingCharacters(in: .whitespacesAndNewlines),
           full.first?.isNumber == true {
            version = full
        }
        let parts = version.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        f["distribution"] = .string(name)
        f["distribution_version"] = .string(version)
        f["distribution_major_version"] = .string(parts.first ?? "")
        if parts.count > 1 { f["distribution_minor_version"] = .string(parts[1]) }
        f["distribution_release"] = .string(os["VERSION_CODENAME"] ?? os["UBUNTU_CODENAME"] ?? "")
        f["distribution_file_path"] = .string(records["os_release_path"] ?? "/etc/os-release")
        f["distribution_file_parsed"] = true
        f["distribution_file_variety"] = .string(Self.families[name] ?? name)
        f["os_family"] = .string(Self.families[name] ?? name)
        let lsbRelease = os["VERSION_ID"] ?? version
        var lsb: OrderedDictionary<String, Value> = ["id": .string(name), "release": .string(lsbRelease),
                                                     "major_release": .string(lsbRelease.split(separator: ".").first.map(String.init) ?? "")]
        if let codename = os["VERSION_CODENAME"] { lsb["codename"] = .string(codename) }
        if let pretty = os["PRETTY_NAME"] { lsb["description"] = .string(pretty) }
        f["lsb"] = .dict(lsb)
    }
}
