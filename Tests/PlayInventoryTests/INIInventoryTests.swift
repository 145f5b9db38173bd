import OrderedCollections
import PlayBase
import XCTest
@testable import PlayInventory

/// Expectations taken from `ansible-inventory -i Fixtures/ini/hosts.ini --list` (ansible-core 2.19).
final class INIInventoryTests: XCTestCase {
    func testHostsGroupsAndOrder() throws {
        let inv = try Inventory.load(sources: [fixture("ini/hosts.ini")], playbookDirectory: nil, loader: YAMLLoader())
        XCTAssertEqual(inv.hostNames, [
            "lonely", "jump", "nodea", "nodec", "nodee", "app01", "app04", "app07", "app10",
            "web01", "web02", "web03", "web-extra.example.com", "db-a", "db-b", "db-c", "redis1",
        ])
        XCTAssertEqual(inv.groupNames, ["all", "ungrouped", "web", "db", "letters", "stepped", "backend", "cache", "prod"])
        let groups = inv.groupMembership()
        XCTAssertEqual(groups["ungrouped"], ["lonely", "jump"])
        XCTAssertEqual(groups["backend"], ["db-a", "db-b", "db-c", "redis1"])
        XCTAssertEqual(groups["prod"], ["web01", "web02", "web03", "web-extra.example.com", "db-a", "db-b", "db-c", "redis1"])
        XCTAssertEqual(inv.groups(of: "db-a"), ["backend", "db", "prod"])
        XCTAssertEqual(inv.groups(of: "lonely"), ["ungrouped"])
        XCTAssertEqual(inv.groups(of: "nobody"), [])
    }

    func testValuesAreReadAsPythonLiterals() throws {
        let inv = try Inventory.load(sources: [fixture("ini/hosts.ini")], playbookDirectory: nil, loader: YAMLLoader())
        let web01 = inv.plainVariables(for: "web01")
        XCTAssertEqual(web01["ansible_port"], 2222)
        XCTAssertEqual(web01["weight"], 10)
        XCTAssertEqual(web01["enabled"], true)
        XCTAssertEqual(web01["ratio"], 0.5)
        XCTAssertEqual(web01["labels"], [1, "a"])
        XCTAssertEqual(web01["note"], "two words")
        XCTAssertEqual(web01["raw"], "yes")
        // [web:vars] lines: the comment stays in a non-literal value, `empty=` is "".
        XCTAssertEqual(web01["motd"], "hello world # not a comment")
        XCTAssertEqual(web01["maybe"], "yes")
        XCTAssertEqual(web01["flag"], true)
        XCTAssertEqual(web01["listy"], [1, 2, ["k": "v"]])
        XCTAssertEqual(web01["empty"], "")
        // Child group vars beat parent group vars, which beat [all:vars].
        XCTAssertEqual(web01["http_port"], 8080)
        XCTAssertEqual(inv.plainVariables(for: "redis1")["http_port"], 80)
        XCTAssertEqual(inv.plainVariables(for: "lonely")["http_port"], 1)

        let dbA = inv.plainVariables(for: "db-a")
        XCTAssertEqual(dbA["nothing"], .null)
        XCTAssertEqual(dbA["hexa"], 31)
        XCTAssertEqual(dbA["octal"], "010")
        XCTAssertEqual(dbA["quoted"], "q")
        XCTAssertEqual(dbA["ansible_host"], "127.0.4.1")
        // Group variables come first in the merged order; host variables override in place.
        XCTAssertEqual(inv.plainVariables(for: "jump"), ["ntp_server": "time.example.com", "http_port": 1, "ansible_port": 2200, "ansible_user": "ops"])
        XCTAssertEqual(inv.plainVariables(for: "web-extra.example.com")["ansible_port"], 8022)
    }

    func testInventoryFileVariables() throws {
        let path = fixture("ini/hosts.ini")
        let inv = try Inventory.load(sources: [path], playbookDirectory: nil, loader: YAMLLoader())
        XCTAssertEqual(inv.variables(for: "web01")["inventory_file"], .string(path))
        XCTAssertEqual(inv.variables(for: "web01")["inventory_dir"], .string(fixture("ini")))
    }

