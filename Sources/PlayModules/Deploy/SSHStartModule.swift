import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `ssh_start`: puts a build on the target over its connection and starts it as a detached app.
/// Uploads the artifact (only when the target's copy differs), unpacks it into
/// `~/apps/APP/VERSION`, writes `app.env`, stops the app's previous process (TERM, wait, KILL),
/// starts the new one (a systemd unit when the target runs systemd and we are root, else
/// `setsid nohup` with a pid file), and waits until the process lives and its port listens
/// (and `health_path` answers 200, if given). A start that does not come up is retried
/// `restarts` times, then the host fails with the last lines of the app's log.
///
/// Already running the same version, artifact, environment and command: nothing is touched
/// (`changed: false`), so running a deploy again never restarts an app that serves traffic.
/// Costs one command on the target when the app comes up within 2 s (two when a large
/// artifact must be uploaded), then one per 2 s of waiting.
public struct SSHStartModule: Module {
    public init() {}

    /// Artifacts up to this size travel with the first command; larger ones only once the
    /// target said it lacks them.
    static let inlineLimit = 256 * 1024
    /// Longest single wait on the target before reporting progress.
    static let chunk: Double = 2

    public let spec = ModuleSpec(name: "ssh_start", arguments: [
        ArgumentSpec("artifact", .path, required: true),
        ArgumentSpec("app", .string, required: true),
        ArgumentSpec("version", .string, required: true),
        ArgumentSpec("port", .int, required: true),
        ArgumentSpec("bind", .string),
        ArgumentSpec("env", .dict, defaultValue: .emptyDict),
        ArgumentSpec("command", .string, defaultValue: "./run.sh"),
        ArgumentSpec("start_timeout", .float, defaultValue: 20),
        ArgumentSpec("stop_timeout", .float, defaultValue: 15),
        ArgumentSpec("health_path", .string),
        ArgumentSpec("restarts", .int, defaultValue: 1),
    ], freeForm: .none)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let settings: Settings
        let artifact: Artifact
        do {
            settings = try Settings(context)
            let cache = context.run.resource(ArtifactCache.resourceKey) { ArtifactCache() }
            artifact = try cache.artifact(at: context.localPath(settings.artifactPath))
        } catch let error as SSHStartError {
            return .failed(error.description)
        } catch let error as ArtifactError {
            return .failed(error.description)
        }
        let script = AppStartScript(
            app: settings.app, version: settings.version, port: settings.port, bind: settings.bind, command: settings.command, checksum: artifact.checksum,
            identity: settings.identity(checksum: artifact.checksum), healthPath: settings.healthPath,
            stopTimeout: settings.stopTimeout, checkMode: context.checkMode)
        let connection = try await context.connection()
        let label = "\(settings.app) \(settings.version) on \(settings.bind):\(settings.port)"
        let firstWait = min(Self.chunk, settings.startTimeout)

        func run(_ step: AppStartScript.Step, stdin: Data? = nil, wait: Double = 0) async throws -> (ScriptRecords, TaskResult?) {
            let answer = try await connection.run(CommandRequest(
                command: script.script(step), stdin: stdin, environment: context.environment,
                shellVariables: [AppStartScript.environmentVariable: settings.environmentFile],
                timeout: .seconds(Int(wait + settings.stopTimeout) + 60),
                become: context.become, becomeUser: context.becomeUser))
            let records = ScriptRecords(answer.stdout)
            return (records, records.failure(of: answer))
        }

        // Probe, install and start in one command; a large artifact goes only when needed.
        let inline = artifact.data.count <= Self.inlineLimit
        context.progress("starting \(label)")
        var (records, failure) = try await run(.deploy(sendData: inline, wait: firstWait),
                                               stdin: inline && !context.checkMode ? artifact.data : nil,
                                               wait: firstWait)
        if failure == nil, records.flag("need") {
            context.progress("uploading \(settings.app) \(settings.version) (\(artifact.data.count) bytes) to \(settings.bind)")
            (records, failure) = try await run(.deploy(sendData: true, wait: firstWait), stdin: artifact.data,
                                               wait: firstWait)
        }
        if let failure { return annotate(failure, settings) }
        let uploaded = records.flag("upload")
        var result = baseResult(settings, records: records, uploaded: uploaded)
        switch records["state"] {
        case "running"?:
            result["pid"] = records["pid"].flatMap(Int.init).map(Value.int) ?? .null
            result["msg"] = .string("\(label) is already running (pid \(records["pid"] ?? "?"))")
            return result
        case "would_start"?:
            result.changed = true
            result["msg"] = .string("would \(uploaded ? "upload and " : "")start \(label)")
            return result
        default:
            break
        }

