import PlayBase
import XCTest
@testable import PlayLanguage

/// Roles are expanded at parse time (`roles:`, import_role) into role blocks whose tasks carry
/// the role's variables; include_role stays an include for run time.
final class RoleExpansionTests: XCTestCase {
    func compile(_ yaml: String, files: TempFiles) throws -> CompiledPlaybook {
        try compiler.compile(path: files.write("playbook.yml", yaml), selection: .all)
    }

    func tasks(_ items: [CompiledItem]) -> [CompiledTask] {
        items.flatMap { item -> [CompiledTask] in
            switch item {
            case .task(let t): return [t]
            case .block(let b): return tasks(b.body)
            case .include: return []
            }
        }
    }

    /// A role `web` depending on `common`, with defaults, vars and a handler.
    func webRole() -> TempFiles {
        let files = TempFiles()
        files.write("roles/common/tasks/main.yml", "- name: common task\n  debug: msg=c\n")
        files.write("roles/web/meta/main.yml", "dependencies:\n  - common\n")
        files.write("roles/web/defaults/main.yml", "port: 80\n")
        files.write("roles/web/vars/main.yml", "user: www\n")
        files.write("roles/web/tasks/main.yml", "- name: serve\n  debug: msg=s\n  notify: reload\n- debug: msg=unnamed\n")
        files.write("roles/web/tasks/other.yml", "- name: other\n  debug: msg=o\n")
        files.write("roles/web/handlers/main.yml", "- name: reload\n  debug: msg=r\n")
        return files
    }

    func testRolesRunBeforeTasksWithDependenciesFirstAndTheirVariables() throws {
        let files = webRole()
        let pb = try compile("""
        - hosts: all
          roles:
            - role: web
              http_port: 8080
              tags: [w]
              when: go
          tasks:
            - name: own
              debug: msg=t
        """, files: files)
        let section = tasks(pb.plays[0].sections[1].body)
        XCTAssertEqual(section.map(\.displayName), ["common : common task", "web : serve", "web : debug", "own"])
        XCTAssertEqual(section.map(\.listingName), ["common : common task", "web : serve", "debug", "own"])
        let serve = section[1]
        XCTAssertEqual(serve.tags, ["w"])
        XCTAssertEqual(serve.conditions.map(\.expression), ["go"])
        XCTAssertEqual(serve.roleDefaults, [["port": 80]])
        XCTAssertEqual(serve.roleParams, [["http_port": 8080]])
        XCTAssertEqual(serve.blockVars.last?["user"], "www")
        XCTAssertEqual(serve.blockVars.last?["role_name"], "web")
        XCTAssertEqual(serve.task.directory, files.root + "/roles/web/tasks")
        // The dependency runs inside web's block: it inherits the entry's tags and conditions and
        // sees web's variables and parameters, as Ansible's dependency chain.
        XCTAssertEqual(section[0].tags, ["w"])
        XCTAssertEqual(section[0].roleParams, [["http_port": 8080]])
        XCTAssertEqual(section[0].roleDefaults, [["port": 80], [:]])
        XCTAssertEqual(pb.plays[0].roleNames, ["web", "common"])
        let handler = try XCTUnwrap(pb.plays[0].handlers.first)
        XCTAssertEqual(handler.displayName, "web : reload")
        XCTAssertEqual(handler.task.listen, ["web : reload"])
    }

    func testARepeatedRoleIsListedButRunOnceUnlessItsArgumentsDiffer() throws {
        let files = webRole()
        let pb = try compile("""
        - hosts: all
          roles: [common, common, {role: common, x: 1}]
          tasks:
            - import_role: name=web tasks_from=other
        """, files: files)
        let play = pb.plays[0]
        // Runs: common, common with x=1, web's tasks_from (its dependency common already ran).
        XCTAssertEqual(tasks(play.sections[1].body).map(\.displayName),
                       ["common : common task", "common : common task", "web : other"])
        XCTAssertEqual(tasks(try XCTUnwrap(play.listedSections)[1].body).map(\.displayName),
                       ["common : common task", "common : common task", "common : common task", "common : common task",
                        "web : other"])
    }

