import Foundation
import XCTest

/// Paths, scratch directories and subprocess helpers shared by the vault tests.
enum TestSupport {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The vector set: `$PLAY_VAULT_VECTORS` (to try another set), else the copy in the repository.
    static var vectorsDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["PLAY_VAULT_VECTORS"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.appendingPathComponent("Tests/PlayVaultTests/Vectors")
    }

    /// The `vault` binary built beside this test bundle (`swift build --build-tests` builds it).
    static var vaultBinary: String {
        let testExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testExecutable.deletingLastPathComponent()
        // On some layouts the test binary sits inside an .xctest bundle directory.
        while directory.path != "/" && !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("vault").path) {
            if directory.lastPathComponent == "debug" || directory.lastPathComponent == "release" { break }
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("vault").path
    }

    /// `ansible-vault` from PATH (installed by scripts/setup.sh; pyenv shims included).
    static func ansibleTool(_ name: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? "/root"
        let path = (environment["PATH"] ?? "") + ":\(home)/.pyenv/shims:/usr/local/bin:/usr/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        XCTFail("\(name) not found on PATH: run scripts/setup.sh (it installs ansible-core)")
        throw CocoaError(.fileNoSuchFile)
    }

    /// A fresh private directory, removed by the caller's `defer`.
    static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("play-vault-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ bytes: [UInt8], to url: URL, mode: Int = 0o600) throws {
        try Data(bytes).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    static func read(_ url: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: url))
    }

    static func mode(of url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static func inode(of url: URL) throws -> UInt64 {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
    }

    struct RunResult {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs a program to completion; stdin is `input` (or /dev/null), outputs go to files so a
    /// chatty child never blocks on a full pipe.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], input: [UInt8]? = nil,
                    environment: [String: String] = [:], currentDirectory: URL? = nil) throws -> RunResult {
        let scratch = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in ["ANSIBLE_VAULT_PASSWORD_FILE", "ANSIBLE_VAULT_IDENTITY_LIST", "ANSIBLE_VAULT_ENCRYPT_IDENTITY",
                    "ANSIBLE_VAULT_ID_MATCH", "ANSIBLE_EDITOR", "EDITOR", "ANSIBLE_PAGER", "PAGER"] {
            env.removeValue(forKey: key)
        }
        env.merge(environment) { _, new in new }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let inURL = scratch.appendingPathComponent("in")
        _ = FileManager.default.createFile(atPath: inURL.path, contents: Data(input ?? []))
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: try read(outURL),
                         stderr: String(decoding: try read(errURL), as: UTF8.self))
    }

    /// Runs the built `vault` binary.
    @discardableResult
    static func vault(_ arguments: [String], input: [UInt8]? = nil, environment: [String: String] = [:],
                      currentDirectory: URL? = nil) throws -> RunResult {
        let binary = vaultBinary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            XCTFail("no vault binary at \(binary): build it with `swift build --build-tests`")
            throw CocoaError(.fileNoSuchFile)
        }
        return try run(binary, arguments, input: input, environment: environment, currentDirectory: currentDirectory)
    }

    /// An executable shell script.
    static func script(_ body: String, at url: URL) throws {
        try Data(("#!/bin/sh\n" + body + "\n").utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }
}
