import Foundation
import OrderedCollections
import Synchronization
import PlayBase

/// Ansible's `junit` callback: each task on each host is a test case named `[host] play: task
/// args` in the class of the task's `file:line`; ok passes, a failure (ignored ones pass unless
/// JUNIT_FAIL_ON_IGNORE) fails, skipped is skipped. `xml()` is the report after the run.
public final class JUnitReport: EventRenderer {
    public struct Options: Sendable {
        public var outputDirectory: String
        public var taskClass = false
        public var taskRelativePath = ""
        public var failOnChange = false
        public var failOnIgnore = false
        public var includeSetupTasks = true
        public var hideTaskArguments = false
        public var testCasePrefix = ""
        public var replaceOutOfTreePath: String?

        /// The JUNIT_* variables, with the callback's defaults.
        public init(environment: [String: String], home: String = NSHomeDirectory()) {
            func flag(_ name: String, _ fallback: Bool) -> Bool {
                environment[name].map { $0.lowercased() == "true" } ?? fallback
            }
            outputDirectory = environment["JUNIT_OUTPUT_DIR"] ?? home + "/.ansible.log"
            taskClass = flag("JUNIT_TASK_CLASS", false)
            taskRelativePath = environment["JUNIT_TASK_RELATIVE_PATH"] ?? ""
            failOnChange = flag("JUNIT_FAIL_ON_CHANGE", false)
            failOnIgnore = flag("JUNIT_FAIL_ON_IGNORE", false)
            includeSetupTasks = flag("JUNIT_INCLUDE_SETUP_TASKS_IN_REPORT", true)
            hideTaskArguments = flag("JUNIT_HIDE_TASK_ARGUMENTS", false)
            testCasePrefix = environment["JUNIT_TEST_CASE_PREFIX"] ?? ""
            replaceOutOfTreePath = environment["JUNIT_REPLACE_OUT_OF_TREE_PATH"]
        }
    }

    struct Case {
        var host: String
        var status: String
        var result: HostResult?
        var finished: Date
        /// An include's files and hosts.
        var output = ""
    }

    struct TaskData {
        var name: String
        var path: String
        var play: String
        var module: String
        var start: Date
        var cases: OrderedDictionary<String, Case> = [:]
    }

    struct State {
        var playbookName = "playbook"
        var play = ""
        var tasks: OrderedDictionary<String, TaskData> = [:]
        var current: String?
    }

    public let options: Options
    private let clock: @Sendable () -> Date
    private let state = Mutex(State())

    public init(options: Options, clock: @escaping @Sendable () -> Date = Date.init) {
        self.options = options
        self.clock = clock
    }

    /// Records the event; prints nothing.
    public func render(_ event: PlayEvent) -> String {
        let now = clock()
        state.withLock { s in
            switch event {
            case .playbookStarted(let path):
                s.playbookName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            case .playStarted(let info):
                s.play = info.name
            case .taskStarted(let info):
                s.current = info.id
                guard s.tasks[info.id] == nil else { return }
                var name = info.name.trimmingCharacters(in: .whitespaces)
                if !info.noLog && !options.hideTaskArguments && !info.args.isEmpty {
                    name += " " + info.args.map { "\($0.key)=" + ($0.value.stringValue ?? $0.value.pythonRepr) }.joined(separator: ", ")
                }
                s.tasks[info.id] = TaskData(name: name, path: info.location.map(PosixJSONRenderer.path) ?? "",
                                            play: s.play, module: info.module, start: now)
            case .hostResult(let r):
                guard let id = s.current, var task = s.tasks[id], r.itemLabel == nil || r.isLoopSummary else { return }
                var status: String
                switch r.status {
                case .ok, .changed: status = options.failOnChange && r.result.changed ? "failed" : "ok"
                case .failed: status = r.ignored && !options.failOnIgnore ? "ok" : "failed"
                case .skipped: status = "skipped"
                case .unreachable: return
                }
                if status == "failed" && task.name.contains("EXPECTED FAILURE") {
                    status = "ok"
                } else if task.name.contains("TOGGLE RESULT") {
                    status = status == "failed" ? "ok" : (status == "ok" ? "failed" : status)
                }
                guard task.name.hasPrefix(options.testCasePrefix) || status == "failed" else { return }
                task.cases[r.host] = Case(host: r.host, status: status, result: r, finished: now)
                s.tasks[id] = task
            case .included(let path, let hosts, _):
                // One case per include task, as the callback's host `include`; its output names the file.
                guard let id = s.current, var task = s.tasks[id] else { return }
                let line = "\(path): [\(hosts.joined(separator: ", "))]"
                var entry = task.cases["include"] ?? Case(host: "include", status: "included", result: nil, finished: now)
                entry.output = entry.output.isEmpty ? line : entry.output + "\n" + line
                entry.finished = now
                task.cases["include"] = entry
                s.tasks[id] = task
            default:
                break
            }
        }
        return ""
    }

