import OrderedCollections
import PlayBase
import XCTest
@testable import PlayLanguage

/// Each play, block and task keyword lands in its model field.
final class KeywordTests: XCTestCase {
    func testPlayKeywords() throws {
        let pb = try XCTUnwrap(parse("""
        - name: the play
          hosts: [web, db]
          vars: {a: 1}
          vars_files: [one.yml, [first.yml, fallback.yml]]
          serial: [1, "30%"]
          max_fail_percentage: 25
          any_errors_fatal: true
          gather_facts: no
          connection: local
          environment: {PATH: /bin}
          tags: [p]
          strategy: linear
          become: yes
          become_user: root
          check_mode: false
          no_log: false
          ignore_errors: true
          order: sorted
          force_handlers: true
          remote_user: deploy
          port: 2222
          roles: []
          tasks: []
        """))
        let p = try XCTUnwrap(pb.plays.first)
        XCTAssertEqual(p.name, "the play")
        XCTAssertEqual(p.hosts, "web,db")
        XCTAssertEqual(p.hostPatterns, ["web", "db"])
        XCTAssertEqual(p.vars, ["a": 1])
        XCTAssertEqual(p.varsFiles, ["one.yml", ["first.yml", "fallback.yml"]])
        XCTAssertEqual(p.serial, [1, "30%"])
        XCTAssertEqual(p.maxFailPercentage, 25)
        XCTAssertEqual(p.anyErrorsFatal, true)
        XCTAssertEqual(p.gatherFacts, false)
        XCTAssertEqual(p.connection, "local")
        XCTAssertEqual(p.environment, ["PATH": "/bin"])
        XCTAssertEqual(p.tags, ["p"])
        XCTAssertEqual(p.strategy, "linear")
        XCTAssertEqual(p.become, true)
        XCTAssertEqual(p.becomeUser, "root")
        XCTAssertEqual(p.checkMode, false)
        XCTAssertEqual(p.noLog, false)
        XCTAssertEqual(p.ignoreErrors, true)
        XCTAssertEqual(p.order, "sorted")
        XCTAssertEqual(p.forceHandlers, true)
        XCTAssertEqual(p.remoteUser, "deploy")
        XCTAssertEqual(p.port, 2222)
        XCTAssertEqual(p.displayName, "the play")
        XCTAssertEqual(p.location.line, 1)
    }

    func testSerialScalarAndUnnamedPlay() throws {
        let p = try XCTUnwrap(parse("- hosts: all\n  serial: 2\n  name: \"\"\n").flatMap { $0.plays.first })
        XCTAssertEqual(p.serial, [2])
        XCTAssertNil(p.name)
        XCTAssertEqual(p.displayName, "all")
    }

    func testTaskKeywords() throws {
        let t = try XCTUnwrap(tasks(playWith(tasks: """
        - name: everything
          command: echo hi
          tags: [a, b]
          when: x is defined
          loop: "{{ items }}"
          loop_control:
            loop_var: entry
            index_var: i
            label: "{{ entry.name }}"
            pause: 1
          register: out
          retries: 3
          until: out.rc == 0
          delay: 2
          ignore_errors: "{{ lenient }}"
          failed_when: false
          changed_when:
            - out.rc != 0
            - "{{ out.changed }}"
          notify: restart
          delegate_to: other
          run_once: true
          no_log: yes
          vars: {v: 1}
          environment: {E: "1"}
          check_mode: no
          become: true
          become_user: app
          any_errors_fatal: true
          throttle: 2
          timeout: 30
        """)).first)
        XCTAssertEqual(t.name, "everything")
        XCTAssertEqual(t.tags, ["a", "b"])
        XCTAssertEqual(t.when.map(\.expression), ["x is defined"])
        XCTAssertEqual(t.loop, "{{ items }}")
        XCTAssertEqual(t.loopKind, .loop)
        XCTAssertEqual(t.loopControl?.loopVar, "entry")
        XCTAssertEqual(t.loopControl?.indexVar, "i")
        XCTAssertEqual(t.loopControl?.label, "{{ entry.name }}")
        XCTAssertEqual(t.loopControl?.pause, 1)
        XCTAssertEqual(t.register, "out")
        XCTAssertEqual(t.retries, 3)
        XCTAssertEqual(t.until?.expression, "out.rc == 0")
        XCTAssertEqual(t.delay, 2)
        XCTAssertEqual(t.ignoreErrors, "{{ lenient }}")
        XCTAssertEqual(t.failedWhen.map(\.expression), ["False"])
        XCTAssertEqual(t.changedWhen.map(\.expression), ["out.rc != 0", "out.changed"])
        XCTAssertEqual(t.notify, ["restart"])
        XCTAssertEqual(t.delegateTo, "other")
        XCTAssertEqual(t.runOnce, true)
        XCTAssertEqual(t.noLog, true)
        XCTAssertEqual(t.vars, ["v": 1])
        XCTAssertEqual(t.environment, ["E": "1"])
        XCTAssertEqual(t.checkMode, false)
        XCTAssertEqual(t.become, true)
        XCTAssertEqual(t.becomeUser, "app")
        XCTAssertEqual(t.anyErrorsFatal, true)
        XCTAssertEqual(t.keywords.throttle, 2)
        XCTAssertEqual(t.keywords.timeout, 30)
    }

