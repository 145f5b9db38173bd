import Foundation
import PlayBase
import PlayExecutor
import PlayLanguage

/// `group_by`: puts the host in a group named from its variables (e.g. `key: "os_{{ os }}"`).
public struct GroupByModule: Module {
    public init() {}

    public let spec = ModuleSpec(name: "group_by", arguments: [
        ArgumentSpec("key", .string, required: true),
        ArgumentSpec("parents", .list, defaultValue: ["all"]),
    ], freeForm: .keyValue, traits: .controller)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        let key = (context.string("key") ?? "").replacingOccurrences(of: " ", with: "-")
        let parents = (context.list("parents") ?? []).map(\.renderedString)
        // Ansible's result shape, for users; the executor reads `addedGroups`.
        var result = TaskResult(["changed": false, "add_group": .string(key), "parent_groups": .list(parents.map(Value.string))])
        result.addedGroups = [GroupAddition(name: key, parents: parents)]
        return result
    }
}