        var restartsLeft = settings.restarts
        var restarted = false
        var attemptStarted = ContinuousClock.now
        while true {
            let state = records["state"] ?? ""
            let pid = records["pid"].flatMap(Int.init)
            if state == "up", let pid {
                result.changed = true
                result["pid"] = .int(pid)
                result["restarted"] = .bool(restarted)
                result["msg"] = .string("\(label) started (pid \(pid))" + (restarted ? " after a restart" : ""))
                return result
            }
            let spent = Self.seconds(ContinuousClock.now - attemptStarted)
            let why: String?
            if state == "dead" {
                why = "the process exited"
            } else if state == "starting", let pid, spent < settings.startTimeout {
                why = nil
                let wait = min(Self.chunk, settings.startTimeout - spent)
                context.progress(progressText(label, records: records, spent: spent, timeout: settings.startTimeout))
                (records, failure) = try await run(.check(pid: pid, wait: wait), wait: wait)
                if let failure { return annotate(failure, settings) }
                continue
            } else if state == "starting" {
                why = startingText(records, timeout: settings.startTimeout)
            } else {
                why = "the target answered no state (\(state.isEmpty ? "empty" : state))"
            }
            let reason = why ?? "unknown"
            if restartsLeft > 0 {
                restartsLeft -= 1
                restarted = true
                context.progress("restarting \(label): \(reason)")
                attemptStarted = ContinuousClock.now
                (records, failure) = try await run(.restart(wait: firstWait), wait: firstWait)
                if let failure { return annotate(failure, settings) }
                continue
            }
            // Give up: leave nothing half-running behind the failed host.
            let log = records["log"] ?? ""
            let (stopRecords, _) = try await run(.stop)
            let logTail = log.isEmpty ? (stopRecords["log"] ?? "") : log
            var failed = TaskResult.failed(
                "\(label) did not come up" + (restarted ? " after \(settings.restarts) restart(s)" : "")
                + ": \(reason)" + (logTail.isEmpty ? "" : ". Last lines of \(settings.logPath):\n\(logTail)"),
                result.values)
            failed["restarted"] = .bool(restarted)
            failed["log_tail"] = .string(logTail)
            failed.changed = true
            return failed
        }
    }

    private func baseResult(_ settings: Settings, records: ScriptRecords, uploaded: Bool) -> TaskResult {
        TaskResult([
            "changed": false,
            "app": .string(settings.app),
            "version": .string(settings.version),
            "port": .int(settings.port),
            "bind": .string(settings.bind),
            "path": .string("~/apps/\(settings.app)/\(settings.version)"),
            "manager": .string(records["manager"] ?? "nohup"),
            "uploaded": .bool(uploaded),
            "restarted": false,
            "pid": .null,
        ])
    }

    private func annotate(_ failure: TaskResult, _ settings: Settings) -> TaskResult {
        var r = failure
        r["app"] = .string(settings.app)
        r["version"] = .string(settings.version)
        return r
    }

    private func progressText(_ label: String, records: ScriptRecords, spent: Double, timeout: Double) -> String {
        "waiting for \(label): " + detail(records) + " (\(Int(spent))s of \(RemoteProbe.seconds(timeout))s)"
    }

    private func startingText(_ records: ScriptRecords, timeout: Double) -> String {
        "not up within \(RemoteProbe.seconds(timeout))s: " + detail(records)
    }

    private func detail(_ records: ScriptRecords) -> String {
        if !records.flag("listening") { return "process alive, port not listening yet" }
        let health = records["health"] ?? ""
        return "listening, health check answered \(health.isEmpty ? "nothing" : health)"
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension SSHStartModule {
    /// The checked arguments of one call.
    struct Settings {
        var artifactPath: String
        var app: String
        var version: String
        var port: Int
        var bind: String
        var environmentFile: String
        var command: String
        var startTimeout: Double
        var stopTimeout: Double
        var healthPath: String?
        var restarts: Int

        var logPath: String { "~/apps/\(app)/\(version)/app.log" }

        init(_ context: ModuleContext) throws(SSHStartError) {
            artifactPath = context.string("artifact") ?? ""
            app = context.string("app") ?? ""
            version = context.string("version") ?? ""
            for (name, value) in [("app", app), ("version", version)] where !Self.isSafeName(value) {
                throw .badName(name, value)
            }
            guard let port = context.int("port"), (1...65535).contains(port) else {
                throw .badPort(context.string("port") ?? "")
            }
            self.port = port
            if let given = context.string("bind"), !given.isEmpty {
                bind = given
            } else if let host = Self.hostAddress(context) {
                bind = host
            } else {
                bind = context.targetHost
            }
            command = context.string("command") ?? "./run.sh"
            if command.trimmingCharacters(in: .whitespaces).isEmpty { throw .emptyCommand }
            startTimeout = context.double("start_timeout") ?? 20
            stopTimeout = context.double("stop_timeout") ?? 15
            guard startTimeout > 0, stopTimeout >= 0 else { throw .badTimeout }
            healthPath = context.string("health_path").flatMap { $0.isEmpty ? nil : $0 }
            if let path = healthPath, !path.hasPrefix("/") { throw .badHealthPath(path) }
            restarts = context.int("restarts") ?? 1
            guard (0...10).contains(restarts) else { throw .badRestarts(restarts) }
            var lines = ["# Written by play ssh_start for \(app) \(version)."]
            for (key, value) in context.args["env"]?.dictValue ?? [:] {
                guard ShellWord.isVariableName(key) else { throw .badEnvironmentName(key) }
                lines.append("\(key)=\(ShellWord.quote(value.renderedString))")
            }
            environmentFile = lines.joined(separator: "\n") + "\n"
        }

        /// A digest of everything that makes a running app "the same": when it matches what runs
        /// (and the process lives and listens), nothing is restarted.
        func identity(checksum: String) -> String {
            let text = [app, version, checksum, Digest.hex(Data(environmentFile.utf8), .sha1), command, bind,
                        String(port), healthPath ?? ""].joined(separator: "\u{0}")
            return Digest.hex(Data(text.utf8), .sha1)
        }

        /// App and version names become directory names on the target.
        static func isSafeName(_ s: String) -> Bool {
            guard let first = s.unicodeScalars.first, first != ".", first != "-" else { return false }
            return s.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "." || $0 == "_" || $0 == "-" || $0 == "+"
            }
        }

        /// The host's `ansible_host`, rendered if it is a template.
        static func hostAddress(_ context: ModuleContext) -> String? {
            guard let raw = context.variables.lookup("ansible_host"), !raw.isNull else { return nil }
            let value = (try? context.templar.render(raw, context.variables)) ?? raw
            let text = value.renderedString
            return text.isEmpty ? nil : text
        }
    }
}

/// An argument `ssh_start` cannot use; the text says what to pass instead.
enum SSHStartError: Error, Sendable, CustomStringConvertible {
    case badName(String, String)
    case badPort(String)
    case emptyCommand
    case badTimeout
    case badHealthPath(String)
    case badRestarts(Int)
    case badEnvironmentName(String)

    var description: String {
        switch self {
        case .badName(let arg, let value):
            return "\(arg) '\(value)' cannot name a directory on the target: use letters, digits, '.', '_', '-' or '+'"
                + " (not starting with '.' or '-')"
        case .badPort(let value):
            return "port must be a number from 1 to 65535, got '\(value)'"
        case .emptyCommand:
            return "command is empty: give the start command inside the build (default ./run.sh)"
        case .badTimeout:
            return "start_timeout must be more than 0 and stop_timeout at least 0 seconds"
        case .badHealthPath(let path):
            return "health_path must start with '/', got '\(path)'"
        case .badRestarts(let n):
            return "restarts must be from 0 to 10, got \(n)"
        case .badEnvironmentName(let name):
            return "env key '\(name)' is not a valid environment variable name (letters, digits and '_', not starting with a digit)"
        }
    }
}
