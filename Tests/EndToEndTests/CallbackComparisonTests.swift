import Foundation
import PlayBase
import XCTest

/// The stdout callbacks (minimal, oneline, the default one with `result_format=yaml`,
/// ansible.posix.json) and the enabled ones (profile_tasks, timer, junit) against the real
/// ansible-playbook on the same playbook, hosts one at a time (`-f 1`) so both print in one order.
/// Times and clock readings are masked; ansible.posix comes from /opt/play-collections.
final class CallbackComparisonTests: XCTestCase {
    static let directory = PlayProcess.fixtures.appendingPathComponent("callbacks")
    static let arguments = ["-i", "h1,h2,", "-c", "local", "-f", "1", "callbacks.yml",
                            "-e", #"{"ansible_python_interpreter": "{{ ansible_playbook_python }}"}"#]
    /// A command's clock readings, in JSON and in YAML.
    static let clock = #"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+|[0-9]+:[0-9]{2}:[0-9]{2}\.[0-9]{6}"#

    func run(_ environment: [String: String], verbose: Bool = false) throws -> (ansible: ProcessResult, play: ProcessResult) {
        var env = environment
        env["ANSIBLE_COLLECTIONS_PATH"] = "/opt/play-collections"
        let args = Self.arguments + (verbose ? ["-v"] : [])
        let ansible = try PlayProcess.ansiblePlaybook(args, cwd: Self.directory, environment: env)
        let play = try PlayProcess.play(args, cwd: Self.directory, environment: env)
        return (ansible, play)
    }

    func compare(_ name: String, _ environment: [String: String], verbose: Bool = false, masking: String = clock,
                 file: StaticString = #filePath, line: UInt = #line) throws {
        let (ansible, play) = try run(environment, verbose: verbose)
        XCTAssertTrue(ansible.stdout.contains("h1"), "ansible printed nothing: \(ansible.stderr)", file: file, line: line)
        // With -v both name the config file first ("No config file found; using defaults" here).
        AnsibleComparisonTests.assertSameOutput(name, ansible: ansible, play: play, masking: masking, file: file, line: line)
    }

    func testMinimal() throws { try compare("minimal", ["ANSIBLE_STDOUT_CALLBACK": "minimal"]) }

    func testOneline() throws { try compare("oneline", ["ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.oneline"]) }

    /// The default callback with `-v` (every result shown, as JSON and as YAML) and minimal with
    /// `result_format=yaml`.
    func testResultFormats() throws {
        try compare("default, -v", [:], verbose: true)
        try compare("default, yaml results, -v", ["ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml"], verbose: true)
        try compare("minimal, yaml results", ["ANSIBLE_STDOUT_CALLBACK": "minimal", "ANSIBLE_CALLBACK_RESULT_FORMAT": "yaml"])
    }

    /// ansible.posix.json: the same plays, tasks, hosts' results and stats once the values only
    /// ansible-core has (ids, times, module invocations, internal keys) are taken out.
    func testPosixJSON() throws {
        let (ansible, play) = try run(["ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"])
        XCTAssertEqual(play.exitCode, ansible.exitCode, play.stderr)
        let expected = Self.comparable(try Value.parseJSON(ansible.stdout))
        let actual = Self.comparable(try Value.parseJSON(play.stdout))
        XCTAssertEqual(actual, expected, "play:\n\(actual.jsonString(sortKeys: true, pretty: true))\nansible:\n\(expected.jsonString(sortKeys: true, pretty: true))")
        guard case .dict(let doc) = actual, case .list(let plays)? = doc["plays"] else { return XCTFail("no plays") }
        XCTAssertEqual(plays.count, 2)
    }

    static func comparable(_ v: Value) -> Value {
        switch v {
        case .dict(let d):
            var out = d
            for key in d.keys where key.hasPrefix("_ansible") || ["id", "duration", "invocation", "delta", "start", "end", "exception"].contains(key) {
                out.removeValue(forKey: key)
            }
            // ansible-core keeps `skipped: false` out of a loop's callback result, as play does.
            return .dict(out.mapValues(comparable))
        case .list(let l): return .list(l.map(comparable))
        default: return v
        }
    }

    /// profile_tasks, timer and junit in one run: the default output with the task-time lines and
    /// the summary in task order (PROFILE_TASKS_SORT_ORDER=none), clock readings masked; and the
    /// same junit test suites, cases (names, classes, statuses, messages, output) and counts.
    func testEnabledCallbacks() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("play-junit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let env = ["ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks, ansible.posix.timer,junit",
                   "PROFILE_TASKS_SORT_ORDER": "none", "ANSIBLE_COLLECTIONS_PATH": "/opt/play-collections"]
        var ansibleEnv = env, playEnv = env
        ansibleEnv["JUNIT_OUTPUT_DIR"] = root.appendingPathComponent("ansible").path
        playEnv["JUNIT_OUTPUT_DIR"] = root.appendingPathComponent("play").path
        let ansible = try PlayProcess.ansiblePlaybook(Self.arguments, cwd: Self.directory, environment: ansibleEnv)
        let play = try PlayProcess.play(Self.arguments, cwd: Self.directory, environment: playEnv)
        let masks = [
            #"[A-Z][a-z]+day [0-9]{2} [A-Z][a-z]+ [0-9]{4}  [0-9:]{8} [+-][0-9]{4} \([0-9:.]+\) +[0-9:.]+ \*+ "#,
            #" -+ *[0-9]+\.[0-9]{2}s"#, #"took [0-9]+ days, [0-9]+ hours, [0-9]+ minutes, [0-9]+ seconds"#, Self.clock,
        ].joined(separator: "|")
        XCTAssertTrue(ansible.stdout.contains("Playbook run took"), ansible.stdout + ansible.stderr)
        AnsibleComparisonTests.assertSameOutput("profile_tasks, timer and junit", ansible: ansible, play: play, masking: masks)

        func report(_ tool: String) throws -> String {
            let dir = root.appendingPathComponent(tool)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            XCTAssertEqual(files.count, 1, "\(tool) wrote \(files)")
            let name = try XCTUnwrap(files.first)
            XCTAssertNotNil(name.range(of: #"^callbacks-[0-9]+\.[0-9]+\.xml$"#, options: .regularExpression), name)
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            return text.replacingOccurrences(of: #"time="[0-9.]+""#, with: #"time="T""#, options: .regularExpression)
                .replacingOccurrences(of: Self.clock, with: "<clock>", options: .regularExpression)
        }
        let expected = try report("ansible"), actual = try report("play")
        XCTAssertTrue(expected.contains("<testcase") && expected.contains("<error "), expected)
        let a = expected.split(separator: "\n"), p = actual.split(separator: "\n")
        let first = (0..<min(a.count, p.count)).first { a[$0] != p[$0] } ?? min(a.count, p.count)
        XCTAssertEqual(actual, expected, "first difference at line \(first + 1):\nansible: \(first < a.count ? a[first] : "<end>")\nplay:    \(first < p.count ? p[first] : "<end>")")
    }
}
