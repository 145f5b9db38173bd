import OrderedCollections
import PlayBase
import XCTest
@testable import PlayLanguage

/// Inheritance play -> blocks -> imports -> task, tag filtering, include contexts, node ids.
final class CompilerTests: XCTestCase {
    func compile(_ yaml: String, files: TempFiles = TempFiles(), selection: TagSelection = .all) throws -> CompiledPlaybook {
        let path = files.write("playbook.yml", yaml)
        return try compiler.compile(path: path, selection: selection)
    }

    /// Tasks of a compiled list, depth first through bodies (not rescue/always).
    func flatTasks(_ items: [CompiledItem]) -> [CompiledTask] {
        items.flatMap { item -> [CompiledTask] in
            switch item {
            case .task(let t): return [t]
            case .block(let b): return flatTasks(b.body)
            case .include: return []
            }
        }
    }

    let nested = """
    - hosts: all
      tags: p
      become: true
      environment: {A: "1"}
      tasks:
        - name: outer
          tags: [b1]
          when: one
          vars: {x: 1}
          ignore_errors: true
          environment: {B: "2"}
          notify: h1
          block:
            - name: middle
              tags: b2
              when: [two]
              vars: {y: 2}
              become: false
              block:
                - name: leaf
                  debug: msg=1
                  tags: own
                  when: three
                  vars: {z: 3}
                  environment: {C: "3"}
                - name: notifies itself
                  debug: msg=2
                  notify: h2
      handlers:
        - name: h1
          debug: msg=h
    """

    func testInheritance() throws {
        let pb = try compile(nested)
        let tasks = flatTasks(pb.plays[0].sections[1].body)
        XCTAssertEqual(tasks.map(\.displayName), ["leaf", "notifies itself"])
        let leaf = tasks[0]
        XCTAssertEqual(leaf.tags, ["p", "b1", "b2", "own"])
        XCTAssertEqual(leaf.conditions.map(\.expression), ["one", "two", "three"])
        XCTAssertEqual(leaf.blockVars, [["x": 1], ["y": 2]])
        XCTAssertEqual(leaf.task.vars, ["z": 3])
        XCTAssertEqual(leaf.keywords.become, false)
        XCTAssertEqual(leaf.keywords.ignoreErrors, true)
        XCTAssertEqual(leaf.keywords.environment, [["A": "1"], ["B": "2"], ["C": "3"]])
        XCTAssertEqual(leaf.notify, ["h1"])
        XCTAssertEqual(tasks[1].notify, ["h2"])
        XCTAssertEqual(pb.plays[0].handlers.map(\.displayName), ["h1"])
        XCTAssertEqual(pb.plays[0].handlers[0].keywords.become, true)
    }

    func testSectionsAreAlwaysThree() throws {
        let pb = try compile("- hosts: all\n  post_tasks:\n    - debug: msg=1\n")
        XCTAssertEqual(pb.plays[0].sections.map(\.name), ["pre_tasks", "tasks", "post_tasks"])
        XCTAssertEqual(pb.plays[0].sections.map(\.body.count), [0, 0, 1])
    }

    func testTagFilteringRemovesTasksAndEmptyBlocks() throws {
        let pb = try compile(nested, selection: TagSelection(tags: ["own"]))
        let tasks = flatTasks(pb.plays[0].sections[1].body)
        XCTAssertEqual(tasks.map(\.displayName), ["leaf"])

        let none = try compile(nested, selection: TagSelection(tags: ["nothing"]))
        XCTAssertTrue(none.plays[0].sections[1].body.isEmpty, "blocks without selected tasks disappear")
        XCTAssertEqual(none.plays[0].handlers.count, 1, "handlers are never tag-filtered")
    }

    func testRescueAndAlwaysAreCompiled() throws {
        let pb = try compile(playWith(tasks: "- block:\n    - debug: msg=1\n  rescue:\n    - debug: msg=2\n  always:\n    - debug: msg=3\n      tags: always"), selection: TagSelection(tags: ["x"]))
        guard case .block(let b)? = pb.plays[0].sections[1].body.first else { return XCTFail("the block stays for its always task") }
        XCTAssertEqual([b.body.count, b.rescue.count, b.always.count], [0, 0, 1])
    }

