import Foundation

/// JUnit XML as Ansible's junit callback writes it (its dataclasses through Python's minidom):
/// a `testsuites` root with the counts, one suite, attributes in the callback's order, tabs.
enum JUnitXML {
    struct TestCase {
        var name: String
        var classname: String
        var time: Double
        var skipped: String?
        var failure: (message: String, output: String)?
        var error: (message: String, output: String)?
        var systemOut: String?
    }

    static func document(suiteName: String, cases: [TestCase]) -> String {
        let failures = cases.filter { $0.failure != nil }.count
        let errors = cases.filter { $0.error != nil }.count
        let skipped = cases.filter { !($0.skipped ?? "").isEmpty }.count
        let total = cases.reduce(0.0) { $0 + $1.time }
        var out = "<?xml version=\"1.0\" ?>\n"
        out += "<testsuites disabled=\"0\" errors=\"\(errors)\" failures=\"\(failures)\" tests=\"\(cases.count)\" time=\"\(number(total))\">\n"
        let suiteAttributes = "disabled=\"0\" errors=\"\(errors)\" failures=\"\(failures)\" name=\"\(attribute(suiteName))\" "
            + "skipped=\"\(skipped)\" tests=\"\(cases.count)\" time=\"\(number(total))\""
        if cases.isEmpty {
            out += "\t<testsuite \(suiteAttributes)/>\n"
        } else {
            out += "\t<testsuite \(suiteAttributes)>\n"
            for c in cases { out += element(c) }
            out += "\t</testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    static func element(_ c: TestCase) -> String {
        let open = "\t\t<testcase classname=\"\(attribute(c.classname))\" name=\"\(attribute(c.name))\" time=\"\(number(c.time))\""
        var children: [String] = []
        if let skipped = c.skipped, !skipped.isEmpty { children.append("<skipped>\(text(skipped))</skipped>") }
        if let error = c.error {
            children.append("<error message=\"\(attribute(error.message))\" type=\"error\">\(text(error.output))</error>")
        }
        if let failure = c.failure {
            children.append("<failure message=\"\(attribute(failure.message))\" type=\"failure\">\(text(failure.output))</failure>")
        }
        if let out = c.systemOut, !out.isEmpty { children.append("<system-out>\(text(out))</system-out>") }
        guard !children.isEmpty else { return open + "/>\n" }
        return open + ">\n" + children.map { "\t\t\t" + $0 + "\n" }.joined() + "\t\t</testcase>\n"
    }

    /// minidom escapes the same four characters in text and attributes.
    static func text(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func attribute(_ s: String) -> String { text(s) }

    /// Seconds as a decimal with microseconds (Ansible writes the exact Decimal of a float, digits
    /// no clock has; CI tools read both alike).
    static func number(_ d: Double) -> String { String(format: "%.6f", d) }
}
