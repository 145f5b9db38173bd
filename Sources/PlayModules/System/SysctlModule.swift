import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `ansible.posix.sysctl`: keeps `name=value` in a sysctl file (the file is rewritten in the
/// collection's normal form: `key=value` lines without spaces, a key's later duplicates
/// dropped, comments kept), optionally sets the running value with `sysctl -w` and reloads the
/// file with `sysctl -p`. Over `sh`: one command reads the file and the running value, one
/// writes and applies. Result: `changed`, as the collection's.
public struct SysctlModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "sysctl", arguments: [
        ArgumentSpec("name", .string, required: true, aliases: ["key"]),
        ArgumentSpec("value", .string, aliases: ["val"]),
        ArgumentSpec("state", .string, choices: ["present", "absent"], defaultValue: "present"),
        ArgumentSpec("reload", .bool, defaultValue: true),
        ArgumentSpec("sysctl_set", .bool, defaultValue: false),
        ArgumentSpec("ignoreerrors", .bool, defaultValue: false),
        ArgumentSpec("sysctl_file", .path, defaultValue: "/etc/sysctl.conf"),
    ], freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let name = (context.string("name") ?? "").trimmingCharacters(in: .whitespaces)
        let present = context.string("state") != "absent"
        guard !name.isEmpty else { return .failed("name cannot be blank") }
        let value = Self.normalised(context.args["value"])
        if present {
            guard let value else { return .failed("state is present but all of the following are missing: value") }
            guard !value.isEmpty else { return .failed("value cannot be blank") }
        }
        let path = context.string("sysctl_file") ?? "/etc/sysctl.conf"
        let ignoreErrors = context.bool("ignoreerrors")
        do {
            let file = try await RemoteTextFile.read(path, context: context)
            if file.state == .directory { return .failed("Failed to open \(file.path): it is a directory") }
            let running = try await runningValue(name, context)
            let plan = SysctlFile(text: file.text ?? "")
            let inFile = plan.values[name]
            let newText = plan.setting(name, to: present ? value : nil)
            let wantValue = value ?? ""
            // The file changes when the key is missing, unwanted or different; a file already
            // right still counts as a change when a reload would set a different running value.
            let writeFile = present ? inFile != wantValue : inFile != nil
            var changed = writeFile
            if !writeFile, present, context.bool("reload") {
                changed = running.map { !Self.sameWords($0, wantValue) } ?? true
            }
            var setRunning = false
            if context.bool("sysctl_set"), present {
                if let running {
                    setRunning = !Self.sameWords(running, wantValue)
                    changed = changed || setRunning
                } else {
                    changed = true
                }
            }
            var result = TaskResult(["changed": .bool(changed)])
            guard !context.checkMode else { return result }
            if setRunning, let failure = try await apply(Self.setCommand(name, wantValue, ignoreErrors), "setting \(name) failed: ", context) {
                return failure
            }
            if writeFile {
                _ = try await file.write(Data(newText.utf8), context: context, mode: nil, owner: nil, group: nil,
                                         backup: false, validate: nil, makeParents: false)
            }
            if changed && context.bool("reload") {
                let reload = "sysctl \(ignoreErrors ? "-e " : "")-p \(ShellWord.expanded(file.path))"
                if let failure = try await apply(reload, "Failed to reload sysctl: ", context) { return failure }
            }
            result.changed = changed
            return result
        } catch let failure as RemoteTextFile.Failure {
            return failure.result
        }
    }

    /// The value as the collection reads it: booleans and yes/no/on/off as 1/0, text trimmed.
    static func normalised(_ raw: Value?) -> String? {
        switch raw {
        case nil, .null?: return nil
        case .bool(let b)?: return b ? "1" : "0"
        case let value?:
            let text = value.renderedString
            switch text.lowercased() {
            case "yes", "on", "1", "true", "y", "t": return "1"
            case "no", "off", "0", "false", "n", "f": return "0"
            default: return text.trimmingCharacters(in: .whitespaces)
            }
        }
    }

    /// Values compare word by word (`4096 87380 6291456` whatever the spacing).
    static func sameWords(_ a: String, _ b: String) -> Bool {
        a.split(whereSeparator: \.isWhitespace) == b.split(whereSeparator: \.isWhitespace)
    }

    static func setCommand(_ name: String, _ value: String, _ ignoreErrors: Bool) -> String {
        let quoted = value.split(whereSeparator: \.isWhitespace).isEmpty ? value : "\"\(value)\""
        return "sysctl \(ignoreErrors ? "-e " : "")-w \(ShellWord.quote(name + "=" + quoted))"
    }

    /// The running value (`sysctl -e -n`), nil when the key does not exist or cannot be read.
    private func runningValue(_ name: String, _ context: ModuleContext) async throws -> String? {
        let answer = try await context.connection().run(CommandRequest(
            command: "LC_ALL=C sysctl -e -n \(ShellWord.quote(name))", environment: context.environment,
            become: context.become, becomeUser: context.becomeUser))
        guard answer.exitCode == 0 else { return nil }
        return answer.stdoutText
    }

    /// Runs a sysctl command; a failure (or sysctl's "Invalid argument"/"Read-only file system"
    /// complaints, which it reports with status 0) becomes the failed result.
    private func apply(_ command: String, _ prefix: String, _ context: ModuleContext) async throws -> TaskResult? {
        let answer = try await context.connection().run(CommandRequest(
            command: "LC_ALL=C " + command, environment: context.environment, become: context.become,
            becomeUser: context.becomeUser))
        let stderr = answer.stderrText
        let complained = stderr.split(separator: "\n").contains {
            $0.hasPrefix("sysctl: setting key \"") && ($0.hasSuffix(": Invalid argument") || $0.hasSuffix(": Read-only file system"))
        }
        guard answer.exitCode != 0 || complained else { return nil }
        return .failed(prefix + answer.stdoutText + stderr)
    }
}
