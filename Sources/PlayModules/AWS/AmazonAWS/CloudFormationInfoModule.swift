import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor
import PlayLanguage

/// amazon.aws `cloudformation_info`: one stack (`stack_name`) or every stack, each under its name
/// in `cloudformation` with `stack_description`, `stack_outputs`, `stack_parameters`,
/// `stack_tags`, and on request its resources, template, policy, events and change sets.
public struct CloudFormationInfoModule: Module {
    public init() {}

    public let spec = ModuleSpec(groups: ["aws"], name: "cloudformation_info", arguments: [
        ArgumentSpec("stack_name", .string),
        ArgumentSpec("all_facts", .bool, defaultValue: false),
        ArgumentSpec("stack_policy", .bool, defaultValue: false),
        ArgumentSpec("stack_events", .bool, defaultValue: false),
        ArgumentSpec("stack_resources", .bool, defaultValue: false),
        ArgumentSpec("stack_template", .bool, defaultValue: false),
        ArgumentSpec("stack_change_sets", .bool, defaultValue: false),
    ] + AWSArguments.specs)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        try await runAWSModule {
            let stacks = CloudFormationStacks(cfn: try await context.awsSession().session.cloudFormation())
            let shape = CloudFormationStacks.shape
            let all = context.bool("all_facts")
            func wants(_ key: String) -> Bool { all || context.bool(key) }
            var out = OrderedDictionary<String, Value>()
            for stack in try await stacks.stacks(context.string("stack_name")) {
                let name = stack.string("StackName") ?? ""
                var facts: OrderedDictionary<String, Value> = [
                    "stack_description": .dict(shape.dict(stack)),
                    "stack_outputs": CloudFormationStacks.pairs(stack.list("Outputs", item: "member"), key: "OutputKey", value: "OutputValue"),
                    "stack_parameters": CloudFormationStacks.pairs(stack.list("Parameters", item: "member"),
                                                                   key: "ParameterKey", value: "ParameterValue"),
                    "stack_tags": QueryResultShape.tagDict(stack.child("Tags")),
                ]
                if wants("stack_resources") {
                    let resources = try await stacks.resources(name)
                    facts["stack_resource_list"] = .list(shape.members(resources))
                    facts["stack_resources"] = CloudFormationStacks.pairs(resources, key: "LogicalResourceId", value: "PhysicalResourceId")
                }
                if wants("stack_template") { facts["stack_template"] = try await stacks.template(name) }
                if wants("stack_policy") { facts["stack_policy"] = try await stacks.policy(name) }
                if wants("stack_events") {
                    let events = try await AWSModuleError.wrapping("listing the events of stack '\(name)'") {
                        try await stacks.events(name, limit: .max)
                    }
                    facts["stack_events"] = .list(shape.members(events))
                }
                if wants("stack_change_sets") {
                    var sets: [Value] = []
                    for changeSet in try await stacks.changeSetNames(name) {
                        sets.append(.dict(shape.dict(try await stacks.describeChangeSet(changeSet, stack: name))))
                    }
                    facts["stack_change_sets"] = .list(sets)
                }
                out[name] = .dict(facts)
            }
            return .ok(changed: false, ["cloudformation": .dict(out)])
        }
    }
}