    /// The report's file name, as the callback names it: `<playbook>-<unix time>.xml`.
    public func fileName(at date: Date) -> String {
        let name = state.withLock { $0.playbookName }
        return "\(name)-\(date.timeIntervalSince1970).xml"
    }

    /// The report: one test suite named after the playbook, pretty-printed as Python's minidom does.
    public func xml() -> String {
        let s = state.withLock { $0 }
        var cases: [JUnitXML.TestCase] = []
        for task in s.tasks.values {
            if !options.includeSetupTasks && (task.module == "setup" || task.module == "gather_facts") { continue }
            for c in task.cases.values { cases.append(testCase(task, c)) }
        }
        return JUnitXML.document(suiteName: s.playbookName, cases: cases)
    }

    func testCase(_ task: TaskData, _ c: Case) -> JUnitXML.TestCase {
        var classname = task.path
        if !options.taskRelativePath.isEmpty, !task.path.isEmpty {
            classname = Self.relativePath(task.path, to: options.taskRelativePath)
        }
        if let replacement = options.replaceOutOfTreePath, classname.hasPrefix("../") {
            classname = replacement + (classname as NSString).lastPathComponent
        }
        if options.taskClass, let range = classname.range(of: #"\.yml:[0-9]+$"#, options: .regularExpression) {
            classname.removeSubrange(range)
        }
        var testCase = JUnitXML.TestCase(name: "[\(c.host)] \(task.play): \(task.name)", classname: classname,
                                         time: c.finished.timeIntervalSince(task.start))
        guard let r = c.result else {
            testCase.systemOut = c.output
            return testCase
        }
        let indented = r.display != .standard && !r.isLoopSummary && r.result["_ansible_verbose_always"]?.boolValue != false
        let dump = ResultDump(verbosity: 0).json(ResultDump.loopSummaryTrimmed(r), indent: indented ? 4 : 0)
        switch c.status {
        case "ok":
            testCase.systemOut = dump
        case "failed" where r.status == .failed:
            // ansible-core 2.19 gives every failed result an error summary: the case is an error,
            // its message the one the default callback prints, with no traceback.
            let origin = r.runsOnController ? "action" : "target"
            let missing = "(traceback missing)\n\n"
            testCase.error = (HumanRenderer.failureSummary(r), missing
                + "The above \(origin) exception was the direct cause of the following controller exception:\n\n" + missing
                + "The above exception was the direct cause of the following exception:\n\n(traceback missing)\n")
        case "failed":
            // A result failed by JUNIT_FAIL_ON_CHANGE or TOGGLE RESULT.
            testCase.failure = (r.result.message ?? "rc=\(r.result["rc"]?.renderedString ?? "0")", dump)
        default:
            testCase.skipped = r.result["skip_reason"]?.renderedString ?? "skipped"
        }
        return testCase
    }

    /// `os.path.relpath`: the path from `base` to `path`, both made absolute.
    static func relativePath(_ path: String, to base: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        func parts(_ p: String) -> [String] {
            let absolute = p.hasPrefix("/") ? p : cwd + "/" + p
            return (absolute as NSString).standardizingPath.split(separator: "/").map(String.init)
        }
        let target = parts(path), from = parts(base)
        var common = 0
        while common < min(target.count, from.count) && target[common] == from[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let rest = ups + target[common...]
        return rest.isEmpty ? "." : rest.joined(separator: "/")
    }
}
