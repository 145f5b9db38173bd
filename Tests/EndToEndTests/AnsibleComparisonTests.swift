import Foundation
import XCTest

/// Runs each playbook in Fixtures/compare with the real ansible-playbook and with `play`, on three
/// local hosts, and requires the same output, byte for byte, and the same exit code.
final class AnsibleComparisonTests: XCTestCase {
    static let hosts = "h1,h2,h3,"

    /// `masking` is a regular expression for text that differs from run to run (async job ids).
    func compare(_ name: String, _ extra: [String] = [], masking: String? = nil,
                 file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = PlayProcess.fixtures.appendingPathComponent("compare")
        let args = ["-i", Self.hosts, "-c", "local", "-f", "1", name] + extra
        let ansible = try PlayProcess.ansiblePlaybook(args, cwd: dir)
        let play = try PlayProcess.play(args, cwd: dir)
        Self.assertSameOutput(name, ansible: ansible, play: play, masking: masking, file: file, line: line)
    }

    /// The same exit code and stdout, byte for byte once `masking` (a regular expression) is
    /// replaced in both; a difference is reported at its first line.
    static func assertSameOutput(_ name: String, ansible: ProcessResult, play: ProcessResult, masking: String? = nil,
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(play.exitCode, ansible.exitCode, "exit code of \(name); play stderr: \(play.stderr)", file: file, line: line)
        func masked(_ text: String) -> String {
            guard let masking else { return text }
            return text.replacingOccurrences(of: masking, with: "<masked>", options: .regularExpression)
        }
        let ansibleOut = masked(ansible.stdout), playOut = masked(play.stdout)
        if playOut != ansibleOut {
            let a = ansibleOut.split(separator: "\n", omittingEmptySubsequences: false)
            let p = playOut.split(separator: "\n", omittingEmptySubsequences: false)
            let first = (0..<min(a.count, p.count)).first { a[$0] != p[$0] } ?? min(a.count, p.count)
            XCTFail("""
                output of \(name) differs from ansible-playbook at line \(first + 1):
                ansible: \(first < a.count ? String(a[first]) : "<end>")
                play:    \(first < p.count ? String(p[first]) : "<end>")
                """, file: file, line: line)
        }
    }

    func testVariablesLoopsAndConditions() throws { try compare("vars-and-loops.yml") }
    func testBlocksRescueAlwaysAndErrors() throws { try compare("blocks-and-errors.yml") }
    func testHandlersNotifyListenAndFlush() throws { try compare("handlers.yml") }
    func testIncludeAndImportTasks() throws { try compare("includes.yml") }
    func testSerialRunOnceHostvarsAndEndHost() throws { try compare("serial-and-run-once.yml") }
    func testMagicVariablesFollowFailuresAndInventoryChanges() throws { try compare("magic-vars-inventory.yml") }
    /// One host: ansible-playbook prints a host's retries from its worker as they happen but its
    /// final result when the strategy collects it, so with several hosts its own order varies
    /// with load (a later host's retries may come first).
    func testUntilRetries() throws { try compare("retries.yml", ["-l", "h1"]) }
    /// Precedence against set_fact, task and play vars, `name:`, `dir:` and the registered result.
    func testIncludeVars() throws { try compare("include-vars.yml") }
    /// Play, block and task levels (an inner level's entry replaces an outer one), FQCN and short
    /// names, templated values, task arguments winning.
    func testModuleDefaults() throws { try compare("module-defaults.yml") }
    /// Without a terminal: `-e` answers a prompt, defaults are used (and templated), even in the play name.
    func testVarsPromptWithoutATerminal() throws {
        try compare("vars-prompt.yml", ["-e", "given=cli"])
        try compare("vars-prompt.yml", ["--list-tasks", "-e", "given=cli"])
    }
    /// `encrypt` with `salt`/`salt_size` hashes the (default) answer as passlib does, and the
    /// `password_hash` filter agrees.
    func testVarsPromptEncryptAndPasswordHash() throws { try compare("vars-prompt-encrypt.yml") }
    /// poll > 0 (ASYNC OK/FAILED lines), poll 0 then async_status until finished, cleanup, and
    /// async on a controller action. Ansible runs its modules with the controller's Python.
    func testAsyncPollAndAsyncStatus() throws {
        try compare("async.yml", ["-e", #"{"ansible_python_interpreter": "{{ ansible_playbook_python }}"}"#],
                    masking: #"j[0-9]+\.[0-9]+"#)
    }
    /// async with poll > 0 on modules that are no async jobs themselves (file, lineinfile): their
    /// commands run as jobs on the target, their results are the modules' own with the job's keys.
    func testAsyncOnOrdinaryModules() throws {
        try compare("async-modules.yml", ["-e", #"{"ansible_python_interpreter": "{{ ansible_playbook_python }}"}"#],
                    masking: #"j[0-9]+\.[0-9]+"#)
    }
    /// Magic variables of roles (parents, paths, play and dependent role names growing with
    /// include_role), of the run and inventory, `set_fact cacheable`, `ansible_loop`, `omit`, and an
    /// include_role inside a role (no role prefix; its dependency runs once per host).
    func testMagicVariablesAndCacheableFacts() throws { try compare("magic-vars.yml") }
    /// with_file and with_first_found (files/paths/skip) and lookup('first_found'), looked for in
    /// the role's files/ first, then the playbook's directory and its files/.
    func testFileLookupsAndFirstFound() throws { try compare("lookups-files.yml") }
    /// `args:` as a template giving a mapping (a required argument may come from it); the
    /// arguments written with the module win.
    func testTemplatedArgs() throws { try compare("templated-args.yml") }
    /// Listings show a templated play name rendered with the play's vars and -e; a run shows
    /// templated task names rendered too (ansible's --list-hosts order of several hosts varies
    /// from run to run, so it is not compared).
    func testTemplatedPlayAndTaskNames() throws {
        try compare("templated-name.yml", ["--list-tasks", "-e", "ver=2"])
        try compare("templated-name.yml", ["-e", "ver=2"])
        try compare("templated-name.yml")
    }
}
