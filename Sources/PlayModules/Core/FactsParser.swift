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

    private func platform(_ f: inout OrderedDictionary<String, Value>) {
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

    private func distribution(_ f: inout OrderedDictionary<String, Value>) {
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

    // MARK: Time, environment, user

    private func dateTime(_ f: inout OrderedDictionary<String, Value>) {
        guard let line = records["date"] else { return }
        let fields = line.split(separator: " ").map(String.init)
        guard fields.count >= 4, let epoch = Int(fields[0]) else { return }
        let nanos = Int(fields[1]) ?? 0
        f["date_time"] = .dict(Self.dateTime(epoch: epoch, nanoseconds: nanos, zone: fields[2], offset: fields[3]))
    }

    /// `date_time` from the target's clock: local fields through its UTC offset, `iso8601*` in UTC.
    static func dateTime(epoch: Int, nanoseconds: Int, zone: String, offset: String) -> OrderedDictionary<String, Value> {
        var seconds = 0
        if offset.count == 5, let h = Int(offset.dropFirst().prefix(2)), let m = Int(offset.suffix(2)) {
            seconds = (h * 3600 + m * 60) * (offset.hasPrefix("-") ? -1 : 1)
        }
        var calendar = Calendar(identifier: .gregorian)
        let date = Date(timeIntervalSince1970: TimeInterval(epoch))
        calendar.timeZone = TimeZone(secondsFromGMT: seconds) ?? TimeZone(identifier: "UTC")!
        let local = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        var utcCalendar = Calendar(identifier: .gregorian)
        utcCalendar.timeZone = TimeZone(identifier: "UTC")!
        let utc = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        let micro = String(format: "%06d", nanoseconds / 1000)
        let year = String(local.year ?? 0), month = two(local.month), day = two(local.day)
        let hour = two(local.hour), minute = two(local.minute), second = two(local.second)
        let utcDate = "\(utc.year ?? 0)-\(two(utc.month))-\(two(utc.day))"
        let utcTime = "\(two(utc.hour)):\(two(utc.minute)):\(two(utc.second))"
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        let weekdayIndex = (local.weekday ?? 1) - 1
        // %W: weeks starting on Monday, the days before the first Monday are week 0.
        let localDate = calendar.date(from: DateComponents(year: local.year, month: local.month, day: local.day)) ?? date
        let dayOfYear = (calendar.ordinality(of: .day, in: .year, for: localDate) ?? 1) - 1
        let mondayBased = (weekdayIndex + 6) % 7
        let weekNumber = (dayOfYear + 7 - mondayBased) / 7
        return [
            "date": .string("\(year)-\(month)-\(day)"), "day": .string(day), "epoch": .string(String(epoch)),
            "epoch_int": .string(String(epoch)), "hour": .string(hour),
            "iso8601": .string("\(utcDate)T\(utcTime)Z"),
            "iso8601_basic": .string("\(year)\(month)\(day)T\(hour)\(minute)\(second)\(micro)"),
            "iso8601_basic_short": .string("\(year)\(month)\(day)T\(hour)\(minute)\(second)"),
            "iso8601_micro": .string("\(utcDate)T\(utcTime).\(micro)Z"),
            "minute": .string(minute), "month": .string(month), "second": .string(second),
            "time": .string("\(hour):\(minute):\(second)"), "tz": .string(zone), "tz_dst": .string(zone),
            "tz_offset": .string(offset), "weekday": .string(weekdays[weekdayIndex]),
            "weekday_number": .string(String(weekdayIndex)), "weeknumber": .string(two(weekNumber)),
            "year": .string(year),
        ]
    }

    private func environment(_ f: inout OrderedDictionary<String, Value>) {
        guard let text = records["env"] else { return }
        var env: OrderedDictionary<String, Value> = [:]
        var last: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let eq = line.firstIndex(of: "="), line[..<eq].allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }),
               !line[..<eq].isEmpty {
                let key = String(line[..<eq])
                env[key] = .string(String(line[line.index(after: eq)...]))
                last = key
            } else if let key = last, case .string(let previous)? = env[key] {
                // A value with newlines continues on the next lines.
                env[key] = .string(previous + "\n" + line)
            }
        }
        env.sort { $0.key < $1.key }
        f["env"] = .dict(env)
    }

    private func user(_ f: inout OrderedDictionary<String, Value>) {
        guard let line = records["id"] else { return }
        let ids = Self.ids(line)
        guard let uid = ids["uid"], let gid = ids["gid"] else { return }
        let effective = ids["euid"] ?? uid, effectiveGroup = ids["egid"] ?? gid
        f["user_id"] = .string(effective.name ?? String(effective.number))
        f["user_uid"] = .int(effective.number)
        f["user_gid"] = .int(effectiveGroup.number)
        let passwd = (records["passwd"] ?? "").split(separator: "\n").first.map {
            $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        } ?? []
        if passwd.count >= 7 {
            f["user_gecos"] = .string(passwd[4])
            f["user_dir"] = .string(passwd[5])
            f["user_shell"] = .string(passwd[6])
        }
        f["effective_user_id"] = .int(effective.number)
        f["effective_group_id"] = .int(effectiveGroup.number)
        f["real_user_id"] = .int(uid.number)
        f["real_group_id"] = .int(gid.number)
    }

    /// `id` output: "uid=1000(deploy) gid=1000(deploy) euid=0(root) groups=..." (names optional).
    static func ids(_ line: String) -> [String: (number: Int, name: String?)] {
        var out: [String: (number: Int, name: String?)] = [:]
        for word in line.split(separator: " ") {
            guard let eq = word.firstIndex(of: "=") else { continue }
            let key = String(word[..<eq])
            guard ["uid", "gid", "euid", "egid"].contains(key) else { continue }
            let rest = word[word.index(after: eq)...]
            guard let number = Int(rest.prefix { $0.isNumber }) else { continue }
            var name: String?
            if let open = rest.firstIndex(of: "("), let close = rest.lastIndex(of: ")"), open < close {
                name = String(rest[rest.index(after: open)..<close])
            }
            out[key] = (number, name)
        }
        return out
    }

    // MARK: Package and service managers, python

    private func packageManager(_ f: inout OrderedDictionary<String, Value>) {
        guard let found = records["pkg"]?.split(separator: " ").map(String.init) else { return }
        let family = f["os_family"]?.stringValue
        f["pkg_mgr"] = .string(Self.packageManager(found: Set(found), family: family))
    }

    /// Like Ansible: the RedHat family prefers dnf5, dnf, then yum; other systems take the first
    /// known tool found, `apt-get` reporting as `apt`.
    static func packageManager(found: Set<String>, family: String?) -> String {
        if family == "RedHat" {
            for tool in ["dnf5", "dnf", "yum"] where found.contains(tool) { return tool }
        }
        let order: [(String, String)] = [("apt-get", "apt"), ("dnf5", "dnf5"), ("dnf", "dnf"), ("yum", "yum"),
                                         ("zypper", "zypper"), ("pacman", "pacman"), ("apk", "apk"),
                                         ("emerge", "portage"), ("xbps-install", "xbps"), ("opkg", "opkg"),
                                         ("swupd", "swupd"), ("pkg", "pkgng"), ("brew", "homebrew")]
        if family == "Debian", found.contains("apt-get") { return "apt" }
        for (tool, name) in order where found.contains(tool) { return name }
        return "unknown"
    }

    private func serviceManager(_ f: inout OrderedDictionary<String, Value>) {
        guard records["proc1"] != nil || records["init"] != nil else { return }
        let present = Set((records["init"] ?? "").split(separator: " ").map(String.init))
        f["service_mgr"] = .string(Self.serviceManager(pid1: records["proc1"] ?? "", present: present))
    }

    /// PID 1's name decides unless it is a generic `init` or a shell; then the init systems'
    /// own markers (`/run/systemd/system`, `/sbin/openrc`, upstart's `initctl`), else sysvinit.
    static func serviceManager(pid1 raw: String, present: Set<String>) -> String {
        let pid1 = raw.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/").last.map(String.init) ?? ""
        if !pid1.isEmpty && pid1 != "init" && !pid1.hasSuffix("sh") {
            let renamed = ["procd": "openwrt_init", "runit-init": "runit", "svscan": "svc", "openrc-init": "openrc"]
            return renamed[pid1] ?? pid1
        }
        for manager in ["systemd", "openrc", "upstart"] where present.contains(manager) { return manager }
        return "sysvinit"
    }

    private func python(_ f: inout OrderedDictionary<String, Value>) {
        guard let line = records["python"] else { return }
        // "<path> Python 3.11.7"
        let words = line.split(separator: " ").map(String.init)
        guard words.count >= 3 else { return }
        let version = words[2]
        var numbers = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        while numbers.count < 3 { numbers.append(0) }
        let level = version.contains("a") ? "alpha" : version.contains("b") ? "beta" : version.contains("rc") ? "candidate" : "final"
        f["python"] = ["executable": .string(words[0]), "has_sslcontext": true, "type": "cpython",
                       "version": ["major": .int(numbers[0]), "micro": .int(numbers[2]), "minor": .int(numbers[1]),
                                   "releaselevel": .string(level), "serial": 0],
                       "version_info": [.int(numbers[0]), .int(numbers[1]), .int(numbers[2]), .string(level), 0]]
        f["python_version"] = .string(version)
    }

    private func dns(_ f: inout OrderedDictionary<String, Value>) {
        guard let text = records["resolv"] else { return }
        var servers: [Value] = [], search: [Value] = []
        var domain: String?
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.count >= 2 else { continue }
            switch words[0] {
            case "nameserver": servers.append(.string(words[1]))
            case "search": search = words.dropFirst().map(Value.string)
            case "domain": domain = words[1]
            default: break
            }
        }
        var out: OrderedDictionary<String, Value> = [:]
        if let domain { out["domain"] = .string(domain) }
        if !servers.isEmpty { out["nameservers"] = .list(servers) }
        if !search.isEmpty { out["search"] = .list(search) }
        f["dns"] = .dict(out)
    }

    /// `/proc/cmdline` as Ansible shows it: `key=value` words map to the value, flags to true.
    static func kernelCommandLine(_ line: String) -> OrderedDictionary<String, Value> {
        var out: OrderedDictionary<String, Value> = [:]
        for word in line.split(separator: " ") {
            if let eq = word.firstIndex(of: "=") {
                out[String(word[..<eq])] = .string(String(word[word.index(after: eq)...]))
            } else {
                out[String(word)] = true
            }
        }
        return out
    }

    // MARK: Security, virtualization

    private func security(_ f: inout OrderedDictionary<String, Value>) {
        guard let chroot = records["chroot"] else { return }
        if let enforce = records["selinux"] {
            f["selinux"] = ["status": "enabled", "mode": .string(enforce == "1" ? "enforcing" : "permissive")]
        } else {
            f["selinux"] = ["status": "disabled"]
        }
        f["selinux_python_present"] = false
        f["apparmor"] = ["status": records["apparmor"] == nil ? "disabled" : "enabled"]
        f["fips"] = .bool(records["fips"] == "1")
        // The root differs from PID 1's (when that one is readable at all).
        let roots = chroot.split(separator: " ", omittingEmptySubsequences: false)
        f["is_chroot"] = .bool(roots.count == 2 && !roots[1].isEmpty && roots[0] != roots[1])
        for (key, line) in records.sorted(by: { $0.key < $1.key }) where key.hasPrefix("sshkey_") {
            // "ed25519_key.pub" -> ssh_host_key_ed25519_public
            let type = key.dropFirst("sshkey_".count).replacingOccurrences(of: "_key.pub", with: "")
            let words = line.split(separator: " ")
            guard words.count >= 2 else { continue }
            f["ssh_host_key_\(type)_public"] = .string(String(words[1]))
            f["ssh_host_key_\(type)_public_keytype"] = .string(String(words[0]))
        }
    }

    private func virtualization(_ f: inout OrderedDictionary<String, Value>) {
        guard let found = records["virt"].map({ Set($0.split(separator: " ").map(String.init)) }) else { return }
        var guest: [Value] = [], host: [Value] = []
        var type = "", role = ""
        for container in ["docker", "podman", "lxc"] where found.contains(container) {
            if guest.isEmpty { guest.append("container") }
            guest.append(.string(container))
            if type.isEmpty { type = container; role = "guest" }
        }
        if found.contains("hypervisor") {
            let product = (records["virt_product"] ?? "").lowercased()
            let hypervisor = product.contains("vmware") ? "VMware" : product.contains("virtualbox") ? "virtualbox"
                : product.contains("hvm domu") ? "xen" : "kvm"
            guest.append(.string(hypervisor))
            if type.isEmpty { type = hypervisor; role = "guest" }
        }
        if found.contains("kvmhost") {
            host.append("kvm")
            if type.isEmpty { type = "kvm"; role = "host" }
        }
        f["virtualization_type"] = .string(type.isEmpty ? "NA" : type)
        f["virtualization_role"] = .string(role.isEmpty ? "NA" : role)
        f["virtualization_tech_guest"] = .list(guest)
        f["virtualization_tech_host"] = .list(host)
    }

    // MARK: Hardware

    private func hardware(_ f: inout OrderedDictionary<String, Value>) {
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

    private func memory(_ text: String, _ f: inout OrderedDictionary<String, Value>) {
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

    private func processors(_ text: String, _ f: inout OrderedDictionary<String, Value>) {
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

    // MARK: Network

    private func network(_ f: inout OrderedDictionary<String, Value>) {
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
