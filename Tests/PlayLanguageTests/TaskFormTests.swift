import OrderedCollections
import PlayBase
import XCTest
@testable import PlayLanguage

/// Every way a task can be written reaches the same model (ansible's mod_args forms).
final class TaskFormTests: XCTestCase {
    func testDictForm() {
        let t = tasks(playWith(tasks: "- copy:\n    src: a\n    dest: b"))
        XCTAssertEqual(t.first?.module, "copy")
        XCTAssertEqual(t.first?.args, ["src": "a", "dest": "b"])
    }

    func testKeyValueForm() {
        let t = tasks(playWith(tasks: "- copy: src=a dest=\"b c\""))
        XCTAssertEqual(t.first?.args, ["src": "a", "dest": "b c"])
    }

    func testFreeFormCommandWithArgs() {
        let t = tasks(playWith(tasks: "- command: ls -l chdir=/tmp\n  args:\n    creates: /x"))
        XCTAssertEqual(t.first?.args["_raw_params"], "ls -l")
        XCTAssertEqual(t.first?.args["chdir"], "/tmp")
        XCTAssertEqual(t.first?.args["creates"], "/x")
    }

    func testModuleArgumentsWinOverArgsKeyword() {
        let t = tasks(playWith(tasks: "- copy:\n    dest: written\n  args:\n    dest: from_args\n    src: s"))
        XCTAssertEqual(t.first?.args["dest"], "written")
        XCTAssertEqual(t.first?.args["src"], "s")
    }

    func testActionAndLocalAction() {
        let t = tasks(playWith(tasks: "- action: copy src=a dest=b\n- local_action: command echo hi\n- action:\n    module: debug\n    msg: hello"))
        XCTAssertEqual(t.map(\.module), ["copy", "command", "debug"])
        XCTAssertEqual(t[0].args, ["src": "a", "dest": "b"])
        XCTAssertEqual(t[1].args["_raw_params"], "echo hi")
        XCTAssertTrue(t[1].isLocalAction)
        XCTAssertEqual(t[1].keywords.delegateTo, "localhost")
        XCTAssertEqual(t[2].args, ["msg": "hello"])
    }

    func testFullyQualifiedNames() {
        let t = tasks(playWith(tasks: """
        - ansible.builtin.copy: src=a dest=b
        - ansible.legacy.command: ls
        - amazon.aws.ec2_launch:
            image_id: ami-1
            tags: {app: a}
        - community.aws.my_external: {anything: 1}
        """))
        XCTAssertEqual(t.map(\.module), ["copy", "command", "ec2_launch", "my_external"])
        XCTAssertEqual(t.map(\.moduleAsWritten), ["ansible.builtin.copy", "ansible.legacy.command", "amazon.aws.ec2_launch", "community.aws.my_external"])
    }

    func testModuleWithoutArguments() {
        let t = tasks(playWith(tasks: "- ping:"))
        XCTAssertEqual(t.first?.module, "ping")
        XCTAssertEqual(t.first?.args, [:])
    }

    func testMetaIsATask() {
        let t = tasks(playWith(tasks: "- meta: flush_handlers\n- ansible.builtin.meta: end_play"))
        XCTAssertEqual(t.map(\.module), ["meta", "meta"])
        XCTAssertEqual(t.map { $0.args["_raw_params"] }, ["flush_handlers", "end_play"])
    }

    func testMultiLineShell() {
        let t = tasks(playWith(tasks: "- shell: |\n    echo one\n    echo two\n"))
        XCTAssertEqual(t.first?.args["_raw_params"], "echo one\necho two\n")
    }

    func testArgumentLocations() throws {
        let files = TempFiles()
        let pb = parse(playWith(tasks: "- copy: src=a  dest=b\n- copy:\n    src: a\n    dest: b"), files: files)
        let t = try XCTUnwrap(pb?.plays.first?.tasks.compactMap { if case .task(let t) = $0 { return t }; return nil })
        XCTAssertEqual(t[0].argumentLocations["dest"]?.line, 3)
        XCTAssertEqual(t[0].argumentLocations["dest"]?.column, 20)
        XCTAssertEqual(t[1].argumentLocations["dest"]?.line, 6)
        XCTAssertEqual(t[1].argumentLocations["dest"]?.column, 9)
        XCTAssertEqual(t[0].moduleLocation.line, 3)
        XCTAssertEqual(t[0].moduleLocation.column, 7)
        XCTAssertEqual(t[0].location.column, 7)
    }

    func testYamlValuesKeepTheirTypes() {
        let t = tasks(playWith(tasks: "- debug:\n    msg: [1, 2.5, yes, null, \"3\", 0x10, 1_000]"))
        XCTAssertEqual(t.first?.args["msg"], [1, 2.5, true, nil, "3", 16, 1000])
    }

    func testAnchorsAliasesAndMergeKeys() {
        let yaml = """
        - hosts: localhost
          vars:
            base: &base {a: 1, b: 2}
            merged:
              <<: *base
              b: 3
          tasks:
            - debug: {msg: *base}
        """
        let pb = parse(yaml)
        XCTAssertEqual(pb?.plays.first?.vars["merged"], ["b": 3, "a": 1])
        guard case .task(let t)? = pb?.plays.first?.tasks.first else { return XCTFail() }
        XCTAssertEqual(t.args["msg"], ["a": 1, "b": 2])
    }
}
