import Foundation
import XCTest

/// Runs the built `play` (and, for comparisons, the real `ansible-playbook`) as a user would.
struct ProcessResult {
    var exitCode: Int32
    var stdout: String
    var stderr: String
}

enum PlayProcess {
    /// The directory holding the built executables: the test bundle sits beside them.
    static var binDirectory: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("play").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug")
    }

    static var playPath: String { binDirectory.appendingPathComponent("play").path }
    static var vaultPath: String { binDirectory.appendingPathComponent("vault").path }

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// The environment both tools run with: no colour, no noise, the PATH that finds pyenv's tools.
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["ANSIBLE_NOCOLOR"] = "1"
        env["ANSIBLE_LOCALHOST_WARNING"] = "False"
        env["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "False"
        env["ANSIBLE_DEPRECATION_WARNINGS"] = "False"
        env["ANSIBLE_RETRY_FILES_ENABLED"] = "False"
        env["PATH"] = "\(NSHomeDirectory())/.pyenv/shims:" + (env["PATH"] ?? "/usr/bin:/bin")
        return env
    }

    static func run(_ executable: String, _ arguments: [String], cwd: URL? = nil, stdin: String? = nil,
                    environment extra: [String: String] = [:]) throws -> ProcessResult {
        try runClean(executable, arguments, cwd: cwd, stdin: stdin, environment: environment.merging(extra) { _, new in new })
    }

    /// Runs with exactly `environment` (none of `PlayProcess.environment`'s settings unless given).
    static func runClean(_ executable: String, _ arguments: [String], cwd: URL?, stdin: String? = nil,
                         environment: [String: String]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let cwd { process.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return ProcessResult(exitCode: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts `play ARGUMENTS` in `cwd`, sends `signal` once its output shows `marker`, and
    /// waits for it to end: the process (for its status) and all it printed on stdout.
    static func signalled(_ arguments: [String], cwd: URL, after marker: String, signal: Int32) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: playPath)
        process.arguments = arguments
        process.currentDirectoryURL = cwd
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var text = ""
        while Date() < deadline && !text.contains(marker) {
            text += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        kill(process.processIdentifier, signal)
        text += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process, text)
    }

    /// An Ansible tool (`ansible-config`, `ansible-playbook`) from pyenv's shims or PATH.
    static func ansibleTool(_ name: String) throws -> String {
        let candidates = ["\(NSHomeDirectory())/.pyenv/shims"] + (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        guard let path = candidates.map({ "\($0)/\(name)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw MissingTool()
        }
        return path
    }

    static func play(_ arguments: [String], cwd: URL? = nil, stdin: String? = nil,
                     environment: [String: String] = [:]) throws -> ProcessResult {
        try run(playPath, arguments, cwd: cwd, stdin: stdin, environment: environment)
    }

    /// `ansible-playbook` from PATH; the suite requires it (CI installs ansible-core).
    static func ansiblePlaybook(_ arguments: [String], cwd: URL? = nil,
                                environment extra: [String: String] = [:]) throws -> ProcessResult {
        let candidates = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/ansible-playbook" }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw MissingTool()
        }
        return try run(path, arguments, cwd: cwd, environment: extra)
    }
}

/// Raised when a required peer tool is missing: a failure, never a skip.
struct MissingTool: Error, CustomStringConvertible {
    var description: String { "ansible-playbook is not installed: run scripts/setup.sh (pip install 'ansible-core==2.19.*')" }
}
