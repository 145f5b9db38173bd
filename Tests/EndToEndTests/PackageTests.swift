import Foundation
import XCTest

/// play installed as a tool: `scripts/package.sh` on the binaries this test run built (the
/// shipped build takes half an hour; the scripts are the same for it), the `.deb` unpacked into a
/// scratch root (never into /), the installed `play` and `vault` run, the man pages rendered by
/// `man`, the completions asked to complete; `scripts/install.sh` into a scratch prefix, twice.
final class PackageTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("play-package-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func testDebianPackageInstallsIntoAScratchRootAndRuns() throws {
        let bin = PlayProcess.binDirectory.path
        let out = scratch.appendingPathComponent("dist").path
        // A debug build links the Swift runtime from where Swift is installed: no Debian package
        // provides it, so the package is refused unless that is accepted in so many words.
        let refused = try script("package.sh", ["--from", bin, out])
        XCTAssertEqual(refused.exitCode, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("libraries no Debian package provides"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("libswiftCore.so"), refused.stderr)

        let made = try script("package.sh", ["--from", bin, "--compress", "none", "--allow-unpackaged-libraries", out])
        XCTAssertEqual(made.exitCode, 0, made.stderr)
        let deb = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let arch = try tool("/usr/bin/dpkg", ["--print-architecture"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(deb.hasSuffix("_\(arch).deb") && deb.contains("/play_0."), deb)

        let control = try tool("/usr/bin/dpkg-deb", ["--field", deb]).stdout
        let fields = Dictionary(control.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" ") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(fields["Package"], "play", control)
        XCTAssertEqual(fields["Architecture"], arch, control)
        XCTAssertTrue(fields["Version"]?.range(of: #"^\d+\.\d+\.\d+\+git\d+\.[0-9a-f]{12}(\.dirty)?$"#, options: .regularExpression) != nil, control)
        XCTAssertTrue(fields["Depends"]?.contains("libc6 (>= ") == true, control)
        XCTAssertTrue(fields["Recommends"]?.contains("libcurl") == true, control)
        XCTAssertTrue(fields["Recommends"]?.contains("openssh-client") == true, control)
        XCTAssertFalse(fields["Maintainer"]?.isEmpty ?? true, control)
        XCTAssertNotNil(fields["Installed-Size"].flatMap(Int.init), control)
        XCTAssertTrue(made.stderr.contains("not depended on"), "the unpackaged libraries are named: \(made.stderr)")

        let root = scratch.appendingPathComponent("root")
        let unpacked = try tool("/usr/bin/dpkg-deb", ["-x", deb, root.path])
        XCTAssertEqual(unpacked.exitCode, 0, unpacked.stderr)
        try checkInstalled(prefix: root.appendingPathComponent("usr"))
    }

    func testInstallIntoAPrefixIsRepeatableAndRefusesClearly() throws {
        let bin = PlayProcess.binDirectory.path
        let prefix = scratch.appendingPathComponent("prefix")
        let first = try script("install.sh", ["--from", bin, prefix.path])
        XCTAssertEqual(first.exitCode, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("is a 'debug"), "a debug build is installed with a warning: \(first.stderr)")
        let listed = first.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(listed.count, 10, first.stdout)
        let again = try script("install.sh", ["--from", bin, prefix.path])
        XCTAssertEqual(again.exitCode, 0, again.stderr)
        XCTAssertEqual(again.stdout, first.stdout)
        try checkInstalled(prefix: prefix)

        let relative = try script("install.sh", ["--from", bin, "relative/prefix"])
        XCTAssertEqual(relative.exitCode, 1)
        XCTAssertTrue(relative.stderr.contains("PREFIX must be an absolute path"), relative.stderr)
        let nowhere = try script("install.sh", ["--from", scratch.appendingPathComponent("none").path, prefix.path])
        XCTAssertEqual(nowhere.exitCode, 1)
        XCTAssertTrue(nowhere.stderr.contains("is not a directory"), nowhere.stderr)
        let help = try script("install.sh", ["--help"])
        XCTAssertEqual(help.exitCode, 0)
        XCTAssertTrue(help.stdout.contains("--from BIN_DIR"), help.stdout)
    }

    /// What a user finds under PREFIX: the tools run, a playbook runs locally, the man pages
    /// render and name the hand-dispatched commands, the completions complete them.
    private func checkInstalled(prefix: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let play = prefix.appendingPathComponent("bin/play").path
        let vault = prefix.appendingPathComponent("bin/vault").path
        let version = try PlayProcess.run(play, ["--version"])
        XCTAssertEqual(version.exitCode, 0, version.stderr, file: file, line: line)
        XCTAssertTrue(version.stdout.hasPrefix("play 0.") && version.stdout.contains("git commit = "), version.stdout, file: file, line: line)
        XCTAssertTrue(version.stdout.contains("executable location = \(play)"), version.stdout, file: file, line: line)
        let vaultVersion = try PlayProcess.run(vault, ["--version"])
        XCTAssertEqual(vaultVersion.exitCode, 0, vaultVersion.stderr, file: file, line: line)
        XCTAssertTrue(vaultVersion.stdout.hasPrefix("vault 0."), vaultVersion.stdout, file: file, line: line)

        let work = scratch.appendingPathComponent("work-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try """
            - hosts: localhost
              gather_facts: false
              tasks:
                - copy: {content: "installed\\n", dest: "{{ playbook_dir }}/written.txt"}
                - command: cat written.txt
                  args: {chdir: "{{ playbook_dir }}"}
                  register: shown
                - debug: {var: shown.stdout}
            """.write(to: work.appendingPathComponent("site.yml"), atomically: true, encoding: .utf8)
        let run = try PlayProcess.run(play, ["-c", "local", "-i", "localhost,", "site.yml"], cwd: work)
        XCTAssertEqual(run.exitCode, 0, run.stdout + run.stderr, file: file, line: line)
        XCTAssertTrue(run.stdout.contains("\"shown.stdout\": \"installed\""), run.stdout, file: file, line: line)
        XCTAssertTrue(run.stdout.range(of: #"localhost +: ok=3 +changed=2 +unreachable=0 +failed=0"#, options: .regularExpression) != nil,
                      run.stdout, file: file, line: line)

        let playPage = try manual(prefix.appendingPathComponent("share/man/man1/play.1.gz"))
        for expected in ["play inventory", "play config dump", "play vault create", "--inventory", "--extra-vars",
                         "--list", "--only-changed", "--ask-vault-pass", "SEE ALSO"] {
            XCTAssertTrue(playPage.contains(expected), "play.1 lacks \(expected):\n\(playPage)", file: file, line: line)
        }
        let vaultPage = try manual(prefix.appendingPathComponent("share/man/man1/vault.1.gz"))
        for expected in ["vault encrypt_string", "vault rekey", "--vault-id"] {
            XCTAssertTrue(vaultPage.contains(expected), "vault.1 lacks \(expected):\n\(vaultPage)", file: file, line: line)
        }

        let share = prefix.appendingPathComponent("share")
        let bash = share.appendingPathComponent("bash-completion/completions/play").path
        XCTAssertEqual(try complete(bash, command: "play", ["play", ""]).intersection(["inventory", "config", "vault"]).count, 3,
                       file: file, line: line)
        XCTAssertTrue(try complete(bash, command: "play", ["play", "inventory", "--gr"]).contains("--graph"), file: file, line: line)
        XCTAssertTrue(try complete(bash, command: "play", ["play", "config", ""]).isSuperset(of: ["dump", "view"]), file: file, line: line)
        XCTAssertTrue(try complete(bash, command: "play", ["play", "--ski"]).contains("--skip-tags"), file: file, line: line)
        let vaultBash = share.appendingPathComponent("bash-completion/completions/vault").path
        XCTAssertTrue(try complete(vaultBash, command: "vault", ["vault", "enc"]).isSuperset(of: ["encrypt", "encrypt_string"]),
                      file: file, line: line)
        try "- hosts: all\n".write(to: scratch.appendingPathComponent("deploy.yml"), atomically: true, encoding: .utf8)
        XCTAssertTrue(try complete(bash, command: "play", ["play", "dep"]).contains("deploy.yml"), "playbook files", file: file, line: line)

        // zsh: the file loads under compinit, registers the dispatcher for play, and defines the
        // functions of the hand-dispatched commands.
        let zshFile = share.appendingPathComponent("zsh/site-functions/_play").path
        let zsh = try PlayProcess.runClean("/usr/bin/zsh", ["-f", "-c", """
            autoload -U compinit && compinit -u -D && source '\(zshFile)' && print -r -- "$_comps[play]" \
              && whence -w _play_commands_inventory _play_commands_config_dump _play_commands_vault_create
            """], cwd: scratch, environment: ["PATH": "/usr/bin:/bin", "HOME": scratch.path])
        XCTAssertEqual(zsh.exitCode, 0, zsh.stderr, file: file, line: line)
        XCTAssertTrue(zsh.stdout.hasPrefix("_play_dispatch\n"), zsh.stdout, file: file, line: line)
        XCTAssertEqual(zsh.stdout.components(separatedBy: ": function").count, 4, zsh.stdout, file: file, line: line)

        // fish: play's options and the command names.
        let fishFile = share.appendingPathComponent("fish/vendor_completions.d/play.fish").path
        for (typed, expected) in [("play --ski", "--skip-tags"), ("play inv", "inventory"), ("play site.yml --ta", "--tags")] {
            let fish = try PlayProcess.runClean("/usr/bin/fish", ["--no-config", "-c", "source '\(fishFile)'; complete -C '\(typed)'"],
                                                cwd: scratch, environment: ["PATH": "/usr/bin:/bin", "HOME": scratch.path])
            XCTAssertEqual(fish.exitCode, 0, fish.stderr, file: file, line: line)
            XCTAssertTrue(fish.stdout.split(separator: "\n").contains { $0.split(separator: "\t").first.map(String.init) == expected },
                          "fish completes '\(typed)' with \(expected): \(fish.stdout)", file: file, line: line)
        }
    }

    /// The page as `man` shows it, plain; groff's complaints about the source would be on stderr.
    private func manual(_ page: URL) throws -> String {
        let shown = try PlayProcess.runClean("/usr/bin/man", ["-l", page.path], cwd: nil,
                                             environment: ["PATH": "/usr/bin:/bin", "MANPAGER": "cat", "MANWIDTH": "120",
                                                           "LANG": "C.UTF-8"])
        XCTAssertEqual(shown.exitCode, 0, shown.stderr)
        XCTAssertEqual(shown.stderr, "", "the page renders without warnings")
        XCTAssertFalse(shown.stdout.contains("\u{8}"), "man writes plain text to a pipe")
        return shown.stdout
    }

    /// The words bash offers for the last of `words`, from the completion script as bash loads it.
    private func complete(_ script: String, command: String, _ words: [String]) throws -> Set<String> {
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let program = """
            source '\(script)'
            function=$(complete -p \(command) | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')
            COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
            COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
            "$function" \(command) "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try PlayProcess.runClean("/bin/bash", ["-c", program], cwd: scratch, environment: ["PATH": "/usr/bin:/bin"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        return Set(result.stdout.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) })
    }

    private func script(_ name: String, _ arguments: [String]) throws -> ProcessResult {
        try PlayProcess.runClean("/bin/bash", [Self.repository.appendingPathComponent("scripts/\(name)").path] + arguments,
                                 cwd: scratch, environment: PlayProcess.environment)
    }

    private func tool(_ path: String, _ arguments: [String]) throws -> ProcessResult {
        try PlayProcess.runClean(path, arguments, cwd: scratch, environment: PlayProcess.environment)
    }
}
