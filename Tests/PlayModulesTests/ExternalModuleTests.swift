import Foundation
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class ExternalModuleTests: XCTestCase {
    private func library() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("library/echo_args.sh", """
            #!/bin/sh
            printf '{"changed": true, "received": %s}' "$(cat)"
            """, mode: 0o755)
        try dir.write("library/from_file.py", """
            #!/usr/bin/env python3
            import json, sys
            args = json.load(open(sys.argv[1]))
            print(json.dumps({"msg": "hello " + args["name"], "check": args["_ansible_check_mode"]}))
            """, mode: 0o644)
        try dir.write("library/broken.sh", "#!/bin/sh\necho 'Traceback: something broke'\nexit 1\n", mode: 0o755)
        try dir.write("library/noisy.sh", "#!/bin/sh\necho 'warming up'\necho '{\"changed\": false, \"v\": 1}'\necho 'bye'\n", mode: 0o755)
        try dir.write("library/refuses.sh", "#!/bin/sh\necho '{\"msg\": \"nope\"}'\nexit 2\n", mode: 0o755)
        try dir.write("library/list.sh", "#!/bin/sh\necho '[1, 2]'\n", mode: 0o755)
        try dir.write("library/README.md", "not a module", mode: 0o644)
        try dir.write("library/.hidden", "#!/bin/sh\n", mode: 0o755)
        try dir.write("more/echo_args", "#!/bin/sh\necho '{}'\n", mode: 0o755)
        try dir.write("more/extra", "#!/bin/sh\necho '{\"changed\": false}'\n", mode: 0o755)
        return dir
    }

    private func module(_ name: String, in modules: [ExternalModule]) throws -> ExternalModule {
        try XCTUnwrap(modules.first { $0.name == name }, "no module \(name) in \(modules.map(\.name))")
    }

    func testDiscovery() throws {
        let dir = try library()
        let modules = ExternalModule.discover(in: [dir.file("library"), dir.file("more"), dir.file("missing")])
        XCTAssertEqual(modules.map(\.name), ["broken", "echo_args", "from_file", "list", "noisy", "refuses", "extra"])
        XCTAssertEqual(try module("echo_args", in: modules).path, dir.file("library/echo_args.sh"), "the first directory wins")
        XCTAssertTrue(try module("noisy", in: modules).spec.acceptsAnyArguments)
    }

    func testArgumentsGoInAsJSONAndTheAnswerComesBack() async throws {
        let dir = try library()
        let modules = ExternalModule.discover(in: [dir.file("library")])
        var h = ModuleHarness()
        h.checkMode = true
        let r = try await h.run(try module("echo_args", in: modules), ["name": "web", "count": 3, "tags": ["a", "b"]])
        XCTAssertFalse(r.failed, r.message ?? "")
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r["received"]?["name"], "web")
        XCTAssertEqual(r["received"]?["count"], 3)
        XCTAssertEqual(r["received"]?["tags"], ["a", "b"])
        XCTAssertEqual(r["received"]?["_ansible_check_mode"], true)
        XCTAssertEqual(r["received"]?["_ansible_module_name"], "echo_args")

        let python = try await ModuleHarness().run(try module("from_file", in: modules), ["name": "there"])
        XCTAssertFalse(python.failed, python.message ?? "")
        XCTAssertEqual(python.message, "hello there")
        XCTAssertEqual(python["check"], false)
        XCTAssertFalse(python.changed)
    }

    func testMalformedAnswersFailClearly() async throws {
        let dir = try library()
        let modules = ExternalModule.discover(in: [dir.file("library")])
        let h = ModuleHarness()
        let broken = try await h.run(try module("broken", in: modules), [:])
        XCTAssertTrue(broken.failed)
        XCTAssertEqual(broken.message, "MODULE FAILURE: module 'broken' (\(dir.file("library/broken.sh"))) did not print a JSON object"
            + " and exited with 1; its output starts: Traceback: something broke")
        XCTAssertEqual(broken["rc"], 1)
        XCTAssertEqual(broken["module_stdout"], "Traceback: something broke\n")

        let list = try await h.run(try module("list", in: modules), [:])
        XCTAssertTrue(list.failed)
        XCTAssertTrue(list.message!.contains("did not print a JSON object; its output starts: [1, 2]"))

        let noisy = try await h.run(try module("noisy", in: modules), [:])
        XCTAssertFalse(noisy.failed)
        XCTAssertEqual(noisy["v"], 1)
        XCTAssertEqual(noisy["warnings"], ["Module invocation had junk after the JSON data: bye"])

        let refuses = try await h.run(try module("refuses", in: modules), [:])
        XCTAssertTrue(refuses.failed)
        XCTAssertEqual(refuses.message, "nope")
        XCTAssertEqual(refuses["rc"], 2)
    }

    /// The kernel's record of the temporary directory (inotify) while a module runs: its
    /// arguments file was created in place, private, and never chmod'ed (IN_ATTRIB) or renamed
    /// in (IN_MOVED_TO) after it appeared, so no other user could read it at any moment.
    func testTheArgumentsFileIsBornPrivate() async throws {
        let dir = try library()
        let modules = ExternalModule.discover(in: [dir.file("library")])
        let watch = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        XCTAssertGreaterThanOrEqual(watch, 0)
        defer { close(watch) }
        XCTAssertGreaterThanOrEqual(inotify_add_watch(watch, ExternalModule.argumentsDirectory,
                                                      UInt32(IN_ATTRIB | IN_MOVED_TO | IN_CREATE)), 0)
        let r = try await ModuleHarness().run(try module("from_file", in: modules), ["name": "there"])
        XCTAssertEqual(r.message, "hello there")

        var events: [(mask: UInt32, name: String)] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = read(watch, &buffer, buffer.count)
            guard n > 0 else { break }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let event = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: inotify_event.self) }
                let start = offset + MemoryLayout<inotify_event>.size
                let name = String(decoding: buffer[start..<(start + Int(event.len))].prefix { $0 != 0 }, as: UTF8.self)
                events.append((event.mask, name))
                offset = start + Int(event.len)
            }
        }
        let ours = events.filter { $0.name.hasPrefix("play-args-") }
        XCTAssertEqual(ours.filter { $0.mask & UInt32(IN_CREATE) != 0 }.count, 1, "\(events)")
        XCTAssertEqual(ours.filter { $0.mask & UInt32(IN_ATTRIB | IN_MOVED_TO) != 0 }.map(\.name), [])
    }
}
