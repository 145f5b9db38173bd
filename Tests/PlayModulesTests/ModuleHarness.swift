import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
@testable import PlayExecutor
import PlayLanguage
import PlayTemplating
import XCTest

/// Runs a module the way the executor does: arguments checked against the module's spec
/// (types converted, defaults filled), then `run` with a real connection (this machine through
/// `LocalConnection` unless a test gives another).
struct ModuleHarness {
    var connection: any Connection = LocalConnection()
    var checkMode = false
    var diffMode = false
    var variables: OrderedDictionary<String, Value> = [:]
    var environment: [String: String] = [:]
    var taskDirectory = NSTemporaryDirectory()
    var progress = ProgressLog()
    /// Shared by every run of this harness, as one playbook run shares them.
    var resources = RunResources()

    /// Checks `args` against the spec and runs the module.
    func run(_ module: any Module, _ args: OrderedDictionary<String, Value>) async throws -> TaskResult {
        let checked = try ArgumentChecker.checked(args, against: module.spec)
        let connection = self.connection
        let progress = self.progress
        let context = ModuleContext(
            args: checked, host: connection.hostName, targetHost: connection.hostName, checkMode: checkMode,
            diffMode: diffMode, verbosity: 0, variables: TaskVariables(layers: [variables]), templar: Templar(),
            environment: environment, become: false, becomeUser: nil, taskDirectory: taskDirectory,
            playbookDirectory: taskDirectory, location: SourceLocation(file: "test.yml", line: 1, column: 1),
            run: resources, connect: { connection }, report: { progress.append($0) })
        return try await module.run(context)
    }

    /// The argument checker's complaint for `args`, or nil when they pass.
    func argumentError(_ module: any Module, _ args: OrderedDictionary<String, Value>) -> String? {
        do {
            _ = try ArgumentChecker.checked(args, against: module.spec)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

/// Progress messages a module reported.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func append(_ message: String) { lock.withLock { items.append(message) } }
    var messages: [String] { lock.withLock { items } }
}

/// A connection that forwards to another: modules that take a native shortcut for
/// `LocalConnection` (wait_for) take their remote path through this, still on this machine.
struct ForwardingConnection: Connection {
    let base: any Connection
    var hostName: String { base.hostName }

    func run(_ request: CommandRequest) async throws(ConnectionError) -> CommandResult {
        try await base.run(request)
    }

    func put(_ data: Data, to remotePath: String, mode: Int?, become: Bool, becomeUser: String?) async throws(ConnectionError) {
        try await base.put(data, to: remotePath, mode: mode, become: become, becomeUser: becomeUser)
    }

    func fetch(_ remotePath: String, become: Bool, becomeUser: String?) async throws(ConnectionError) -> Data {
        try await base.fetch(remotePath, become: become, becomeUser: becomeUser)
    }

    func close() async { await base.close() }
}

/// A fresh directory under /tmp, removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/play-modules-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw CocoaError(.fileWriteUnknown)
        }
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String, mode: Int? = nil) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: target, atomically: false, encoding: .utf8)
        if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: target) }
        return target
    }

    func read(_ name: String) -> String? { try? String(contentsOfFile: file(name), encoding: .utf8) }

    func exists(_ name: String) -> Bool {
        var st = stat()
        return lstat(file(name), &st) == 0
    }

    func mode(_ name: String) -> Int {
        var st = stat()
        guard stat(file(name), &st) == 0 else { return -1 }
        return Int(st.st_mode) & 0o7777
    }
}

extension TaskResult {
    func string(_ key: String) -> String? { self[key]?.stringValue }
}
