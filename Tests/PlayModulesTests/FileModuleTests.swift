import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

final class FileModuleTests: XCTestCase {
    let harness = ModuleHarness()

    func testDirectoryIsCreatedWithParentsThenUnchanged() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("a/b c/d")
        let first = try await harness.run(FileModule(), ["path": .string(path), "state": "directory", "mode": "0750"])
        XCTAssertFalse(first.failed, first.message ?? "")
        XCTAssertTrue(first.changed)
        XCTAssertEqual(first.string("path"), path)
        XCTAssertEqual(first.string("state"), "directory")
        XCTAssertEqual(first.string("mode"), "0750")
        XCTAssertEqual(dir.mode("a"), 0o750, "every directory created gets the mode, as in Ansible")
        XCTAssertEqual(dir.mode("a/b c/d"), 0o750)

        let second = try await harness.run(FileModule(), ["path": .string(path), "state": "directory", "mode": "0750"])
        XCTAssertFalse(second.changed)

        let modeChange = try await harness.run(FileModule(), ["name": .string(path), "mode": "0700"])
        XCTAssertTrue(modeChange.changed, "state defaults to what is there")
        XCTAssertEqual(modeChange.string("state"), "directory")
        XCTAssertEqual(dir.mode("a/b c/d"), 0o700)

