import Foundation
import PlayBase

/// The commands the user module runs, decided on the controller from the account database as
/// Ansible's Linux `User` class decides them: `useradd`/`usermod`/`userdel` where the target has
/// them, else busybox's `adduser`/`deluser`/`delgroup` and `chpasswd`. Each command is argv plus
/// optional standard input.
struct UserCommands {
    struct Command: Equatable {
        var argv: [String]
        var input: String?
    }

    /// The arguments that shape the commands.
    struct Request {
        var name: String
        var uid: Int?
        var nonUnique = false
        var group: String?
        /// nil: not given; [] : given empty (remove every supplementary group).
        var groups: [String]?
        var append = false
        var comment: String?
        var home: String?
        var shell: String?
        var password: String?
        var passwordLock: Bool?
        var updatePassword = "always"
        var createHome = true
        var moveHome = false
        var skeleton: String?
        var system = false
        var expires: Double?
        var force = false
        var remove = false
        var umask: String?
        var uidMin: Int?
        var uidMax: Int?
        var inactive: Int?
        var seuser: String?
    }

    /// A refusal with Ansible's message ("Group x does not exist").
    struct Refused: Error, Equatable {
        var message: String
    }

    let request: Request
    let db: AccountDatabase

    var busybox: Bool { !db.tools.contains("useradd") && db.tools.contains("adduser") }

    func remove() -> [Command] {
        if busybox { return [Command(argv: ["deluser", request.name] + (request.remove ? ["--remove-home"] : []))] }
        var argv = ["userdel"]
        if request.force { argv.append("-f") }
        if request.remove { argv.append("-r") }
        return [Command(argv: argv + [request.name])]
    }

    /// The group names or ids in `groups`, each checked to exist; with `dropPrimary`, the one
    /// that is the user's primary group is left out (Ansible's `get_groups_set`).
    func checkedGroups(dropPrimary: Bool, namesOnly: Bool) throws(Refused) -> [String] {
        var seen: [String] = []
        for g in (request.groups ?? []).map({ $0.trimmingCharacters(in: .whitespaces) }) where !g.isEmpty && !seen.contains(g) {
            seen.append(g)
        }
        var out: [String] = []
        for g in seen {
            guard let entry = db.group(g) else { throw Refused(message: "Group \(g) does not exist") }
            if dropPrimary, let user = db.user, entry.gid == user.gid { continue }
            let item = namesOnly ? entry.name : g
            if !out.contains(item) { out.append(item) }
        }
        return out
    }

