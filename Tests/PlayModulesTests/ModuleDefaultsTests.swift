import OrderedCollections
import PlayBase
@testable import PlayExecutor
import PlayLanguage
import PlayModules
import XCTest

/// `module_defaults` with `group/aws`: every AWS module is in the group, and the defaults merge
/// as Ansible's: group, then the module's own, then the task's arguments.
final class ModuleDefaultsTests: XCTestCase {
    func testEveryAWSModuleIsInTheAWSGroupAndNoOtherIs() {
        let registry = BuiltinModules.registry()
        for name in ["ec2_launch", "ec2_info", "ec2_state", "s3_fetch", "elb_register", "elb_deregister", "health_wait",
                     "ecs_service", "ecs_taskdefinition", "ec2_vpc_net", "elb_target_group", "elb_application_lb",
                     "deploy_lock", "deploy_journal"] {
            XCTAssertEqual(registry.spec(named: name)?.groups, ["aws"], name)
        }
        XCTAssertEqual(registry.spec(named: "command")?.groups, [])
        XCTAssertEqual(registry.spec(named: "debug")?.groups, [])
    }

    func testGroupDefaultsThenModuleDefaultsThenTaskArguments() throws {
        let spec = try XCTUnwrap(BuiltinModules.registry().spec(named: "ec2_info"))
        let play: OrderedDictionary<String, Value> = [
            "group/aws": ["region": "eu-west-1", "profile": "ops"],
            "debug": ["msg": "unrelated"],
        ]
        let block: OrderedDictionary<String, Value> = ["ec2_info": ["profile": "block-profile"]]
        let merged = ModuleDefaults.arguments(["aws_region": "us-east-1"], levels: [play, block], spec: spec)
        // The task wrote the region under an alias: the group's `region` must not also be passed.
        XCTAssertEqual(merged, ["profile": "block-profile", "aws_region": "us-east-1"])
        XCTAssertEqual(ModuleDefaults.arguments([:], levels: [play], spec: spec), ["region": "eu-west-1", "profile": "ops"])
        let command = try XCTUnwrap(BuiltinModules.registry().spec(named: "command"))
        XCTAssertEqual(ModuleDefaults.arguments(["_raw_params": "ls"], levels: [play], spec: command), ["_raw_params": "ls"])
    }

    /// Arguments a module requires may come only from module_defaults: the parser leaves them to the run.
    func testRequiredArgumentsMayComeFromModuleDefaults() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("module-defaults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func compile(_ defaults: String) throws(DiagnosticList) -> CompiledPlaybook {
            let path = dir.appendingPathComponent("site.yml").path
            try? """
            - hosts: localhost
              gather_facts: false
            \(defaults)
              tasks:
                - stat:
                    get_checksum: false
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return try PlaybookCompiler(catalog: BuiltinModules.registry()).compile(path: path, selection: TagSelection())
        }
        XCTAssertThrowsError(try compile(""), "without defaults the missing path is an error")
        let compiled = try compile("""
              module_defaults:
                group/amazon.aws.aws:
                  region: eu-west-1
                ansible.builtin.stat:
                  path: /tmp
            """)
        XCTAssertEqual(compiled.plays.first?.play.moduleDefaults?.keys.elementsEqual(["group/aws", "stat"]), true)
    }
}
