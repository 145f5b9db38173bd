import Foundation
import PlayBase
#if canImport(Glibc)
import Glibc
#endif

/// A private instance of the project's sandbox (sandbox/sandboxctl): its own state directory,
/// a /24 of loopback nobody listens on and a free load-balancer port, so it runs beside a
/// developer's sandbox. Its AWS endpoint reports real target health (initial, unhealthy,
/// draining) and real status checks, which moto alone cannot. `down()` stops every process of it.
final class PrivateSandbox: @unchecked Sendable {
    let directory: String
    let environment: [String: String]
    /// sandbox-vars.yml: the variables the deploy playbooks read.
    let vars: [String: Value]
    /// The sandbox's own access key, from its vault file.
    let credentials: [String: Value]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var sandboxctl: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sandbox/sandboxctl").path
    }

    private init(directory: String, environment: [String: String], vars: [String: Value], credentials: [String: Value]) {
        self.directory = directory
        self.environment = environment
        self.vars = vars
        self.credentials = credentials
    }

    static func up() throws -> PrivateSandbox {
        let directory = NSTemporaryDirectory() + "play-awsmodules-sandbox-\(getpid())"
        var base = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        base["SANDBOX_DIR"] = directory
        var lastOutput = ""
        for _ in 1...3 {
            var environment = base
            environment["SANDBOX_SUBNET"] = try freeSubnet()
            environment["SANDBOX_LB_PORT"] = String(try freePort())
            _ = run([sandboxctl, "down"], environment)
            try? FileManager.default.removeItem(atPath: directory)
            let (status, output) = run([sandboxctl, "up"], environment)
            lastOutput = output
            guard status == 0 else { continue }
            let loader = YAMLLoader()
            let vars = try loader.loadValue(path: directory + "/sandbox-vars.yml").dictValue ?? [:]
            let (viewStatus, plain) = run([environment["VAULT_CMD"] ?? "ansible-vault", "view", "--vault-password-file",
                                           directory + "/vault-password", directory + "/vault/aws.yml"], environment)
            guard viewStatus == 0, let documents = try? loader.parseDocuments(plain, file: "aws.yml"), let node = documents.first,
                  let credentials = try loader.value(from: node, file: "aws.yml").dictValue else {
                _ = run([sandboxctl, "down"], environment)
                throw Failure(description: "cannot read the sandbox's vault file (exit \(viewStatus))")
            }
            return PrivateSandbox(directory: directory, environment: environment,
                                  vars: Dictionary(uniqueKeysWithValues: vars.map { ($0.key, $0.value) }),
                                  credentials: Dictionary(uniqueKeysWithValues: credentials.map { ($0.key, $0.value) }))
        }
        throw Failure(description: "sandboxctl up failed: \(lastOutput.suffix(2000))")
    }

    func down() {
        _ = Self.run([Self.sandboxctl, "down"], environment)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A sandbox variable as text.
    func string(_ name: String) -> String { vars[name]?.renderedString ?? "" }

    // MARK: helpers

    /// A 127.0.C.0/24 (C in 100..<250) with no listening socket in it.
    static func freeSubnet() throws -> String {
        var busy = Set<String>()
        for table in ["/proc/net/tcp"] {
            let text = (try? String(contentsOfFile: table, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 3, fields[3] == "0A", let hex = fields[1].split(separator: ":").first,
                      let address = UInt32(hex, radix: 16) else { continue }
                // Little-endian bytes: 127.0.C.x is 0x..C007F.
                busy.insert("127.0.\((address >> 16) & 0xFF)")
            }
        }
        for _ in 0..<200 {
            let c = Int.random(in: 100..<250)
            if !busy.contains("127.0.\(c)") { return "127.0.\(c).0/24" }
        }
        throw Failure(description: "no free /24 in 127.0.100-249")
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a command to completion; stdout and stderr together.
    static func run(_ arguments: [String], _ environment: [String: String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("play-sandboxctl-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        guard let handle = try? FileHandle(forWritingTo: output) else { return (-1, "cannot create \(output.path)") }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (-1, "\(arguments[0]): \(error)")
        }
        process.waitUntilExit()
        try? handle.close()
        return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}
