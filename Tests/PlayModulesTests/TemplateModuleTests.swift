import Foundation
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

final class TemplateModuleTests: XCTestCase {
    func testRendersWithHostVariablesThenReportsUnchanged() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("play/templates/site.conf.j2", """
            # {{ ansible_managed }}
            server {{ name }};
            {% for port in ports %}
            listen {{ port }};
            {% endfor %}
            {% if tls %}ssl on;{% endif %}

            """)
        var h = ModuleHarness()
        h.taskDirectory = dir.file("play")
        h.variables = ["name": "example", "ports": [80, 8080], "tls": true]
        let first = try await h.run(TemplateModule(), ["src": "site.conf.j2", "dest": .string(dir.file("site.conf")), "mode": "0640"])
        XCTAssertFalse(first.failed, first.message ?? "")
        XCTAssertTrue(first.changed)
        let text = try XCTUnwrap(dir.read("site.conf"))
        XCTAssertTrue(text.contains("# Ansible managed"))
        XCTAssertTrue(text.contains("server example;"))
        XCTAssertTrue(text.contains("listen 80;"))
        XCTAssertTrue(text.contains("listen 8080;"))
        XCTAssertTrue(text.contains("ssl on;"))
        XCTAssertEqual(dir.mode("site.conf"), 0o640)
        XCTAssertEqual(first.string("checksum"), Digest.hex(Data(text.utf8), .sha1))

        let second = try await h.run(TemplateModule(), ["src": "site.conf.j2", "dest": .string(dir.file("site.conf")), "mode": "0640"])
        XCTAssertFalse(second.changed)

        h.variables["name"] = "other"
        h.checkMode = true
        let checked = try await h.run(TemplateModule(), ["src": "site.conf.j2", "dest": .string(dir.file("site.conf")), "mode": "0640"])
        XCTAssertTrue(checked.changed)
        XCTAssertEqual(dir.read("site.conf"), text, "check mode wrote nothing")
    }

    func testDirectoryDestinationNewlinesAndErrors() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("t/hello.j2", "a\nb\n")
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
        var h = ModuleHarness()
        h.taskDirectory = dir.path
        let r = try await h.run(TemplateModule(), ["src": "t/hello.j2", "dest": .string(dir.file("out")), "newline_sequence": "\r\n"])
        XCTAssertTrue(r.changed)
        XCTAssertEqual(dir.read("out/hello.j2"), "a\r\nb\r\n")

        let missing = try await h.run(TemplateModule(), ["src": "nope.j2", "dest": .string(dir.file("x"))])
        XCTAssertTrue(missing.failed)
        XCTAssertTrue(missing.message!.contains("Could not find or access 'nope.j2'"))

        try dir.write("bad.j2", "{{ undefined_thing }}")
        let undefined = try await h.run(TemplateModule(), ["src": "bad.j2", "dest": .string(dir.file("y"))])
        XCTAssertTrue(undefined.failed)
        XCTAssertTrue(undefined.message!.contains("undefined_thing"), undefined.message ?? "")
        XCTAssertFalse(dir.exists("y"))

        XCTAssertEqual(h.argumentError(TemplateModule(), ["src": "a"]), "missing required arguments: dest")
    }
}
