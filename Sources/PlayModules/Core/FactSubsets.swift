import Foundation

/// Which groups of facts `gather_subset` asks for, resolved as Ansible does: the positive names
/// (or everything when none is given), plus the minimal facts, minus the `!name` exclusions
/// that were not also named explicitly; `!all` leaves the minimal facts, `!min` removes them too.
struct FactSubsets: Sendable, Equatable {
    /// The pieces of Ansible's `min` subset this module collects.
    static let minimal: Set<String> = ["platform", "distribution", "date_time", "env", "user", "pkg_mgr",
                                       "service_mgr", "python", "dns", "lsb", "selinux", "apparmor", "cmdline",
                                       "fips", "local", "ssh_pub_keys", "chroot"]
    static let larger: Set<String> = ["hardware", "network", "virtual"]
    /// Names Ansible accepts that gather nothing here (they need tools we do not run).
    static let accepted: Set<String> = ["facter", "ohai", "caps", "system", "devices",
                                        "mounts", "interfaces"]
    static var valid: Set<String> { minimal.union(larger) }

    private(set) var names: Set<String>

    struct BadSubset: Error, Equatable { var name: String }

    init(_ requested: [String]) throws(BadSubset) {
        var added: Set<String> = []
        var excluded: Set<String> = []
        var explicit: Set<String> = []
        for raw in requested {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            let negated = entry.hasPrefix("!")
            let name = negated ? String(entry.dropFirst()) : entry
            switch (name, negated) {
            case ("all", false): added.formUnion(Self.valid)
            case ("all", true): excluded.formUnion(Self.larger)
            case ("min", false): added.formUnion(Self.minimal)
            case ("min", true): excluded.formUnion(Self.minimal)
            default:
                guard Self.valid.contains(name) || Self.accepted.contains(name) else { throw BadSubset(name: entry) }
                if negated { excluded.insert(name) } else { added.insert(name); explicit.insert(name) }
            }
        }
        if added.isEmpty { added = Self.valid }
        names = added.union(Self.minimal).subtracting(excluded.subtracting(explicit))
    }

    func contains(_ name: String) -> Bool { names.contains(name) }
}