    func testIncludeContext() throws {
        let files = TempFiles()
        files.write("inc.yml", "- name: included\n  debug: msg=1\n  tags: inner\n- name: other\n  debug: msg=2\n")
        let pb = try compile("""
        - hosts: all
          tags: p
          tasks:
            - block:
                - name: the include
                  include_tasks:
                    file: inc.yml
                    apply:
                      tags: applied
                      become: true
                  vars: {iv: 1}
                  tags: own
                  when: cond
                  ignore_errors: true
              vars: {bv: 1}
              when: outer
        """, files: files)
        guard case .block(let b)? = pb.plays[0].sections[1].body.first, case .include(let inc)? = b.body.first else { return XCTFail() }
        XCTAssertEqual(inc.displayName, "the include")
        XCTAssertEqual(inc.tags, ["p", "own"])
        XCTAssertEqual(inc.conditions.map(\.expression), ["outer", "cond"])
        XCTAssertEqual(inc.keywords.ignoreErrors, true)
        // The included tasks inherit the enclosing blocks, the include's vars and apply, not its own when/tags/keywords.
        let ctx = inc.childContext
        XCTAssertEqual(ctx.tags, ["p", "applied"])
        XCTAssertEqual(ctx.conditions.map(\.expression), ["outer"])
        XCTAssertEqual(ctx.blockVars, [["bv": 1], ["iv": 1]])
        XCTAssertEqual(ctx.keywords.become, true)
        XCTAssertNil(ctx.keywords.ignoreErrors)

        let items = try compiler.compileTasksFile(path: "inc.yml", from: inc.include.fileLocation, inheriting: ctx,
                                                  selection: TagSelection(tags: ["inner"]), firstID: pb.nodeCount)
        let tasks = flatTasks(items)
        XCTAssertEqual(tasks.map(\.displayName), ["included"])
        XCTAssertEqual(tasks[0].id, pb.nodeCount)
        XCTAssertEqual(tasks[0].tags, ["p", "applied", "inner"])
        XCTAssertEqual(tasks[0].conditions.map(\.expression), ["outer"])

        let resolved = compiler.resolveIncludePath("inc.yml", context: ctx)
        XCTAssertEqual(resolved, files.root + "/inc.yml")
        XCTAssertEqual(flatTasks(try compiler.compileTasksFile(path: resolved, from: inc.include.fileLocation, inheriting: ctx,
                                                               selection: .all, firstID: 0)).count, 2)
        let applied = flatTasks(try compiler.compileTasksFile(path: "inc.yml", from: inc.include.fileLocation, inheriting: ctx,
                                                              selection: TagSelection(tags: ["applied"]), firstID: 1000))
        XCTAssertEqual(applied.map(\.displayName), ["included", "other"])
        XCTAssertThrowsError(try compiler.compileTasksFile(path: "missing.yml", from: inc.include.fileLocation, inheriting: ctx,
                                                           selection: .all, firstID: 0))
    }

    func testUnselectedIncludeIsRemoved() throws {
        let pb = try compile(playWith(tasks: "- include_tasks: x.yml\n  tags: dyn\n- debug: msg=1"), selection: TagSelection(skipTags: ["dyn"]))
        XCTAssertEqual(pb.plays[0].sections[1].body.count, 1)
    }

    func testNodeIDsAreUnique() throws {
        let pb = try compile(nested)
        var ids: [NodeID] = []
        func collect(_ items: [CompiledItem]) {
            for item in items {
                ids.append(item.id)
                if case .block(let b) = item { collect(b.body); collect(b.rescue); collect(b.always) }
            }
        }
        for s in pb.plays[0].sections { ids.append(s.id); collect(s.body) }
        ids += pb.plays[0].handlers.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertLessThan(ids.max() ?? 0, pb.nodeCount)
    }

    func testDisplayNames() throws {
        let pb = try compile(playWith(tasks: "- ansible.builtin.debug: msg=1\n- name: \"\"\n  command: ls\n- include_tasks: x.yml\n- name: \"{{ n }}\"\n  debug: msg=1"))
        XCTAssertEqual(pb.plays[0].sections[1].body.map { item -> String in
            switch item {
            case .task(let t): return t.displayName
            case .include(let i): return i.displayName
            case .block: return "block"
            }
        }, ["ansible.builtin.debug", "command", "include_tasks", "{{ n }}"])
    }
}
