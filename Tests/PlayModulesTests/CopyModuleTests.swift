import Foundation
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

final class CopyModuleTests: XCTestCase {
    let harness = ModuleHarness()

    func testContentIsWrittenOnceThenUnchanged() async throws {
        let dir = try TemporaryDirectory()
        let dest = dir.file("motd")
        let first = try await harness.run(CopyModule(), ["content": "hello\n", "dest": .string(dest)])
        XCTAssertFalse(first.failed, first.message ?? "")
        XCTAssertTrue(first.changed)
        XCTAssertEqual(dir.read("motd"), "hello\n")
        XCTAssertEqual(first.string("checksum"), "f572d396fae9206628714fb2ce00f72e94f2258f")
        XCTAssertEqual(first.string("md5sum"), "b1946ac92492d2347c6235b4d2611184")
        XCTAssertEqual(first["size"], 6)
        XCTAssertEqual(first.string("dest"), dest)
        XCTAssertEqual(first.string("state"), "file")
        XCTAssertEqual(first.string("mode"), "0644", "a new file gets the umask's default, not mktemp's 0600")
        XCTAssertEqual(first.string("owner"), "root")

        let second = try await harness.run(CopyModule(), ["content": "hello\n", "dest": .string(dest)])
        XCTAssertFalse(second.changed)
        XCTAssertEqual(second.string("checksum"), first.string("checksum"))
        XCTAssertNil(second["md5sum"])
        XCTAssertEqual(second.string("path"), dest)

        let third = try await harness.run(CopyModule(), ["content": "bye\n", "dest": .string(dest)])
        XCTAssertTrue(third.changed)
        XCTAssertEqual(dir.read("motd"), "bye\n")
    }

    func testModeAndOwnerAreOnTheFileBeforeItAppearsAtItsPath() async throws {
        // validate runs on the temporary file just before the rename: what it sees is what the
        // path shows the instant the file appears there.
        let dir = try TemporaryDirectory()
        let seen = dir.file("seen")
        for (name, existing) in [("new-secret", nil), ("old-secret", "old")] as [(String, String?)] {
            if let existing { _ = try dir.write(name, existing, mode: 0o644) }
            let r = try await harness.run(CopyModule(), [
                "content": "s3cret", "dest": .string(dir.file(name)), "mode": "0600", "owner": "nobody", "group": "nogroup",
                "validate": .string("sh -c 'stat -c \"%a %U %G\" \"$1\" > \(seen)' _ %s"),
            ])
            XCTAssertFalse(r.failed, r.message ?? "")
            XCTAssertEqual(dir.read("seen"), "600 nobody nogroup\n", name)
            XCTAssertEqual(r.string("mode"), "0600")
        }
        // A failure while applying them leaves no temporary file behind.
        let bad = try await harness.run(CopyModule(), ["content": "x", "dest": .string(dir.file("bad")), "owner": "no-such-user-here"])
        XCTAssertTrue(bad.failed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("bad")))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("play-tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testReplacedFileKeepsItsModeAndModeArgumentIsApplied() async throws {
        let dir = try TemporaryDirectory()
        let dest = try dir.write("conf", "old", mode: 0o640)
        let replaced = try await harness.run(CopyModule(), ["content": "new", "dest": .string(dest)])
        XCTAssertTrue(replaced.changed)
        XCTAssertEqual(dir.mode("conf"), 0o640)

        let modeOnly = try await harness.run(CopyModule(), ["content": "new", "dest": .string(dest), "mode": "0600"])
        XCTAssertTrue(modeOnly.changed, "a mode change alone is a change")
        XCTAssertEqual(dir.mode("conf"), 0o600)
        XCTAssertEqual(modeOnly.string("mode"), "0600")
        XCTAssertNil(modeOnly["md5sum"], "content was not rewritten")

        let again = try await harness.run(CopyModule(), ["content": "new", "dest": .string(dest), "mode": 0o600])
        XCTAssertFalse(again.changed, "integer 384 is 0600")

        let symbolic = try await harness.run(CopyModule(), ["content": "new", "dest": .string(dest), "mode": "u=rw,g=r"])
        XCTAssertTrue(symbolic.changed)
        XCTAssertEqual(dir.mode("conf"), 0o640)
        let symbolicAgain = try await harness.run(CopyModule(), ["content": "new", "dest": .string(dest), "mode": "u=rw,g=r"])
        XCTAssertFalse(symbolicAgain.changed)
    }

