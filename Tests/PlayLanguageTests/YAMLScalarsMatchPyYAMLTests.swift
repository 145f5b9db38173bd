import Foundation
import PlayBase
import XCTest
@testable import PlayLanguage

/// Ansible reads YAML with PyYAML's YAML 1.1 resolver: each scalar here is loaded by the real
/// PyYAML (`python3 -c 'import yaml'`) and by both of our readers, and must mean the same.
/// Known differences, left out: `! 5` (an int for PyYAML, a string here: Yams reports the
/// non-specific tag as `!!str`), ints beyond 64 bits (strings here), datetimes (PyYAML makes
/// datetime objects; here they keep their text, which is what Ansible shows for a plain date).
final class YAMLScalarsMatchPyYAMLTests: XCTestCase {
    /// (scalar as written, what PyYAML gives it; checked against PyYAML below, not trusted).
    static let table: [(String, Value)] = [
        ("1e3", "1e3"), ("1E3", "1E3"), ("1.0e3", "1.0e3"), ("1.0e+3", 1000.0), ("6.8523015e+5", 685230.15),
        ("1.5", 1.5), ("-1.5", -1.5), ("0.", 0.0), (".5", 0.5), ("-.5", "-.5"), (".5e3", ".5e3"), (".5e+3", 500.0),
        ("+.5e+3", "+.5e+3"), ("1_0.5", 10.5), ("1:30.5", 90.5), ("-1:30.5", -90.5), ("._", "._"),
        (".inf", .double(.infinity)), ("-.Inf", .double(-.infinity)), ("+.INF", .double(.infinity)),
        ("08", "08"), ("09", "09"), ("017", 15), ("-017", -15), ("0o17", "0o17"), ("0x1F", 31), ("-0x1F", -31),
        ("0x_1F", 31), ("0b101", 5), ("0", 0), ("-0", 0), ("+7", 7), ("00", 0), ("0_7", 7), ("1_000", 1000),
        ("1_", 1), ("1:30", 90), ("-1:30", -90), ("190:20:30", 685230), ("1:60", "1:60"), ("1:00:00", 3600),
        ("yes", true), ("Yes", true), ("YES", true), ("no", false), ("NO", false), ("on", true), ("On", true),
        ("off", false), ("OFF", false), ("true", true), ("False", false), ("y", "y"), ("n", "n"), ("Y", "Y"),
        ("yEs", "yEs"), ("oN", "oN"), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
        ("nUll", "nUll"), ("2001-12-14", "2001-12-14"), ("2001-1-4", "2001-1-4"), ("1.2.3", "1.2.3"),
        ("0.0.0.0", "0.0.0.0"), ("12:34:56:78", "12:34:56:78"), ("1.2e", "1.2e"), ("0x", "0x"), ("+", "+"),
        ("'08'", "08"), ("\"1e3\"", "1e3"), ("!!str 5", "5"), ("!!int 0x10", 16), ("!!float 1", 1.0),
        ("!!bool yes", true),
    ]

    func testScalarsResolveAsPyYAMLDoes() async throws {
        let text = Self.table.map { "- \($0.0)" }.joined(separator: "\n") + "\n"
        let python = try await pyYAMLValues(text)
        XCTAssertEqual(python.count, Self.table.count)
        let loader = YAMLLoader()
        let viaLoader = try XCTUnwrap(loader.value(from: try XCTUnwrap(loader.parseDocuments(text, file: "t.yml").first),
                                                   file: "t.yml").listValue)
        let viaTree = try XCTUnwrap(YAMLTreeBuilder.documents(text, file: "t.yml").first?
            .value(file: "t.yml", secrets: nil).listValue)
        for (i, (scalar, expected)) in Self.table.enumerated() {
            XCTAssertEqual(python[i], expected, "`\(scalar)`: the table disagrees with PyYAML")
            XCTAssertEqual(viaLoader[i], python[i], "`\(scalar)`: YAMLLoader disagrees with PyYAML")
            XCTAssertEqual(viaTree[i], python[i], "`\(scalar)`: the playbook reader disagrees with PyYAML")
        }
    }

    /// Each item of a YAML list as PyYAML loads it; dates and datetimes as the text written.
    private func pyYAMLValues(_ text: String) async throws -> [Value] {
        let script = """
            import sys, json, yaml, datetime
            text = sys.stdin.read()
            loaded = yaml.safe_load(text)
            nodes = yaml.compose(text).value
            out = []
            for v, node in zip(loaded, nodes):
                if isinstance(v, (datetime.date, datetime.datetime)): v = node.value
                if isinstance(v, float) and v != v: v = "nan"
                elif isinstance(v, float) and v in (float("inf"), float("-inf")): v = {"inf": v > 0}
                elif isinstance(v, float): v = {"float": repr(v)}
                out.append(v)
            print(json.dumps(out))
            """
        let run = try await Subprocess.run(["/usr/bin/env", "python3", "-c", script], stdin: Data(text.utf8))
        XCTAssertEqual(run.status, 0, "python3 with PyYAML: " + String(decoding: run.stderr, as: UTF8.self))
        let output = String(decoding: run.stdout, as: UTF8.self)
        let decoded = try XCTUnwrap(Value.parseJSON(output).listValue)
        return decoded.map { item -> Value in
            if let r = item["float"]?.stringValue { return .double(Double(r) ?? .nan) }
            if case .bool(let positive)? = item["inf"] { return .double(positive ? .infinity : -.infinity) }
            return item
        }
    }
}
