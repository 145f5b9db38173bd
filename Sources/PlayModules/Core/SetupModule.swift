import Foundation
import OrderedCollections
import PlayBase
import PlayConnection
import PlayExecutor
import PlayLanguage

/// `setup` (and `gather_facts`, what a play's implicit "Gathering Facts" task calls): the host's
/// facts from one `sh` script in one round trip, no Python needed. Its `ansible_facts` carry
/// Ansible's `ansible_`-prefixed names; the executor keeps them as host facts, visible as
/// `ansible_facts.<name>` and as `ansible_<name>`.
public struct SetupModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "setup", aliases: ["gather_facts"], arguments: [
        ArgumentSpec("gather_subset", .list, defaultValue: ["all"], elements: .string),
        ArgumentSpec("filter", .list, defaultValue: [], elements: .string),
        // Ansible bounds each of its collectors; here each lookup that can hang (see FactsScript).
        ArgumentSpec("gather_timeout", .int, defaultValue: 10),
        // Local facts (`/etc/ansible/facts.d`) are scripts or INI files Ansible runs with Python:
        // accepted, not read; `ansible_local` stays empty.
        ArgumentSpec("fact_path", .path),
        ArgumentSpec("parallel", .bool),
    ], freeForm: .keyValue, traits: ModuleTraits(factsPrecedence: .hostFacts))

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let requested = (context.list("gather_subset") ?? ["all"]).flatMap {
            $0.renderedString.split(separator: ",").map(String.init)
        }
        let subsets: FactSubsets
        do {
            subsets = try FactSubsets(requested)
        } catch {
            let allowed = FactSubsets.valid.union(FactSubsets.accepted).union(["all", "min"]).sorted()
            return .failed("Bad subset '\(error.name)' given to Ansible. gather_subset options allowed: \(allowed.joined(separator: ", "))")
        }
        let request = CommandRequest(command: FactsScript.script(subsets, timeout: context.int("gather_timeout") ?? 10),
                                     environment: context.environment,
                                     become: context.become, becomeUser: context.becomeUser)
        let answer = try await context.connection().run(request)
        let records = ScriptRecords(answer.stdout)
        if let failure = records.failure(of: answer) { return failure }
        var parsed = FactsParser(records.values).facts()
        // uname is read for the distribution too; its platform facts only when that subset is asked.
        if !subsets.contains("platform") { for key in Self.platformFacts { parsed.removeValue(forKey: key) } }
        if !subsets.contains("lsb") { parsed.removeValue(forKey: "lsb") }
        let facts = Self.ansibleFacts(parsed, subsets: requested,
                                      filter: (context.list("filter") ?? []).map(\.renderedString), local: subsets.contains("local"))
        return TaskResult(["ansible_facts": .dict(facts), "changed": false, "_ansible_verbose_override": true])
    }

    static let platformFacts = ["system", "kernel", "kernel_version", "machine", "architecture", "userspace_architecture",
                                "userspace_bits", "nodename", "hostname", "fqdn", "domain", "machine_id"]

    /// The module's `ansible_facts`: every fact prefixed `ansible_`, those `filter` keeps (its
    /// globs match the name with or without the prefix), then `gather_subset` and `module_setup`.
    static func ansibleFacts(_ facts: OrderedDictionary<String, Value>, subsets: [String],
                             filter: [String], local: Bool = true) -> OrderedDictionary<String, Value> {
        var out: OrderedDictionary<String, Value> = [:]
        for (name, value) in facts {
            let full = "ansible_" + name
            if !filter.isEmpty && !filter.contains(where: { fnmatch($0, full, 0) == 0 || fnmatch($0, name, 0) == 0 }) {
                continue
            }
            out[full] = value
        }
        if local, filter.isEmpty || filter.contains(where: { fnmatch($0, "ansible_local", 0) == 0 }) {
            out["ansible_local"] = .dict([:])
        }
        out.sort { $0.key < $1.key }
        // These two answer to the filter too (by their own names), as in Ansible.
        let kept = { (name: String) in filter.isEmpty || filter.contains { fnmatch($0, name, 0) == 0 } }
        if kept("gather_subset") { out["gather_subset"] = .list(subsets.map(Value.string)) }
        if kept("module_setup") { out["module_setup"] = true }
        return out
    }
}
