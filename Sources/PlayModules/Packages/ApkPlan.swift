import Foundation
import OrderedCollections
import PlayBase

/// community.general.apk's decisions as data, pyinfra-style: what the target's `apk` said about
/// each package (`ApkFacts`) in, the one `apk` command to run (or the result without one) out.
struct ApkPlan: Sendable, Equatable {
    var state = "present"
    var names: [String] = []
    var updateCache = false
    var upgrade = false
    var available = false
    var noCache = false
    var repositories: [String] = []
    var world = "/etc/apk/world"
    var checkMode = false

    /// `apk` and the options every call carries.
    var base: [String] {
        var w = ["apk"]
        if noCache { w.append("--no-cache") }
        for r in repositories { w += ["--repository", r, "--repositories-file", "/dev/null"] }
        return w
    }

    /// What the facts script found.
    struct Facts: Sendable, Equatable {
        /// Entries of the world file.
        var world: [String] = []
        var installed: Set<String> = []
        /// Virtual packages and their dependencies.
        var virtualDependencies: [String: [String]] = [:]
        /// Packages `apk version` reports as upgradable (`<`).
        var outdated: Set<String> = []
    }

    enum Step: Sendable, Equatable {
        /// Nothing to run: the result as it is.
        case done(changed: Bool, message: String)
        /// Run `command`; `message` and `failure` are the result's `msg` on success and failure.
        case run(command: [String], message: String, failure: String, verify: [String])
    }

    /// Whether `name` (or `name` with a version constraint) is a top-level world entry.
    static func inWorld(_ name: String, _ world: [String]) -> Bool {
        world.contains { entry in
            guard entry.hasPrefix(name) else { return false }
            let rest = entry.dropFirst(name.count)
            return rest.isEmpty || (rest.count > 1 && "@=<>~".contains(rest.first!))
        }
    }

    func step(_ facts: Facts) -> Step {
        let simulate = checkMode ? ["--simulate"] : []
        if upgrade {
            return .run(command: base + ["upgrade"] + simulate + (available ? ["--available"] : []),
                        message: "upgraded packages", failure: "failed to upgrade packages", verify: [])
        }
        if updateCache && names.isEmpty {
            return .done(changed: true, message: "updated repository indexes")
        }
        if state == "absent" {
            let installed = names.filter(facts.installed.contains)
            guard !installed.isEmpty else { return .done(changed: false, message: "package(s) already removed") }
            return .run(command: base + ["del", "--purge"] + simulate + installed,
                        message: "removed \(Self.pythonList(installed)) package(s)",
                        failure: "failed to remove \(Self.pythonList(installed)) package(s)", verify: checkMode ? [] : installed)
        }
        var install: [String] = []
        var upgradeList: [String] = []
        for name in names {
            if let deps = facts.virtualDependencies[name] {
                upgradeList += deps.filter { state == "latest" && facts.outdated.contains($0) }
            } else if !Self.inWorld(name, facts.world) {
                install.append(name)
            } else if state == "latest" && facts.outdated.contains(name) {
                upgradeList.append(name)
            }
        }
        if install.isEmpty && upgradeList.isEmpty { return .done(changed: false, message: "package(s) already installed") }
        let packages = install + upgradeList
        let verb = upgradeList.isEmpty ? ["add"] : ["add", "--upgrade"]
        return .run(command: base + verb + simulate + packages, message: "installed \(Self.pythonList(packages)) package(s)",
                    failure: "failed to install \(Self.pythonList(packages))", verify: [])
    }

    /// Python's `str()` of a list of strings, which Ansible's messages embed.
    static func pythonList(_ items: [String]) -> String {
        "[" + items.map { "'\($0)'" }.joined(separator: ", ") + "]"
    }

    /// Package names from apk's progress lines: `(1/3) Installing name (version)`.
    static func packages(in stdout: String) -> [String] {
        stdout.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 3, words[0].hasPrefix("("), words[0].hasSuffix(")"), words[0].contains("/") else { return nil }
            return String(words[2])
        }
    }

    /// The script that reads the facts (after `apk update` when asked; Ansible updates even in
    /// check mode).
    func factsScript() -> String {
        let apk = PackageScript.words(base)
        var s = [#"_rec() { printf '%s=%s\0' "$1" "$2"; }"#,
                 "export LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C",
                 #"command -v apk >/dev/null 2>&1 || { _rec failed 'Failed to find required executable "apk" in paths: '"$PATH"; exit 0; }"#]
        if updateCache {
            s.append(#"_o=$(\#(apk) update 2>"${TMPDIR:-/tmp}/.play-apk-$$") || { _rec failed 'could not update package db'; _rec stdout "$_o"; _rec stderr "$(cat "${TMPDIR:-/tmp}/.play-apk-$$")"; rm -f "${TMPDIR:-/tmp}/.play-apk-$$"; exit 0; }"#)
            s.append(#"rm -f "${TMPDIR:-/tmp}/.play-apk-$$"; _rec update_stdout "$_o""#)
        }
        s.append("_rec world \"$(cat \(ShellWords.quote(world)) 2>/dev/null)\"")
        for (i, name) in names.enumerated() {
            let n = ShellWords.quote(name)
            s.append("\(apk) -v info --installed \(n) >/dev/null 2>&1 && _rec installed_\(i) 1")
            s.append(#"if \#(apk) -v info --description \#(n) 2>/dev/null | grep -q "^"\#(n)": virtual meta package"; then _rec deps_\#(i) "$(\#(apk) -v info --depends \#(n) 2>/dev/null | tail -n +2)"; fi"#)
            if state == "latest" {
                s.append(#"_rec version_\#(i) "$(\#(apk) version \#(n) 2>/dev/null)""#)
                s.append(#"_d=$(\#(apk) -v info --description \#(n) 2>/dev/null | grep "^"\#(n)": virtual meta package" >/dev/null && \#(apk) -v info --depends \#(n) 2>/dev/null | tail -n +2); [ -z "$_d" ] || _rec depversion_\#(i) "$(\#(apk) version $_d 2>/dev/null)""#)
            }
        }
        s.append("_rec done 1")
        return s.joined(separator: "\n")
    }

    /// The facts the script printed.
    func facts(_ records: ScriptRecords) -> Facts {
        var f = Facts()
        f.world = (records["world"] ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        for (i, name) in names.enumerated() {
            if records.flag("installed_\(i)") { f.installed.insert(name) }
            if let deps = records["deps_\(i)"] {
                f.virtualDependencies[name] = deps.split(whereSeparator: \.isWhitespace).map(String.init)
            }
            for key in ["version_\(i)", "depversion_\(i)"] {
                f.outdated.formUnion(Self.outdated(in: records[key] ?? ""))
            }
        }
        return f
    }

    /// Names `apk version` lists as older than the available version: `name-1.0-r0  <  1.1-r0`.
    static func outdated(in output: String) -> [String] {
        output.split(separator: "\n").compactMap { line in
            let words = line.split(whereSeparator: \.isWhitespace)
            guard words.count >= 2, words[1] == "<" else { return nil }
            let parts = words[0].split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count >= 3 else { return nil }
            return parts.dropLast(2).joined(separator: "-")
        }
    }
}
