import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
@testable import PlayModules
import PlayTestSupport
import XCTest

/// The package and service modules' registered results beside ansible-playbook 2.19's for the
/// same tasks on this machine (`-c local`, /usr/bin/python3, which has the apt and dnf
/// bindings): a real dnf install into a scratch root each, and tasks whose results depend only
/// on the machine's current state (a no-op, check mode on an init script and on systemd).
final class AnsibleResultComparisonTests: XCTestCase {
    func testResultsMatchAnsiblePlaybook() async throws {
        let svc = try InitScriptService("play-pkgsvc-cmp")
        defer { svc.remove() }
        let rpm = try LocalRpmRepository()
        try rpm.build("play-pkgsvc-cmp", "1.0")
        try rpm.index()
        let ansibleRoot = rpm.directory.file("ansible-root")
        try FileManager.default.createDirectory(atPath: ansibleRoot, withIntermediateDirectories: true)
        // Few tasks: every ansible-playbook task costs seconds here. The others' Ansible results
        // are written out in the modules' own tests.
        let tasks: [(String, OrderedDictionary<String, Value>, Bool, any Module)] = [
            ("service", ["name": .string(svc.name), "state": "started"], true, ServiceModule()),
            ("systemd_service", ["name": .string(svc.name), "enabled": true], true, SystemdServiceModule()),
            ("apt", ["name": "play-pkgsvc-not-installed", "state": "absent"], false, AptModule()),
            ("dnf", ["name": "play-pkgsvc-cmp", "installroot": "ROOT", "conf_file": .string(rpm.confFile),
                     "releasever": "1", "disable_gpg_check": true, "use_backend": "dnf4"], false, DnfModule()),
        ]
        let dir = try TemporaryDirectory()
        var playbook = "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        for (i, (module, args, check, _)) in tasks.enumerated() {
            var written = args
            if written["installroot"] == "ROOT" { written["installroot"] = .string(ansibleRoot) }
            playbook += "    - \(module): \(Value.dict(written).jsonString())\n      register: r\(i)\n      ignore_errors: true\n"
            if check { playbook += "      check_mode: true\n" }
        }
        let names = tasks.indices.map { "'r\($0)': r\($0)" }.joined(separator: ", ")
        playbook += "    - copy: {content: \"{{ {\(names)} | to_json }}\", dest: \(dir.file("results.json"))}\n"
        try dir.write("play.yml", playbook)
        let (status, output) = SSHFleet.run(["ansible-playbook", "-c", "local", "-i", "localhost,", dir.file("play.yml"),
                                             "-e", "ansible_python_interpreter=/usr/bin/python3"],
                                            environment: ["ANSIBLE_NOCOLOR": "1"])
        XCTAssertEqual(status, 0, output)
        let ansible = try Value.parseJSON(try XCTUnwrap(dir.read("results.json"), output))

        var h = ModuleHarness()
        for (i, (module, args, check, implementation)) in tasks.enumerated() {
            var args = args
            if args["installroot"] == "ROOT" { args["installroot"] = .string(rpm.root) }
            h.checkMode = check
            let ours = try await h.run(implementation, args)
            XCTAssertEqual(Self.comparable(ours.asValue), Self.comparable(try XCTUnwrap(ansible["r\(i)"])), "task \(i): \(module) \(args)")
        }
    }

    /// A result without what the executor adds or renders apart (`failed: false`, warnings,
    /// Ansible's exception text), and with key order left aside.
    static func comparable(_ value: Value) -> [String: Value] {
        var d = Dictionary(uniqueKeysWithValues: (value.dictValue ?? [:]).map { ($0.key, $0.value) })
        for key in ["warnings", "exception", "deprecations", "invocation"] { d.removeValue(forKey: key) }
        if d["failed"] == false { d.removeValue(forKey: "failed") }
        return d
    }
}
