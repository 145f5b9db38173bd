import Foundation
import PlayBase
import PlayConnection
#if canImport(Glibc)
import Glibc
#endif

/// A fleet of real OpenSSH servers on loopback (127.0.2.K:2222), started with
/// scripts/sshd-fleet.sh in a fresh directory and stopped by pid.
///
/// Usage in a test class: start it in `class func setUp()`, stop it in `class func tearDown()`
/// (XCTest calls that however the tests end). If 127.0.2.x is taken (another fleet on this
/// machine), the next free 127.0.N network is used: read addresses from the fleet, not from
/// constants.
public final class SSHFleet: Sendable {
    public let directory: String
    public let count: Int
    /// The first three octets, e.g. "127.0.2".
    public let network: String
    public let port: Int
    public let user: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// scripts/sshd-fleet.sh of this checkout.
    public static var script: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/sshd-fleet.sh").path
    }

    /// Starts `hosts` servers and waits until all accept connections.
    public static func start(hosts: Int) throws -> SSHFleet {
        stopAbandonedFleets()
        var template = Array("/tmp/play-fleet-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw Failure(description: "cannot create a fleet directory in /tmp")
        }
        let directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let preferred = ProcessInfo.processInfo.environment["PLAY_FLEET_NET"]
        let networks = preferred.map { [$0] } ?? (2...30).map { "127.0.\($0)" }
        var lastOutput = ""
        for network in networks {
            let (status, output) = run([script, "start", directory, String(hosts)], environment: ["FLEET_NET": network])
            if status == 0 {
                try? String(getpid()).write(toFile: directory + "/owner.pid", atomically: true, encoding: .utf8)
                return SSHFleet(directory: directory, count: hosts, network: network, port: 2222, user: currentUser())
            }
            lastOutput = output
            if status != 75 { break }  // 75: an address was taken; try the next network
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw Failure(description: "sshd-fleet.sh start failed: \(lastOutput)")
    }

    /// Fleets whose test process died without stopping them (killed, crashed) would hold their
    /// addresses forever: stop them by their recorded pids (the script checks each pid is
    /// still that fleet's sshd) and remove their directories.
    private static func stopAbandonedFleets() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/tmp") else { return }
        for entry in entries where entry.hasPrefix("play-fleet-") {
            let directory = "/tmp/" + entry
            guard let text = try? String(contentsOfFile: directory + "/owner.pid", encoding: .utf8),
                  let owner = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  kill(owner, 0) != 0 && errno == ESRCH else { continue }
            run([script, "stop", directory])
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    private init(directory: String, count: Int, network: String, port: Int, user: String) {
        self.directory = directory
        self.count = count
        self.network = network
        self.port = port
        self.user = user
    }

    public func address(_ k: Int) -> String { "\(network).\(k)" }
    public func hostName(_ k: Int) -> String { "h\(k)" }
    public var privateKeyFile: String { directory + "/id_ed25519" }
    public var knownHostsFile: String { directory + "/known_hosts" }
    public var inventoryFile: String { directory + "/inventory" }
    /// Host K's home directory, as its sessions see it.
    public func home(_ k: Int) -> String { "\(directory)/h\(k)/home" }

    /// Connection settings for host K, as the fleet's inventory describes it.
    public func settings(_ k: Int) -> ConnectionSettings {
        ConnectionSettings(
            host: address(k), port: port, user: user, privateKeyFile: privateKeyFile,
            sshCommonArgs: "-o UserKnownHostsFile=\(knownHostsFile)")
    }

    /// Takes host K down: its port refuses connections and its sessions are killed.
    public func stopHost(_ k: Int) throws {
        let (status, output) = Self.run([Self.script, "stop-host", directory, String(k)])
        guard status == 0 else { throw Failure(description: "stop-host \(k) failed: \(output)") }
    }

    /// Freezes host K as a hung machine would: SIGSTOP to its sshd and every session process
    /// under it. Connections stay open (the kernel still acknowledges), nothing answers.
    public func freezeHost(_ k: Int) throws {
        for pid in try sshdTree(k) { kill(pid, SIGSTOP) }
    }

    /// Undoes `freezeHost`.
    public func thawHost(_ k: Int) throws {
        for pid in try sshdTree(k) { kill(pid, SIGCONT) }
    }

    private func sshdTree(_ k: Int) throws -> [Int32] {
        guard let text = try? String(contentsOfFile: "\(directory)/h\(k)/pid", encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
              String(decoding: cmdline, as: UTF8.self).contains("\(directory)/h\(k)/sshd_config")
        else { throw Failure(description: "host h\(k) has no running sshd") }
        return ProcessTable.tree(of: pid)
    }

    public func startHost(_ k: Int) throws {
        let (status, output) = Self.run([Self.script, "start-host", directory, String(k)])
        guard status == 0 else { throw Failure(description: "start-host \(k) failed: \(output)") }
    }

    /// Stops every server: through the script, then by the recorded pids should anything be
    /// left, then removes the directory.
    public func stop() {
        _ = Self.run([Self.script, "stop", directory])
        for k in 1...count {
            guard let text = try? String(contentsOfFile: "\(directory)/h\(k)/pid", encoding: .utf8),
                  let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
            kill(pid, SIGKILL)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs a command to completion; (exit status, stdout+stderr).
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:]) -> (Int32, String) {
        let environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        do {
            let output = try Subprocess.capture(["/usr/bin/env"] + arguments, environment: environment, stdin: .null,
                                                stderr: .merged)
            let status: Int32
            switch output.termination {
            case .exited(let code), .signaled(let code): status = code
            }
            return (status, String(decoding: output.stdout, as: UTF8.self))
        } catch {
            return (-1, "cannot run \(arguments[0]): \(error)")
        }
    }

    private static func currentUser() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "root" }
        return String(cString: name)
    }
}
