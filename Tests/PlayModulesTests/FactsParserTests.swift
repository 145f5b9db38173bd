import OrderedCollections
import PlayBase
@testable import PlayModules
import XCTest

/// `FactsParser` on records recorded from real hosts (a Debian 12 container with `ip`, and the
/// kernel-table fallback), checked against what Ansible's `setup` reported for the same host.
final class FactsParserTests: XCTestCase {
    static let debian: [String: String] = [
        "uname": "Linux vm 6.18.44-fc-v1300 x86_64\n#1 SMP PREEMPT_DYNAMIC @0",
        "hostname": "vm", "fqdn_names": "127.0.1.1\tvm.example.net vm", "bits": "64",
        "os_release": """
            PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
            NAME="Debian GNU/Linux"
            VERSION_ID="12"
            VERSION="12 (bookworm)"
            VERSION_CODENAME=bookworm
            ID=debian
            """,
        "os_release_path": "/etc/os-release", "debian_version": "12.11",
        "date": "1796650395 591362000 UTC +0000",
        "env": "HOME=/root\nMULTI=a\nb\nPATH=/usr/bin:/bin",
        "id": "uid=0(root) gid=0(root) groups=0(root)", "passwd": "root:x:0:0:root:/root:/bin/bash",
        "pkg": " apt-get", "proc1": "systemd", "init": " systemd",
        "python": "/usr/bin/python3 Python 3.11.2",
        "resolv": "nameserver 10.255.255.53\nsearch example.net",
        "meminfo": "MemTotal:       24683520 kB\nMemFree:        18625536 kB\nBuffers:          100000 kB\nCached:          3925000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\nSwapCached:            0 kB",
        "cpuinfo": "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nphysical id\t: 0\nsiblings\t: 2\ncpu cores\t: 2\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nphysical id\t: 0\nsiblings\t: 2\ncpu cores\t: 2",
        "nproc": "2",
        "ip_link": """
            1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
            4: eth0@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc pfifo_fast state UP mode DEFAULT group default qlen 1000\\    link/ether 02:fc:00:00:00:01 brd ff:ff:ff:ff:ff:ff
            5: br-lan: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN\\    link/ether 02:fc:00:00:00:02 brd ff:ff:ff:ff:ff:ff
            """,
        "ip_addr": """
            1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
            1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever
            4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\\       valid_lft forever preferred_lft forever
            4: eth0    inet6 fd00::2/64 scope global nodad \\       valid_lft forever preferred_lft forever
            4: eth0    inet6 fe80::fc:ff:fe00:1/64 scope link \\       valid_lft forever preferred_lft forever
            """,
        "route4": "8.8.8.8 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0 \n    cache ",
        "route6": "2404:6800:4001::1 from :: via fd00::1 dev eth0 src fd00::2 metric 1024 pref medium",
        "local4": "local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \nlocal 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 \nbroadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 \nlocal 192.0.2.2 dev eth0 proto kernel scope host src 192.0.2.2 ",
        "local6": "local ::1 dev lo proto kernel metric 0 pref medium\nlocal fd00::2 dev eth0 proto kernel metric 0 pref medium\nmulticast ff00::/8 dev eth0 proto kernel metric 256 pref medium",
    ]

    func testPlatformAndDistribution() {
        let f = FactsParser(Self.debian).facts()
        XCTAssertEqual(f["system"], "Linux")
        XCTAssertEqual(f["kernel"], "6.18.44-fc-v1300")
        XCTAssertEqual(f["kernel_version"], "#1 SMP PREEMPT_DYNAMIC @0")
        XCTAssertEqual(f["architecture"], "x86_64")
        XCTAssertEqual(f["hostname"], "vm")
        XCTAssertEqual(f["nodename"], "vm")
        XCTAssertEqual(f["fqdn"], "vm.example.net")
        XCTAssertEqual(f["domain"], "example.net")
        XCTAssertEqual(f["distribution"], "Debian")
        XCTAssertEqual(f["distribution_version"], "12.11")
        XCTAssertEqual(f["distribution_major_version"], "12")
        XCTAssertEqual(f["distribution_minor_version"], "11")
        XCTAssertEqual(f["distribution_release"], "bookworm")
        XCTAssertEqual(f["os_family"], "Debian")
        XCTAssertEqual(f["lsb"]?["release"], "12")
        XCTAssertEqual(f["pkg_mgr"], "apt")
        XCTAssertEqual(f["service_mgr"], "systemd")
        XCTAssertEqual(f["python_version"], "3.11.2")
        XCTAssertEqual(f["python"]?["version"]?["minor"], 11)
        XCTAssertEqual(f["dns"]?["nameservers"], ["10.255.255.53"])
    }

    func testFQDNAsPythonsGetfqdn() {
        XCTAssertEqual(FactsParser.fqdn(names: "127.0.0.1       localhost"), "localhost")
        XCTAssertEqual(FactsParser.fqdn(names: "10.0.0.5 web1 web1.example.com"), "web1.example.com")
        XCTAssertNil(FactsParser.fqdn(names: nil))
    }

