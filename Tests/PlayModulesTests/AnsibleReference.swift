import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import XCTest

/// Runs module tasks with the real ansible-playbook on this machine (`-c local`) and returns
/// each task's registered result, so a test can hold `play`'s result and effects against
/// Ansible's. ansible.posix comes from /opt/play-collections (scripts/setup.sh unpacks it there).
enum AnsibleReference {
    struct Step {
        var module: String
        var args: OrderedDictionary<String, Value>
        var check = false
        var diff = false

        init(_ module: String, _ args: OrderedDictionary<String, Value>, check: Bool = false, diff: Bool = false) {
            self.module = module
            self.args = args
            self.check = check
            self.diff = diff
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `prefix` runs ansible-playbook under another command (`nsenter ...`, for a namespace).
    static func run(_ steps: [Step], prefix: [String] = []) throws -> [Value] {
        let dir = try TemporaryDirectory()
        let out = dir.file("results.json")
        var tasks: [Value] = []
        for (i, step) in steps.enumerated() {
            tasks.append(.dict(["name": .string("t\(i)"), step.module: .dict(step.args), "register": .string("r\(i)"),
                                "check_mode": .bool(step.check), "diff": .bool(step.diff), "ignore_errors": true]))
        }
        let all = (0..<steps.count).map { "r\($0)" }.joined(separator: ", ")
        tasks.append(["copy": ["content": .string("{{ [\(all)] | to_json }}"), "dest": .string(out)]])
        let play: Value = .list([["hosts": "localhost", "gather_facts": false, "tasks": .list(tasks)]])
        let playbook = try dir.write("play.yml", play.jsonString(sortKeys: false))
        let process = Process()
        let ansible = try executable()
        process.executableURL = URL(fileURLWithPath: prefix.isEmpty ? ansible : "/usr/bin/" + prefix[0])
        process.arguments = Array(prefix.dropFirst()) + (prefix.isEmpty ? [] : [ansible]) + ["-i", "localhost,", "-c", "local", "-e", "ansible_python_interpreter={{ ansible_playbook_python }}", playbook]
        var env = ProcessInfo.processInfo.environment
        env["ANSIBLE_COLLECTIONS_PATH"] = "/opt/play-collections"
        env["ANSIBLE_NOCOLOR"] = "1"
        env["ANSIBLE_LOCALHOST_WARNING"] = "False"
        env["ANSIBLE_DEPRECATION_WARNINGS"] = "False"
        env["ANSIBLE_RETRY_FILES_ENABLED"] = "False"
        process.environment = env
        let log = Pipe()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let output = log.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let text = try? String(contentsOfFile: out, encoding: .utf8) else {
            throw Failure(description: "ansible-playbook wrote no results (exit \(process.terminationStatus)):\n"
                          + String(decoding: output, as: UTF8.self))
        }
        return try Value.parseJSON(text).listValue ?? []
    }

    private static func executable() throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/root/.pyenv/shims"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/ansible-playbook") {
            return "\(dir)/ansible-playbook"
        }
        throw Failure(description: "ansible-playbook is not installed: run scripts/setup.sh (pip install 'ansible-core==2.19.*')")
    }

    /// A result's keys without the ones only Ansible's executor adds.
    static func keys(_ result: Value?) -> Set<String> {
        Set((result?.dictValue ?? [:]).keys).subtracting(["invocation", "failed", "_ansible_no_log", "deprecations", "exception"])
    }

    /// A fresh name for a test account: `playtest_` and random letters.
    static func uniqueName(_ prefix: String = "playtest_") -> String {
        prefix + String((0..<6).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement()! })
    }
}

extension ModuleHarness {
    /// Runs the steps one after another, each in its own check and diff mode.
    func replay(_ module: any Module, _ steps: [AnsibleReference.Step]) async throws -> [TaskResult] {
        var results: [TaskResult] = []
        for step in steps {
            var harness = self
            harness.checkMode = step.check
            harness.diffMode = step.diff
            results.append(try await harness.run(module, step.args))
        }
        return results
    }
}
