import Foundation

/// A private sandbox for the deploy tests (sandbox/README.md): its own state directory under
/// /tmp, a free /24 of 127.0.0.0/16 for its instances and a free port for its load balancer, so
/// it runs beside a developer's sandbox. The built `play` runs the real playbook on it with an
/// inventory like inventory/sandbox whose links point at this sandbox's files.
final class DeploySandbox: @unchecked Sendable {
    /// The repository root (playbooks/, inventory/, sandbox/).
    let repository: String
    /// SANDBOX_DIR.
    let directory: String
    /// Where the tests keep their own files (play output, load reports): beside SANDBOX_DIR, never
    /// inside it, so nothing can clash with the sandbox's files.
    var workDirectory: String { directory + "-work" }
    let inventory: String
    let environment: [String: String]
    let lbURL: String
    /// The AWS endpoint `play` talks to (the sandbox's counting proxy in front of moto).
    let endpointURL: String
    let playPath: String

    struct PlayResult {
        var exitCode: Int32
        var output: String
        var seconds: Double
    }

    private init(repository: String, directory: String, inventory: String, environment: [String: String],
                 lbURL: String, endpointURL: String, playPath: String) {
        self.repository = repository
        self.directory = directory
        self.inventory = inventory
        self.environment = environment
        self.lbURL = lbURL
        self.endpointURL = endpointURL
        self.playPath = playPath
    }

    // MARK: Start and stop

