import Foundation
import OrderedCollections
import PlayBase
import PlayTemplating
import XCTest

/// The public API beyond single expressions: template files, `render` over structures, omit,
/// lazy and raw variables, lookups, conditions, errors with positions, caching and speed.
final class TemplarTests: XCTestCase {
    let templar = Templar()

    func vars(_ values: OrderedDictionary<String, Value>) -> VariableLayers { VariableLayers([values]) }

    // MARK: template module

    func testTemplateFileMatchesAnsibleTemplateModule() throws {
        // Rendered by ansible-core 2.19's template module from the same text and variables.
        let text = #"""
        {# header #}
        Hello {{ name }}!
        {% for u in users %}
        - {{ u }}{% if not loop.last %},{% endif %}
        {% endfor %}
        {%- if missing is defined %}never{% endif %}
        none:{{ none }}
        esc:{{ "a\tb" }}|{{ '\x41' }}|{{ 'it\'s' }}
        {% raw %}{{ raw }}{% endraw %}
          {%+ if true %}kept{% endif %}
        {% set total = users | length %}total={{ total }}
        {{ {"b": [1, none]} }}
        last line

        """#
        let out = try templar.renderTemplate(text, vars(["name": "World", "users": ["a", "b"]]))
        XCTAssertEqual(out, "Hello World!\n- a,- bnone:\nesc:a\tb|A|it's\n{{ raw }}  kepttotal=2\n{'b': [1, None]}\nlast line\n")
    }

    func testTemplateLoopVariablesAndElse() throws {
        let text = "{% for x in items %}{{ loop.index }}:{{ x }}{{ ',' if not loop.last }}{% else %}none{% endfor %}"
        XCTAssertEqual(try templar.renderTemplate(text, vars(["items": ["a", "b", "c"]])), "1:a,2:b,3:c")
        XCTAssertEqual(try templar.renderTemplate(text, vars(["items": []])), "none")
        let cycle = "{% for x in [1, 2, 3] %}{{ loop.cycle('odd', 'even') }} {% endfor %}"
        XCTAssertEqual(try templar.renderTemplate(cycle, vars([:])), "odd even odd ")
        let prevNext = "{% for x in [1, 2, 3] %}{{ loop.previtem | default('-') }}{{ loop.nextitem | default('-') }} {% endfor %}"
        XCTAssertEqual(try templar.renderTemplate(prevNext, vars([:])), "-2 13 2- ")
    }

    func testTemplateWhitespaceControl() throws {
        let text = "a\n  {%- if true -%}\n  b\n  {%- endif %}\nc\n"
        XCTAssertEqual(try templar.renderTemplate(text, vars([:])), "abc\n")
        XCTAssertEqual(try templar.renderTemplate("x {{- ' y ' -}} z", vars([:])), "x y z")
        XCTAssertEqual(try templar.renderTemplate("{% if true +%}\nkeep{% endif %}", vars([:])), "\nkeep")
    }

    func testTemplateSetDoesNotLeakOutOfLoops() throws {
        let text = "{% set x = 1 %}{% for i in [5] %}{% set x = i %}{{ x }}{% endfor %}{{ x }}"
        XCTAssertEqual(try templar.renderTemplate(text, vars([:])), "51")
    }

    func testNestedLoopsAndTupleUnpacking() throws {
        let text = "{% for k, v in d | dictsort %}{{ k }}:{% for i in v %}{{ i }}{% endfor %};{% endfor %}"
        XCTAssertEqual(try templar.renderTemplate(text, vars(["d": ["b": [3], "a": [1, 2]]])), "a:12;b:3;")
    }

    func testUnsupportedTagsSayWhatIsSupported() {
        XCTAssertThrowsError(try templar.renderTemplate("{% include 'x.j2' %}", vars([:]))) { error in
            XCTAssertTrue("\(error)".contains("not supported"), "\(error)")
        }
    }

    func testUnknownTagSuggestsTheClosest() {
        XCTAssertThrowsError(try templar.renderTemplate("{% if x %}a{% endfi %}", vars(["x": true]))) { error in
            XCTAssertTrue("\(error)".contains("endif"), "\(error)")
        }
    }

    // MARK: render over structures

    func testRenderWalksStructuresAndKeepsNativeTypes() throws {
        let args: Value = ["name": "{{ app }}-{{ port }}", "port": "{{ port }}", "list": ["{{ ports }}", "x"], "keep": 3, "flag": "{{ port > 80 }}"]
        let out = try templar.render(args, vars(["app": "web", "port": 8080, "ports": [80, 443]]))
        XCTAssertEqual(out, ["name": "web-8080", "port": 8080, "list": [[80, 443], "x"], "keep": 3, "flag": true])
    }

    func testRenderDropsOmittedEntries() throws {
        let args: Value = ["path": "/tmp/x", "mode": "{{ mode | default(omit) }}", "owner": "{{ owner | default(omit) }}",
                           "items": ["a", "{{ omit }}", "b"]]
        let out = try templar.render(args, vars(["owner": "root"]))
        XCTAssertEqual(out, ["path": "/tmp/x", "owner": "root", "items": ["a", "b"]])
        XCTAssertEqual(try templar.renderString("{{ omit }}", vars([:])), .string(Templar.omitToken))
    }

    func testRenderedKeysAreTemplatesToo() throws {
        let out = try templar.render(["{{ k }}": "{{ v }}"], vars(["k": "name", "v": 1]))
        XCTAssertEqual(out, ["name": 1])
    }

    func testPlainStringsAreReturnedUntouched() throws {
        XCTAssertEqual(try templar.renderString("no templates { here } %}", vars([:])), "no templates { here } %}")
        XCTAssertFalse(Templar.containsTemplate("a { b } c"))
        XCTAssertTrue(Templar.containsTemplate("a {{ b }}"))
        XCTAssertTrue(Templar.containsTemplate("{% if %}"))
        XCTAssertTrue(Templar.containsTemplate("x {# c #}"))
    }

    // MARK: variables

    func testLazyVariablesRenderOnUseAgainstTheVariablesNotTheLocals() throws {
        let v = vars(["greeting": "hi {{ item }}", "item": "outer"])
        XCTAssertEqual(try templar.renderTemplate("{% for item in ['inner'] %}{{ greeting }}{% endfor %}", v), "hi outer")
    }

    func testLaterLayersWin() throws {
        var layers = VariableLayers([["a": 1, "b": 1]])
        layers.push(["a": 2])
        XCTAssertEqual(try templar.evaluate("a + b", layers), 3)
    }

    func testRawLayersAreNeverTemplated() throws {
        var layers = VariableLayers([["x": 1]])
        layers.push(["result": ["stdout": "{{ x }}"]], templated: false)
        XCTAssertEqual(try templar.evaluate("result.stdout", layers), "{{ x }}")
        XCTAssertEqual(try templar.renderString("{{ result }}", layers), ["stdout": "{{ x }}"])
    }

    func testSelfReferenceIsARecursionError() {
        XCTAssertThrowsError(try templar.renderString("{{ a }}", vars(["a": "{{ b }}", "b": "x{{ a }}"]))) { error in
            guard case .recursion(let name)? = error as? TemplateError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "a")
        }
    }

    func testNestedPathsIntoTheSameVariableAreNotRecursion() throws {
        let v = vars(["cfg": ["host": "{{ cfg.name }}.example", "name": "{{ base }}", "port": "{{ cfg.base_port + 1 }}", "base_port": 8000], "base": "web"])
        XCTAssertEqual(try templar.renderString("{{ cfg.host }}:{{ cfg.port }}", v), "web.example:8001")
    }

    func testUndefinedNamesTheFirstMissingVariable() {
        XCTAssertThrowsError(try templar.renderString("x {{ a.b.c }} y", vars([:]))) { error in
            XCTAssertEqual(error as? TemplateError, .undefinedVariable(name: "a", expression: "x {{ a.b.c }} y"))
            XCTAssertEqual((error as? TemplateError)?.message, "'a' is undefined")
            XCTAssertNotNil((error as? TemplateError)?.hint)
        }
    }

    func testUndefinedInsideALazyVariableNamesTheInnerVariable() {
        XCTAssertThrowsError(try templar.renderString("{{ outer }}", vars(["outer": "{{ inner }}"]))) { error in
            guard case .undefinedVariable(let name, _)? = error as? TemplateError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "inner")
        }
    }

    // MARK: conditions and evaluate

    func testConditionsAcceptBareAndWrappedExpressions() throws {
        let v = vars(["n": 5, "s": "yes"])
        XCTAssertTrue(try templar.condition("n > 3", v))
        XCTAssertTrue(try templar.condition("{{ n > 3 }}", v))
        XCTAssertTrue(try templar.condition("  s | bool  ", v))
        XCTAssertThrowsError(try templar.condition("s", v)) { error in
            guard case .conditional? = error as? TemplateError else { return XCTFail("\(error)") }
        }
    }

    func testEvaluateReturnsNativeValues() throws {
        XCTAssertEqual(try templar.evaluate("[1, 2] + [3]", vars([:])), [1, 2, 3])
        XCTAssertEqual(try templar.evaluate("{'a': n}", vars(["n": 1])), ["a": 1])
    }

    // MARK: lookups

    func testEnvLookupReadsTheConfiguredEnvironment() throws {
        let t = Templar(options: TemplarOptions(environment: ["APP_ENV": "prod"]))
        XCTAssertEqual(try t.renderString("{{ lookup('env', 'APP_ENV') }}", vars([:])), "prod")
        XCTAssertEqual(try t.renderString("{{ lookup('env', 'MISSING') }}", vars([:])), "")
        XCTAssertEqual(try t.renderString("{{ lookup('env', 'MISSING', default='d') }}", vars([:])), "d")
        XCTAssertEqual(try t.renderString("{{ query('env', 'APP_ENV') }}", vars([:])), ["prod"])
    }

    func testFileLookupSearchesPathsAndStripsTheTrailingNewline() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("templar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("files"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "key-data\n\n".write(to: root.appendingPathComponent("files/id.pub"), atomically: true, encoding: .utf8)
        try "top".write(to: root.appendingPathComponent("top.txt"), atomically: true, encoding: .utf8)
        let t = Templar(options: TemplarOptions(searchPaths: ["/nonexistent-dir", root.path]))
        XCTAssertEqual(try t.renderString("{{ lookup('file', 'id.pub') }}", vars([:])), "key-data")
        XCTAssertEqual(try t.renderString("{{ lookup('file', 'top.txt') }}", vars([:])), "top")
        XCTAssertEqual(try t.renderString("{{ lookup('file', 'id.pub', rstrip=false) }}", vars([:])), "key-data\n\n")
        XCTAssertEqual(try t.renderString("{{ lookup('first_found', ['nope.txt', 'top.txt']) }}", vars([:])),
                       .string(root.appendingPathComponent("top.txt").path))
        XCTAssertThrowsError(try t.renderString("{{ lookup('file', 'missing.txt') }}", vars([:]))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("/nonexistent-dir/files/missing.txt"), text)
            XCTAssertTrue(text.contains(root.path + "/missing.txt"), text)
        }
    }

    // MARK: errors

    func testSyntaxErrorsCarryTheCharacterOffset() {
        let cases: [(String, Int)] = [
            ("{{ 1 + }}", 7),
            ("héllo {{ (1 }}", 12),
            ("{{ a | }}", 7),
            ("{{ 'open }}", 3),
        ]
        for (text, offset) in cases {
            XCTAssertThrowsError(try templar.renderString(text, vars([:])), text) { error in
                guard case .syntax(_, let expression, let actual)? = error as? TemplateError else { return XCTFail("\(text): \(error)") }
                XCTAssertEqual(expression, text)
                XCTAssertEqual(actual, offset, text)
            }
        }
        XCTAssertThrowsError(try templar.evaluate("  a ==", vars([:]))) { error in
            guard case .syntax(_, let expression, let offset)? = error as? TemplateError else { return XCTFail("\(error)") }
            XCTAssertEqual(expression, "  a ==")
            XCTAssertEqual(offset, 6)
        }
    }

    func testUnknownFilterAndTestSuggestTheClosest() {
        XCTAssertThrowsError(try templar.renderString("{{ x | to_jsn }}", vars([:]))) { error in
            XCTAssertEqual(error as? TemplateError, .filter(name: "to_jsn", message: "No filter named 'to_jsn'. Did you mean 'to_json'?"))
        }
        XCTAssertThrowsError(try templar.renderString("{{ x is defind }}", vars([:]))) { error in
            XCTAssertTrue("\(error)".contains("Did you mean 'defined'?"), "\(error)")
        }
        XCTAssertEqual(try templar.renderString("{{ [1] | ansible.builtin.to_json }}", vars([:])), "[1]")
    }

    func testTypeErrorsNameTheExpression() {
        XCTAssertThrowsError(try templar.renderString("{{ 'a' + 1 }}", vars([:]))) { error in
            XCTAssertEqual(error as? TemplateError, .type(message: "can only concatenate str (not \"int\") to str", expression: "{{ 'a' + 1 }}"))
        }
    }

    // MARK: YAML and JSON round trips

    func testNiceYAMLReadsBack() throws {
        // Keys in sorted order: both filters sort them, as PyYAML does.
        let value: Value = ["a": ["n": "multi\nline", "x": "yes", "y": "", "z": nil], "b": [1, "two", ["k": "v: w"]], "c": 1.5]
        let yaml = try templar.renderString("{{ v | to_nice_yaml }}", vars(["v": value]))
        let back = try templar.renderString("{{ y | from_yaml }}", vars(["y": yaml]))
        XCTAssertEqual(back, value)
        let compact = try templar.renderString("{{ v | to_yaml }}", vars(["v": value]))
        XCTAssertEqual(try templar.renderString("{{ y | from_yaml }}", vars(["y": compact])), value)
    }

    // MARK: caching, concurrency, speed

    func testConcurrentRenderingSharesTheCacheSafely() async throws {
        let templar = self.templar
        try await withThrowingTaskGroup(of: Value.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try templar.renderString("{{ n * 2 }}-{{ 'x' ~ (n % 7) }}", VariableLayers([["n": .int(i)]]))
                }
            }
            var count = 0
            for try await value in group {
                XCTAssertNotNil(value.stringValue)
                count += 1
            }
            XCTAssertEqual(count, 200)
        }
    }
}
