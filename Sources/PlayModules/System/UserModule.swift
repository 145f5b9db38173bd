import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `user`: makes a local account be present with the attributes asked (or absent), over two
/// commands: a probe of the account databases, then the `useradd`/`usermod`/`userdel` (or
/// busybox `adduser`/`deluser`) commands Ansible would run, followed in the same command by the
/// home directory, SSH key and password-ageing steps (`UserAftercare`). Results follow Ansible's
/// Linux user module key for key.
public struct UserModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "user", arguments: [
        ArgumentSpec("name", .string, required: true, aliases: ["user"]),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
        ArgumentSpec("uid", .int),
        ArgumentSpec("non_unique", .bool, defaultValue: false),
        ArgumentSpec("group", .string),
        ArgumentSpec("groups", .list, elements: .string),
        ArgumentSpec("append", .bool, defaultValue: false),
        ArgumentSpec("comment", .string),
        ArgumentSpec("home", .path),
        ArgumentSpec("shell", .path),
        ArgumentSpec("password", .string),
        ArgumentSpec("update_password", .string, choices: ["always", "on_create"], defaultValue: "always"),
        ArgumentSpec("password_lock", .bool),
        ArgumentSpec("create_home", .bool, aliases: ["createhome"], defaultValue: true),
        ArgumentSpec("move_home", .bool, defaultValue: false),
        ArgumentSpec("skeleton", .string),
        ArgumentSpec("system", .bool, defaultValue: false),
        ArgumentSpec("force", .bool, defaultValue: false),
        ArgumentSpec("remove", .bool, defaultValue: false),
        ArgumentSpec("expires", .float),
        ArgumentSpec("generate_ssh_key", .bool),
        ArgumentSpec("ssh_key_bits", .int, defaultValue: 0),
        ArgumentSpec("ssh_key_type", .string, defaultValue: "rsa"),
        ArgumentSpec("ssh_key_file", .path),
        ArgumentSpec("ssh_key_comment", .string),
        ArgumentSpec("ssh_key_passphrase", .string),
        ArgumentSpec("password_expire_max", .int),
        ArgumentSpec("password_expire_min", .int),
        ArgumentSpec("password_expire_warn", .int),
        ArgumentSpec("password_expire_account_disable", .int),
        ArgumentSpec("umask", .string),
        ArgumentSpec("uid_min", .int),
        ArgumentSpec("uid_max", .int),
        ArgumentSpec("seuser", .string),
        ArgumentSpec("local", .bool),
        ArgumentSpec("login_class", .string),
        ArgumentSpec("hidden", .bool),
        ArgumentSpec("profile", .string),
        ArgumentSpec("authorization", .string),
        ArgumentSpec("role", .string),
    ])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let request = Self.request(context)
        let name = request.name
        if context.bool("local") { return .failed("local=true (luseradd) is not supported by play's user module") }
        var warnings = Self.passwordWarnings(request.password)
        if request.groups == nil && request.append {
            warnings.append("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups."
                            + "This will change to an error in Ansible 2.14.")
        }
        do {
            let db = AccountDatabase(try await SystemScript.run(AccountDatabase.probe(user: name), context: context))
            let commands = UserCommands(request: request, db: db)
            var r = TaskResult(["name": .string(name), "state": .string(context.string("state") ?? "present")])
            if context.string("state") == "absent" {
                guard db.user != nil else { return Self.finish(r, changed: false, warnings: warnings) }
                if context.checkMode { return Self.finish(TaskResult(["changed": true]), changed: true, warnings: warnings) }
                let outcome = SystemScript.Outcome(try await SystemScript.run(Self.commandLines(commands.remove()), context: context))
                if outcome.failed { return Self.failure(name, outcome) }
                r["force"] = .bool(request.force)
                r["remove"] = .bool(request.remove)
                r.changed = true
                Self.addOutput(&r, outcome)
                return Self.finish(r, changed: true, warnings: warnings)
            }
            let exists = db.user != nil
            if !exists && context.checkMode { return Self.finish(TaskResult(["changed": true]), changed: true, warnings: warnings) }
            let planned = try exists ? commands.modify() : commands.create()
            var script = [UserAftercare.homeFunctions(skeleton: request.skeleton)]
            if !exists, let home = request.home, request.createHome {
                // useradd cannot make missing parents: Ansible makes the home first, then hands it over.
                script.append("_pnp=0; [ -d \"$(dirname -- \(ShellWords.quote(home)))\" ] || { _pmkhome \(ShellWords.quote(home)); _pnp=1; }")
            }
            if !context.checkMode { script.append(Self.commandLines(planned)) }
            script.append(UserAftercare.script(
                name: name, home: request.home, createHome: request.createHome, skeleton: request.skeleton,
                checkMode: context.checkMode, key: Self.sshKey(context, force: request.force),
                ageing: .init(min: context.int("password_expire_min"), max: context.int("password_expire_max"),
                              warn: context.int("password_expire_warn"))))
            let records = try await SystemScript.run(script.joined(separator: "\n"), context: context)
            let outcome = SystemScript.Outcome(records)
            if outcome.failed { return Self.failure(name, outcome) }
            for tag in ["k", "c"] {
                let step = SystemScript.Outcome(records, tag: tag)
                if step.failed { return Self.failure(name, step) }
            }
            if exists {
                r["append"] = .bool(request.append)
                r["move_home"] = .bool(request.moveHome)
            } else {
                r["system"] = .bool(request.system)
                r["create_home"] = .bool(request.createHome)
            }
            if request.password != nil { r["password"] = "NOT_LOGGING_PASSWORD" }
            var changed = !planned.isEmpty
            r.changed = changed
            Self.addOutput(&r, outcome)
            if let info = AccountDatabase.userEntry(records["pw"] ?? "") {
                r["uid"] = .int(info.uid)
                r["group"] = .int(info.gid)
                r["comment"] = .string(info.comment)
                r["home"] = .string(info.home)
                r["shell"] = .string(info.shell)
                if let groups = request.groups { r["groups"] = .string(groups.joined(separator: ",")) }
                if records.flag("homemade") { changed = true }
                if context.bool("generate_ssh_key") {
                    if records["keygen"] != nil { changed = true }
                    r["ssh_fingerprint"] = .string((records["fp"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
                    r["ssh_key_file"] = .string(records["keyfile"] ?? "")
                    r["ssh_public_key"] = records["pub"].map { .string($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .null
                    if let warning = records["keywarn"] { warnings.append(warning) }
                }
                if records.flag("chage") { changed = true }
            } else if !context.checkMode {
                return .failed("failed to look up user name: \(name)", r.values)
            }
            return Self.finish(r, changed: changed, warnings: warnings)
        } catch let refused as UserCommands.Refused {
            return .failed(refused.message)
        } catch let refusal as SystemScript.Refusal {
            return refusal.result
        }
    }

    static func request(_ context: ModuleContext) -> UserCommands.Request {
        var r = UserCommands.Request(name: context.string("name") ?? "")
        r.uid = context.int("uid")
        r.nonUnique = context.bool("non_unique")
        r.group = context.string("group")
        r.groups = context.list("groups")?.map(\.renderedString)
        r.append = context.bool("append")
        r.comment = context.string("comment")
        r.home = context.string("home")
        r.shell = context.string("shell")
        r.password = context.string("password")
        r.passwordLock = context.args["password_lock"].flatMap { $0.isNull ? nil : context.bool("password_lock") }
        r.updatePassword = context.string("update_password") ?? "always"
        r.createHome = context.bool("create_home", default: true)
        r.moveHome = context.bool("move_home")
        r.skeleton = context.string("skeleton")
        r.system = context.bool("system")
        r.expires = context.double("expires")
        r.force = context.bool("force")
        r.remove = context.bool("remove")
        r.umask = context.string("umask")
        r.uidMin = context.int("uid_min")
        r.uidMax = context.int("uid_max")
        r.inactive = context.int("password_expire_account_disable")
        r.seuser = context.string("seuser")
        return r
    }

    private static func sshKey(_ context: ModuleContext, force: Bool) -> UserAftercare.SSHKey? {
        guard context.bool("generate_ssh_key") else { return nil }
        let type = context.string("ssh_key_type") ?? "rsa"
        return UserAftercare.SSHKey(file: context.string("ssh_key_file") ?? ".ssh/id_\(type)", type: type,
                                    bits: context.int("ssh_key_bits") ?? 0, comment: context.string("ssh_key_comment"),
                                    passphrase: context.string("ssh_key_passphrase"), force: force)
    }

    /// The commands as `_prun` lines, standard input through `_pin`.
    static func commandLines(_ commands: [UserCommands.Command]) -> String {
        commands.map { c in (c.input.map { "_pin=\(ShellWords.quote($0)); " } ?? "") + "_prun " + SystemScript.line(c.argv) }
            .joined(separator: "\n")
    }

    /// Ansible's check that a password looks like a crypt(3) hash.
    static func passwordWarnings(_ password: String?) -> [String] {
        guard let password, !password.isEmpty, !["*", "!", "*************"].contains(password) else { return [] }
        var invalid = password.contains { ":*!".contains($0) } || !password.contains("$")
        let fields = password.split(separator: "$", omittingEmptySubsequences: false)
        if !invalid {
            if fields.count >= 3 {
                let last = fields[fields.count - 1]
                if last.unicodeScalars.contains(where: { !(CharacterSet.alphanumerics.contains($0) && $0.isASCII) && !"./=".unicodeScalars.contains($0) }) {
                    invalid = true
                }
                let lengths: [Substring: Int] = ["1": 22, "5": 43, "6": 86, "y": 43]
                if let want = lengths[fields[1]], last.count != want { invalid = true }
            } else {
                invalid = true
            }
        }
        return invalid ? ["The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly."] : []
    }

    static func addOutput(_ r: inout TaskResult, _ outcome: SystemScript.Outcome) {
        if !outcome.stdout.isEmpty { r["stdout"] = .string(outcome.stdout) }
        if !outcome.stderr.isEmpty { r["stderr"] = .string(outcome.stderr) }
    }

    static func failure(_ name: String, _ outcome: SystemScript.Outcome) -> TaskResult {
        .failed(outcome.stderr, ["name": .string(name), "rc": .int(outcome.rc)])
    }

    static func finish(_ result: TaskResult, changed: Bool, warnings: [String]) -> TaskResult {
        var r = result
        r.changed = changed
        if !warnings.isEmpty { r["warnings"] = .list(warnings.map(Value.string)) }
        return r
    }
}