    func testLoopKinds() {
        let t = tasks(playWith(tasks: """
        - debug: msg={{ item }}
          with_items: [1, [2, 3]]
        - debug: msg={{ item.key }}
          with_dict: {a: 1}
        - debug: msg={{ item }}
          with_list: [a]
        - debug: msg={{ item }}
          with_sequence: start=1 end=3
        """))
        XCTAssertEqual(t.map(\.loopKind), [.withItems, .withDict, .withList, .withSequence])
        XCTAssertEqual(t[1].loop, ["a": 1])
    }

    func testConditionForms() {
        let t = tasks(playWith(tasks: """
        - debug: msg=1
          when: true
        - debug: msg=1
          when: "{{ flag }}"
        - debug: msg=1
          when: [a, b == 1]
        """))
        XCTAssertEqual(t.map { $0.when.map(\.expression) }, [["True"], ["flag"], ["a", "b == 1"]])
        XCTAssertEqual(t[2].when[1].location.line, 8)
    }

    func testTagsAsCommaString() {
        let t = tasks(playWith(tasks: "- debug: msg=1\n  tags: \"a, b,c\"\n- debug: msg=2\n  tags: 7"))
        XCTAssertEqual(t.map(\.tags), [["a", "b", "c"], ["7"]])
    }

    func testHandlersWithListen() throws {
        let p = try XCTUnwrap(parse("""
        - hosts: localhost
          handlers:
            - name: restart web
              command: echo restart
              listen: [web changed, "all changed"]
        """)?.plays.first)
        guard case .task(let h)? = p.handlers.first else { return XCTFail() }
        XCTAssertEqual(h.listen, ["web changed", "all changed"])
    }

    func testBlockKeywords() throws {
        let p = try XCTUnwrap(parse(playWith(tasks: """
        - name: blk
          when: x
          tags: t
          vars: {v: 1}
          become: true
          ignore_errors: true
          delegate_to: localhost
          notify: h
          block:
            - debug: msg=1
          rescue:
            - debug: msg=2
          always:
            - debug: msg=3
        """))?.plays.first)
        guard case .block(let b)? = p.tasks.first else { return XCTFail() }
        XCTAssertEqual(b.name, "blk")
        XCTAssertEqual(b.when.map(\.expression), ["x"])
        XCTAssertEqual(b.tags, ["t"])
        XCTAssertEqual(b.vars, ["v": 1])
        XCTAssertEqual(b.become, true)
        XCTAssertEqual(b.ignoreErrors, true)
        XCTAssertEqual(b.delegateTo, "localhost")
        XCTAssertEqual(b.notify, ["h"])
        XCTAssertEqual([b.body.count, b.rescue.count, b.always.count], [1, 1, 1])
        XCTAssertNil(b.importedFile)
    }

    func testIncludeTasksModel() throws {
        let p = try XCTUnwrap(parse(playWith(tasks: """
        - name: inc
          include_tasks:
            file: "tasks/{{ kind }}.yml"
            apply:
              tags: [applied]
              become: true
          vars: {x: 1}
          when: y
          loop: [a, b]
          loop_control: {loop_var: kind}
          tags: own
        - ansible.builtin.include_tasks: other.yml
        """))?.plays.first)
        guard case .include(let i)? = p.tasks.first, case .include(let j)? = p.tasks.last else { return XCTFail() }
        XCTAssertEqual(i.name, "inc")
        XCTAssertEqual(i.file, "tasks/{{ kind }}.yml")
        XCTAssertEqual(i.apply?.tags, ["applied"])
        XCTAssertEqual(i.apply?.keywords.become, true)
        XCTAssertEqual(i.vars, ["x": 1])
        XCTAssertEqual(i.when.map(\.expression), ["y"])
        XCTAssertEqual(i.loop, ["a", "b"])
        XCTAssertEqual(i.loopControl?.loopVar, "kind")
        XCTAssertEqual(i.tags, ["own"])
        XCTAssertEqual(i.action, "include_tasks")
        XCTAssertEqual(j.file, "other.yml")
        XCTAssertEqual(j.action, "ansible.builtin.include_tasks")
    }

    func testAsyncAndPollLandOnTheTask() throws {
        let written = tasks(playWith(tasks: """
        - command: sleep 100
          async: 10
          poll: 0
        - command: sleep 1
          async: "{{ n }}"
          poll: "{{ p }}"
        - command: sleep 1
        """))
        XCTAssertEqual(written.map(\.asyncSeconds), [.int(10), "{{ n }}", nil])
        XCTAssertEqual(written.map(\.poll), [.int(0), "{{ p }}", nil])
    }
}
