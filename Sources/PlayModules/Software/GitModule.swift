import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `git`: clones `repo` into `dest` on the target, or fetches and checks out `version` in an
/// existing clone, with the target's own `git` (one command, `GitScript`). Results as
/// Ansible's: `before`/`after` commits, `remote_url_changed` when the clone existed, and in
/// diff mode `diff.prepared` (the `git diff` between the two). Check mode asks the remote
/// (`ls-remote`) what `version` names and changes nothing.
public struct GitModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "git", arguments: [
        ArgumentSpec("repo", .string, required: true, aliases: ["name"]),
        ArgumentSpec("dest", .path),
        ArgumentSpec("version", .string, defaultValue: "HEAD"),
        ArgumentSpec("remote", .string, defaultValue: "origin"),
        ArgumentSpec("refspec", .string),
        ArgumentSpec("clone", .bool, defaultValue: true),
        ArgumentSpec("update", .bool, defaultValue: true),
        ArgumentSpec("force", .bool, defaultValue: false),
        ArgumentSpec("depth", .int),
        ArgumentSpec("accept_hostkey", .bool, defaultValue: false),
        ArgumentSpec("accept_newhostkey", .bool, defaultValue: false),
        ArgumentSpec("ssh_opts", .string),
        ArgumentSpec("key_file", .path),
        ArgumentSpec("single_branch", .bool, defaultValue: false),
        ArgumentSpec("bare", .bool, defaultValue: false),
        ArgumentSpec("executable", .path),
        ArgumentSpec("umask", .raw),
        ArgumentSpec("recursive", .bool, defaultValue: true),
        ArgumentSpec("track_submodules", .bool, defaultValue: false),
        ArgumentSpec("verify_commit", .bool, defaultValue: false),
        ArgumentSpec("reference", .string),
        ArgumentSpec("separate_git_dir", .path),
        ArgumentSpec("archive", .path),
        ArgumentSpec("archive_prefix", .string),
        ArgumentSpec("gpg_allowlist", .list, aliases: ["gpg_whitelist"], defaultValue: [], elements: .string),
    ], freeForm: .keyValue, mutuallyExclusive: [["separate_git_dir", "bare"], ["accept_hostkey", "accept_newhostkey"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let repo = context.string("repo") ?? ""
        let dest = context.string("dest") ?? ""
        let clone = context.bool("clone", default: true)
        if dest.isEmpty && clone {
            return .failed("the destination directory must be specified unless clone=no")
        }
        for unsupported in ["separate_git_dir", "archive", "reference"] where context.string(unsupported) != nil {
            return .failed("git's \(unsupported) argument is not supported by play yet")
        }
        if context.bool("verify_commit") { return .failed("git's verify_commit argument is not supported by play yet") }
        var script = GitScript(repo: repo, dest: dest)
        script.version = context.string("version") ?? "HEAD"
        script.remote = context.string("remote") ?? "origin"
        script.clone = clone
        script.update = context.bool("update", default: true)
        script.force = context.bool("force")
        script.depth = context.int("depth")
        script.singleBranch = context.bool("single_branch")
        script.bare = context.bool("bare")
        script.refspec = context.string("refspec")
        script.executable = context.string("executable")
        script.checkMode = context.checkMode
        script.diff = context.diffMode
        var text = script.text
        if let umask = context.args["umask"], !umask.isNull {
            let digits = umask.renderedString
            guard !digits.isEmpty, digits.allSatisfy({ ("0"..."7").contains($0) }) else {
                return .failed("umask must be an octal integer")
            }
            text = "umask \(digits)\n" + text
        }
        var environment = context.environment
        if let ssh = Self.sshCommand(context) { environment["GIT_SSH_COMMAND"] = ssh }
        let connection = try await context.connection()
        let answer = try await connection.run(CommandRequest(
            command: text, environment: environment, become: context.become, becomeUser: context.becomeUser))
        let records = ScriptRecords(answer.stdout)
        var r = TaskResult(["changed": false])
        r["before"] = records["before"].map(Value.string) ?? .null
        r["after"] = records["after"].map(Value.string) ?? .null
        if let changed = records["url_changed"] { r["remote_url_changed"] = .bool(changed == "1") }
        if let failure = records.failure(of: answer) {
            var f = failure
            for (k, v) in r.values where f[k] == nil { f[k] = v }
            return f
        }
        r.changed = records.flag("changed")
        if let msg = records["msg"] { r["msg"] = .string(msg) }
        if let warning = records["warning"] { r["warnings"] = .list([.string(warning)]) }
        if let prepared = records["prepared"] { r["diff"] = .dict(["prepared": .string(prepared)]) }
        return r
    }

    /// `GIT_SSH_COMMAND` for `accept_hostkey`, `accept_newhostkey`, `key_file` and `ssh_opts`.
    static func sshCommand(_ context: ModuleContext) -> String? {
        var words = ["ssh"]
        if context.bool("accept_hostkey") { words += ["-o", "StrictHostKeyChecking=no"] }
        if context.bool("accept_newhostkey") { words += ["-o", "StrictHostKeyChecking=accept-new"] }
        if let key = context.string("key_file") { words += ["-i", key, "-o", "IdentitiesOnly=yes"] }
        var command = words.map(ShellWords.quote).joined(separator: " ")
        if let options = context.string("ssh_opts") { command += " " + options }
        return words.count == 1 && context.string("ssh_opts") == nil ? nil : command
    }
}
