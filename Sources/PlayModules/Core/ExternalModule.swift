import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// A module that is a program in a modules directory (`library/` beside the playbook,
/// `--module-path`), in any language, talking the way Ansible's modules do: it runs on the
/// controller, gets its arguments as one JSON object on standard input (and, like Ansible's
/// WANT_JSON modules, the path of a file holding the same JSON as its first argument), and
/// prints one JSON object as its result. Arguments include Ansible's `_ansible_check_mode`,
/// `_ansible_diff`, `_ansible_verbosity` and `_ansible_module_name`; a module that cannot work
/// in check mode should answer `{"skipped": true, ...}` there.
///
/// Output that is not a JSON object, or a non-zero exit without one, fails the task with a
/// message naming the module and showing the start of what it printed.
public struct ExternalModule: Module {
    public let name: String
    public let path: String
    public let spec: ModuleSpec

    public init(name: String, path: String) {
        self.name = name
        self.path = path
        self.spec = ModuleSpec(name: name, freeForm: .keyValue, acceptsAnyArguments: true)
    }

    /// Programs in `directories` that can be modules: regular files that are executable or
    /// start with `#!`, named after the file without its extension (`library/probe.sh` is
    /// `probe`). Hidden files are skipped; an earlier directory wins over a later one.
    public static func discover(in directories: [String]) -> [ExternalModule] {
        var found: [ExternalModule] = []
        var seen: Set<String> = []
        for directory in directories {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for entry in entries.sorted() where !entry.hasPrefix(".") {
                let path = (directory as NSString).appendingPathComponent(entry)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                      FileManager.default.isExecutableFile(atPath: path) || interpreter(of: path) != nil else { continue }
                let name = (entry as NSString).deletingPathExtension
                guard !name.isEmpty, !seen.contains(name) else { continue }
                seen.insert(name)
                found.append(ExternalModule(name: name, path: path))
            }
        }
        return found
    }

    /// The words of a `#!` line, or nil when the file has none.
    static func interpreter(of path: String) -> [String]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 256)) ?? Data()
        guard head.starts(with: Data("#!".utf8)) else { return nil }
        let line = head.dropFirst(2).prefix { $0 != UInt8(ascii: "\n") }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        return words.isEmpty ? nil : words
    }

    /// Where argument files go (the system's temporary directory, without a trailing slash).
    static var argumentsDirectory: String {
        let directory = NSTemporaryDirectory()
        return directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        var arguments = context.args
        arguments["_ansible_check_mode"] = .bool(context.checkMode)
        arguments["_ansible_diff"] = .bool(context.diffMode)
        arguments["_ansible_verbosity"] = .int(context.verbosity)
        arguments["_ansible_module_name"] = .string(name)
        let json = Value.dict(arguments).jsonString()

        // Arguments may hold secrets: the file is born private (0600, exclusive) and removed
        // right after the run.
        let argsFile: String
        do {
            argsFile = try PrivateFile.create(Data(json.utf8), in: Self.argumentsDirectory, prefix: "play-args-")
        } catch {
            return .failed("cannot write the arguments of module '\(name)': \(error.description)")
        }
        defer { try? FileManager.default.removeItem(atPath: argsFile) }

        var words = [path, argsFile]
        if !FileManager.default.isExecutableFile(atPath: path) {
            guard let interpreter = Self.interpreter(of: path) else {
                return .failed("module '\(name)' (\(path)) is not executable and has no #! line: chmod +x it")
            }
            words = interpreter + words
        }
        let request = CommandRequest(command: words.map(ShellWords.quote).joined(separator: " "),
                                     stdin: Data(json.utf8), environment: context.environment)
        let answer = try await LocalConnection(hostName: "localhost").run(request)
        return Self.result(of: answer, module: name, path: path)
    }

    static func result(of answer: CommandResult, module: String, path: String) -> TaskResult {
        let stdout = answer.stdoutText
        let stderr = answer.stderrText
        guard let (object, trailing) = Self.jsonObject(in: stdout) else {
            let shown = stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? stderr : stdout
            let start = shown.trimmingCharacters(in: .whitespacesAndNewlines)
            let excerpt = start.count > 200 ? String(start.prefix(200)) + "..." : start
            let exit = answer.exitCode == 0 ? "" : " and exited with \(answer.exitCode)"
            return .failed("MODULE FAILURE: module '\(module)' (\(path)) did not print a JSON object\(exit);"
                           + (excerpt.isEmpty ? " it printed nothing" : " its output starts: \(excerpt)"),
                           ["module_stdout": .string(stdout), "module_stderr": .string(stderr),
                            "rc": .int(Int(answer.exitCode))])
        }
        var r = TaskResult(object)
        if !trailing.isEmpty {
            var warnings = r["warnings"]?.listValue ?? []
            warnings.append(.string("Module invocation had junk after the JSON data: \(trailing)"))
            r["warnings"] = .list(warnings)
        }
        if answer.exitCode != 0 && r["failed"] == nil {
            r.failed = true
            if r.message == nil { r.message = "module '\(module)' exited with \(answer.exitCode)" }
            r["rc"] = r["rc"] ?? .int(Int(answer.exitCode))
        }
        if r["changed"] == nil { r.changed = false }
        return r
    }

    /// The JSON object a module printed, allowing noise before it (a first line starting with
    /// `{`) and after it (returned as the trailing junk).
    static func jsonObject(in text: String) -> (OrderedDictionary<String, Value>, String)? {
        if case .dict(let d)? = try? Value.parseJSON(text) { return (d, "") }
        let lines = text.components(separatedBy: "\n")
        guard let first = lines.firstIndex(where: { $0.hasPrefix("{") }) else { return nil }
        for last in stride(from: lines.count - 1, through: first, by: -1)
        where lines[last].trimmingCharacters(in: .whitespaces).hasSuffix("}") {
            let candidate = lines[first...last].joined(separator: "\n")
            if case .dict(let d)? = try? Value.parseJSON(candidate) {
                let trailing = lines[(last + 1)...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                return (d, trailing)
            }
        }
        return nil
    }
}
