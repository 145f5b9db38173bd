import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `group`: makes a local group be present with the gid asked (or absent) with
/// `groupadd`/`groupmod`/`groupdel`, or busybox's `addgroup`/`delgroup` (and an edit of
/// /etc/group for a new gid) where the shadow tools are missing. One probe, then one command.
public struct GroupModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "group", arguments: [
        ArgumentSpec("name", .string, required: true),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
        ArgumentSpec("gid", .int),
        ArgumentSpec("system", .bool, defaultValue: false),
        ArgumentSpec("non_unique", .bool, defaultValue: false),
        ArgumentSpec("force", .bool, defaultValue: false),
        ArgumentSpec("local", .bool, defaultValue: false),
        ArgumentSpec("gid_min", .int),
        ArgumentSpec("gid_max", .int),
    ])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let name = context.string("name") ?? ""
        let gid = context.int("gid")
        let present = context.string("state") != "absent"
        if context.bool("non_unique") && gid == nil { return .failed("non_unique is True but all of the following are missing: gid") }
        if context.bool("local") { return .failed("local=true (lgroupadd) is not supported by play's group module") }
        do {
            let db = AccountDatabase(try await SystemScript.run(AccountDatabase.probe(user: nil), context: context))
            let busybox = !db.tools.contains("groupadd") && db.tools.contains("addgroup")
            let current = db.groups.first { $0.name == name }
            var r = TaskResult(["name": .string(name), "state": .string(present ? "present" : "absent")])
            var script: String?
            if !present {
                if current != nil {
                    if context.checkMode { return TaskResult(["changed": true]) }
                    let argv = busybox ? ["delgroup", name] : ["groupdel"] + (context.bool("force") ? ["-f"] : []) + [name]
                    script = "_prun " + SystemScript.line(argv)
                }
            } else if let current {
                if let gid, gid != current.gid {
                    if busybox {
                        if db.groups.contains(where: { $0.gid == gid }) { return .failed("gid '\(gid)' in use") }
                        script = context.checkMode ? "" : Self.busyboxRenumber(name: name, from: current.gid, to: gid)
                    } else {
                        script = context.checkMode ? "" : "_prun " + SystemScript.line(
                            ["groupmod", "-g", String(gid)] + (context.bool("non_unique") ? ["-o"] : []) + [name])
                    }
                }
            } else {
                if context.checkMode { return TaskResult(["changed": true]) }
                var argv = [busybox ? "addgroup" : "groupadd"]
                if let gid { argv += ["-g", String(gid)] + (context.bool("non_unique") && !busybox ? ["-o"] : []) }
                if context.bool("system") { argv.append(busybox ? "-S" : "-r") }
                if let min = context.int("gid_min") { argv += ["-K", "GID_MIN=\(min)"] }
                if let max = context.int("gid_max") { argv += ["-K", "GID_MAX=\(max)"] }
                script = "_prun " + SystemScript.line(argv + [name])
            }
            r.changed = script != nil
            if let script, !script.isEmpty {
                let records = try await SystemScript.run(script + "\n" + #"printf 'gr=%s\0' "$(_pdb group \#(ShellWords.quote(name)))""#,
                                                         context: context)
                let outcome = SystemScript.Outcome(records)
                if outcome.failed { return .failed(outcome.stderr, ["name": .string(name)]) }
                UserModule.addOutput(&r, outcome)
                let fields = (records["gr"] ?? "").split(separator: ":", omittingEmptySubsequences: false)
                if fields.count >= 3, let after = Int(fields[2]) {
                    r["system"] = .bool(context.bool("system"))
                    r["gid"] = .int(after)
                }
            } else if let current, present {
                r["system"] = .bool(context.bool("system"))
                r["gid"] = .int(context.checkMode ? current.gid : (gid ?? current.gid))
            }
            return r
        } catch let refusal as SystemScript.Refusal {
            return refusal.result
        }
    }

    /// busybox has no groupmod: the group's line in /etc/group gets the new gid in place.
    private static func busyboxRenumber(name: String, from old: Int, to new: Int) -> String {
        #"""
        _pgn=\#(ShellWords.quote(name))
        _pgt=$(mktemp /etc/.group.XXXXXX) || _pfail "could not write beside /etc/group"
        awk -F: -v OFS=: -v n="$_pgn" -v o=\#(old) -v g=\#(new) '$1 == n && $3 == o { $3 = g } { print }' /etc/group > "$_pgt" &&
          chmod 644 "$_pgt" && mv -f "$_pgt" /etc/group || { rm -f "$_pgt"; _pfail "could not update /etc/group"; }
        printf 'rc=0\0ran=1\0'
        """#
    }
}
