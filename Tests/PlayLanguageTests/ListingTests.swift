import PlayBase
import XCTest
@testable import PlayLanguage

/// Listing formats that the ansible comparison does not cover, and the DOT graph.
final class ListingTests: XCTestCase {
    func testSyntaxCheck() {
        XCTAssertEqual(PlaybookListing.syntaxCheck(path: "site.yml"), "\nplaybook: site.yml\n")
    }

    func testListHosts() throws {
        let files = TempFiles()
        let path = files.write("p.yml", "- hosts: [web, db]\n  tasks: []\n- name: second\n  hosts: nowhere\n  tags: t\n  tasks: []\n")
        let pb = try compiler.compile(path: path, selection: .all)
        let text = PlaybookListing.listHosts(pb) { pattern in pattern == "web,db" ? ["w1", "d1"] : [] }
        XCTAssertEqual(text, """

        playbook: \(path)

          play #1 (web,db): web,db\tTAGS: []
            pattern: ['web', 'db']
            hosts (2):
              w1
              d1

          play #2 (nowhere): second\tTAGS: [t]
            pattern: ['nowhere']
            hosts (0):

        """)
    }

    func testCombinedListing() throws {
        let files = TempFiles()
        let path = files.write("p.yml", "- hosts: localhost\n  tasks:\n    - debug: msg=1\n      tags: [b, a]\n")
        let pb = try compiler.compile(path: path, selection: .all)
        XCTAssertEqual(PlaybookListing.render(pb, tasks: true, tags: true, hosts: { _ in ["localhost"] }), """

        playbook: \(path)

          play #1 (localhost): localhost\tTAGS: []
            pattern: ['localhost']
            hosts (1):
              localhost
            tasks:
              debug\tTAGS: [a, b]
              TASK TAGS: [a, b]

        """)
    }

    func testGraph() throws {
        let files = TempFiles()
        let path = files.write("p.yml", """
        - hosts: localhost
          tasks:
            - name: first
              command: echo 1
              notify: restart
            - block:
                - name: risky
                  command: "false"
              rescue:
                - name: recover
                  debug: msg=r
              always:
                - name: cleanup
                  debug: msg=c
            - meta: flush_handlers
            - include_tasks: more.yml
          handlers:
            - name: restart
              debug: msg=h
        """)
        let pb = try compiler.compile(path: path, selection: .all)
        let graph = TaskGraph(pb)
        let byLabel = Dictionary(graph.nodes.map { ($0.label, $0.id) }, uniquingKeysWith: { a, _ in a })
        func edge(_ a: String, _ b: String, _ kind: TaskGraph.EdgeKind) -> Bool {
            guard let x = byLabel[a], let y = byLabel[b] else { return false }
            return graph.edges.contains(TaskGraph.Edge(from: x, to: y, kind: kind))
        }
        XCTAssertTrue(edge("first", "risky", .sequence))
        XCTAssertTrue(edge("first", "restart", .notify))
        XCTAssertTrue(edge("risky", "recover", .rescue))
        XCTAssertTrue(edge("risky", "cleanup", .always))
        XCTAssertTrue(edge("recover", "cleanup", .always))
        XCTAssertTrue(edge("cleanup", "meta", .sequence))
        XCTAssertTrue(edge("meta", "restart", .flush))
        XCTAssertTrue(edge("meta", "include_tasks (more.yml)", .sequence))
        XCTAssertTrue(edge("flush handlers (end of tasks)", "restart", .flush))
        XCTAssertTrue(edge("include_tasks (more.yml)", "flush handlers (end of tasks)", .sequence))
        let dot = graph.dot()
        XCTAssertTrue(dot.hasPrefix("digraph playbook {\n"))
        XCTAssertTrue(dot.contains("[label=\"rescue\", color=red, style=dashed]"))
        XCTAssertTrue(dot.hasSuffix("}\n"))
    }

    func testGraphQuoting() {
        XCTAssertEqual(TaskGraph.quote("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"")
    }
}

/// Vault-encrypted values do not stop the listings (Ansible decrypts them only when used).
final class ListingVaultTests: XCTestCase {
    let playbook = """
    - hosts: localhost
      vars:
        password: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          62313365396662343061393464336163383764373764613633653634306231386433626436623361
          6134333665353966363534333632666535333761666131620a663537646436643839616531643561
          63396265333966386166373632626539326166353965363262633030333630313338646638633930
          3033393336333165610a343035313732613734623131653732383662643236653463316432303465
          3437
      tasks:
        - debug: msg=hi
    """

    func testWithoutSecretsTheValueIsAnError() {
        let files = TempFiles()
        let ds = diagnostics(playbook, files: files)
        XCTAssertEqual(ds.map(\.message), ["Attempting to decrypt but no vault secrets found"])
        XCTAssertEqual(ds.first?.location?.line, 3)
    }

    func testListingPlaceholder() throws {
        let files = TempFiles()
        let path = files.write("p.yml", playbook)
        let compiler = PlaybookCompiler(catalog: TestCatalog.catalog, loader: YAMLLoader(secrets: ListingVaultPlaceholder()))
        let pb = try compiler.compile(path: path, selection: .all)
        XCTAssertEqual(pb.plays[0].play.vars["password"], .string(ListingVaultPlaceholder.text))
        XCTAssertTrue(PlaybookListing.listTasks(pb).contains("      debug\tTAGS: []\n"))
    }
}