    func testChildrenDeclaredBeforeTheirGroups() throws {
        let inv = try inventory("""
            [top:children]
            mid
            [mid:children]
            leaf
            [leaf]
            h1
            [mid]
            h2
            """)
        XCTAssertEqual(inv.groupMembership()["top"], ["h2", "h1"])
        XCTAssertEqual(inv.groups(of: "h1"), ["leaf", "mid", "top"])
    }

    func testHostsBeforeAnySectionAreUngroupedUnlessGroupedLater() throws {
        let inv = try inventory("""
            alone
            twice
            [g]
            twice
            """)
        XCTAssertEqual(inv.groupMembership()["ungrouped"], ["alone"])
        XCTAssertEqual(inv.groups(of: "twice"), ["g"])
    }

    func testPortAndVariablesOnRepeatedHosts() throws {
        let inv = try inventory("""
            [a]
            h1:2201 x=1
            [b]
            h1:2202 y=2
            """)
        // The port is set when the host first appears; inline vars accumulate.
        XCTAssertEqual(inv.plainVariables(for: "h1"), ["ansible_port": 2201, "x": 1, "y": 2])
    }

    func testCRLFLineEndings() throws {
        let inv = try inventory("[web]\r\nw1 a=1\r\nw2\r\n")
        XCTAssertEqual(inv.hostNames, ["w1", "w2"])
        XCTAssertEqual(inv.plainVariables(for: "w1")["a"], 1)
    }

    func testErrorsNameTheLine() throws {
        let cases: [(String, String, Int)] = [
            ("[web]\nw1\n[web:nope]\n", "Section [web:nope] has unknown type: nope", 3),
            ("[web]\n[bad name]\n", "Invalid section entry: '[bad name]'", 2),
            ("[web]\nw1 novalue\n", "Expected key=value host variable assignment, got: novalue", 2),
            ("[web:vars]\nx=1\n", "Section [web:vars] not valid for undefined group 'web'.", 1),
            ("[web:children]\nmissing\n", "Section [web:children] includes undefined group 'missing'.", 2),
            ("[g:vars]\nnovalue\n", "Expected key=value, got: novalue", 2),
            ("[g:children]\nbad child\n", "Expected group name, got: bad child", 2),
            ("[g]\nw1 x='open\n", "Error parsing host definition 'w1 x='open': No closing quotation", 2),
            ("[g]\nweb[1:]\n", "Invalid host range in 'web[1:]': host range must specify end value", 2),
            ("[g]\nhost:\n", "Invalid host pattern 'host:' supplied, ending in ':' is not allowed, this character is reserved to provide a port.", 2),
            ("---\n", "Invalid host pattern '---' supplied, '---' is normally a sign this is a YAML file.", 1),
            ("[a:children]\nb\n[b:children]\na\n", "Adding group 'a' as child to 'b' creates a recursive dependency loop.", 4),
        ]
        for (text, message, line) in cases {
            let d = diagnostic { _ = try inventory(text) }
            XCTAssertEqual(d?.message, message, text)
            XCTAssertEqual(d?.location?.line, line, text)
            XCTAssertEqual(d?.location?.file.hasSuffix("hosts.ini"), true, text)
        }
    }

    func testUndefinedGroupGetsASuggestion() {
        let d = diagnostic { _ = try inventory("[webservers]\nw1\n[prod:children]\nwebserver\n") }
        XCTAssertTrue(d?.notes.contains("did you mean 'webservers'?") == true, "\(String(describing: d?.notes))")
    }

    func testVaultEncryptedInventoryNeedsSecrets() {
        let d = diagnostic { _ = try inventory("$ANSIBLE_VAULT;1.1;AES256\n6162\n") }
        XCTAssertEqual(d?.message, "Attempting to decrypt but no vault secrets found")
    }
}
