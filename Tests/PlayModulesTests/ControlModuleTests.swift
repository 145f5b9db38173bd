import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage
import PlayModules
import XCTest

/// The controller actions: what they add to the inventory is typed data on the result, and what
/// the executor must know about them is on their specs.
final class ControlModuleTests: XCTestCase {
    let harness = ModuleHarness()

    func testAddHostReturnsATypedHostAndAnsiblesResultShape() async throws {
        let r = try await harness.run(AddHostModule(), ["name": "web1:2222", "groups": "a,b", "role": "db"])
        XCTAssertEqual(r.addedHosts, [HostAddition(name: "web1", groups: ["a", "b"],
                                                   variables: ["role": "db", "ansible_port": 2222])])
        XCTAssertEqual(r["add_host"], ["host_name": "web1", "groups": ["a", "b"],
                                       "host_vars": ["role": "db", "ansible_port": 2222]])
    }

    func testGroupByReturnsATypedGroup() async throws {
        let r = try await harness.run(GroupByModule(), ["key": "os linux", "parents": ["unix"]])
        XCTAssertEqual(r.addedGroups, [GroupAddition(name: "os-linux", parents: ["unix"])])
        XCTAssertEqual(r["add_group"], "os-linux")
    }

    func testControllerActionsSayHowTheyRunAndRender() {
        let traits = Dictionary(uniqueKeysWithValues: BuiltinModules.all.map { ($0.names[0], $0.make().spec.traits) })
        for name in ["debug", "assert", "fail", "set_fact", "add_host", "group_by", "pause", "meta"] {
            XCTAssertEqual(traits[name]?.runsOnController, true, name)
        }
        XCTAssertEqual(traits["debug"]?.display, .message)
        XCTAssertEqual(traits["assert"]?.display, .alwaysVerbose)
        XCTAssertEqual(traits["command"], .commandAsync, "a remote command that can also run as an async job, its result its output")
        XCTAssertEqual(traits["add_host"]?.bypassesHostLoop, true)
        XCTAssertEqual(traits["meta"]?.performedByStrategy, true)
    }
}
