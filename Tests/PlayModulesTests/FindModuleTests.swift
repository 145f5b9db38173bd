import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
@testable import PlayModules
import XCTest

/// find over a real tree through the local connection; counts and selections as ansible-core 2.19 gives them.
final class FindModuleTests: XCTestCase {
    let harness = ModuleHarness()

    /// a.txt (6 bytes), .h (hidden), l -> a.txt, sub/, sub/b.log (2 bytes), c.conf (old).
    private func tree() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("fd/a.txt", "hello\n", mode: 0o644)
        try dir.write("fd/.h", "x")
        try dir.write("fd/sub/b.log", "zz")
        try dir.write("fd/sub/deep/c.txt", "deep")
        try dir.write("fd/c.conf", "q", mode: 0o600)
        try FileManager.default.createSymbolicLink(atPath: dir.file("fd/l"), withDestinationPath: "a.txt")
        let old = Date(timeIntervalSinceNow: -3 * 86400)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: dir.file("fd/c.conf"))
        return dir
    }

    private func paths(_ r: TaskResult) -> [String] {
        (r["files"]?.listValue ?? []).compactMap { $0["path"]?.stringValue }.sorted()
    }

    func testDefaultsListVisibleFilesAtTheTop() async throws {
        let dir = try tree()
        let root = dir.file("fd")
        let r = try await harness.run(FindModule(), ["paths": .string(root)])
        XCTAssertFalse(r.failed, r.message ?? "")
        XCTAssertEqual(paths(r), [root + "/a.txt", root + "/c.conf"])
        XCTAssertEqual(r["examined"], 5)
        XCTAssertEqual(r["matched"], 2)
        XCTAssertEqual(r["changed"], false)
        XCTAssertEqual(r.message, "All paths examined")
        XCTAssertEqual(r["skipped_paths"], .dict([:]))
        let a = try XCTUnwrap(r["files"]?.listValue?.first { $0["path"]?.stringValue == root + "/a.txt" }?.dictValue)
        XCTAssertEqual(Array(a.keys), ["path", "mode", "isdir", "ischr", "isblk", "isreg", "isfifo", "islnk", "issock", "uid",
                                       "gid", "size", "inode", "dev", "nlink", "atime", "mtime", "ctime", "gr_name", "pw_name",
                                       "wusr", "rusr", "xusr", "wgrp", "rgrp", "xgrp", "woth", "roth", "xoth", "isuid", "isgid"])
        XCTAssertEqual(a["mode"], "0644")
        XCTAssertEqual(a["size"], 6)
        XCTAssertEqual(a["isreg"], true)
        XCTAssertEqual(a["uid"], .int(Int(getuid())))
        XCTAssertEqual(a["roth"], true)
        XCTAssertEqual(a["woth"], false)
        let mtime = try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: root + "/a.txt")[.modificationDate] as? Date))
        XCTAssertEqual(try XCTUnwrap(a["mtime"]?.doubleValue), mtime.timeIntervalSince1970, accuracy: 0.001)
    }

    func testRecurseTypesPatternsAndHidden() async throws {
        let dir = try tree()
        let root = dir.file("fd")
        let any = try await harness.run(FindModule(), ["paths": .string(root), "recurse": true, "file_type": "any"])
        XCTAssertEqual(paths(any), [root + "/a.txt", root + "/c.conf", root + "/l", root + "/sub", root + "/sub/b.log",
                                    root + "/sub/deep", root + "/sub/deep/c.txt"])
        XCTAssertEqual(any["examined"], 8)
        let order = (any["files"]?.listValue ?? []).compactMap { $0["path"]?.stringValue }
        XCTAssertEqual(order.firstIndex(of: root + "/sub/b.log").map { $0 > order.firstIndex(of: root + "/a.txt")! }, true,
                       "a directory's own entries come before its subdirectories' (os.walk order)")
        XCTAssertEqual(order.firstIndex(of: root + "/sub").map { $0 > order.firstIndex(of: root + "/c.conf")! }, true,
                       "files before directories")
        let depthOne = try await harness.run(FindModule(), ["paths": .string(root), "recurse": true, "depth": 1, "file_type": "any"])
        XCTAssertEqual(depthOne["examined"], 7)
        XCTAssertEqual(depthOne["matched"], 4)
        let globs = try await harness.run(FindModule(), ["paths": .string(root), "patterns": "*.txt,*.log", "recurse": true])
        XCTAssertEqual(paths(globs), [root + "/a.txt", root + "/sub/b.log", root + "/sub/deep/c.txt"])
        let depth = try await harness.run(FindModule(), ["paths": .string(root), "patterns": ["*.txt", "*.log"], "recurse": true,
                                                         "depth": 2])
        XCTAssertEqual(paths(depth), [root + "/a.txt", root + "/sub/b.log"])
        let excludes = try await harness.run(FindModule(), ["paths": .string(root), "excludes": "*.txt"])
        XCTAssertEqual(paths(excludes), [root + "/c.conf"])
        let regex = try await harness.run(FindModule(), ["paths": .string(root), "pattern": #"[ab]\."#, "use_regex": true,
                                                         "recurse": true])
        XCTAssertEqual(paths(regex), [root + "/a.txt", root + "/sub/b.log"], "a regex must match at the start of the name")
        let hidden = try await harness.run(FindModule(), ["paths": .string(root), "hidden": true])
        XCTAssertEqual(paths(hidden), [root + "/.h", root + "/a.txt", root + "/c.conf"])
        let directories = try await harness.run(FindModule(), ["paths": .string(root), "file_type": "directory", "recurse": true])
        XCTAssertEqual(paths(directories), [root + "/sub", root + "/sub/deep"])
        let followed = try await harness.run(FindModule(), ["paths": .string(root), "follow": true])
        XCTAssertEqual(paths(followed), [root + "/a.txt", root + "/c.conf"], "with follow a link to a file is still a link")
        let links = try await harness.run(FindModule(), ["paths": .string(root), "file_type": "link"])
        XCTAssertEqual(paths(links), [root + "/l"])
        XCTAssertEqual(links["files"]?[0]?["islnk"], true)
    }

    func testAgeSizeContainsModeChecksumAndLimits() async throws {
        let dir = try tree()
        let root = dir.file("fd")
        let old = try await harness.run(FindModule(), ["paths": .string(root), "age": "2d"])
        XCTAssertEqual(paths(old), [root + "/c.conf"])
        let recent = try await harness.run(FindModule(), ["paths": .string(root), "age": "-1d"])
        XCTAssertEqual(paths(recent), [root + "/a.txt"])
        let big = try await harness.run(FindModule(), ["paths": .string(root), "size": "3", "recurse": true])
        XCTAssertEqual(paths(big), [root + "/a.txt", root + "/sub/deep/c.txt"])
        let small = try await harness.run(FindModule(), ["paths": .string(root), "size": "-2b", "recurse": true])
        XCTAssertEqual(paths(small), [root + "/c.conf", root + "/sub/b.log"])
        let bad = try await harness.run(FindModule(), ["paths": .string(root), "size": "3x"])
        XCTAssertEqual(bad.message, "failed to process size")
        let contains = try await harness.run(FindModule(), ["paths": .string(root), "contains": "hel+o", "recurse": true])
        XCTAssertEqual(paths(contains), [root + "/a.txt"])
        XCTAssertEqual(contains["matched"], 1)
        let unanchored = try await harness.run(FindModule(), ["paths": .string(root), "contains": "ello"])
        XCTAssertEqual(unanchored["matched"], 0, "line by line, the pattern must match at the start (re.match)")
        let whole = try await harness.run(FindModule(), ["paths": .string(root), "contains": #"l{2}o\n$"#, "read_whole_file": true,
                                                         "recurse": true])
        XCTAssertEqual(paths(whole), [root + "/a.txt"], "read_whole_file searches anywhere, with Python's rules")
        let containsAny = try await harness.run(FindModule(), ["paths": .string(root), "contains": "hel", "file_type": "any"])
        XCTAssertEqual(containsAny["matched"], 4, "contains selects only with file_type=file, as in Ansible")
        let mode = try await harness.run(FindModule(), ["paths": .string(root), "mode": "0644"])
        XCTAssertEqual(paths(mode), [root + "/a.txt"])
        let sums = try await harness.run(FindModule(), ["paths": .string(root), "patterns": "a.txt", "get_checksum": true])
        XCTAssertEqual(sums["files"]?[0]?["checksum"], "f572d396fae9206628714fb2ce00f72e94f2258f")
        let limited = try await harness.run(FindModule(), ["paths": .string(root), "recurse": true, "limit": 1])
        XCTAssertEqual(limited["matched"], 1)
        XCTAssertEqual(limited["examined"], 5, "the walk stops in the directory where the limit is reached")
        XCTAssertEqual(limited.message, "Limit of matches reached")
        XCTAssertEqual(limited["files"]?[0]?["isreg"], true)
    }

    func testMissingPathsAreSkippedWithAWarning() async throws {
        let dir = try tree()
        let root = dir.file("fd")
        let r = try await harness.run(FindModule(), ["paths": [.string(root), .string(dir.file("nodir"))], "contains": "hel",
                                                     "recurse": true, "hidden": true])
        XCTAssertFalse(r.failed)
        XCTAssertEqual(paths(r), [root + "/a.txt"])
        XCTAssertEqual(r.message, "Not all paths examined, check warnings for details")
        XCTAssertEqual(r["skipped_paths"], .dict([dir.file("nodir"): .string("'\(dir.file("nodir"))' is not a directory")]))
        XCTAssertEqual(r["warnings"], [.string("Skipped '\(dir.file("nodir"))' path due to this access issue: '\(dir.file("nodir"))' is not a directory\n")])
    }

    func testALinkedSearchPathIsWalked() async throws {
        let dir = try tree()
        try FileManager.default.createSymbolicLink(atPath: dir.file("alias"), withDestinationPath: dir.file("fd"))
        let r = try await harness.run(FindModule(), ["paths": .string(dir.file("alias/"))])
        XCTAssertEqual(paths(r), [dir.file("alias/a.txt"), dir.file("alias/c.conf")], "as os.walk does, and paths are normalised")
        XCTAssertEqual(r["examined"], 5)
    }

    func testGlobMatching() {
        XCTAssertTrue(FindModule.fnmatch("a.txt", "*.txt"))
        XCTAssertFalse(FindModule.fnmatch("a.txt.bak", "*.txt"))
        XCTAssertTrue(FindModule.fnmatch("b1", "[a-c]?"))
        XCTAssertFalse(FindModule.fnmatch("d1", "[!d]1"))
        XCTAssertTrue(FindModule.fnmatch("[x", "[x"))
        XCTAssertEqual(FindModule.normalized("/a//b/./c/../d/"), "/a/b/d")
    }
}
