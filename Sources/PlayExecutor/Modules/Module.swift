import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayLanguage
import PlayTemplating

/// A task's action. Built-in modules and external executables both conform.
/// `run` gets arguments already templated and checked against `spec`; it reports through the result,
/// and throws only for unreachable hosts (ConnectionError) or its own typed failures.
public protocol Module: Sendable {
    var spec: ModuleSpec { get }
    func run(_ context: ModuleContext) async throws -> TaskResult
}

/// Everything a module may use while it runs on one host.
public struct ModuleContext: Sendable {
    public var args: OrderedDictionary<String, Value>
    /// The inventory host the task runs for.
    public var host: String
    /// The host actions go to (differs from `host` under `delegate_to`).
    public var targetHost: String
    public var checkMode: Bool
    public var diffMode: Bool
    public var verbosity: Int
    public var variables: TaskVariables
    public var templar: Templar
    /// The task's `environment:` keyword, rendered.
    public var environment: [String: String]
    public var become: Bool
    public var becomeUser: String?
    /// Directory of the file the task was written in (relative `src:` paths start there).
    public var taskDirectory: String
    public var playbookDirectory: String
    public var location: SourceLocation
    public var run: RunResources
    /// Set when the task has `async:` and the module supports it: start the work detached
    /// (`AsyncJob.start`) and return its job result instead of waiting.
    public var asyncJob: AsyncJobRequest?
    let connect: @Sendable () async throws -> any Connection
    let report: @Sendable (String) -> Void

    public init(args: OrderedDictionary<String, Value>, host: String, targetHost: String, checkMode: Bool,
                diffMode: Bool, verbosity: Int, variables: TaskVariables, templar: Templar,
                environment: [String: String], become: Bool, becomeUser: String?, taskDirectory: String,
                playbookDirectory: String, location: SourceLocation, run: RunResources,
                connect: @escaping @Sendable () async throws -> any Connection,
                report: @escaping @Sendable (String) -> Void) {
        self.args = args
        self.host = host
        self.targetHost = targetHost
        self.checkMode = checkMode
        self.diffMode = diffMode
        self.verbosity = verbosity
        self.variables = variables
        self.templar = templar
        self.environment = environment
        self.become = become
        self.becomeUser = becomeUser
        self.taskDirectory = taskDirectory
        self.playbookDirectory = playbookDirectory
        self.location = location
        self.run = run
        self.connect = connect
        self.report = report
    }

    /// The connection to the target host (opened on first use; one per host per run).
    public func connection() async throws -> any Connection { try await connect() }

    /// Live status for long waits; renderers show it with the elapsed time.
    public func progress(_ message: String) { report(message) }

    // Typed argument access; `spec` has already checked presence and types where it could.
    public func string(_ key: String) -> String? {
        guard let v = args[key], !v.isNull else { return nil }
        return v.renderedString
    }

    public func bool(_ key: String, default fallback: Bool = false) -> Bool {
        guard let v = args[key], !v.isNull else { return fallback }
        return ValueCoercion.bool(v) ?? fallback
    }

    public func int(_ key: String) -> Int? {
        guard let v = args[key], !v.isNull else { return nil }
        return ValueCoercion.int(v)
    }

    public func double(_ key: String) -> Double? {
        guard let v = args[key], !v.isNull else { return nil }
        return ValueCoercion.double(v)
    }

    public func list(_ key: String) -> [Value]? {
        guard let v = args[key], !v.isNull else { return nil }
        return ValueCoercion.list(v)
    }

    /// Resolves a local path as Ansible does: absolute as given, else beside the task file, then the playbook.
    public func localPath(_ path: String, subdirectory: String? = nil) -> String {
        if path.hasPrefix("/") { return path }
        var candidates: [String] = []
        if let sub = subdirectory { candidates.append("\(taskDirectory)/\(sub)/\(path)") }
        // A role's task sits in <role>/tasks; Ansible looks in <role>/files (templates) first.
        if let sub = subdirectory, taskDirectory.hasSuffix("/tasks") {
            candidates.insert("\(taskDirectory.dropLast(6))/\(sub)/\(path)", at: 0)
        }
        candidates.append("\(taskDirectory)/\(path)")
        if let sub = subdirectory { candidates.append("\(playbookDirectory)/\(sub)/\(path)") }
        candidates.append("\(playbookDirectory)/\(path)")
        return candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) ?? candidates.last!
    }
}
