import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `add_host`: adds a host (and its groups and variables) to the in-memory inventory for later plays.
/// Like Ansible it runs once per task, not once per host; loop over items to add several.
public struct AddHostModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "add_host", freeForm: .keyValue, acceptsAnyArguments: true,
                                 traits: ModuleTraits(runsOnController: true, bypassesHostLoop: true))

    static let nameKeys = ["name", "host", "hostname"]
    static let groupKeys = ["groups", "group", "groupname"]

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        var vars = context.args
        guard let name = Self.nameKeys.lazy.compactMap({ vars[$0]?.renderedString }).first, !name.isEmpty else {
            return .failed("missing required arguments: name")
        }
        var groups: [Value] = []
        for key in Self.groupKeys {
            if let g = vars[key] { groups += ValueCoercion.list(g) }
        }
        for key in Self.nameKeys + Self.groupKeys { vars.removeValue(forKey: key) }
        vars.removeValue(forKey: "_raw_params")
        // host:port as name sets ansible_port, as Ansible does.
        var host = name
        if let colon = name.lastIndex(of: ":"), !name.contains("["), let port = Int(name[name.index(after: colon)...]) {
            host = String(name[..<colon])
            vars["ansible_port"] = .int(port)
        }
        // Ansible's result shape, for users; the executor reads `addedHosts`.
        let addition = HostAddition(name: host, groups: groups.map(\.renderedString), variables: vars)
        var result = TaskResult(["changed": true, "add_host": addition.asValue])
        result.addedHosts = [addition]
        return result
    }
}
