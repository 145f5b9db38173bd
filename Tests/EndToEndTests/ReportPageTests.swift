import Foundation
import XCTest

/// `--report FILE.html` after a real run (two local hosts, a loop, a skip, an ignored and a fatal
/// failure): the page is self-contained, names the failure and its source place, and Debian's
/// Chromium renders it headless to a screenshot that is not blank, with nothing logged to the console.
final class ReportPageTests: XCTestCase {
    static let chromium = "/usr/bin/chromium"

    func testReportPageRendersInChromiumWithoutErrors() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("play-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let page = root.appendingPathComponent("run.html")
        let run = try PlayProcess.play(["-i", "h1,h2,", "-c", "local", "callbacks.yml", "--report", page.path],
                                       cwd: PlayProcess.fixtures.appendingPathComponent("callbacks"))
        XCTAssertEqual(run.exitCode, 2, run.stderr)
        let html = try String(contentsOf: page, encoding: .utf8)

        // Self-contained: nothing to fetch, nothing to run.
        for fetch in ["http://", "https://", "src=", "<link", "@import", "url(", "<script"] {
            XCTAssertFalse(html.contains(fetch), "the page refers to something outside it: \(fetch)")
        }
        // Timeline bars for both hosts and each status seen, the failures with message and place.
        for status in ["#3a9d4f", "#d39b1a", "#c8343a", "#3aa6b9"] { XCTAssertTrue(html.contains("fill=\"\(status)\""), status) }
        XCTAssertTrue(html.contains("boom: failed, "), "a bar per task with its status")
        XCTAssertTrue(html.contains("<pre>broken here</pre>"), html)
        XCTAssertTrue(html.contains("Fixtures/callbacks/callbacks.yml:35:7</code>"), html)
        XCTAssertTrue(html.contains("<td>several lines and stderr</td>"), "the slowest tasks list names tasks")
        XCTAssertFalse(html.contains("<h2>Deploy</h2>"), "no deploy story for a run that deploys nothing")

        let shot = root.appendingPathComponent("run.png")
        let console = try render(page, to: shot)
        XCTAssertEqual(console, [], "the page logged to the console")
        let stats = try pngStats(shot)
        XCTAssertEqual(stats.width, 1100)
        XCTAssertGreaterThan(stats.colours, 20, "a screenshot of the page has text and coloured bars")
        XCTAssertGreaterThan(stats.inked, 0.03, "the screenshot is not blank")
    }

    /// The console check above can fail: a page that logs an error is caught.
    func testConsoleErrorsAreCaught() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("play-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let page = root.appendingPathComponent("bad.html")
        try Data(#"<html><body><p>x</p><script>console.error("broken page")</script></body></html>"#.utf8).write(to: page)
        let console = try render(page, to: root.appendingPathComponent("bad.png"))
        XCTAssertTrue(console.contains { $0.contains("broken page") }, "\(console)")
        let stats = try pngStats(root.appendingPathComponent("bad.png"))
        XCTAssertLessThan(stats.inked, 0.03, "a page with one letter counts as blank")
    }

    /// Renders `page` headless into `screenshot`; returns the console lines Chromium logged.
    func render(_ page: URL, to screenshot: URL) throws -> [String] {
        guard FileManager.default.isExecutableFile(atPath: Self.chromium) else {
            throw MissingChromium()
        }
        let profile = screenshot.deletingLastPathComponent().appendingPathComponent("profile")
        let result = try PlayProcess.run(Self.chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(profile.path)", "--window-size=1100,900", "--enable-logging=stderr", "--v=0",
            "--screenshot=\(screenshot.path)", page.absoluteString,
        ])
        XCTAssertTrue(FileManager.default.fileExists(atPath: screenshot.path), "no screenshot: \(result.stderr)")
        return result.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
    }

    func pngStats(_ png: URL) throws -> (width: Int, colours: Int, inked: Double) {
        let script = PlayProcess.fixtures.appendingPathComponent("report/png_stats.py").path
        let out = try PlayProcess.run("/usr/bin/env", ["python3", script, png.path])
        let fields = out.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard fields.count == 4, let width = Int(fields[0]), let colours = Int(fields[2]), let inked = Double(fields[3]) else {
            throw PNGStatsFailed(output: out.stdout + out.stderr)
        }
        return (width, colours, inked)
    }
}

struct MissingChromium: Error, CustomStringConvertible {
    var description: String { "chromium is not installed: run scripts/setup.sh (apt-get install chromium)" }
}

struct PNGStatsFailed: Error, CustomStringConvertible {
    var output: String
    var description: String { "png_stats.py failed: \(output)" }
}
