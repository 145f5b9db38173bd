import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage
import PlayTemplating

/// `pip`: installs, upgrades or removes Python packages with the target's pip. A Python is
/// needed on the target by the nature of the task, but the module itself is a shell script
/// (one command): it finds pip (`executable`, the virtualenv's, else `pip3` or `python3 -m
/// pip`), creates the virtualenv with `virtualenv_command` when it is missing, runs pip as
/// Ansible builds the command line, and judges the change as Ansible does (pip's "Successfully
/// installed/uninstalled", or the `pip list` before and after for requirements files and VCS
/// links). Check mode compares `pip list --format=freeze` with the requested packages.
public struct PipModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "pip", arguments: [
        ArgumentSpec("name", .list, elements: .string),
        ArgumentSpec("version", .string),
        ArgumentSpec("requirements", .string),
        ArgumentSpec("virtualenv", .path),
        ArgumentSpec("virtualenv_site_packages", .bool, defaultValue: false),
        ArgumentSpec("virtualenv_command", .path, defaultValue: "virtualenv"),
        ArgumentSpec("virtualenv_python", .string),
        ArgumentSpec("state", .string, choices: ["absent", "forcereinstall", "latest", "present"], defaultValue: "present"),
        ArgumentSpec("extra_args", .string),
        ArgumentSpec("editable", .bool, defaultValue: false),
        ArgumentSpec("chdir", .path),
        ArgumentSpec("executable", .path),
        ArgumentSpec("umask", .string),
        ArgumentSpec("break_system_packages", .bool, defaultValue: false),
    ], freeForm: .keyValue, mutuallyExclusive: [["name", "requirements"], ["executable", "virtualenv"]],
       requiredOneOf: [["name", "requirements"]])

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let state = context.string("state") ?? "present"
        let names = (context.list("name") ?? []).map(\.renderedString)
        let version = context.string("version")
        let requirements = context.string("requirements")
        if state == "latest" && version != nil { return .failed("version is incompatible with state=latest") }
        if version != nil && names.count > 1 { return .failed("'version' argument is ambiguous when installing multiple package distributions. Please specify version restrictions next to each package in 'name' argument.") }
        let extra: [String]
        do {
            extra = try ShellWords.split(context.string("extra_args") ?? "")
        } catch {
            return .failed("cannot split extra_args into words: \(error)")
        }
        let packages = names.map { name in version.map { "\(name)==\($0)" } ?? name }
        var env = context.string("virtualenv")
        if let e = env, let chdir = context.string("chdir"), !e.hasPrefix("/") { env = chdir + "/" + e }
        let q = ShellWords.quote
        var s = [#"_pfail() { printf 'failed=%s\0' "$1"; exit 0; }"#]
        if let umask = context.string("umask") {
            guard !umask.isEmpty, umask.allSatisfy({ ("0"..."7").contains($0) }) else { return .failed("umask must be an octal integer") }
            s.append("umask \(umask)")
        }
        s.append("_pdir=\(context.string("chdir").map(ShellWord.expanded) ?? "\"${TMPDIR:-/tmp}\""); cd \"$_pdir\" || _pfail \"cannot change to $_pdir\"")
        s.append("_pout=; _perr=; _pcreated=0")
        if let env {
            var venv = try ShellWords.split(context.string("virtualenv_command") ?? "virtualenv")
            if context.bool("virtualenv_site_packages") { venv.append("--system-site-packages") }
            if let python = context.string("virtualenv_python") {
                if venv.contains("venv") || venv.contains("pyvenv") {
                    return .failed("virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command")
                }
                venv += ["-p", python]
            }
            s.append("_penv=\(ShellWord.expanded(env))")
            s.append(#"""
                if [ ! -e "$_penv/bin/activate" ]; then
                  _pcreated=1
                  if [ \#(context.checkMode ? 1 : 0) = 1 ]; then printf 'changed=1\0'; exit 0; fi
                  command -v \#(q(venv.first ?? "virtualenv")) >/dev/null 2>&1 || _pfail "Failed to find required executable \"\#(venv.first ?? "virtualenv")\" in paths"
                  if ! \#(venv.map(q).joined(separator: " ")) "$_penv" > "$_pdir/.play-venv-out" 2>&1; then
                    _pe=$(cat "$_pdir/.play-venv-out"); rm -f "$_pdir/.play-venv-out"; _pfail "Failed to create the virtualenv: $_pe"
                  fi
                  _pout=$(cat "$_pdir/.play-venv-out"); rm -f "$_pdir/.play-venv-out"
                fi
                _ppip=
                for _pn in pip3 pip; do [ -x "$_penv/bin/$_pn" ] && { _ppip=$_penv/bin/$_pn; break; }; done
                [ -n "$_ppip" ] || _pfail "Unable to find pip in the virtualenv, $_penv, under any of these names: pip3, pip. Make sure pip is present in the virtualenv."
                set -- "$_ppip"
                """#)
        } else if let executable = context.string("executable") {
            s.append("_ppip=\(ShellWord.expanded(executable))")
            s.append(#"""
                case $_ppip in /*) ;; *) _ppip=$(command -v "$_ppip") || _pfail "Unable to find any of \#(executable) to use.  pip needs to be installed.";; esac
                set -- "$_ppip"
                """#)
        } else {
            s.append(#"""
                if _ppip=$(command -v pip3); then set -- "$_ppip"
                elif _ppy=$(command -v python3) && "$_ppy" -m pip --version >/dev/null 2>&1; then set -- "$_ppy" -m pip
                else _pfail "Unable to find any of pip3 to use.  pip needs to be installed."; fi
                """#)
        }
        s.append(#"_pfreeze() { LC_ALL=C "$@" list --format=freeze 2>/dev/null || "$@" freeze; }"#)
        if context.checkMode {
            if !extra.isEmpty || requirements != nil || state == "latest" || names.isEmpty {
                return TaskResult(["changed": true])
            }
            s.append(#"printf 'pkgcmd=%s list --format=freeze\0freeze=%s\0' "$*" "$(_pfreeze "$@")""#)
        } else {
            let vcs = names.contains { $0.contains("+") && $0.contains("://") || $0.hasPrefix("git+") }
            let stateWords: [String] = switch state {
            case "absent": ["uninstall", "-y"]
            case "latest": ["install", "-U"]
            case "forcereinstall": ["install", "-U", "--force-reinstall"]
            default: ["install"]
            }
            var words = stateWords
            if context.bool("break_system_packages") { words.append("--break-system-packages") }
            words += extra
            if !packages.isEmpty {
                if context.bool("editable") && state != "absent" { words.append("-e") }
                words += packages
            } else if let requirements {
                words += ["-r", requirements]
            }
            let compareFreeze = requirements != nil || vcs
            if compareFreeze { s.append(#"printf 'before=%s\0' "$(_pfreeze "$@")""#) }
            s.append("_pbase=\"$*\"; set -- \"$@\" \(words.map(q).joined(separator: " "))")
            s.append(#"""
                printf 'cmd='; printf '%s\001' "$@"; printf '\0'
                _po=$("$@" 2>"$_pdir/.play-pip-err"); _prc=$?
                _pe=$(cat "$_pdir/.play-pip-err"); rm -f "$_pdir/.play-pip-err"
                printf 'rc=%s\0out=%s\0err=%s\0created=%s\0venvout=%s\0' "$_prc" "$_po" "$_pe" "$_pcreated" "$_pout"
                """#)
            if compareFreeze { s.append(#"set -- $_pbase; printf 'after=%s\0' "$(_pfreeze "$@")""#) }
        }
        let connection = try await context.connection()
        let answer = try await connection.run(CommandRequest(command: s.joined(separator: "\n"), environment: context.environment,
                                                             become: context.become, becomeUser: context.becomeUser))
        let records = ScriptRecords(answer.stdout)
        if let failure = records.failure(of: answer) { return failure }
        if context.checkMode {
            if records["pkgcmd"] == nil { return TaskResult(["changed": .bool(records.flag("changed"))]) }
            let installed = PipRequirement.installed(records["freeze"] ?? "")
            var changed = false
            for package in packages {
                let requirement = PipRequirement(package)
                let present = requirement.plain && requirement.isMet(by: installed[requirement.name])
                if (state == "present" && !present) || (state == "absent" && installed[requirement.name] != nil) { changed = true; break }
            }
            return TaskResult(["changed": .bool(changed), "cmd": .string(records["pkgcmd"] ?? ""),
                               "stdout": .string(records["freeze"] ?? ""), "stderr": ""])
        }
        let out = (records["venvout"].map { $0.isEmpty ? "" : $0 + "\n" } ?? "") + (records["out"] ?? "")
        let err = records["err"] ?? ""
        let cmd = Value.list((records["cmd"] ?? "").split(separator: "\u{1}").map { .string(String($0)) })
        let rc = Int(records["rc"] ?? "") ?? 0
        if rc != 0 && !(rc == 1 && state == "absent" && (out.contains("not installed") || err.contains("not installed"))) {
            // Ansible's message: pip's output and errors.
            let message = [out.isEmpty ? nil : "stdout: \(out)", err.isEmpty ? nil : ":stderr: \(err)"].compactMap { $0 }
                .joined(separator: "\n\n")
            return .failed(message, ["cmd": cmd, "stdout": .string(out), "stderr": .string(err)])
        }
        var changed: Bool
        if state == "absent" {
            changed = out.contains("Successfully uninstalled")
        } else if let before = records["before"] {
            changed = before != records["after"]
        } else {
            changed = out.contains("Successfully installed")
        }
        changed = changed || records.flag("created")
        return TaskResult(["changed": .bool(changed), "cmd": cmd, "name": names.isEmpty ? .null : .list(names.map(Value.string)),
                           "version": version.map(Value.string) ?? .null, "state": .string(state),
                           "requirements": requirements.map(Value.string) ?? .null, "virtualenv": env.map(Value.string) ?? .null,
                           "stdout": .string(out), "stderr": .string(err),
                           "stdout_lines": PythonFormat.lines(out), "stderr_lines": PythonFormat.lines(err)])
    }
}
