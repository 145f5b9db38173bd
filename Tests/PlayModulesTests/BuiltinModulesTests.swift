import PlayExecutor
import PlayLanguage
import PlayModules
import Synchronization
import XCTest

/// The catalog knows each built-in by names written beside it, and makes a module only when a
/// task names it: the names must be exactly the ones the module's spec declares.
final class BuiltinModulesTests: XCTestCase {
    func testEveryEntryNamesWhatItsSpecDeclares() {
        var seen: Set<String> = []
        for entry in BuiltinModules.all {
            let spec = entry.make().spec
            XCTAssertEqual(entry.names, [spec.name] + spec.aliases, "the entry of \(spec.name)")
            for name in entry.names {
                XCTAssertTrue(seen.insert(name).inserted, "\(name) is registered twice")
            }
        }
        XCTAssertGreaterThan(seen.count, 100)
    }

    func testAModuleIsMadeOnceAndOnlyWhenNamed() {
        let made = Mutex<[String]>([])
        func entry(_ name: String, aliases: [String] = []) -> ModuleEntry {
            .init(name, aliases: aliases) {
                made.withLock { $0.append(name) }
                return PingStandIn(name: name, aliases: aliases)
            }
        }
        var registry = ModuleRegistry([entry("first"), entry("second", aliases: ["other"])])
        registry.alias("old", to: "second")
        XCTAssertEqual(registry.moduleNames, ["first", "second"])
        XCTAssertEqual(made.withLock { $0 }, [], "registering makes nothing")

        XCTAssertEqual(registry.spec(named: "other")?.name, "second")
        XCTAssertEqual(registry.traits(named: "old"), .remote)
        XCTAssertEqual(registry.module(named: "second")?.spec.name, "second")
        XCTAssertNil(registry.spec(named: "third"))
        XCTAssertEqual(made.withLock { $0 }, ["second"], "made once, for its first use under any of its names")
    }

    func testTheRegistryResolvesTheCollectionsOldNamesToTheirTargets() {
        let registry = BuiltinModules.registry()
        XCTAssertEqual(registry.spec(named: "ec2_group")?.name, "ec2_security_group")
        XCTAssertEqual(registry.spec(named: "ec2_group_info")?.name, "ec2_security_group_info")
        XCTAssertEqual(registry.spec(named: "systemd")?.name, "systemd_service")
    }
}

private struct PingStandIn: Module {
    let spec: ModuleSpec
    init(name: String, aliases: [String]) { spec = ModuleSpec(name: name, aliases: aliases) }
    func run(_ context: ModuleContext) async throws -> TaskResult { .ok(changed: false, [:]) }
}
