import PlayBase
import XCTest
@testable import PlayLanguage

/// Every kind of mistake is reported before anything runs, at the exact key, with a suggestion.
final class DiagnosticTests: XCTestCase {
    /// The single diagnostic of a playbook, with its position.
    func only(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
        let ds = diagnostics(yaml, file: file, line: line)
        XCTAssertEqual(ds.count, 1, "diagnostics: \(ds)", file: file, line: line)
        return ds.first
    }

    func testUnknownPlayKeyword() throws {
        let d = try XCTUnwrap(only("- hosts: all\n  taks: []\n"))
        XCTAssertEqual(d.message, "'taks' is not a valid keyword for a play")
        XCTAssertEqual(d.notes, ["did you mean 'tasks'?"])
        XCTAssertEqual([d.location?.line, d.location?.column], [2, 3])
        XCTAssertEqual(d.length, 4)
    }

    func testTaskKeywordOnAPlay() throws {
        let d = try XCTUnwrap(only("- hosts: all\n  debug: msg=hi\n"))
        XCTAssertEqual(d.message, "'debug' is not a valid keyword for a play")
    }

    func testUnknownTaskKeyword() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- debug: msg=hi\n  whne: x")))
        XCTAssertEqual(d.message, "'whne' is not a valid task keyword (the task already calls 'debug')")
        XCTAssertEqual(d.notes, ["did you mean 'when'?"])
        XCTAssertEqual([d.location?.line, d.location?.column], [4, 7])
    }

    func testUnknownModule() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- name: x\n  debgu: msg=hi")))
        XCTAssertEqual(d.message, "couldn't resolve module/action 'debgu': no module named 'debgu' and no task keyword of that name")
        XCTAssertEqual(d.notes, ["did you mean 'debug'?"])
        XCTAssertEqual([d.location?.line, d.location?.column], [4, 7])
    }

    func testUnknownFullyQualifiedModule() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- ansible.builtin.cpy: src=a dest=b")))
        XCTAssertTrue(d.message.hasPrefix("couldn't resolve module/action 'ansible.builtin.cpy'"), d.message)
        XCTAssertEqual(d.notes, ["did you mean 'ansible.builtin.copy'?"])
    }

    func testTwoModules() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- debug: msg=hi\n  command: ls")))
        XCTAssertEqual(d.message, "conflicting action statements: 'debug' and 'command'")
        XCTAssertEqual([d.location?.line, d.location?.column], [4, 7])
    }

    func testNoModule() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- name: nothing to do\n  when: x")))
        XCTAssertEqual(d.message, "no module/action detected in task")
        XCTAssertEqual([d.location?.line, d.location?.column], [3, 7])
    }

    func testUnknownArgument() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- copy:\n    src: a\n    dets: b\n    dest: c")))
        XCTAssertEqual(d.message, "unsupported argument 'dets' for module 'copy'")
        XCTAssertEqual(d.notes, ["did you mean 'dest'?"])
        XCTAssertEqual([d.location?.line, d.location?.column], [5, 9])
    }

    func testUnknownArgumentInFreeForm() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- copy: src=a dets=b dest=c")))
        XCTAssertEqual(d.message, "unsupported argument 'dets' for module 'copy'")
        XCTAssertEqual([d.location?.line, d.location?.column], [3, 19])
    }

    func testMissingRequiredArgument() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- copy: src=a")))
        XCTAssertEqual(d.message, "missing required argument 'dest' for module 'copy'")
        XCTAssertEqual([d.location?.line, d.location?.column], [3, 7])
    }

    func testAliasSatisfiesRequired() {
        XCTAssertEqual(tasks(playWith(tasks: "- file: dest=/tmp/x state=absent")).count, 1)
    }

    func testWrongArgumentType() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- debug:\n    msg: hi\n    verbosity: [1]")))
        XCTAssertEqual(d.message, "argument 'verbosity' of 'debug' must be an integer, not a list")
        XCTAssertEqual([d.location?.line, d.location?.column], [5, 9])
    }

    func testConvertibleStringsAreAccepted() {
        XCTAssertEqual(tasks(playWith(tasks: "- debug: msg=hi verbosity=2\n- copy: src=a dest=b force=yes")).count, 2)
    }

    func testTemplatesAreNotTypeChecked() {
        XCTAssertEqual(tasks(playWith(tasks: "- debug:\n    msg: hi\n    verbosity: \"{{ level }}\"\n- file: path=/x state={{ wanted }}")).count, 2)
    }

    func testChoices() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- file: path=/x state=absnet")))
        XCTAssertEqual(d.message, "value of 'state' of 'file' must be one of: absent, directory, file, hard, link, touch; got 'absnet'")
        XCTAssertEqual(d.notes, ["did you mean 'absent'?"])
    }

    func testMetaChoices() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- meta: flush_handler")))
        XCTAssertTrue(d.message.contains("got 'flush_handler'"), d.message)
        XCTAssertEqual(d.notes, ["did you mean 'flush_handlers'?"])
    }

    func testMutuallyExclusive() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- debug: msg=a var=b")))
        XCTAssertEqual(d.message, "arguments 'msg' and 'var' of 'debug' are mutually exclusive")
    }

    func testRequiredOneOf() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- copy:\n    dest: /tmp/x")))
        XCTAssertEqual(d.message, "'copy' needs one of: 'content', 'src'")
    }

    func testFreeFormNotAccepted() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- debug: hello there")))
        XCTAssertEqual(d.message, "'debug' does not take free-form text ('hello there')")
    }

    func testExternalModuleTakesAnything() {
        XCTAssertEqual(tasks(playWith(tasks: "- my_external:\n    whatever: [1]\n    more: {a: 1}")).count, 1)
    }

    func testWrongKeywordTypes() throws {
        let ds = diagnostics(playWith(tasks: "- debug: msg=1\n  ignore_errors: maybe\n  retries: many\n  tags: {a: 1}"))
        XCTAssertEqual(ds.map(\.message), [
            "'ignore_errors' must be a boolean, not the string 'maybe'",
            "'retries' must be an integer, not the string 'many'",
            "'tags' must be a list of names or a string, not a mapping",
        ])
    }

    func testAllDiagnosticsAreCollected() {
        let ds = diagnostics("""
        - hosts: all
          tsks: []
          tasks:
            - debgu: msg=1
            - copy: src=a
            - debug: msg=ok
              tgas: x
        """)
        XCTAssertEqual(ds.map { $0.location?.line ?? 0 }, [2, 4, 5, 7])
    }

    func testBlockKeywordAndRescueWithoutBlock() {
        let ds = diagnostics(playWith(tasks: "- block:\n    - debug: msg=1\n  resuce: []\n- rescue:\n    - debug: msg=2"))
        XCTAssertEqual(ds.map(\.message), [
            "'resuce' is not a valid keyword for a block",
            "a block needs a 'block:' list (rescue/always alone are not allowed)",
        ])
        XCTAssertEqual(ds.first?.notes, ["did you mean 'rescue'?"])
    }

    func testUnsupportedButValidAnsible() {
        let ds = diagnostics(playWith(tasks: "- command: sleep 100\n  debugger: on_failed"))
        XCTAssertEqual(ds.map(\.message), ["'debugger' is not supported by play: the task debugger is not supported"])
    }

    func testAsyncIsATaskKeywordOnly() {
        XCTAssertEqual(diagnostics(playWith(tasks: "- block:\n    - debug: msg=1\n  async: 10")).map(\.message),
                       ["'async' is not a valid keyword for a block"])
    }

    func testMissingRoleNamesTheSearchPathsAndTheClosestRole() throws {
        let files = TempFiles()
        files.write("roles/webapp/tasks/main.yml", "- debug: msg=1\n")
        let ds = diagnostics("- hosts: all\n  roles: [webap]\n", files: files)
        XCTAssertEqual(ds.map(\.message), ["the role 'webap' was not found"])
        XCTAssertEqual([ds.first?.location?.line, ds.first?.location?.column], [2, 11])
        XCTAssertEqual(ds.first?.notes.last, "did you mean 'webapp'?")
        XCTAssertTrue(ds.first?.notes.first?.hasPrefix("searched: \(files.root)/roles/webap:") ?? false, "\(ds)")
    }

    func testHostsRequired() throws {
        let d = try XCTUnwrap(only("- name: no hosts\n  tasks: []\n"))
        XCTAssertEqual(d.message, "the field 'hosts' is required but was not set")
        XCTAssertEqual([d.location?.line, d.location?.column], [1, 3])
    }

    func testPlaybookMustBeAList() throws {
        let d = try XCTUnwrap(only("hosts: all\n"))
        XCTAssertEqual(d.message, "a playbook must be a list of plays, not a mapping")
    }

    func testYamlSyntaxError() throws {
        let d = try XCTUnwrap(only("- hosts: all\n  tasks:\n    - debug: {msg: x\n"))
        XCTAssertTrue(d.message.hasPrefix("YAML syntax error"), d.message)
        XCTAssertEqual(d.location?.line, 4)
    }

    func testListenOnlyInHandlers() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- debug: msg=1\n  listen: x")))
        XCTAssertEqual(d.message, "'listen' is not a valid keyword for a task")
    }

    func testLoopOnImportTasks() throws {
        let files = TempFiles()
        files.write("t.yml", "- debug: msg=1\n")
        let ds = diagnostics(playWith(tasks: "- import_tasks: t.yml\n  loop: [1]"), files: files)
        XCTAssertEqual(ds.map(\.message), ["You cannot use loops on 'import_tasks' statements. You should use 'include_tasks' instead."])
    }

    func testInvalidIncludeKeyword() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- include_tasks: t.yml\n  delegate_to: x")))
        XCTAssertEqual(d.message, "'delegate_to' is not a valid keyword for include_tasks")
    }

    func testMissingImportedFile() throws {
        let d = try XCTUnwrap(only(playWith(tasks: "- import_tasks: nowhere.yml")))
        XCTAssertTrue(d.message.hasPrefix("could not read '"), d.message)
        XCTAssertEqual([d.location?.line, d.location?.column], [3, 21])
    }

    func testDuplicateKeysWarnAndKeepTheLastValue() throws {
        let pb = try XCTUnwrap(parse(playWith(tasks: "- debug: msg=1\n  debug: msg=2")))
        guard case .task(let t)? = pb.plays.first?.tasks.first else { return XCTFail() }
        XCTAssertEqual(t.args, ["msg": "2"])
        XCTAssertEqual(pb.warnings.map(\.message), ["duplicate key 'debug': only this last value is used"])
        XCTAssertEqual(pb.warnings.first?.location?.line, 4)
    }

    func testRenderedDiagnosticShowsLineAndMarker() throws {
        let files = TempFiles()
        let ds = diagnostics(playWith(tasks: "- debug: msg=hi\n  whne: x"), files: files)
        let text = DiagnosticRenderer(colour: false).render(try XCTUnwrap(ds.first))
        XCTAssertEqual(text, """
        \(files.root)/playbook.yml:4:7: error: 'whne' is not a valid task keyword (the task already calls 'debug')
              whne: x
              ^~~~
          did you mean 'when'?

        """)
    }
}