    /// `expires` as useradd's date (UTC), "" for a time before the epoch.
    static func expiryDate(_ seconds: Double) -> String {
        if seconds < 0 { return "" }
        let date = Date(timeIntervalSince1970: seconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
    }

    func create() throws(Refused) -> [Command] {
        let r = request
        if let group = r.group, db.group(group) == nil { throw Refused(message: "Group \(group) does not exist") }
        if busybox { return try createBusybox() }
        var argv = ["useradd"]
        if let uid = r.uid {
            argv += ["-u", String(uid)]
            if r.nonUnique { argv.append("-o") }
        }
        if let seuser = r.seuser { argv += ["-Z", seuser] }
        if let group = r.group {
            argv += ["-g", group]
        } else if db.group(r.name) != nil {
            argv.append("-N")  // a group named like the user exists: useradd must not try to create it
        }
        if let groups = r.groups, !groups.joined(separator: ",").isEmpty {
            argv += ["-G", try checkedGroups(dropPrimary: true, namesOnly: false).joined(separator: ",")]
        }
        if let comment = r.comment { argv += ["-c", comment] }
        if let home = r.home { argv += ["-d", home] }
        if let shell = r.shell { argv += ["-s", shell] }
        if let expires = r.expires { argv += ["-e", Self.expiryDate(expires)] }
        if let inactive = r.inactive { argv += ["-f", String(inactive)] }
        if let password = r.password { argv += ["-p", r.passwordLock == true ? "!" + password : password] }
        if r.createHome {
            argv.append("-m")
            if let skeleton = r.skeleton { argv += ["-k", skeleton] }
            if let umask = r.umask { argv += ["-K", "UMASK=" + umask] }
        } else {
            argv.append("-M")
        }
        if r.system { argv.append("-r") }
        if let min = r.uidMin { argv += ["-K", "UID_MIN=\(min)"] }
        if let max = r.uidMax { argv += ["-K", "UID_MAX=\(max)"] }
        return [Command(argv: argv + [r.name])]
    }

    private func createBusybox() throws(Refused) -> [Command] {
        let r = request
        var argv = ["adduser", "-D"]
        if let uid = r.uid { argv += ["-u", String(uid)] }
        if let group = r.group { argv += ["-G", group] }
        if let comment = r.comment { argv += ["-g", comment] }
        if let home = r.home { argv += ["-h", home] }
        if let shell = r.shell { argv += ["-s", shell] }
        if !r.createHome { argv.append("-H") }
        if let skeleton = r.skeleton { argv += ["-k", skeleton] }
        if let umask = r.umask { argv += ["-K", "UMASK=" + umask] }
        if r.system { argv.append("-S") }
        if let min = r.uidMin { argv += ["-K", "UID_MIN=\(min)"] }
        if let max = r.uidMax { argv += ["-K", "UID_MAX=\(max)"] }
        var out = [Command(argv: argv + [r.name])]
        if let password = r.password { out.append(Command(argv: ["chpasswd", "--encrypted"], input: "\(r.name):\(password)")) }
        if let groups = r.groups, !groups.joined(separator: ",").isEmpty {
            for g in try checkedGroups(dropPrimary: true, namesOnly: false) { out.append(Command(argv: ["adduser", r.name, g])) }
        }
        return out
    }

    /// The changes for an existing user; empty when it is as asked.
    func modify() throws(Refused) -> [Command] {
        guard let info = db.user else { return [] }
        if busybox { return try modifyBusybox() }
        let r = request
        var argv = ["usermod"]
        if let uid = r.uid, uid != info.uid {
            argv += ["-u", String(uid)]
            if r.nonUnique { argv.append("-o") }
        }
        if let group = r.group {
            guard let entry = db.group(group) else { throw Refused(message: "Group \(group) does not exist") }
            if entry.gid != info.gid { argv += ["-g", String(entry.gid)] }
        }
        if let groups = r.groups {
            let current = Set(db.memberships(of: r.name).map(\.name))
            var needed = false
            var wanted: [String] = []
            if groups.joined(separator: ",").isEmpty {
                needed = !current.isEmpty && !r.append
            } else {
                wanted = try checkedGroups(dropPrimary: false, namesOnly: true)
                let difference = current.symmetricDifference(wanted)
                if !difference.isEmpty {
                    if r.append {
                        if wanted.contains(where: difference.contains) { argv.append("-a"); needed = true }
                    } else {
                        needed = true
                    }
                }
            }
            if needed { argv += ["-G", wanted.joined(separator: ",")] }
        }
        if let comment = r.comment, comment != info.comment { argv += ["-c", comment] }
        if let home = r.home, home != info.home {
            argv += ["-d", home]
            if r.moveHome { argv.append("-m") }
        }
        if let shell = r.shell, shell != info.shell { argv += ["-s", shell] }
        if let expires = r.expires {
            let current = db.expireDays
            if expires < 0 {
                if current >= 0 { argv += ["-e", ""] }
            } else if current < 0 || Self.expiryDate(Double(current) * 86400) != Self.expiryDate(expires) {
                argv += ["-e", Self.expiryDate(expires)]
            }
        }
        if let inactive = r.inactive { argv += ["-f", String(inactive)] }
        let hash = db.passwordHash
        if r.passwordLock == true && !hash.hasPrefix("!") {
            argv.append("-L")
        } else if r.passwordLock == false && hash.hasPrefix("!") {
            argv.append("-U")
        }
        if r.updatePassword == "always", let password = r.password, Self.unlocked(hash) != Self.unlocked(password) {
            argv.removeAll { $0 == "-L" || $0 == "-U" }
            argv += ["-p", r.passwordLock == true ? "!" + password : password]
        }
        return argv.count > 1 ? [Command(argv: argv + [r.name])] : []
    }

    private func modifyBusybox() throws(Refused) -> [Command] {
        let r = request
        var out: [Command] = []
        if let groups = r.groups, !groups.joined(separator: ",").isEmpty, let info = db.user {
            let current = db.memberships(of: r.name).filter { $0.gid != info.gid }.map(\.name)
            let wanted = try checkedGroups(dropPrimary: true, namesOnly: false)
            let difference = Set(current).symmetricDifference(wanted)
            for g in wanted where difference.contains(g) { out.append(Command(argv: ["adduser", r.name, g])) }
            for g in current where difference.contains(g) && !wanted.contains(g) && !r.append {
                out.append(Command(argv: ["delgroup", r.name, g]))
            }
        }
        if r.updatePassword == "always", let password = r.password, db.passwordHash != password {
            out.append(Command(argv: ["chpasswd", "--encrypted"], input: "\(r.name):\(password)"))
        }
        return out
    }

    private static func unlocked(_ hash: String) -> Substring { hash.drop { $0 == "!" } }
}
