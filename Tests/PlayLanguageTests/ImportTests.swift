import PlayBase
import XCTest
@testable import PlayLanguage

/// import_tasks and import_playbook are expanded at parse time; include_tasks is kept for run time.
final class ImportTests: XCTestCase {
    func testImportTasksResolvesBesideTheImportingFileThenThePlaybook() throws {
        let files = TempFiles()
        files.write("tasks/main.yml", "- import_tasks: inner.yml\n- import_tasks: shared.yml\n")
        files.write("tasks/inner.yml", "- name: inner\n  debug: msg=1\n")
        files.write("shared.yml", "- name: shared\n  debug: msg=2\n")
        let pb = try XCTUnwrap(parse(playWith(tasks: "- import_tasks: tasks/main.yml\n  tags: imp\n  when: x"), files: files))
        guard case .block(let outer)? = pb.plays[0].tasks.first else { return XCTFail() }
        XCTAssertEqual(outer.importedFile, files.root + "/tasks/main.yml")
        XCTAssertEqual(outer.tags, ["imp"])
        XCTAssertEqual(outer.when.map(\.expression), ["x"])
        guard case .block(let inner)? = outer.body.first, case .task(let t)? = inner.body.first,
              case .block(let shared)? = outer.body.last, case .task(let s)? = shared.body.first else { return XCTFail() }
        XCTAssertEqual(t.name, "inner")
        XCTAssertEqual(t.location.file, files.root + "/tasks/inner.yml")
        XCTAssertEqual(t.directory, files.root + "/tasks")
        XCTAssertEqual(s.name, "shared")
    }

    func testImportCycleIsReported() {
        let files = TempFiles()
        files.write("a.yml", "- import_tasks: b.yml\n")
        files.write("b.yml", "- import_tasks: a.yml\n")
        let ds = diagnostics(playWith(tasks: "- import_tasks: a.yml"), files: files)
        XCTAssertEqual(ds.count, 1)
        XCTAssertTrue(ds.first?.message.contains("imports itself") ?? false, "\(ds)")
    }

    func testDiagnosticsInImportedFilesPointIntoThem() {
        let files = TempFiles()
        files.write("t.yml", "- name: ok\n  debug: msg=1\n- debgu: msg=2\n")
        let ds = diagnostics(playWith(tasks: "- import_tasks: t.yml"), files: files)
        XCTAssertEqual(ds.map { $0.location?.description }, [files.root + "/t.yml:3:3"])
    }

    func testImportPlaybookAppliesWhenVarsAndTags() throws {
        let files = TempFiles()
        files.write("sub/other.yml", """
        - name: imported
          hosts: web
          vars: {a: 1, b: 1}
          tags: mine
          tasks:
            - import_tasks: t.yml
          handlers:
            - name: h
              debug: msg=h
        """)
        files.write("sub/t.yml", "- debug: msg=\"from sub\"\n")
        let pb = try XCTUnwrap(parse("""
        - hosts: localhost
          tasks: []
        - import_playbook: sub/other.yml
          when: deploy | bool
          vars: {b: 2}
          tags: [imp]
        """, files: files))
        XCTAssertEqual(pb.plays.count, 2)
        let p = pb.plays[1]
        XCTAssertEqual(p.name, "imported")
        XCTAssertEqual(p.when.map(\.expression), ["deploy | bool"])
        XCTAssertEqual(p.vars, ["a": 1, "b": 2])
        XCTAssertEqual(p.tags, ["mine", "imp"])
        XCTAssertEqual(p.directory, files.root + "/sub")

        let compiled = compiler.compile(pb, selection: .all)
        guard case .block(let imported)? = compiled.plays[1].sections[1].body.first,
              case .task(let t)? = imported.body.first else { return XCTFail() }
        XCTAssertEqual(t.conditions.map(\.expression), ["deploy | bool"])
        XCTAssertEqual(compiled.plays[1].handlers.first?.conditions, [], "import_playbook's when is not put on handlers")
    }

    func testImportPlaybookCycle() {
        let files = TempFiles()
        files.write("other.yml", "- import_playbook: playbook.yml\n")
        let ds = diagnostics("- import_playbook: other.yml\n", files: files)
        XCTAssertTrue(ds.first?.message.contains("imports itself") ?? false, "\(ds)")
    }

    func testImportTasksInHandlersMakesHandlers() throws {
        let files = TempFiles()
        files.write("h.yml", "- name: from file\n  debug: msg=1\n  listen: topic\n")
        let pb = try XCTUnwrap(parse("- hosts: all\n  handlers:\n    - import_tasks: h.yml\n", files: files))
        let compiled = compiler.compile(pb, selection: .all)
        XCTAssertEqual(compiled.plays[0].handlers.map(\.task.listen), [["topic"]])
    }

    func testParseTasksFileForIncludes() throws {
        let files = TempFiles()
        let path = files.write("inc.yml", "- debug: msg=1\n- import_tasks: more.yml\n")
        files.write("more.yml", "- debug: msg=2\n")
        let items = try parser.parseTasksFile(path: path, from: nil, playbookDirectory: files.root)
        XCTAssertEqual(items.count, 2)
        XCTAssertThrowsError(try parser.parseTasksFile(path: files.root + "/missing.yml", from: nil, playbookDirectory: files.root))
    }
}