    func testIncludeRoleStaysAnIncludeWithItsRoleAndParameters() throws {
        let files = webRole()
        let pb = try compile("""
        - hosts: all
          tasks:
            - include_role:
                name: "{{ item }}"
                tasks_from: other
              vars: {a: 1}
              loop: [web]
        """, files: files)
        guard case .include(let include)? = pb.plays[0].sections[1].body.first else { return XCTFail() }
        XCTAssertEqual(include.include.role?.name, "{{ item }}")
        XCTAssertEqual(include.include.role?.tasksFrom, "other")
        XCTAssertEqual(include.displayName, "include_role : {{ item }}")
        XCTAssertEqual(include.listingName, "include_role")
        XCTAssertTrue(include.childContext.blockVars.isEmpty, "include_role vars are role parameters")
        let items = try compiler.compileRoleInclude(RoleCall(name: "web", tasksFrom: "other", location: include.include.location),
                                                    params: ["a": 1], inheriting: include.childContext,
                                                    selection: .all, firstID: 1000)
        let included = tasks(items)
        XCTAssertEqual(included.map(\.displayName), ["common : common task", "web : other"])
        XCTAssertEqual(included.last?.roleParams, [["a": 1]])
    }

    func testRolesPathsAndCollectionsAreSearched() throws {
        let files = TempFiles()
        files.write("elsewhere/r1/tasks/main.yml", "- debug: msg=1\n")
        files.write("colls/ansible_collections/ns/c/roles/r2/tasks/main.yml", "- debug: msg=2\n")
        setenv("ANSIBLE_ROLES_PATH", files.root + "/elsewhere", 1)
        setenv("ANSIBLE_COLLECTIONS_PATH", files.root + "/colls", 1)
        defer { unsetenv("ANSIBLE_ROLES_PATH"); unsetenv("ANSIBLE_COLLECTIONS_PATH") }
        let pb = try compile("- hosts: all\n  roles: [r1, ns.c.r2, ./elsewhere/r1]\n", files: files)
        XCTAssertEqual(pb.plays[0].roleNames, ["r1", "ns.c.r2"])
    }

    func testAnsibleCfgRolesPathIsSearchedRelativeToTheConfigFile() throws {
        let files = TempFiles()
        files.write("cfg/ansible.cfg", "[defaults]\n# a comment\nroles_path = shared_roles:/nonexistent\n")
        files.write("cfg/shared_roles/r3/tasks/main.yml", "- debug: msg=3\n")
        setenv("ANSIBLE_CONFIG", files.root + "/cfg/ansible.cfg", 1)
        defer { unsetenv("ANSIBLE_CONFIG") }
        let pb = try compile("- hosts: all\n  roles: [r3]\n", files: files)
        XCTAssertEqual(pb.plays[0].roleNames, ["r3"])
    }

    func testRoleArgumentsAreChecked() {
        let files = webRole()
        let ds = diagnostics(playWith(tasks: "- import_role:\n    name: web\n    task_from: x\n- import_role: name={{ r }}"),
                             files: files)
        XCTAssertEqual(ds.map(\.message), [
            "Invalid options for import_role: task_from",
            "import_role cannot use a template in 'name' ('{{ r }}')",
        ])
        XCTAssertEqual(ds.first?.notes, ["did you mean 'tasks_from'?"])
    }
}

extension RoleExpansionTests {
    func testDependenciesAreFoundBesideTheirRoleAndRolesBesideAnImportedPlaybook() throws {
        let files = TempFiles()
        files.write("sub/roles/app/meta/main.yml", "dependencies: [lib]\n")
        files.write("sub/roles/app/tasks/main.yml", "- name: app\n  debug: msg=a\n")
        files.write("sub/roles/lib/tasks/main.yml", "- name: lib\n  debug: msg=l\n")
        files.write("sub/site.yml", "- hosts: all\n  roles: [app]\n")
        let pb = try compile("- import_playbook: sub/site.yml\n", files: files)
        XCTAssertEqual(tasks(pb.plays[0].sections[1].body).map(\.displayName), ["lib : lib", "app : app"])
    }
}

extension RoleExpansionTests {
    /// A literal include_role is read at parse time: a typo in it is reported before the run,
    /// and its handlers join the play's. A templated one waits for the run.
    func testLiteralIncludeRoleIsCheckedAndItsHandlersJoinThePlay() throws {
        let files = webRole()
        let pb = try compile("""
        - hosts: all
          tasks:
            - include_role: name=web
            - include_role:
                name: web
                tasks_from: "{{ which }}"
          handlers:
            - name: own
              debug: msg=h
        """, files: files)
        XCTAssertEqual(pb.plays[0].handlers.map(\.displayName), ["web : reload", "own"])
        files.write("roles/bad/tasks/main.yml", "- debgu: msg=1\n")
        let ds = diagnostics(playWith(tasks: "- include_role: name=bad"), files: files)
        XCTAssertEqual(ds.map { $0.location?.description }, [files.root + "/roles/bad/tasks/main.yml:1:3"])
    }
}