        try dir.write("plain", "x")
        let conflict = try await harness.run(FileModule(), ["path": .string(dir.file("plain")), "state": "directory"])
        XCTAssertTrue(conflict.failed)
        XCTAssertEqual(conflict.message, "\(dir.file("plain")) already exists as a file")
    }

    /// Ten hosts sharing one filesystem create the same tree at once: each creation tolerates the
    /// directories another made meanwhile (Ansible and `mkdir -p` do), so none fails.
    func testHostsCreatingOneTreeAtOnceAllSucceed() async throws {
        for round in 0..<5 {
            let dir = try TemporaryDirectory()
            let path = dir.file("a/b/c/d/e/f/g/h/\(round)")
            let harness = ModuleHarness()
            let results = try await withThrowingTaskGroup(of: TaskResult.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await harness.run(FileModule(), ["path": .string(path), "state": "directory"]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(results.filter(\.failed).map { $0.message ?? "" }, [])
            XCTAssertTrue(results.contains(where: \.changed))
            var isDirectory: ObjCBool = false
            XCTAssertTrue(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
    }

    func testRecurseAppliesToEverything() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("tree/x/y.txt", "y", mode: 0o644)
        try dir.write("tree/z.txt", "z", mode: 0o600)
        let r = try await harness.run(FileModule(), ["path": .string(dir.file("tree")), "state": "directory", "mode": "u=rwX,g=rX,o=", "recurse": true])
        XCTAssertTrue(r.changed)
        XCTAssertEqual(dir.mode("tree/x/y.txt"), 0o640)
        XCTAssertEqual(dir.mode("tree/z.txt"), 0o640)
        XCTAssertEqual(dir.mode("tree/x"), 0o750)
        let again = try await harness.run(FileModule(), ["path": .string(dir.file("tree")), "state": "directory", "mode": "u=rwX,g=rX,o=", "recurse": true])
        XCTAssertFalse(again.changed)
        let octal = try await harness.run(FileModule(), ["path": .string(dir.file("tree")), "state": "directory", "mode": "0750", "recurse": true])
        XCTAssertTrue(octal.changed)
        XCTAssertEqual(dir.mode("tree/z.txt"), 0o750)
        let octalAgain = try await harness.run(FileModule(), ["path": .string(dir.file("tree")), "state": "directory", "mode": "0750", "recurse": true])
        XCTAssertFalse(octalAgain.changed)
        let owner = try await harness.run(FileModule(), ["path": .string(dir.file("tree")), "state": "directory", "owner": "root", "recurse": true])
        XCTAssertFalse(owner.changed)
        let badRecurse = try await harness.run(FileModule(), ["path": .string(dir.file("tree/z.txt")), "state": "file", "recurse": true])
        XCTAssertEqual(badRecurse.message, "recurse option requires state to be 'directory'")
    }

    func testTouchAbsentAndFile() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("stamp")
        let missing = try await harness.run(FileModule(), ["path": .string(path)])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing.message, "file (\(path)) is absent, cannot continue")

        let touched = try await harness.run(FileModule(), ["path": .string(path), "state": "touch", "mode": "0600"])
        XCTAssertTrue(touched.changed)
        XCTAssertEqual(touched.string("dest"), path)
        XCTAssertEqual(touched.string("state"), "file")
        XCTAssertEqual(dir.mode("stamp"), 0o600)
        let touchedAgain = try await harness.run(FileModule(), ["path": .string(path), "state": "touch"])
        XCTAssertTrue(touchedAgain.changed, "touch always updates the times, as in Ansible")

        let file = try await harness.run(FileModule(), ["path": .string(path), "state": "file", "mode": "0600"])
        XCTAssertFalse(file.changed)
        XCTAssertEqual(file["size"], 0)

        let nobody = try await harness.run(FileModule(), ["path": .string(path), "owner": "nobody", "group": "nogroup"])
        XCTAssertTrue(nobody.changed)
        XCTAssertEqual(nobody.string("owner"), "nobody")
        XCTAssertEqual(nobody.string("group"), "nogroup")
        let nobodyAgain = try await harness.run(FileModule(), ["path": .string(path), "owner": "65534"])
        XCTAssertFalse(nobodyAgain.changed, "a numeric owner compares by uid")
        let unknown = try await harness.run(FileModule(), ["path": .string(path), "owner": "no-such-user-here"])
        XCTAssertTrue(unknown.failed)
        XCTAssertTrue(unknown.message!.hasPrefix("chown failed"), unknown.message ?? "")

        try FileManager.default.createDirectory(atPath: dir.file("d/e"), withIntermediateDirectories: true)
        let removed = try await harness.run(FileModule(), ["path": .string(dir.file("d")), "state": "absent"])
        XCTAssertTrue(removed.changed)
        XCTAssertEqual(removed.string("state"), "absent")
        XCTAssertFalse(dir.exists("d"))
        let removedAgain = try await harness.run(FileModule(), ["path": .string(dir.file("d")), "state": "absent"])
        XCTAssertFalse(removedAgain.changed)
    }

    func testTimestamps() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("stamp")
        let idempotent: OrderedDictionary<String, Value> = ["path": .string(path), "state": "touch",
                                                            "modification_time": "preserve", "access_time": "preserve"]
        let created = try await harness.run(FileModule(), idempotent)
        XCTAssertTrue(created.changed)
        let kept = try await harness.run(FileModule(), idempotent)
        XCTAssertFalse(kept.changed, "touch that preserves both times changes nothing")

        let set = try await harness.run(FileModule(), ["path": .string(path), "modification_time": "202001021530.45"])
        XCTAssertTrue(set.changed)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        var parts = DateComponents(year: 2020, month: 1, day: 2, hour: 15, minute: 30, second: 45)
        parts.timeZone = TimeZone.current
        XCTAssertEqual(attributes[.modificationDate] as? Date, Calendar(identifier: .gregorian).date(from: parts))
        let setAgain = try await harness.run(FileModule(), ["path": .string(path), "modification_time": "202001021530.45"])
        XCTAssertFalse(setAgain.changed)
        let custom = try await harness.run(FileModule(), ["path": .string(path), "modification_time": "2020-01-02 15:30:45",
                                                          "modification_time_format": "%Y-%m-%d %H:%M:%S"])
        XCTAssertFalse(custom.changed, "the same time in another format")

        let now = try await harness.run(FileModule(), ["path": .string(path), "access_time": "now"])
        XCTAssertTrue(now.changed)
        let bad = try await harness.run(FileModule(), ["path": .string(path), "modification_time": "yesterday"])
        XCTAssertTrue(bad.failed)
        XCTAssertTrue(bad.message!.hasPrefix("Error while obtaining timestamp for modification_time"), bad.message ?? "")
    }

    func testSymbolicAndHardLinks() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("v1/app", "1")
        try dir.write("v2/app", "2")
        let link = dir.file("current")
        let made = try await harness.run(FileModule(), ["path": .string(link), "src": "v1", "state": "link"])
        XCTAssertFalse(made.failed, made.message ?? "")
        XCTAssertTrue(made.changed)
        XCTAssertEqual(made.string("dest"), link)
        XCTAssertEqual(made.string("src"), "v1")
        XCTAssertEqual(made.string("state"), "link")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "v1")
        let same = try await harness.run(FileModule(), ["path": .string(link), "src": "v1", "state": "link"])
        XCTAssertFalse(same.changed)
        let moved = try await harness.run(FileModule(), ["path": .string(link), "src": .string(dir.file("v2")), "state": "link"])
        XCTAssertTrue(moved.changed)
        XCTAssertEqual(try String(contentsOfFile: link + "/app", encoding: .utf8), "2")

        let dangling = try await harness.run(FileModule(), ["path": .string(dir.file("dangling")), "src": "nowhere", "state": "link"])
        XCTAssertTrue(dangling.failed)
        XCTAssertTrue(dangling.message!.hasPrefix("src file does not exist, use \"force=yes\""))
        let forced = try await harness.run(FileModule(), ["path": .string(dir.file("dangling")), "src": "nowhere", "state": "link", "force": true])
        XCTAssertTrue(forced.changed)

        try dir.write("file", "f")
        let refused = try await harness.run(FileModule(), ["path": .string(dir.file("file")), "src": "v1", "state": "link"])
        XCTAssertEqual(refused.message, "refusing to convert from file to symlink for \(dir.file("file"))")

        let hard = try await harness.run(FileModule(), ["path": .string(dir.file("hard")), "src": .string(dir.file("v1/app")), "state": "hard"])
        XCTAssertTrue(hard.changed)
        XCTAssertEqual(hard.string("state"), "hard")
        let hardAgain = try await harness.run(FileModule(), ["path": .string(dir.file("hard")), "src": .string(dir.file("v1/app")), "state": "hard"])
        XCTAssertFalse(hardAgain.changed)
        let srcWithoutLink = try await harness.run(FileModule(), ["path": .string(dir.file("file")), "src": "v1", "state": "file"])
        XCTAssertEqual(srcWithoutLink.message, "src option requires state to be 'link' or 'hard'")
    }

    func testCheckModeChangesNothing() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("f", "x", mode: 0o644)
        var h = harness
        h.checkMode = true
        let mkdir = try await h.run(FileModule(), ["path": .string(dir.file("new/dir")), "state": "directory"])
        XCTAssertTrue(mkdir.changed)
        XCTAssertFalse(dir.exists("new"))
        let chmod = try await h.run(FileModule(), ["path": .string(dir.file("f")), "mode": "0600"])
        XCTAssertTrue(chmod.changed)
        let symbolic = try await h.run(FileModule(), ["path": .string(dir.file("f")), "mode": "a+x"])
        XCTAssertTrue(symbolic.changed)
        let noop = try await h.run(FileModule(), ["path": .string(dir.file("f")), "mode": "u+rw"])
        XCTAssertFalse(noop.changed)
        XCTAssertEqual(dir.mode("f"), 0o644)
        let absent = try await h.run(FileModule(), ["path": .string(dir.file("f")), "state": "absent"])
        XCTAssertTrue(absent.changed)
        XCTAssertTrue(dir.exists("f"))
        let touch = try await h.run(FileModule(), ["path": .string(dir.file("t")), "state": "touch"])
        XCTAssertTrue(touch.changed)
        XCTAssertFalse(dir.exists("t"))
        let link = try await h.run(FileModule(), ["path": .string(dir.file("l")), "src": .string(dir.file("f")), "state": "link"])
        XCTAssertTrue(link.changed)
        XCTAssertFalse(dir.exists("l"))
    }

    func testArgumentErrors() {
        let h = harness
        XCTAssertEqual(h.argumentError(FileModule(), ["state": "directory"]), "missing required arguments: path")
        XCTAssertEqual(h.argumentError(FileModule(), ["path": "/x", "state": "dir"]),
                       "value of state must be one of: absent, directory, file, hard, link, touch, got: dir")
        XCTAssertNil(h.argumentError(FileModule(), ["dest": "/x", "state": "absent"]))
    }
}
