import Foundation
import OrderedCollections
import PlayBase

/// Facts about the system: time, environment, user, package and service managers, python, DNS, security and virtualization.
extension FactsParser {
    func dateTime(_ f: inout OrderedDictionary<String, Value>) {
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

    func environment(_ f: inout OrderedDictionary<String, Value>) {
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

    func user(_ f: inout OrderedDictionary<String, Value>) {
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

    func packageManager(_ f: inout OrderedDictionary<String, Value>) {
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

    func serviceManager(_ f: inout OrderedDictionary<String, Value>) {
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

    func python(_ f: inout OrderedDictionary<String, Value>) {
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

    func dns(_ f: inout OrderedDictionary<String, Value>) {
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

    func security(_ f: inout OrderedDictionary<String, Value>) {
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

    func virtualization(_ f: inout OrderedDictionary<String, Value>) {
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
}