    func testUserEnvironmentAndTime() {
        let f = FactsParser(Self.debian).facts()
        XCTAssertEqual(f["user_id"], "root")
        XCTAssertEqual(f["user_uid"], 0)
        XCTAssertEqual(f["user_dir"], "/root")
        XCTAssertEqual(f["user_shell"], "/bin/bash")
        XCTAssertEqual(f["env"]?["MULTI"], "a\nb")
        XCTAssertEqual(f["env"]?["PATH"], "/usr/bin:/bin")
        // What Ansible printed for the same instant.
        let d = f["date_time"]
        XCTAssertEqual(d?["date"], "2026-12-07")
        XCTAssertEqual(d?["time"], "13:33:15")
        XCTAssertEqual(d?["epoch"], "1796650395")
        XCTAssertEqual(d?["iso8601"], "2026-12-07T13:33:15Z")
        XCTAssertEqual(d?["iso8601_micro"], "2026-12-07T13:33:15.591362Z")
        XCTAssertEqual(d?["iso8601_basic"], "20261207T133315591362")
        XCTAssertEqual(d?["weekday"], "Monday")
        XCTAssertEqual(d?["weekday_number"], "1")
        XCTAssertEqual(d?["weeknumber"], "49")
        XCTAssertEqual(d?["tz_offset"], "+0000")
    }

    func testEffectiveAndRealIDs() {
        let f = FactsParser(["id": "uid=1000(deploy) gid=1000(deploy) euid=0(root) groups=1000(deploy),27(sudo)"]).facts()
        XCTAssertEqual(f["user_id"], "root")
        XCTAssertEqual(f["effective_user_id"], 0)
        XCTAssertEqual(f["real_user_id"], 1000)
        XCTAssertEqual(f["real_group_id"], 1000)
        XCTAssertEqual(FactsParser(["id": "uid=4321 gid=4321 groups=4321"]).facts()["user_id"], "4321")
    }

    func testLocalTimeUsesTheOffset() {
        let d = FactsParser.dateTime(epoch: 0, nanoseconds: 0, zone: "EST", offset: "-0500")
        XCTAssertEqual(d["date"], "1969-12-31")
        XCTAssertEqual(d["hour"], "19")
        XCTAssertEqual(d["iso8601"], "1970-01-01T00:00:00Z")
        XCTAssertEqual(d["weekday"], "Wednesday")
    }

    func testHardware() {
        let f = FactsParser(Self.debian).facts()
        XCTAssertEqual(f["memtotal_mb"], 24105)
        XCTAssertEqual(f["memfree_mb"], 18189)
        XCTAssertEqual(f["memory_mb"]?["real"]?["used"], 5916)
        XCTAssertEqual(f["processor_vcpus"], 2)
        XCTAssertEqual(f["processor_count"], 1)
        XCTAssertEqual(f["processor_cores"], 2)
        XCTAssertEqual(f["processor_threads_per_core"], 1)
        XCTAssertEqual(f["processor_nproc"], 2)
        XCTAssertEqual(f["processor"], ["0", "AuthenticAMD", "AMD EPYC", "1", "AuthenticAMD", "AMD EPYC"])
    }

    func testMounts() {
        let mounts = FactsParser.mounts("/dev/vda / ext4 rw,relatime 0 0\n/dev/vdb /srv/my\\040data xfs ro 0 2",
                                        statfs: "4096 4096 66053021 61273878 20088588 16777216 16300797 /\n"
                                            + "4096 4096 100 50 40 10 5 /srv/my data")
        XCTAssertEqual(mounts.first, ["block_available": 20088588, "block_size": 4096, "block_total": 66053021,
                                      "block_used": 45964433, "device": "/dev/vda", "dump": 0, "fstype": "ext4",
                                      "inode_available": 16300797, "inode_total": 16777216, "inode_used": 476419,
                                      "mount": "/", "options": "rw,relatime", "passno": 0,
                                      "size_available": 82282856448, "size_total": 270553174016, "uuid": "N/A"])
        XCTAssertEqual(mounts.last?["mount"], "/srv/my data")
        XCTAssertEqual(mounts.last?["size_total"], 409600)
        XCTAssertEqual(mounts.last?["passno"], 2)
    }

