import Foundation
import PlayAWS
import PlayBase
#if canImport(Glibc)
import Glibc
#endif

/// A `moto_server` process for tests: on 127.0.0.1 with a port the kernel picks, started by pid
/// and stopped by pid (SIGTERM, then SIGKILL); if the test process dies first, the server notices
/// and exits by itself. `environment` switches moto's behaviour (signature checking with
/// `INITIAL_NO_AUTH_ACTION_COUNT`, `MOTO_ENABLE_AMI_VALIDATION`, ...).
public struct MotoProcess: Sendable {
    public let pid: pid_t
    public let port: Int
    /// stderr and stdout of the server (one line per request).
    public let logPath: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(_ description: String) {
            self.description = description
        }
    }

    /// Starts the server and waits until it answers `/moto-api/data.json` (30 s at most).
    public static func start(environment: [String: String] = [:]) async throws -> MotoProcess {
        let logPath = NSTemporaryDirectory() + "play-moto-\(getpid())-\(UUID().uuidString.prefix(8)).log"
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        variables["PYTHONUNBUFFERED"] = "1"
        let pid = try spawn([try pythonExecutable(), "-c", launcher, String(getpid())], environment: variables, log: logPath)

        var port: Int?
        let deadline = Date().addingTimeInterval(30)
        func fail(_ message: String) -> Failure {
            stopProcess(pid)
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: logPath)
            return Failure("\(message); moto_server said: \(log.suffix(1500))")
        }
        while port == nil {
            if Date() > deadline { throw fail("moto_server printed no port within 30 s") }
            if waitpid(pid, nil, WNOHANG) == pid { throw fail("moto_server exited at start") }
            try await Task.sleep(nanoseconds: 50_000_000)
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = log.range(of: #"Running on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                port = Int(log[range].split(separator: ":").last ?? "")
            }
        }
        let transport = LoopbackOnlyTransport(CurlTransport(defaultTimeout: 5))
        defer { transport.shutdown() }
        while true {
            let probe = HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: port, path: "/moto-api/data.json")
            if let answer = try? await transport.send(probe), answer.status == 200 { break }
            if Date() > deadline { throw fail("moto_server did not answer /moto-api/data.json") }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return MotoProcess(pid: pid, port: port!, logPath: logPath)
    }

    /// SIGTERM, then SIGKILL after 5 s; waits for the process and removes the log.
    public func stop() {
        Self.stopProcess(pid)
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// The last `count` characters of the server's log, for failure messages.
    public func logTail(_ count: Int = 2000) -> String {
        String(((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(count))
    }

    /// Closes inherited descriptors (a test's listening sockets must not live on in the server),
    /// exits when the test process is gone, then runs moto's own entry point; exits as soon as
    /// that returns (SIGTERM).
    static let launcher = """
        import os, sys, threading, time, runpy
        os.closerange(3, 4096)
        owner = int(sys.argv[1])
        def owner_alive():
            while True:
                time.sleep(1)
                try:
                    os.kill(owner, 0)
                except ProcessLookupError:
                    os._exit(0)
        threading.Thread(target=owner_alive, daemon=True).start()
        sys.argv = ["moto.server", "-H", "127.0.0.1", "-p", "0"]
        try:
            runpy.run_module("moto.server", run_name="__main__", alter_sys=True)
        finally:
            # moto answers SIGTERM with sys.exit, which would then wait for request threads
            # parked on idle keep-alive connections: leave at once instead.
            os._exit(0)
        """

    /// The interpreter itself, not a pyenv shim, so the pid we hold is the server's.
    static func pythonExecutable() throws -> String {
        let out = NSTemporaryDirectory() + "play-python-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let pid = try spawn(["/usr/bin/env", "python3", "-c", "import sys; print(sys.executable)"],
                            environment: ProcessInfo.processInfo.environment, log: out)
        _ = Subprocess.wait(pid)
        let path = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !path.isEmpty, FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure("python3 not found (install moto[server] with pip): \(path)")
        }
        return path
    }

    /// Stdout and stderr to `log`, stdin from /dev/null; in our process group, so the server is
    /// stopped by its pid alone.
    static func spawn(_ arguments: [String], environment: [String: String], log: String) throws -> pid_t {
        switch Subprocess.spawn(arguments, environment: environment, stdin: .null, stdout: .file(log), stderr: .stdout,
                                processGroup: false) {
        case .success(let pid): return pid
        case .failure(let error): throw Failure("cannot start \(arguments[0]): \(error.reason)")
        }
    }

    static func stopProcess(_ pid: pid_t) {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if waitpid(pid, nil, WNOHANG) != 0 { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        while waitpid(pid, nil, 0) == -1 && errno == EINTR {}
    }
}
