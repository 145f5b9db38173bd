import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `mount` (ansible.posix): an fstab entry (in /etc/fstab or the file `fstab` names) and the
/// mount itself. One command reads the fstab (creating it when missing, as Ansible does even in
/// check mode) and whether the path is a mount point; the entry is edited on the controller
/// (`FstabFile`); one more command writes the fstab and runs `mount`/`umount`, putting the old
/// fstab back when mounting fails.
public struct MountModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "mount", arguments: [
        ArgumentSpec("path", .path, required: true, aliases: ["name"]),
        ArgumentSpec("state", .string, required: true,
                     choices: ["absent", "absent_from_fstab", "mounted", "present", "unmounted", "remounted", "ephemeral"]),
        ArgumentSpec("src", .path),
        ArgumentSpec("fstype", .string),
        ArgumentSpec("opts", .string),
        ArgumentSpec("dump", .string, defaultValue: "0"),
        ArgumentSpec("passno", .string, defaultValue: "0"),
        ArgumentSpec("fstab", .string),
        ArgumentSpec("boot", .bool, defaultValue: true),
        ArgumentSpec("backup", .bool, defaultValue: false),
    ])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let state = context.string("state") ?? ""
        let name = context.string("path") ?? ""
        if ["mounted", "present", "ephemeral"].contains(state) {
            let missing = ["src", "fstype"].filter { context.string($0) == nil }
            if !missing.isEmpty { return .failed("state is \(state) but all of the following are missing: \(missing.joined(separator: ", "))") }
        }
        var args: OrderedDictionary<String, Value> = ["name": .string(name), "opts": "defaults", "dump": "0", "passno": "0",
                                                      "fstab": .string(context.string("fstab") ?? "/etc/fstab"), "boot": "yes"]
        var warnings: [String] = []
        args["backup_file"] = ""
        for key in ["src", "fstype", "passno", "opts", "dump", "fstab"] {
            if let v = context.string(key) { args[key] = .string(v) }
        }
        var opts = (args["opts"]?.renderedString ?? "defaults").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if opts.contains("noauto") {
            warnings.append("Ignore the 'boot' due to 'opts' contains 'noauto'.")
        } else if !context.bool("boot", default: true) {
            args["boot"] = "no"
            if opts.contains("defaults") {
                warnings.append("Ignore the 'boot' due to 'opts' contains 'defaults'.")
            } else {
                opts.append("noauto")
                args["opts"] = .string(opts.joined(separator: ","))
            }
        }
        let fstab = args["fstab"]?.renderedString ?? "/etc/fstab"
        let src = context.string("src")
        let fstype = context.string("fstype")
        let wanted = FstabFile.Entry(src: src ?? "", name: name, fstype: fstype ?? "", opts: args["opts"]!.renderedString,
                                     dump: args["dump"]!.renderedString, passno: args["passno"]!.renderedString)
        do {
            let read = try await SystemScript.run(Self.readScript(fstab: state == "ephemeral" ? nil : fstab, path: name), context: context)
            let oldText = read["text"].map { String($0.dropLast()) } ?? ""
            var file = FstabFile(text: oldText)
            let mounted = read.flag("mounted")
            var changed = false
            var steps: [String] = []
            let mountArgs = Self.mountArguments(state: state, fstab: fstab, fstype: fstype ?? "", opts: wanted.opts, src: src ?? "")
            switch state {
            case "absent_from_fstab", "absent":
                changed = file.unset(name: name, src: src)
                if changed {
                    steps.append("_pwfstab")
                    if state == "absent" {
                        steps.append(#"if [ "$_pmounted" = 1 ]; then _pmsg="Error unmounting $_pmp: "; _prun umount -- "$_pmp"; fi"#)
                        steps.append(#"if [ -e "$_pmp" ]; then _pe=$(rmdir -- "$_pmp" 2>&1) || _pfail "Error rmdir $_pmp: $_pe"; fi"#)
                    }
                }
            case "unmounted":
                if mounted {
                    changed = true
                    steps.append(#"_pmsg="Error unmounting $_pmp: "; _prun umount -- "$_pmp""#)
                }
            case "mounted", "ephemeral":
                steps.append(#"_pmkdirs "$_pmp""#)
                if state == "mounted" {
                    changed = file.set(wanted, srcGiven: src != nil)
                    if changed { steps.append("_pwfstab") }
                }
                steps.append(#"_pmsg="Error mounting $_pmp: "; _prestore=1"#)
                if mounted {
                    if state == "ephemeral" {
                        guard read["src"] == src else {
                            return .failed("Ephemeral mount point is already mounted with a different source than the specified one."
                                + " Failing in order to prevent an unwanted unmount or override operation. Try replacing this command"
                                + " with a \"state: unmounted\" followed by a \"state: ephemeral\", or use a different destination path.")
                        }
                        changed = true
                    }
                    if changed { steps.append(Self.remountStep(state: state, opts: wanted.opts, mountArgs: mountArgs)) }
                } else {
                    changed = true
                    steps.append("_prun mount \(mountArgs) -- \"$_pmp\"")
                }
            case "present":
                changed = file.set(wanted, srcGiven: src != nil)
                if changed { steps.append("_pwfstab") }
            case "remounted":
                changed = true
                steps.append(#"_pmsg="Error remounting $_pmp: ""#)
                steps.append(Self.remountStep(state: state, opts: wanted.opts, mountArgs: mountArgs))
            default:
                return .failed("Unexpected position reached")
            }
            if !context.checkMode && !steps.isEmpty {
                let script = Self.actionFunctions(fstab: fstab, path: name, oldText: oldText, backup: context.bool("backup"),
                                                  mounted: mounted) + "\n" + steps.joined(separator: "\n")
                let records = try await SystemScript.run(script, context: context, stdin: Data(file.text.utf8))
                let outcome = SystemScript.Outcome(records)
                if outcome.failed { return .failed((records["msg"] ?? "") + outcome.stdout + outcome.stderr) }
                if let backup = records["backup"] { args["backup_file"] = .string(backup) }
            }
            var r = TaskResult(["changed": .bool(changed)])
            for (k, v) in args { r[k] = v }
            if !warnings.isEmpty { r["warnings"] = .list(warnings.map(Value.string)) }
            return r
        } catch let refusal as SystemScript.Refusal {
            return refusal.result
        }
    }

    /// `-T FSTAB` for another fstab; ephemeral mounts name their type, options and source.
    private static func mountArguments(state: String, fstab: String, fstype: String, opts: String, src: String) -> String {
        if state == "ephemeral" {
            return SystemScript.line(["-t", fstype] + (opts != "defaults" ? ["-o", opts] : []) + [src])
        }
        return fstab != "/etc/fstab" ? SystemScript.line(["-T", fstab]) : ""
    }

    /// `mount -o remount`, falling back to umount and mount (not when options were asked for).
    private static func remountStep(state: String, opts: String, mountArgs: String) -> String {
        let withOpts = state == "remounted" && opts != "defaults"
        let option = withOpts ? "remount," + opts : "remount"
        let fallback = withOpts
            ? #"_pfail 'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.'"#
            : #"_prun umount -- "$_pmp"; _prun mount \#(mountArgs) -- "$_pmp""#
        return #"""
            if ! mount -o \#(ShellWords.quote(option)) \#(mountArgs) -- "$_pmp" >/dev/null 2>&1; then
              \#(fallback)
            fi
            """#
    }

    private static func readScript(fstab: String?, path: String) -> String {
        var s = ["_pmp=\(ShellWords.quote(path))"]
        if let fstab {
            s.append(#"""
                _pft=\#(ShellWords.quote(fstab))
                if [ ! -e "$_pft" ]; then
                  mkdir -p -- "$(dirname -- "$_pft")" 2>/dev/null
                  : >> "$_pft" || _pfail "Failed to open $_pft due to permission issue"
                fi
                printf 'text=%s\0' "$(cat -- "$_pft"; printf x)"
                """#)
        }
        // A mount point in the mount table (fields octal-escaped), or a directory on another device than its parent.
        s.append(#"""
            _pesc=$(printf '%s' "$_pmp" | sed 's/\\/\\134/g; s/ /\\040/g; s/	/\\011/g')
            _pmi=$(awk -v p="$_pesc" '$5 == p { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 2); break } }' /proc/self/mountinfo 2>/dev/null | tail -n 1)
            if [ -n "$_pmi" ]; then printf 'mounted=1\0src=%s\0' "$_pmi"
            elif [ -d "$_pmp" ] && [ "$(stat -c %d -- "$_pmp")" != "$(stat -c %d -- "$_pmp/..")" ]; then printf 'mounted=1\0'; fi
            """#)
        return s.joined(separator: "\n")
    }

    /// `_pwfstab` (standard input to the fstab, after a backup), `_pmkdirs` (the mount point,
    /// remembering what it made), and the failure path: a failed mount puts the old fstab back
    /// and removes the directories made.
    private static func actionFunctions(fstab: String, path: String, oldText: String, backup: Bool, mounted: Bool) -> String {
        #"""
        _pmp=\#(ShellWords.quote(path)); _pft=\#(ShellWords.quote(fstab)); _pmounted=\#(mounted ? 1 : 0)
        _pmsg=; _prestore=0; _pmade=; _pwrote=0
        _pwfstab() {
          if [ \#(backup ? 1 : 0) = 1 ]; then
            _pb="$_pft.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$_pft" "$_pb" && printf 'backup=%s\0' "$_pb"
          fi
          cat > "$_pft" || _pfail "could not write $_pft"
          _pwrote=1
        }
        _pmkdirs() {
          [ -e "$1" ] && return 0
          _pcur=
          _prest=${1#/}
          while [ -n "$_prest" ]; do
            _pseg=${_prest%%/*}; case $_prest in */*) _prest=${_prest#*/};; *) _prest=;; esac
            [ -n "$_pseg" ] || continue
            case $1 in /*) _pcur="$_pcur/$_pseg";; *) _pcur="${_pcur:+$_pcur/}$_pseg";; esac
            if [ ! -e "$_pcur" ]; then
              _pe=$(mkdir -- "$_pcur" 2>&1) || _pfail "Error making dir $1: $_pe"
              _pmade="$_pcur
        $_pmade"
            fi
          done
        }
        _pundo() {
          if [ "$_prestore" = 1 ]; then
            [ "$_pwrote" = 1 ] && printf '%s' \#(ShellWords.quote(oldText)) > "$_pft" 2>/dev/null
            printf '%s\n' "$_pmade" | while IFS= read -r _pd; do [ -n "$_pd" ] && rmdir -- "$_pd" 2>/dev/null; done
          fi
        }
        trap '[ "${_prc:-0}" = 0 ] || { _pundo; printf "msg=%s\0" "$_pmsg"; }' EXIT
        """#
    }
}
