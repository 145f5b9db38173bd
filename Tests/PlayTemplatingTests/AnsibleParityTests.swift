import OrderedCollections
import PlayBase
import PlayTemplating
import XCTest

/// Runs every row of `ansibleRows` through the Templar and compares with Ansible's answer.
final class AnsibleParityTests: XCTestCase {
    static let defaults: OrderedDictionary<String, Value> = {
        guard case .dict(let d)? = try? Value.parseJSON(defaultVariablesJSON) else { return [:] }
        return d
    }()

    func testEveryRowMatchesAnsible() throws {
        XCTAssertGreaterThan(ansibleRows.count, 400)
        XCTAssertFalse(Self.defaults.isEmpty)
        let templar = Templar()
        for row in ansibleRows {
            check(row, templar)
        }
    }

    func check(_ row: Row, _ templar: Templar) {
        var vars = VariableLayers([Self.defaults])
        if !row.vars.isEmpty {
            guard case .dict(let extra)? = try? Value.parseJSON(row.vars) else {
                return XCTFail("bad vars JSON in row", line: row.line)
            }
            vars.push(extra)
        }
        let outcome: Result<Value, TemplateError>
        do throws(TemplateError) {
            switch row.mode {
            case .render: outcome = .success(try templar.renderString(row.expression, vars))
            case .condition: outcome = .success(.bool(try templar.condition(row.expression, vars)))
            }
        } catch {
            outcome = .failure(error)
        }
        let expected = row.expected
        switch outcome {
        case .success(let value):
            if expected.hasPrefix("!") {
                XCTFail("\(row.expression): expected \(expected), got \(value.pythonRepr)", line: row.line)
            } else {
                XCTAssertEqual(value.pythonRepr, expected, row.expression, line: row.line)
            }
        case .failure(let error):
            if expected.hasPrefix("!undefined ") {
                let name = String(expected.dropFirst("!undefined ".count))
                guard case .undefinedVariable(let actual, _) = error else {
                    return XCTFail("\(row.expression): expected undefined '\(name)', got \(error)", line: row.line)
                }
                XCTAssertEqual(actual, name, row.expression, line: row.line)
            } else if expected == "!syntax" {
                switch error {
                case .syntax, .filter, .test: break
                default: XCTFail("\(row.expression): expected a syntax error, got \(error)", line: row.line)
                }
            } else if expected.hasPrefix("!error") {
                let text = expected.dropFirst("!error".count).trimmingCharacters(in: .whitespaces)
                XCTAssertTrue(text.isEmpty || error.description.contains(text), "\(row.expression): '\(error)' does not mention '\(text)'", line: row.line)
            } else {
                XCTFail("\(row.expression): expected \(expected), got error \(error)", line: row.line)
            }
        }
    }
}
