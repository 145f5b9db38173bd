import Foundation
import XCTest

/// Roles (`roles:`, import_role, include_role, meta dependencies, role defaults/vars/params,
/// handlers, files and templates) run by `play` and by the real ansible-playbook on three local
/// hosts: listings and runs must match byte for byte.
final class RoleTests: XCTestCase {
    static var directory: URL { PlayProcess.fixtures.appendingPathComponent("roles") }

    /// A roles path and a collections path beside the playbook, as a user would configure them.
    static var environment: [String: String] {
        ["ANSIBLE_ROLES_PATH": directory.appendingPathComponent("other_roles").path,
         "ANSIBLE_COLLECTIONS_PATH": directory.appendingPathComponent("collections").path]
    }

    @discardableResult
    func compare(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
        let args = ["-i", "inventory.ini", "-c", "local", "-f", "1"] + arguments
        let ansible = try PlayProcess.ansiblePlaybook(args, cwd: Self.directory, environment: Self.environment)
        let play = try PlayProcess.play(args, cwd: Self.directory, environment: Self.environment)
        XCTAssertEqual(play.exitCode, ansible.exitCode, "exit code of \(arguments); play stderr: \(play.stderr)",
                       file: file, line: line)
        if play.stdout != ansible.stdout {
            let a = ansible.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let p = play.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let first = (0..<min(a.count, p.count)).first { a[$0] != p[$0] } ?? min(a.count, p.count)
            XCTFail("""
                output of \(arguments) differs from ansible-playbook at line \(first + 1):
                ansible: \(first < a.count ? String(a[first]) : "<end>")
                play:    \(first < p.count ? String(p[first]) : "<end>")
                """, file: file, line: line)
        }
        return play
    }

    func testListTasksShowsRolePrefixesAsAnsible() throws {
        try compare(["roles.yml", "--list-tasks"])
        try compare(["roles-more.yml", "--list-tasks"])
        try compare(["roles-more.yml", "--list-tasks", "--tags", "extra"])
    }

    func testListTagsIncludesRoleTags() throws {
        try compare(["roles.yml", "--list-tags"])
        try compare(["roles-more.yml", "--list-tags"])
    }

    /// Role defaults lose to inventory, role vars beat vars_files, role params beat set_fact, and
    /// role handlers run at the end of the section.
    func testRunMatchesAnsibleWithRolePrecedenceAndHandlers() throws {
        let play = try compare(["roles.yml"])
        XCTAssertTrue(play.stdout.contains("\"msg\": \"from-role-defaults from-inventory from-role-vars base\""), play.stdout)
        XCTAssertTrue(play.stdout.contains("\"msg\": \"param=from-param\""), play.stdout)
        XCTAssertTrue(play.stdout.contains("RUNNING HANDLER [base : restart base]"), play.stdout)
        // The dependency `common` ran once, although `roles:` names it again.
        XCTAssertEqual(play.stdout.components(separatedBy: "\"msg\": \"common once\"").count - 1, 3)
    }

    /// Where each way of giving a role variables lands: a roles: entry's `vars:` and import_role's
    /// `vars:` are role vars (below set_fact), a roles: entry's other keys and include_role's
    /// `vars:` are parameters (above it); static roles' vars are visible to later play tasks.
    func testRoleVariablePrecedenceMatchesAnsible() throws {
        let play = try compare(["roles-precedence.yml"])
        XCTAssertTrue(play.stdout.contains("\"msg\": \"p=roles-param rv=role-vars"), play.stdout)
        XCTAssertTrue(play.stdout.contains("\"msg\": \"after role-vars play-vars\""), play.stdout)
        XCTAssertTrue(play.stdout.contains("\"msg\": \"p=include-vars rv=include-rv"), play.stdout)
    }

    /// allow_duplicates, defaults_from/vars_from, include_role with apply and a templated name in a
    /// loop, include_tasks inside a role, roles from ANSIBLE_ROLES_PATH and a collection.
    func testMoreRoleFormsMatchAnsible() throws {
        try compare(["roles-more.yml"])
        try compare(["roles-more.yml", "--tags", "applied"])
        try compare(["roles-more.yml", "--skip-tags", "extra"])
    }

    /// A role named again with the same arguments is listed but not run again; include_role
    /// always runs its role, but not a dependency the play already ran.
    func testRepeatedRolesRunOnceAsAnsible() throws {
        try compare(["roles-repeated.yml", "--list-tasks"])
        try compare(["roles-repeated.yml"])
    }

    func testDependenciesSeeTheirRolesVariablesAsAnsible() throws {
        let play = try compare(["roles-dependencies.yml"])
        XCTAssertTrue(play.stdout.contains("\"msg\": \"parent-vars parent-default param child none ['parent']\""), play.stdout)
        try compare(["roles-dependencies.yml", "--list-tasks"])
    }

    func testPublicDecidesWhetherLaterTasksSeeARolesVariables() throws {
        let play = try compare(["roles-public.yml"])
        XCTAssertTrue(play.stdout.contains("\"msg\": \"role-vars role-default\""), play.stdout)
    }

    func testHandlerOnlyRolesYamlExtensionAndImportRoleConditionsMatchAnsible() throws {
        try compare(["roles-misc.yml"])
        try compare(["roles-misc.yml", "--tags", "b"])
        try compare(["roles-misc.yml", "--tags", "y,b", "--list-tasks"])
    }

    func testRoleFilesAndTemplatesAreFoundInTheRole() throws {
        let out = NSTemporaryDirectory() + "play-role-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let play = try PlayProcess.play(["-i", "localhost,", "-c", "local", "-e", "out_dir=\(out)", "role-files.yml"],
                                        cwd: Self.directory)
        XCTAssertEqual(play.exitCode, 0, play.stdout + play.stderr)
        XCTAssertTrue(play.stdout.contains("TASK [filer : copy from files]"), play.stdout)
        XCTAssertEqual(try String(contentsOfFile: out + "/f.txt", encoding: .utf8), "static file\n")
        XCTAssertEqual(try String(contentsOfFile: out + "/t.txt", encoding: .utf8), "rendered 42\n")
    }

    func testMissingRoleIsAParseErrorWithSearchPathsAndSuggestion() throws {
        let play = try PlayProcess.play(["-i", "inventory.ini", "missing-role.yml"], cwd: Self.directory)
        XCTAssertEqual(play.exitCode, 4)
        XCTAssertTrue(play.stderr.contains("missing-role.yml:4:7: error: the role 'bsae' was not found"), play.stderr)
        XCTAssertTrue(play.stderr.contains("did you mean 'base'?"), play.stderr)
        XCTAssertTrue(play.stderr.contains("searched: roles/bsae:"), play.stderr)
        XCTAssertTrue(play.stderr.contains("missing-role.yml:6:20: error: the role 'nothere' was not found"), play.stderr)
        XCTAssertTrue(play.stderr.contains("Invalid options for include_role: bogus"), play.stderr)
    }
}
