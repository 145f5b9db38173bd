import Foundation
import PlayExecutor

/// Which callbacks print a run, as Ansible chooses them: the stdout callback
/// (`ANSIBLE_STDOUT_CALLBACK` / `stdout_callback`), the default callback's result format
/// (`ANSIBLE_CALLBACK_RESULT_FORMAT` / `callback_result_format`) and the enabled callbacks
/// (`ANSIBLE_CALLBACKS_ENABLED` / `callbacks_enabled`). A configuration file sets these fields;
/// `resolved(environment:)` lays the environment over them.
public struct OutputSettings: Sendable, Equatable {
    public enum StdoutCallback: String, Sendable, CaseIterable {
        case `default`, minimal, oneline, json
    }

    public enum Enabled: String, Sendable, CaseIterable {
        case profileTasks = "profile_tasks", timer, junit
    }

    /// The stdout callback as written (short or collection-qualified name).
    public var stdoutCallback: String?
    public var resultFormat: String?
    public var callbacksEnabled: [String]

    public init(stdoutCallback: String? = nil, resultFormat: String? = nil, callbacksEnabled: [String] = []) {
        self.stdoutCallback = stdoutCallback
        self.resultFormat = resultFormat
        self.callbacksEnabled = callbacksEnabled
    }

    /// These settings with the environment's values over them (environment > config file > defaults).
    public func resolved(environment: [String: String]) -> OutputSettings {
        var s = self
        if let v = environment["ANSIBLE_STDOUT_CALLBACK"], !v.isEmpty { s.stdoutCallback = v }
        if let v = environment["ANSIBLE_CALLBACK_RESULT_FORMAT"], !v.isEmpty { s.resultFormat = v }
        if let v = environment["ANSIBLE_CALLBACKS_ENABLED"] ?? environment["ANSIBLE_CALLBACK_WHITELIST"] {
            s.callbacksEnabled = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return s
    }

    /// A setting no callback here answers to.
    public struct Unknown: Error, CustomStringConvertible {
        public var description: String
    }

    /// The stdout callback named, or an error as ansible-playbook gives for an unknown one.
    public func stdout() throws -> StdoutCallback {
        guard let name = stdoutCallback else { return .default }
        if let known = StdoutCallback(rawValue: Self.shortName(name, collections: ["ansible.builtin", "ansible.posix"])) {
            return known
        }
        throw Unknown(description: "Invalid callback for stdout specified: \(name)")
    }

    /// The result format; `yaml` and `json` are Ansible's two.
    public func format() throws -> ResultFormat {
        guard let name = resultFormat else { return .json }
        guard let format = ResultFormat(rawValue: name.lowercased()) else {
            throw Unknown(description: "Invalid value \"\(name)\" for configuration option \"callback_result_format\", valid values are: json, yaml")
        }
        return format
    }

    /// The enabled callbacks known here, in the order given, and the names that are not.
    public func enabled() -> (known: [Enabled], unknown: [String]) {
        var known: [Enabled] = [], unknown: [String] = []
        for name in callbacksEnabled {
            if let e = Enabled(rawValue: Self.shortName(name, collections: ["ansible.builtin", "ansible.posix", "community.general"])) {
                if !known.contains(e) { known.append(e) }
            } else {
                unknown.append(name)
            }
        }
        return (known, unknown)
    }

    static func shortName(_ name: String, collections: [String]) -> String {
        for prefix in collections where name.hasPrefix(prefix + ".") { return String(name.dropFirst(prefix.count + 1)) }
        return name
    }
}

extension OutputSettings {
    /// The stdout renderer and the enabled callbacks' renderers for a run; unknown enabled
    /// callbacks are reported through `warn`.
    func renderers(colour: Bool, verbosity: Int, environment: [String: String],
                   warn: @escaping @Sendable (String) -> Void) throws -> (stdout: any EventRenderer, callbacks: [any EventRenderer]) {
        let format = try format()
        let stdout: any EventRenderer
        switch try self.stdout() {
        case .default:
            var human = HumanRenderer(colour: colour, verbosity: verbosity)
            human.resultFormat = format
            stdout = human
        case .minimal: stdout = MinimalRenderer(colour: colour, verbosity: verbosity, resultFormat: format)
        case .oneline: stdout = OnelineRenderer(colour: colour, verbosity: verbosity)
        case .json: stdout = PosixJSONRenderer(indent: Int(environment["ANSIBLE_JSON_INDENT"] ?? "") ?? 4)
        }
        let (known, unknown) = enabled()
        for name in unknown { warn("[WARNING]: Skipping callback plugin '\(name)', unable to load\n") }
        let callbacks: [any EventRenderer] = known.map { callback in
            switch callback {
            case .profileTasks: ProfileTasksRenderer(environment: environment, verbosity: verbosity)
            case .timer: TimerRenderer()
            case .junit: JUnitFileWriter(options: JUnitReport.Options(environment: environment), warn: warn)
            }
        }
        return (stdout, callbacks)
    }
}
