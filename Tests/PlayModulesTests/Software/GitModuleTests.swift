import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import XCTest

/// git against local repositories (a path and a file:// URL) through the local connection,
/// and the same tasks with ansible-playbook.
final class GitModuleTests: XCTestCase {
    /// An upstream repository with two commits on main, a tag v1 (annotated) on the first and a
    /// branch `feature` with one more commit.
    private func upstream() throws -> (dir: TemporaryDirectory, first: String, second: String, feature: String) {
        let dir = try TemporaryDirectory()
        let git = "git -c user.name=t -c user.email=t@example.invalid -c init.defaultBranch=main"
        try ArchiveFixtures.sh("""
            \(git) init -q up && cd up && echo one > a.txt && git add a.txt && \(git) commit -qm one \
              && \(git) tag -a v1 -m v1 && echo two >> a.txt && \(git) commit -qam two \
              && git checkout -qb feature && echo f > f.txt && git add f.txt && \(git) commit -qm feature \
              && git checkout -q main
            """, in: dir.path)
        func rev(_ ref: String) throws -> String {
            try ArchiveFixtures.sh("git rev-parse \(ref)", in: dir.file("up")).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return (dir, try rev("main~1"), try rev("main"), try rev("feature"))
    }

    func testCloneUpdateVersionsAndLocalChanges() async throws {
        let (dir, first, second, feature) = try upstream()
        let h = ModuleHarness()
        let repo = dir.file("up"), dest = dir.file("work/app")

        var check = h
        check.checkMode = true
        let preview = try await check.run(GitModule(), ["repo": .string(repo), "dest": .string(dest)])
        XCTAssertTrue(preview.changed)
        XCTAssertEqual(preview["after"], .string(second))
        XCTAssertFalse(dir.exists("work/app"))

        var diff = h
        diff.diffMode = true
        let cloned = try await diff.run(GitModule(), ["repo": .string(repo), "dest": .string(dest)])
        XCTAssertFalse(cloned.failed, cloned.message ?? "")
        XCTAssertTrue(cloned.changed)
        XCTAssertEqual(cloned["before"], .null)
        XCTAssertEqual(cloned["after"], .string(second))
        XCTAssertEqual(cloned["diff"]?["prepared"], .string(">> Newly checked out \(second)"))
        XCTAssertEqual(dir.read("work/app/a.txt"), "one\ntwo\n")

        let again = try await h.run(GitModule(), ["repo": .string(repo), "dest": .string(dest)])
        XCTAssertFalse(again.changed, "\(again.values)")
        XCTAssertEqual(again["remote_url_changed"], false)
        XCTAssertEqual(again["before"], again["after"])

        let tag = try await diff.run(GitModule(), ["repo": .string(repo), "dest": .string(dest), "version": "v1"])
        XCTAssertTrue(tag.changed)
        XCTAssertEqual(tag["after"], .string(first))
        XCTAssertEqual(tag["diff"]?["prepared"]?.stringValue?.contains("+two"), false)
        XCTAssertEqual(tag["diff"]?["prepared"]?.stringValue?.contains("-two"), true)
        XCTAssertEqual(dir.read("work/app/a.txt"), "one\n")

        let branch = try await h.run(GitModule(), ["repo": .string(repo), "dest": .string(dest), "version": "feature"])
        XCTAssertEqual(branch["after"], .string(feature))
        XCTAssertEqual(dir.read("work/app/f.txt"), "f\n")
        let sha = try await h.run(GitModule(), ["repo": .string(repo), "dest": .string(dest), "version": .string(first)])
        XCTAssertEqual(sha["after"], .string(first))

        try "local edit\n".write(toFile: dir.file("work/app/a.txt"), atomically: false, encoding: .utf8)
        let refused = try await h.run(GitModule(), ["repo": .string(repo), "dest": .string(dest)])
        XCTAssertTrue(refused.failed)
        XCTAssertEqual(refused.message, "Local modifications exist in the destination: \(dest) (force=no).")
        XCTAssertEqual(refused["before"], .string(first))
        let forced = try await h.run(GitModule(), ["repo": .string(repo), "dest": .string(dest), "force": true])
        XCTAssertTrue(forced.changed)
        XCTAssertEqual(forced["after"], .string(second))
        XCTAssertEqual(dir.read("work/app/a.txt"), "one\ntwo\n")

        // The same repository given as a file:// URL is no change (Ansible clones paths as file://);
        // a mirror at another path is.
        let sameURL = try await h.run(GitModule(), ["repo": .string("file://" + repo), "dest": .string(dest)])
        XCTAssertEqual(sameURL["remote_url_changed"], false)
        try ArchiveFixtures.sh("git clone -q --bare up mirror.git", in: dir.path)
        let moved = try await h.run(GitModule(), ["repo": .string(dir.file("mirror.git")), "dest": .string(dest)])
        XCTAssertEqual(moved["remote_url_changed"], true)
        XCTAssertTrue(moved.changed)
        XCTAssertEqual(try ArchiveFixtures.sh("git config remote.origin.url", in: dest), "file://\(dir.file("mirror.git"))\n")
        let noUpdate = try await h.run(GitModule(), ["repo": .string(dir.file("mirror.git")), "dest": .string(dest), "update": false,
                                                     "version": "v1"])
        XCTAssertFalse(noUpdate.changed)
        XCTAssertEqual(noUpdate["after"], .string(second))

        let shallow = try await h.run(GitModule(), ["repo": .string("file://" + repo), "dest": .string(dir.file("shallow")),
                                                    "depth": 1, "single_branch": true, "version": "feature"])
        XCTAssertEqual(shallow["after"], .string(feature))
        XCTAssertEqual(try ArchiveFixtures.sh("git rev-list --count HEAD", in: dir.file("shallow")), "1\n")
        let bare = try await h.run(GitModule(), ["repo": .string(repo), "dest": .string(dir.file("bare.git")), "bare": true])
        XCTAssertEqual(bare["after"], .string(second))
        XCTAssertTrue(dir.exists("bare.git/HEAD"))
        let badVersion = try await h.run(GitModule(), ["repo": .string(repo), "dest": .string(dest), "version": "no-such"])
        XCTAssertTrue(badVersion.failed)
    }

    func testMatchesAnsible() async throws {
        let (dir, _, _, _) = try upstream()
        let repo = dir.file("up")
        let ansible = try AnsibleTask.run([
            "git: {repo: '\(repo)', dest: '\(dir.file("theirs"))'}",
            "git: {repo: '\(repo)', dest: '\(dir.file("theirs"))'}",
            "git: {repo: '\(repo)', dest: '\(dir.file("theirs"))', version: v1}",
            "git: {repo: 'file://\(repo)', dest: '\(dir.file("theirs"))', version: feature}",
        ], in: dir.path)
        let h = ModuleHarness()
        let results = [
            try await h.run(GitModule(), ["repo": .string(repo), "dest": .string(dir.file("ours"))]),
            try await h.run(GitModule(), ["repo": .string(repo), "dest": .string(dir.file("ours"))]),
            try await h.run(GitModule(), ["repo": .string(repo), "dest": .string(dir.file("ours")), "version": "v1"]),
            try await h.run(GitModule(), ["repo": .string("file://" + repo), "dest": .string(dir.file("ours")), "version": "feature"]),
        ]
        XCTAssertEqual(ansible.count, 4)
        for (i, (a, p)) in zip(ansible, results).enumerated() {
            XCTAssertEqual(AnsibleTask.keys(p.values), AnsibleTask.keys(a), "result keys of task \(i)")
            for key in ["changed", "before", "after", "remote_url_changed"] { XCTAssertEqual(p[key], a[key], "\(key) of task \(i)") }
        }
        XCTAssertEqual(dir.read("ours/a.txt"), dir.read("theirs/a.txt"))
        XCTAssertEqual(dir.read("ours/f.txt"), dir.read("theirs/f.txt"))
        let branches = "git branch --format='%(refname:short)'"
        XCTAssertEqual(try ArchiveFixtures.sh(branches, in: dir.file("ours")), try ArchiveFixtures.sh(branches, in: dir.file("theirs")))
    }
}