    func testSourceFileFromFilesDirectoryIntoADirectory() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("play/files/app.conf", "port=80\n", mode: 0o600)
        var h = harness
        h.taskDirectory = dir.file("play")
        let r = try await h.run(CopyModule(), ["src": "app.conf", "dest": .string(dir.file("etc/app/"))])
        XCTAssertFalse(r.failed, r.message ?? "")
        XCTAssertTrue(r.changed)
        XCTAssertEqual(dir.read("etc/app/app.conf"), "port=80\n")
        XCTAssertEqual(r.string("dest"), dir.file("etc/app/app.conf"))
        XCTAssertEqual(r.string("src"), dir.file("play/files/app.conf"))

        let intoExisting = try await h.run(CopyModule(), ["src": "app.conf", "dest": .string(dir.file("etc/app"))])
        XCTAssertFalse(intoExisting.changed, "an existing directory gets the file inside it")

        let preserved = try await h.run(CopyModule(), ["src": "app.conf", "dest": .string(dir.file("etc/copy")), "mode": "preserve"])
        XCTAssertTrue(preserved.changed)
        XCTAssertEqual(dir.mode("etc/copy"), 0o600)

        let missing = try await h.run(CopyModule(), ["src": "nope.conf", "dest": .string(dir.file("x"))])
        XCTAssertTrue(missing.failed)
        XCTAssertTrue(missing.message!.contains("Could not find or access 'nope.conf'"))

