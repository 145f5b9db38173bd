import Foundation
import PlayBase

/// The target's user and group databases as the user and group modules read them: one probe
/// script prints the user's passwd and shadow entries, every group entry, and which account
/// tools the target has (shadow-utils' useradd family, else busybox's adduser family).
struct AccountDatabase: Sendable {
    struct UserEntry: Sendable, Equatable {
        var name: String
        var password: String
        var uid: Int
        var gid: Int
        var comment: String
        var home: String
        var shell: String
    }

    struct GroupEntry: Sendable, Equatable {
        var name: String
        var gid: Int
        var members: [String]
    }

    var user: UserEntry?
    /// The shadow entry's fields (name, hash, ..., expire at index 7), empty without one.
    var shadow: [String]
    var groups: [GroupEntry]
    /// Tools found on the target's PATH, by name.
    var tools: Set<String>

    static let toolNames = ["useradd", "usermod", "userdel", "groupadd", "groupmod", "groupdel", "adduser", "deluser",
                            "addgroup", "delgroup", "chpasswd", "chage", "ssh-keygen"]

    /// The probe for `user` (nil for the group module's probe: groups only).
    static func probe(user: String?) -> String {
        var s = [#"""
            printf 'groups=%s\0' "$(_pdb group)"
            _ptl=; for _pt in \#(toolNames.joined(separator: " ")); do command -v "$_pt" >/dev/null 2>&1 && _ptl="$_ptl $_pt"; done
            printf 'tools=%s\0' "$_ptl"
            """#]
        if let user {
            s.append("_pn=\(ShellWords.quote(user))")
            s.append(#"printf 'pw=%s\0sp=%s\0' "$(_pdb passwd "$_pn" | head -n 1)" "$(_pdb shadow "$_pn" 2>/dev/null | head -n 1)""#)
        }
        return s.joined(separator: "\n")
    }

    init(_ records: ScriptRecords) {
        user = Self.userEntry(records["pw"] ?? "")
        let shadowLine = records["sp"] ?? ""
        shadow = shadowLine.isEmpty ? [] : shadowLine.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        groups = (records["groups"] ?? "").split(separator: "\n").compactMap { line in
            let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4, let gid = Int(f[2]) else { return nil }
            return GroupEntry(name: f[0], gid: gid, members: f[3].split(separator: ",").map(String.init))
        }
        tools = Set((records["tools"] ?? "").split(separator: " ").map(String.init))
    }

    static func userEntry(_ line: String) -> UserEntry? {
        let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 7, let uid = Int(f[2]), let gid = Int(f[3]) else { return nil }
        return UserEntry(name: f[0], password: f[1], uid: uid, gid: gid, comment: f[4], home: f[5], shell: f[6])
    }

    /// A group by gid (when the text is a number) or by name, as Python's grp lookups in Ansible.
    func group(_ nameOrID: String) -> GroupEntry? {
        if let gid = Int(nameOrID), let byID = groups.first(where: { $0.gid == gid }) { return byID }
        return groups.first { $0.name == nameOrID }
    }

    /// The user's password hash: the passwd field, or the shadow one when that is a placeholder.
    var passwordHash: String {
        guard let user else { return "" }
        if user.password.count > 1 { return user.password }
        return shadow.count > 1 ? shadow[1] : ""
    }

    /// The shadow expiry in days since the epoch, -1 when unset (Python's spwd).
    var expireDays: Int {
        guard shadow.count > 7, let days = Int(shadow[7]) else { return -1 }
        return days
    }

    /// Groups listing `name` as a member.
    func memberships(of name: String) -> [GroupEntry] { groups.filter { $0.members.contains(name) } }
}
