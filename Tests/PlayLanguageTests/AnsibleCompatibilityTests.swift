import Foundation
import XCTest
@testable import PlayLanguage

/// Runs the real `ansible-playbook --list-tasks` / `--list-tags` on every fixture under
/// Fixtures/compat (plus the `# compat-args:` variants each fixture declares) and requires our
/// listings to be byte-identical.
final class AnsibleCompatibilityTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/compat").path

    struct Run: Sendable {
        var fixture: String
        var mode: String          // --list-tasks or --list-tags
        var arguments: [String]   // --tags / --skip-tags
    }

    func testListingsMatchAnsiblePlaybook() throws {
        guard let ansible = Self.findExecutable("ansible-playbook") else {
            XCTFail("ansible-playbook is not installed: install ansible-core 2.19 (pip install 'ansible-core==2.19.*') to run the compatibility test")
            return
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures).filter { $0.hasSuffix(".yml") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 15, "the compatibility test needs at least 15 fixture playbooks")
        var runs: [Run] = []
        for name in names {
            let path = Self.fixtures + "/" + name
            let text = try String(contentsOfFile: path, encoding: .utf8)
            var variants: [[String]] = [[]]
            for line in text.split(separator: "\n") where line.hasPrefix("# compat-args:") {
                variants.append(Self.shellWords(String(line.dropFirst("# compat-args:".count))))
            }
            for v in variants {
                runs.append(Run(fixture: path, mode: "--list-tasks", arguments: v))
                runs.append(Run(fixture: path, mode: "--list-tags", arguments: v))
            }
        }
        let outputs = Self.runAll(runs, ansible: ansible)
        var compared = 0
        for (run, result) in zip(runs, outputs) {
            let label = "\((run.fixture as NSString).lastPathComponent) \(run.mode) \(run.arguments.joined(separator: " "))"
            guard result.status == 0 else {
                XCTFail("ansible-playbook failed on \(label) (exit \(result.status)):\n\(result.stderr)")
                continue
            }
            let selection = Self.selection(run.arguments)
            do {
                let ours: String
                if run.mode == "--list-tasks" {
                    ours = PlaybookListing.listTasks(try compiler.compile(path: run.fixture, selection: selection))
                } else {
                    ours = PlaybookListing.listTags(try compiler.compile(path: run.fixture, selection: selection.forTagListing))
                }
                if ours != result.stdout {
                    XCTFail("\(label) differs from ansible-playbook.\n--- ansible-playbook:\n\(result.stdout)--- play:\n\(ours)---")
                }
                compared += 1
            } catch {
                XCTFail("\(label): our parser rejected a playbook ansible accepts:\n\(error)")
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 30)
    }

    static func selection(_ arguments: [String]) -> TagSelection {
        var tags: [String] = [], skip: [String] = []
        var i = 0
        while i < arguments.count {
            if arguments[i] == "--tags", i + 1 < arguments.count { tags.append(arguments[i + 1]); i += 2; continue }
            if arguments[i] == "--skip-tags", i + 1 < arguments.count { skip.append(arguments[i + 1]); i += 2; continue }
            i += 1
        }
        return TagSelection(commandLineTags: tags, commandLineSkipTags: skip)
    }

    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the ansible-playbook invocations a few at a time (each takes about half a second of CPU).
    static func runAll(_ runs: [Run], ansible: String) -> [Output] {
        let results = ResultBox(count: runs.count)
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            var i = worker
            while i < runs.count {
                let r = runs[i]
                results.set(i, run(ansible, ["-i", "localhost,", r.mode] + r.arguments + [r.fixture]))
                i += 3
            }
        }
        return results.values
    }

    final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [Output]
        init(count: Int) { storage = Array(repeating: Output(status: -1, stdout: "", stderr: ""), count: count) }
        func set(_ i: Int, _ o: Output) { lock.lock(); storage[i] = o; lock.unlock() }
        var values: [Output] { lock.lock(); defer { lock.unlock() }; return storage }
    }

    static func run(_ executable: String, _ arguments: [String]) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["ANSIBLE_NOCOLOR"] = "1"
        env["ANSIBLE_FORCE_COLOR"] = "0"
        env["ANSIBLE_DEPRECATION_WARNINGS"] = "0"
        env["ANSIBLE_LOCALHOST_WARNING"] = "0"
        env["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "0"
        env["ANSIBLE_RETRY_FILES_ENABLED"] = "0"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            return Output(status: -1, stdout: "", stderr: "could not start \(executable): \(error)")
        }
        // Read both pipes before waiting so a full pipe cannot block the child.
        let errData = ErrReader(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.finish(), as: UTF8.self))
    }

    /// Drains stderr on a background thread.
    final class ErrReader: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)
        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }
        }
        func finish() -> Data { done.wait(); return data }
    }

    static func findExecutable(_ name: String) -> String? {
        var dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        dirs += [NSHomeDirectory() + "/.local/bin", NSHomeDirectory() + "/.pyenv/shims", "/usr/local/bin", "/usr/bin"]
        for d in dirs where FileManager.default.isExecutableFile(atPath: d + "/" + name) { return d + "/" + name }
        return nil
    }

    /// Splits `--tags "b, c"` as a shell would (double quotes only).
    static func shellWords(_ s: String) -> [String] {
        var words: [String] = [], current = "", quoted = false, has = false
        for c in s {
            if c == "\"" { quoted.toggle(); has = true; continue }
            if c == " " && !quoted {
                if has { words.append(current); current = ""; has = false }
                continue
            }
            current.append(c); has = true
        }
        if has { words.append(current) }
        return words
    }
}