    func testNetworkFromIP() {
        let f = FactsParser(Self.debian).facts()
        XCTAssertEqual(f["interfaces"], ["lo", "eth0", "br-lan"])
        XCTAssertEqual(f["default_ipv4"], ["address": "192.0.2.2", "alias": "eth0", "broadcast": "192.0.2.255",
                                           "gateway": "192.0.2.1", "interface": "eth0",
                                           "macaddress": "02:fc:00:00:00:01", "mtu": 1400,
                                           "netmask": "255.255.255.0", "network": "192.0.2.0", "prefix": "24",
                                           "type": "ether"])
        XCTAssertEqual(f["default_ipv6"]?["address"], "fd00::2")
        XCTAssertEqual(f["default_ipv6"]?["gateway"], "fd00::1")
        XCTAssertEqual(f["default_ipv6"]?["scope"], "global")
        XCTAssertEqual(f["all_ipv4_addresses"], ["192.0.2.2"])
        XCTAssertEqual(f["locally_reachable_ips"], ["ipv4": ["127.0.0.0/8", "127.0.0.1", "192.0.2.2"], "ipv6": ["::1", "fd00::2"]])
        XCTAssertEqual(f["all_ipv6_addresses"], ["fd00::2", "fe80::fc:ff:fe00:1"])
        XCTAssertEqual(f["eth0"]?["ipv6"]?.listValue?.count, 2)
        XCTAssertEqual(f["lo"]?["type"], "loopback")
        XCTAssertEqual(f["lo"]?["ipv4"]?["broadcast"], "")
        // Dashes in names become underscores in the variable, as in Ansible.
        XCTAssertEqual(f["br_lan"]?["active"], false)
        XCTAssertEqual(f["br_lan"]?["device"], "br-lan")
    }

    func testNetworkFromKernelTablesWithoutIP() {
        var records = Self.debian
        for key in ["ip_link", "ip_addr", "route4", "route6"] { records.removeValue(forKey: key) }
        records["proc_route"] = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\n"
            + "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\n"
        records["sys_eth0"] = "02:fc:00:00:00:01 1400 0x1003 1 "
        records["sys_lo"] = "00:00:00:00:00:00 65536 0x9 772 "
        let f = FactsParser(records).facts()
        XCTAssertEqual(f["interfaces"], ["eth0", "lo"])
        XCTAssertEqual(f["default_ipv4"]?["gateway"], "192.0.2.1")
        XCTAssertEqual(f["default_ipv4"]?["interface"], "eth0")
        XCTAssertEqual(f["default_ipv4"]?["macaddress"], "02:fc:00:00:00:01")
        XCTAssertEqual(f["eth0"]?["mtu"], 1400)
        XCTAssertEqual(f["lo"]?["type"], "loopback")
    }

    func testFamiliesAndManagers() {
        func family(_ id: String, _ version: String = "9.3", pkg: String = " dnf yum apt-get") -> (Value?, Value?, Value?) {
            let f = FactsParser(["os_release": "ID=\"\(id)\"\nVERSION_ID=\"\(version)\"", "pkg": pkg]).facts()
            return (f["distribution"], f["os_family"], f["pkg_mgr"])
        }
        XCTAssertTrue(family("rocky") == ("Rocky", "RedHat", "dnf"))
        XCTAssertTrue(family("ubuntu", "22.04") == ("Ubuntu", "Debian", "apt"))
        XCTAssertTrue(family("alpine", "3.19.1", pkg: " apk") == ("Alpine", "Alpine", "apk"))
        XCTAssertEqual(FactsParser.packageManager(found: ["apk"], family: "Alpine"), "apk")
        XCTAssertEqual(FactsParser.packageManager(found: ["yum"], family: "RedHat"), "yum")
        XCTAssertEqual(FactsParser.serviceManager(pid1: "systemd", present: []), "systemd")
        XCTAssertEqual(FactsParser.serviceManager(pid1: "init", present: ["openrc"]), "openrc")
        XCTAssertEqual(FactsParser.serviceManager(pid1: "bash", present: []), "sysvinit")
        XCTAssertEqual(FactsParser.serviceManager(pid1: "runit-init", present: []), "runit")
    }

    func testSubsets() throws {
        XCTAssertEqual(try FactSubsets(["all"]).names, FactSubsets.valid)
        XCTAssertEqual(try FactSubsets(["min"]).names, FactSubsets.minimal)
        XCTAssertEqual(try FactSubsets(["!all"]).names, FactSubsets.minimal)
        XCTAssertEqual(try FactSubsets(["!all", "!min"]).names, [])
        XCTAssertEqual(try FactSubsets(["network"]).names, FactSubsets.minimal.union(["network"]))
        XCTAssertEqual(try FactSubsets(["!hardware"]).names, FactSubsets.valid.subtracting(["hardware"]))
        XCTAssertEqual(try FactSubsets(["!all", "hardware", "!env"]).names,
                       FactSubsets.minimal.union(["hardware"]).subtracting(["env"]))
        XCTAssertThrowsError(try FactSubsets(["hardwar"]))
    }

    func testFilterAndPrefix() {
        let facts = SetupModule.ansibleFacts(["distribution": "Debian", "kernel": "6.1", "eth0": [:]], subsets: ["all"],
                                             filter: ["ansible_dist*", "eth*"])
        XCTAssertEqual(Array(facts.keys), ["ansible_distribution", "ansible_eth0"])
        // gather_subset and module_setup answer to the filter by their own names (checked with
        // ansible-core 2.19's setup: `filter: ['*subset*', module_setup]` keeps both).
        let kept = SetupModule.ansibleFacts(["kernel": "6.1"], subsets: ["all"], filter: ["*subset*", "module_setup"])
        XCTAssertEqual(Array(kept.keys), ["gather_subset", "module_setup"])
    }
}