        try dir.write("play/files/secret.yml", "$ANSIBLE_VAULT;1.1;AES256\n6162\n")
        let vaulted = try await h.run(CopyModule(), ["src": "secret.yml", "dest": .string(dir.file("secret.yml"))])
        XCTAssertTrue(vaulted.failed)
        XCTAssertTrue(vaulted.message!.contains("vault-encrypted"))
        let asIs = try await h.run(CopyModule(), ["src": "secret.yml", "dest": .string(dir.file("secret.yml")), "decrypt": false])
        XCTAssertTrue(asIs.changed)

    }

    func testDirectoryTreesAreCopiedFileByFile() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("site/index.html", "<h1>hi</h1>\n", mode: 0o600)
        try dir.write("site/css/main.css", "body{}\n")
        try dir.write("site/js/app.js", "run()\n", mode: 0o755)
        try FileManager.default.createDirectory(atPath: dir.file("site/empty"), withIntermediateDirectories: true)
        let counter = CountingConnection(base: LocalConnection())
        var h = harness
        h.connection = counter
        let first = try await h.run(CopyModule(), ["src": .string(dir.file("site")), "dest": .string(dir.file("www")),
                                                   "directory_mode": "0750"])
        XCTAssertFalse(first.failed, first.message ?? "")
        XCTAssertTrue(first.changed)
        XCTAssertEqual(first.string("dest"), dir.file("www/site"))
        XCTAssertEqual(dir.read("www/site/index.html"), "<h1>hi</h1>\n")
        XCTAssertEqual(dir.read("www/site/css/main.css"), "body{}\n")
        XCTAssertEqual(dir.read("www/site/js/app.js"), "run()\n")
        XCTAssertTrue(dir.exists("www/site/empty"))
        XCTAssertEqual(dir.mode("www/site/css"), 0o750)
        XCTAssertEqual(dir.mode("www/site/index.html"), 0o644, "new files get the umask's default")
        XCTAssertEqual(counter.commands, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.file("www/site")).filter { $0.hasPrefix(".") }, [])

        let again = try await h.run(CopyModule(), ["src": .string(dir.file("site")), "dest": .string(dir.file("www"))])
        XCTAssertFalse(again.changed)
        let inode = try FileManager.default.attributesOfItem(atPath: dir.file("www/site/index.html"))[.systemFileNumber] as? Int

        try dir.write("site/css/main.css", "body{margin:0}\n")
        var check = h
        check.checkMode = true
        let checked = try await check.run(CopyModule(), ["src": .string(dir.file("site")), "dest": .string(dir.file("www"))])
        XCTAssertTrue(checked.changed)
        XCTAssertEqual(dir.read("www/site/css/main.css"), "body{}\n", "check mode wrote nothing")
        let one = try await h.run(CopyModule(), ["src": .string(dir.file("site")), "dest": .string(dir.file("www"))])
        XCTAssertTrue(one.changed)
        XCTAssertEqual(dir.read("www/site/css/main.css"), "body{margin:0}\n")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: dir.file("www/site/index.html"))[.systemFileNumber] as? Int,
                       inode, "unchanged files are not rewritten")

        let preserved = try await h.run(CopyModule(), ["src": .string(dir.file("site/")), "dest": .string(dir.file("flat")),
                                                       "mode": "preserve"])
        XCTAssertTrue(preserved.changed)
        XCTAssertEqual(dir.read("flat/index.html"), "<h1>hi</h1>\n", "a trailing slash copies the contents")
        XCTAssertEqual(dir.mode("flat/index.html"), 0o600)
        XCTAssertEqual(dir.mode("flat/js/app.js"), 0o755)
    }

    func testLargeTreesAreComparedBeforeTheBytesGo() async throws {
        let dir = try TemporaryDirectory()
        let chunk = String(repeating: "z", count: 100_000)
        for i in 0..<4 { try dir.write("big/part\(i).txt", chunk + "\(i)") }
        let counter = CountingConnection(base: LocalConnection())
        var h = harness
        h.connection = counter
        let first = try await h.run(CopyModule(), ["src": .string(dir.file("big/")), "dest": .string(dir.file("out"))])
        XCTAssertTrue(first.changed, first.message ?? "")
        XCTAssertEqual(counter.commands, 2, "a probe, then the files that differ")
        XCTAssertEqual(dir.read("out/part3.txt"), chunk + "3")
        let second = try await h.run(CopyModule(), ["src": .string(dir.file("big/")), "dest": .string(dir.file("out"))])
        XCTAssertFalse(second.changed)
        XCTAssertEqual(counter.commands, 3, "nothing differs: the probe only")
    }

    func testCheckModeChangesNothing() async throws {
        let dir = try TemporaryDirectory()
        var h = harness
        h.checkMode = true
        let fresh = try await h.run(CopyModule(), ["content": "x", "dest": .string(dir.file("new")), "mode": "0600"])
        XCTAssertTrue(fresh.changed)
        XCTAssertFalse(dir.exists("new"))

        let newDir = try await h.run(CopyModule(), ["content": "x", "dest": .string(dir.file("sub/"))])
        XCTAssertTrue(newDir.failed, "content cannot go to a directory")

        try dir.write("same", "x", mode: 0o644)
        let same = try await h.run(CopyModule(), ["content": "x", "dest": .string(dir.file("same"))])
        XCTAssertFalse(same.changed)
        let mode = try await h.run(CopyModule(), ["content": "x", "dest": .string(dir.file("same")), "mode": "0600"])
        XCTAssertTrue(mode.changed)
        XCTAssertEqual(dir.mode("same"), 0o644)
        let symbolic = try await h.run(CopyModule(), ["content": "x", "dest": .string(dir.file("same")), "mode": "go-r"])
        XCTAssertTrue(symbolic.changed)
        let symbolicSame = try await h.run(CopyModule(), ["content": "x", "dest": .string(dir.file("same")), "mode": "u+r"])
        XCTAssertFalse(symbolicSame.changed)
        let differs = try await h.run(CopyModule(), ["content": "y", "dest": .string(dir.file("same"))])
        XCTAssertTrue(differs.changed)
        XCTAssertEqual(dir.read("same"), "x")
        XCTAssertEqual(dir.mode("same"), 0o644)
    }

    func testForceBackupValidateAndMissingDirectory() async throws {
        let dir = try TemporaryDirectory()
        let dest = try dir.write("keep", "mine")
        let kept = try await harness.run(CopyModule(), ["content": "theirs", "dest": .string(dest), "force": false])
        XCTAssertFalse(kept.changed)
        XCTAssertEqual(dir.read("keep"), "mine")

        let backedUp = try await harness.run(CopyModule(), ["content": "theirs", "dest": .string(dest), "backup": true])
        XCTAssertTrue(backedUp.changed)
        let backup = try XCTUnwrap(backedUp.string("backup_file"))
        XCTAssertTrue(backup.hasPrefix(dest + "."))
        XCTAssertTrue(backup.hasSuffix("~"))
        XCTAssertEqual(try String(contentsOfFile: backup, encoding: .utf8), "mine")

        let rejected = try await harness.run(CopyModule(), ["content": "bad", "dest": .string(dest), "validate": "grep -q good %s"])
        XCTAssertTrue(rejected.failed)
        XCTAssertEqual(rejected.message, "failed to validate")
        XCTAssertEqual(dir.read("keep"), "theirs")
        let accepted = try await harness.run(CopyModule(), ["content": "good", "dest": .string(dest), "validate": "grep -q good %s"])
        XCTAssertTrue(accepted.changed)
        XCTAssertEqual(dir.read("keep"), "good")
        let noPlaceholder = try await harness.run(CopyModule(), ["content": "good", "dest": .string(dest), "validate": "true"])
        XCTAssertEqual(noPlaceholder.message, "validate must contain %s: true")

        let orphan = try await harness.run(CopyModule(), ["content": "x", "dest": .string(dir.file("no/such/file"))])
        XCTAssertTrue(orphan.failed)
        XCTAssertEqual(orphan.message, "Destination directory \(dir.file("no/such")) does not exist")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("play-tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testLargeContentGoesInTwoStepsOnlyWhenItDiffers() async throws {
        let dir = try TemporaryDirectory()
        let big = String(repeating: "0123456789abcdef\n", count: 20_000)
        let dest = dir.file("big")
        let first = try await harness.run(CopyModule(), ["content": .string(big), "dest": .string(dest)])
        XCTAssertTrue(first.changed)
        XCTAssertEqual(dir.read("big"), big)
        let second = try await harness.run(CopyModule(), ["content": .string(big), "dest": .string(dest)])
        XCTAssertFalse(second.changed)
    }

    func testRemoteSourceAndDiff() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("a", "alpha\n")
        let r = try await harness.run(CopyModule(), ["src": .string(dir.file("a")), "remote_src": true, "dest": .string(dir.file("b"))])
        XCTAssertTrue(r.changed)
        XCTAssertEqual(dir.read("b"), "alpha\n")
        XCTAssertEqual(r.string("checksum"), Digest.hex(Data("alpha\n".utf8), .sha1))
        let again = try await harness.run(CopyModule(), ["src": .string(dir.file("a")), "remote_src": true, "dest": .string(dir.file("b"))])
        XCTAssertFalse(again.changed)

        var h = harness
        h.diffMode = true
        let diffed = try await h.run(CopyModule(), ["content": "beta\n", "dest": .string(dir.file("b"))])
        let entry = try XCTUnwrap(diffed["diff"]?[0])
        XCTAssertEqual(entry["before"], "alpha\n")
        XCTAssertEqual(entry["after"], "beta\n")
        XCTAssertEqual(entry["before_header"], .string(dir.file("b")))
    }

    func testArgumentErrors() async throws {
        XCTAssertEqual(harness.argumentError(CopyModule(), ["dest": "/tmp/x"]), "one of the following is required: content, src")
        XCTAssertEqual(harness.argumentError(CopyModule(), ["content": "a", "src": "b", "dest": "/tmp/x"]),
                       "parameters are mutually exclusive: content|src")
        XCTAssertEqual(harness.argumentError(CopyModule(), ["content": "a"]), "missing required arguments: dest")
        let badMode = try await harness.run(CopyModule(), ["content": "a", "dest": "/tmp/x", "mode": "rwx"])
        XCTAssertTrue(badMode.failed)
        XCTAssertTrue(badMode.message!.contains("mode must be in octal or symbolic form"))
        let badSum = try await harness.run(CopyModule(), ["content": "a", "dest": "/tmp/x", "checksum": "0000"])
        XCTAssertTrue(badSum.failed)
    }
}
