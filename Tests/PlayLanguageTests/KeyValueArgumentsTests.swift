import Foundation
import PlayBase
import XCTest
@testable import PlayLanguage

/// The free-form `k=v` syntax, checked case by case and against ansible's own parse_kv.
final class KeyValueArgumentsTests: XCTestCase {
    func parse(_ s: String, command: Bool = false) throws -> [String: String] {
        let commandKeys: Set<String> = ["creates", "removes", "chdir", "executable", "warn", "stdin", "stdin_add_newline", "strip_empty_ends"]
        let parsed = try KeyValueArguments.parse(s, keepAsRaw: command ? { !commandKeys.contains($0) } : nil)
        var out: [String: String] = [:]
        for p in parsed.pairs { out[p.key] = p.value }
        if let raw = parsed.rawParams { out["_raw_params"] = raw }
        return out
    }

    func testPairsAndQuotes() throws {
        XCTAssertEqual(try parse("a=b c=\"foo bar\" d='x y'"), ["a": "b", "c": "foo bar", "d": "x y"])
        XCTAssertEqual(try parse("msg=\"{{ a | default('x y') }}\" n=1"), ["msg": "{{ a | default('x y') }}", "n": "1"])
        XCTAssertEqual(try parse("msg={{ a | default('x y') }}"), ["msg": "{{ a | default('x y') }}"])
    }

    func testFreeFormTextGoesToRawParams() throws {
        XCTAssertEqual(try parse("flush_handlers"), ["_raw_params": "flush_handlers"])
        XCTAssertEqual(try parse("echo hello world", command: true), ["_raw_params": "echo hello world"])
        XCTAssertEqual(try parse("chdir=/tmp echo \"a b\" c=d", command: true), ["chdir": "/tmp", "_raw_params": "echo \"a b\" c=d"])
    }

    func testEscapedEqualsStaysText() throws {
        XCTAssertEqual(try parse("a\\=b"), ["_raw_params": "a=b"])
    }

    func testNewlinesAreKeptInRawText() throws {
        XCTAssertEqual(try parse("echo one\necho two", command: true), ["_raw_params": "echo one\necho two"])
    }

    func testUnbalancedQuotesAreAnError() {
        XCTAssertThrowsError(try parse("msg=\"open"))
        XCTAssertThrowsError(try parse("msg={{ open"))
    }

    func testOffsetsOfKeys() throws {
        let parsed = try KeyValueArguments.parse("src=a  dest=\"b c\" mode=0644")
        XCTAssertEqual(parsed.pairs.map(\.offset), [0, 7, 18])
    }

    /// The same inputs through ansible's parse_kv (the real one, from the installed ansible-core).
    func testAgreesWithAnsibleParseKV() throws {
        guard let python = Self.ansiblePython() else {
            XCTFail("ansible-playbook is not installed: install ansible-core 2.19 to run this test")
            return
        }
        let inputs = [
            "a=b c=d", "a=\"b c\" d='e f'", "echo hi there", "chdir=/tmp ls -l", "msg={{ x }} y=z",
            "msg=\"{{ x | default('a b') }}\"", "a=1 b=true c=", "k=v=w", "one two=2 three", "path=/a\\ b",
            "x=\"quoted \\\"inner\\\"\"", "  spaced   out=1  ", "foo\\=bar", "a=b\nc=d", "cmd='it''s'",
            "{% if x %}a=1{% endif %}", "url=http://h/?a=1&b=2", "tab=\"a\\tb\"", "name=ünï value=ç",
        ]
        let script = """
        import json, sys
        from ansible.parsing.splitter import parse_kv
        out = []
        for s in json.load(sys.stdin):
            row = []
            for raw in (False, True):
                try:
                    row.append({str(k): str(v) for k, v in parse_kv(s, check_raw=raw).items()})
                except Exception as e:
                    row.append({"error": type(e).__name__})
            out.append(row)
        print(json.dumps(out))
        """
        let input = Value.list(inputs.map(Value.string)).jsonString()
        let output = try Self.runPython(python, script: script, stdin: input)
        guard case .list(let rows) = try Value.parseJSON(output) else { return XCTFail("bad output: \(output)") }
        XCTAssertEqual(rows.count, inputs.count, "python answered \(output)")
        for (s, row) in zip(inputs, rows) {
            for (i, command) in [false, true].enumerated() {
                let expected = row[i]!.dictValue!.mapValues { $0.stringValue ?? "" }
                let ours: [String: String]
                do { ours = try parse(s, command: command) } catch { ours = ["error": "AnsibleParserError"] }
                XCTAssertEqual(ours, Dictionary(uniqueKeysWithValues: expected.map { ($0.key, $0.value) }),
                               "parse_kv(\(s.debugDescription), check_raw=\(command))")
            }
        }
    }

    static func ansiblePython() -> String? {
        guard let ansible = AnsibleCompatibilityTests.findExecutable("ansible-playbook") else { return nil }
        let out = AnsibleCompatibilityTests.run(ansible, ["--version"]).stdout
        // "python version = 3.11.7 (main, ...) [GCC 12.2.0] (/path/to/python3)"
        guard let line = out.split(separator: "\n").first(where: { $0.contains("python version") }),
              let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else { return nil }
        return String(line[line.index(after: open)..<close])
    }

    static func runPython(_ python: String, script: String, stdin: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
