import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `apt_repository`: adds or removes a one-line APT source. The first command reads the
/// target's source files (where `apt-config` says they are, so `APT_CONFIG` in the task's
/// environment points the module at another tree); the edit is worked out here
/// (`AptSourcesList`); a second command writes only the files that change (atomically,
/// through symbolic links, `mode` on files that gained a source) and runs `apt-get update`
/// when `update_cache` is on. Check mode and diff as in Ansible. `ppa:` shorthands need
/// Launchpad and are refused.
public struct AptRepositoryModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "apt_repository", arguments: [
        ArgumentSpec("repo", .string, required: true),
        ArgumentSpec("state", .string, choices: ["absent", "present"], defaultValue: "present"),
        ArgumentSpec("mode", .raw),
        ArgumentSpec("update_cache", .bool, aliases: ["update-cache"], defaultValue: true),
        ArgumentSpec("update_cache_retries", .int, defaultValue: 5),
        ArgumentSpec("update_cache_retry_max_delay", .int, defaultValue: 12),
        ArgumentSpec("filename", .string),
        ArgumentSpec("install_python_apt", .bool, defaultValue: true),
        ArgumentSpec("validate_certs", .bool, defaultValue: true),
        ArgumentSpec("codename", .string),
    ], freeForm: .keyValue)

    static let readScript = #"""
        _plist=; _pparts=
        command -v apt-config >/dev/null 2>&1 && eval "$(apt-config shell _plist Dir::Etc::sourcelist/f _pparts Dir::Etc::sourceparts/d)"
        [ -n "$_plist" ] || _plist=/etc/apt/sources.list
        [ -n "$_pparts" ] || _pparts=/etc/apt/sources.list.d/
        printf 'default=%s\0parts=%s\0' "$_plist" "$_pparts"
        _pshow() { printf 'file=%s\0' "$1"; [ -L "$1" ] && printf 'link=%s\0' "$(readlink -f "$1")"; printf 'text='; cat "$1"; printf '\0'; }
        [ -f "$_plist" ] && _pshow "$_plist"
        for _pf in "${_pparts%/}"/*.list; do [ -f "$_pf" ] && _pshow "$_pf"; done
        exit 0
        """#

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let repo = context.string("repo") ?? ""
        let state = context.string("state") ?? "present"
        guard !repo.isEmpty else { return .failed("Please set argument 'repo' to a non-empty value") }
        if repo.hasPrefix("ppa:") {
            return .failed("ppa: repositories need Launchpad's API, which play does not call: give the deb line and add the key with apt_key")
        }
        let mode: FileMode?
        switch FileAttributeArguments.mode(context) {
        case .success(let m): mode = m
        case .failure(let error): return .failed(error.description)
        }
        let connection = try await context.connection()
        let read = try await connection.run(request(Self.readScript, context))
        guard read.exitCode == 0 else { return .failed("could not read the APT sources: \(read.stderrText)") }
        var list = AptSourcesList(defaultFile: "/etc/apt/sources.list", partsDirectory: "/etc/apt/sources.list.d")
        var links: [String: String] = [:]
        var current: String?
        for record in read.stdout.split(separator: 0) {
            let text = String(decoding: record, as: UTF8.self)
            guard let eq = text.firstIndex(of: "=") else { continue }
            let key = text[..<eq], value = String(text[text.index(after: eq)...])
            switch key {
            case "default": list.defaultFile = value
            case "parts": list = AptSourcesList(defaultFile: list.defaultFile, partsDirectory: value)
            case "file": current = value
            case "link": if let current { links[current] = value }
            case "text": if let current { list.load(current, text: value) }
            default: break
            }
        }
        let before = list.dump()
        let filesBefore = Set(list.files.keys)
        do {
            if state == "present" { try list.add(repo, filename: context.string("filename")) } else { try list.remove(repo) }
        } catch {
            return .failed("Invalid repository string: \(error.line)")
        }
        let after = list.dump()
        let changed = before != after
        let added = changed ? after.keys.filter { before[$0] == nil } : []
        let removed = changed ? before.keys.filter { after[$0] == nil } : []
        var r = TaskResult(["changed": .bool(changed), "repo": .string(repo),
                            "sources_added": .list(added.map(Value.string)), "sources_removed": .list(removed.map(Value.string)),
                            "state": .string(state)])
        var diff: [Value] = []
        if context.diffMode {
            for file in added + removed {
                diff.append(.dict(["before": .string(before[file] ?? ""), "after": .string(after[file] ?? ""),
                                   "before_header": .string(before[file] == nil ? "/dev/null" : file),
                                   "after_header": .string(after[file] == nil ? "/dev/null" : file)]))
            }
        }
        r["diff"] = .list(diff)
        guard changed, !context.checkMode else { return r }
        // Files that gained a source get `mode` (0644 by default), as Ansible's new_repos do.
        let gained = Set(after.keys.filter { after[$0] != before[$0] && (state == "present") })
        var s = [#"_pfail() { printf 'failed=%s\0' "$1"; exit 0; }"#]
        s.append(#"""
            _pwrite() {
              _pd=${1%/*}; [ -n "$_pd" ] || _pd=/
              mkdir -p "$_pd" || _pfail "Failed to create directory $_pd"
              _pt=$(mktemp "$_pd/.${1##*/}-XXXXXX") || _pfail "Unable to create temp file at '$_pd' for apt source."
              printf '%s' "$2" > "$_pt" || { rm -f "$_pt"; _pfail "Failed to write to file '$_pt'."; }
              if [ -e "$1" ]; then chmod "$(stat -c %a "$1")" "$_pt"; else chmod "$(printf %o $((0666 & ~$(umask))))" "$_pt"; fi
              mv -f "$_pt" "$1" || { rm -f "$_pt"; _pfail "could not move the new file into place at $1"; }
              if [ -n "$3" ]; then chmod "$3" "$1" || _pfail "could not set the mode of $1"; fi
            }
            """#)
        for (file, text) in after where before[file] != text {
            let target = links[file] ?? file
            let newMode = gained.contains(file) ? (mode?.shellText ?? "0644") : ""
            s.append("_pwrite \(ShellWords.quote(target)) \(ShellWords.quote(text)) \(ShellWords.quote(newMode))")
        }
        for file in filesBefore where after[file] == nil && before[file] != nil {
            s.append("rm -f -- \(ShellWords.quote(file))")
        }
        if context.bool("update_cache", default: true) {
            s.append(#"_pe=$(apt-get update -q 2>&1) || _pfail "Failed to update apt cache: $_pe""#)
        }
        s.append("exit 0")
        let write = try await connection.run(request(s.joined(separator: "\n"), context))
        if let failure = ScriptRecords(write.stdout).failure(of: write) { return failure }
        return r
    }

    private func request(_ script: String, _ context: ModuleContext) -> CommandRequest {
        CommandRequest(command: script, environment: context.environment, become: context.become,
                       becomeUser: context.becomeUser)
    }
}
