import Foundation
import OrderedCollections
import PlayBase
import XCTest

/// Runs tasks with the real ansible-playbook (`-c local`, this machine) and returns each
/// task's registered result, for comparing a module's result keys and effects with play's.
enum AnsibleTask {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "ansible-playbook is not installed: run scripts/setup.sh (pip install 'ansible-core==2.19.*')" }
    }

    /// `tasks` is YAML for the play's task list (each registering `r<N>`, N from 0); the
    /// results come back in order. `files` is the directory the play's `files/` lookups use.
    static func run(_ tasks: [String], in directory: String, check: Bool = false) throws -> [OrderedDictionary<String, Value>] {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/root/.pyenv/shims:/usr/local/bin"
        guard let binary = paths.split(separator: ":").map({ "\($0)/ansible-playbook" })
            .first(where: FileManager.default.isExecutableFile) else { throw Missing() }
        let out = directory + "/ansible-results.json"
        var yaml = "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        for (i, task) in tasks.enumerated() {
            let lines = task.split(separator: "\n", omittingEmptySubsequences: false)
            yaml += "    - " + lines[0] + "\n"
            for line in lines.dropFirst() { yaml += "      " + line + "\n" }
            yaml += "      register: r\(i)\n      ignore_errors: true\n"
        }
        let list = (0..<tasks.count).map { "r\($0)" }.joined(separator: ", ")
        yaml += "    - copy:\n        content: \"{{ [\(list)] | to_json }}\"\n        dest: \(out)\n      check_mode: false\n"
        try yaml.write(toFile: directory + "/play.yml", atomically: true, encoding: .utf8)
        let (_, output) = try ArchiveFixtures.run(
            binary, ["-i", "localhost,", "-c", "local", "-e", #"{"ansible_python_interpreter": "{{ ansible_playbook_python }}"}"#,
                     "play.yml"] + (check ? ["--check"] : []),
            in: directory, environment: ["ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCALHOST_WARNING": "0"])
        guard let data = FileManager.default.contents(atPath: out) else {
            XCTFail("ansible-playbook wrote no results: \(output)")
            return []
        }
        let value = try Value.parseJSON(String(decoding: data, as: UTF8.self))
        return (value.listValue ?? []).map { $0.dictValue ?? [:] }
    }

    /// The keys a comparison looks at: Ansible's own bookkeeping keys left out.
    static func keys(_ result: OrderedDictionary<String, Value>) -> Set<String> {
        Set(result.keys).subtracting(["invocation", "failed", "warnings", "deprecations", "_ansible_no_log", "diff",
                                                   // A Python traceback: nothing a shell module could give.
                                                   "exception"])
    }
}