    static func start() throws -> DeploySandbox {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let bin = binDirectory()
        let play = bin + "/play"
        guard FileManager.default.isExecutableFile(atPath: play) else {
            throw DeployTestFailure("no built play at \(play): run `swift build` first")
        }
        var template = Array("/tmp/play-deploytests-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw DeployTestFailure("mkdtemp failed: errno \(errno)") }
        let directory = String(cString: made)

        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("AWS_") || key.hasPrefix("ANSIBLE_VAULT") { env[key] = nil }
        env["SANDBOX_DIR"] = directory
        env["SANDBOX_SUBNET"] = try freeSubnet()
        env["SANDBOX_LB_PORT"] = String(try freePort())
        env["NO_PROXY"] = "127.0.0.1,localhost"
        env["no_proxy"] = "127.0.0.1,localhost"
        env["PATH"] = "\(NSHomeDirectory())/.pyenv/shims:" + (env["PATH"] ?? "/usr/bin:/bin")
        // The sandbox writes its vault file with our own `vault` when it is built.
        if FileManager.default.isExecutableFile(atPath: bin + "/vault") { env["VAULT_CMD"] = bin + "/vault" }

        let up = try ChildProcess(repository + "/sandbox/sandboxctl", ["up"], environment: env, cwd: repository,
                                  outputPath: directory + "-up.log", label: "sandboxctl up")
        let status = try up.wait(timeout: 120)
        let upOutput = up.output
        try? FileManager.default.removeItem(atPath: directory + "-up.log")
        guard status == 0 else {
            _ = try? ChildProcess(repository + "/sandbox/sandboxctl", ["down"], environment: env, cwd: repository,
                                  outputPath: "/dev/null", label: "sandboxctl down").wait(timeout: 60)
            throw DeployTestFailure("sandboxctl up exited \(status):\n\(upOutput)")
        }
        let envJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/env.json")))
        guard let lbURL = (envJSON as? [String: Any])?["lb_url"] as? String,
              let endpointURL = (envJSON as? [String: Any])?["endpoint_url"] as? String else {
            throw DeployTestFailure("env.json of the sandbox has no lb_url or endpoint_url")
        }

        // inventory/sandbox, with its links pointing at this sandbox.
        let inventory = directory + "-work/inventory"
        let fm = FileManager.default
        try fm.createDirectory(atPath: inventory + "/group_vars/all", withIntermediateDirectories: true)
        try fm.copyItem(atPath: repository + "/inventory/sandbox/hosts", toPath: inventory + "/hosts")
        try fm.copyItem(atPath: repository + "/inventory/sandbox/group_vars/all/deploy.yml",
                        toPath: inventory + "/group_vars/all/deploy.yml")
        try fm.createSymbolicLink(atPath: inventory + "/group_vars/all/sandbox.yml",
                                  withDestinationPath: directory + "/sandbox-vars.yml")
        try fm.createSymbolicLink(atPath: inventory + "/group_vars/all/vault.yml",
                                  withDestinationPath: directory + "/vault/aws.yml")
        return DeploySandbox(repository: repository, directory: directory, inventory: inventory, environment: env,
                             lbURL: lbURL, endpointURL: endpointURL, playPath: play)
    }

    /// Stops every process of the sandbox and of the runs against it (by pid), then removes its files.
    func stop() {
        // ssh masters of a `play` that was killed outlive it: they carry this sandbox's key path.
        for pid in Self.processes(named: "ssh", commandLineContaining: directory + "/") { kill(pid, SIGTERM) }
        if let down = try? ChildProcess(repository + "/sandbox/sandboxctl", ["down"], environment: environment,
                                        cwd: repository, outputPath: workDirectory + "/down.log", label: "sandboxctl down") {
            _ = try? down.wait(timeout: 120)
        }
        // Should `down` have failed: whatever still runs with this sandbox's directory on its
        // command line (nginx, agent, proxy, sshds, ssh clients) or in its environment (every
        // process the sandbox starts, moto included, has SANDBOX_DIR set to it).
        let left = Set(Self.processes(commandLineContaining: directory + "/")
                       + Self.processes(environmentContaining: "SANDBOX_DIR=" + directory))
        for pid in left { kill(pid, SIGKILL) }
        if ProcessInfo.processInfo.environment["DEPLOYTESTS_KEEP"] == nil {
            for path in [directory, workDirectory] { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    /// AWS requests the sandbox's endpoint answered since the last reset (`/_sandbox/stats`; a
    /// POST resets the counts). Only `play` talks to that endpoint.
    func awsRequestCount(reset: Bool = false) throws -> Int {
        let curl = try ChildProcess("/usr/bin/curl", ["-sf", "-X", reset ? "POST" : "GET", endpointURL + "/_sandbox/stats"],
                                    environment: environment, cwd: workDirectory,
                                    outputPath: workDirectory + "/stats.json", label: "curl stats")
        guard try curl.wait(timeout: 30) == 0,
              let stats = try JSONSerialization.jsonObject(with: Data(curl.output.utf8)) as? [String: Any],
              let count = stats["requests"] as? Int else {
            throw DeployTestFailure("the sandbox endpoint gave no request count: \(curl.output)")
        }
        return count
    }

    // MARK: play

    static let playbook = "playbooks/translate-api.yml"

    /// `playbook` with this sandbox's inventory and vault password, plus `arguments`.
    func playArguments(_ playbook: String, _ arguments: [String]) -> [String] {
        [playbook, "-i", inventory, "--vault-password-file", directory + "/vault-password"] + arguments
    }

    /// Starts `play` (returns at once).
    func startPlay(_ arguments: [String], name: String, playbook: String = DeploySandbox.playbook) throws -> ChildProcess {
        try ChildProcess(playPath, playArguments(playbook, arguments), environment: environment, cwd: repository,
                         outputPath: workDirectory + "/play-\(name).log", label: "play (\(name))")
    }

    /// Runs `play` to the end.
    func play(_ arguments: [String], name: String, playbook: String = DeploySandbox.playbook,
              timeout: Double = 240) throws -> PlayResult {
        let started = Date()
        let child = try startPlay(arguments, name: name, playbook: playbook)
        let code = try child.wait(timeout: timeout)
        return PlayResult(exitCode: code, output: child.output, seconds: Date().timeIntervalSince(started))
    }

    // MARK: What the sandbox says

    struct State: Decodable {
        struct Instance: Decodable {
            var id: String
            var state: String
            var version: String?
            var app: String?
        }

        struct Target: Decodable {
            var id: String
            var state: String
        }

        var instances: [Instance]
        var targets: [Target]

        /// Ids of the instances of `version` in `state`, sorted.
        func ids(version: String, state: String) -> [String] {
            instances.filter { $0.version == version && $0.state == state }.map(\.id).sorted()
        }

        var targetIDs: [String] { targets.map(\.id).sorted() }
        var healthyTargetIDs: [String] { targets.filter { $0.state == "healthy" }.map(\.id).sorted() }
        var summary: String {
            "instances: " + instances.map { "\($0.id) v\($0.version ?? "-") \($0.state)" }.joined(separator: ", ")
                + "; targets: " + targets.map { "\($0.id) \($0.state)" }.joined(separator: ", ")
        }
    }

    /// Instances and target health as the sandbox's AWS endpoint reports them, read with boto3.
    func state() throws -> State {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/sandbox_state.py"
        let child = try ChildProcess("/usr/bin/env", ["python3", script, directory], environment: environment,
                                     cwd: repository, outputPath: workDirectory + "/aws-state.json", label: "sandbox_state.py")
        let code = try child.wait(timeout: 60)
        let text = child.output
        guard code == 0, let state = try? JSONDecoder().decode(State.self, from: Data(text.utf8)) else {
            throw DeployTestFailure("sandbox_state.py exited \(code): \(text.suffix(2000))")
        }
        return state
    }

    /// The upstreams nginx (the load balancer) routes to right now, from the fleet agent's state file.
    func routedServers() -> [String]? {
        guard let data = FileManager.default.contents(atPath: directory + "/agent-state.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let nginx = object["nginx"] as? [String: Any] else { return nil }
        return nginx["servers"] as? [String]
    }

    /// Which version the load balancer serves: a second of requests through it.
    func servedVersions() throws -> LoadGenerator.Report {
        let child = try ChildProcess(
            "/usr/bin/env", ["python3", repository + "/sandbox/loadgen.py", "--url", lbURL, "-c", "1", "-d", "1"],
            environment: environment, cwd: repository, outputPath: workDirectory + "/probe.json", label: "loadgen probe")
        try child.wait(timeout: 30)
        guard let report = try? JSONDecoder().decode(LoadGenerator.Report.self, from: Data(child.output.utf8)) else {
            throw DeployTestFailure("the probe printed no report: \(child.output)")
        }
        return report
    }

    // MARK: Helpers

    /// The directory holding the built executables: the test bundle sits beside them.
    private static func binDirectory() -> String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("play").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug"
    }

    /// A /24 in 127.0.100-249 on which nothing listens.
    private static func freeSubnet() throws -> String {
        var busy = Set<Int>()
        for file in ["/proc/net/tcp"] {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 1, let address = UInt32(fields[1].prefix(8), radix: 16) else { continue }
                // /proc/net/tcp holds the address in host (little-endian) order: 127.0.X.Y is 0xYYXX007F.
                if address & 0xFFFF == 0x007F { busy.insert(Int((address >> 16) & 0xFF)) }
            }
        }
        for _ in 0..<300 {
            let candidate = Int.random(in: 100...249)
            if !busy.contains(candidate) { return "127.0.\(candidate).0/24" }
        }
        throw DeployTestFailure("no free /24 in 127.0.100-249")
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DeployTestFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw DeployTestFailure("could not bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Pids of processes (named `name`, if given) whose command line contains `text`; never this process.
    static func processes(named name: String? = nil, commandLineContaining text: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let own = getpid()
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != own else { return nil }
            if let name {
                guard let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
                      comm.trimmingCharacters(in: .whitespacesAndNewlines) == name else { return nil }
            }
            return commandLine(of: pid)?.contains(text) == true ? pid : nil
        }
    }

    /// Pids of processes with the variable assignment `assignment` (`NAME=value`) in their environment.
    static func processes(environmentContaining assignment: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let own = getpid()
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != own,
                  let raw = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { return nil }
            return raw.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == assignment } ? pid : nil
        }
    }

    /// A process's arguments joined by spaces, nil when it is gone.
    static func commandLine(of pid: Int32) -> String? {
        guard let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !raw.isEmpty else { return nil }
        return raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }
}
