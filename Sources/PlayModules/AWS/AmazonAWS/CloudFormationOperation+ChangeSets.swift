import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// Change sets: `create_changeset` leaves one for review; check mode creates one, describes it
/// and deletes it, so an existing stack's pending changes are reported without touching it.
extension CloudFormationOperation {
    static let noChanges = ["didn't contain changes", "No updates are to be performed"]

    /// `changeset_name`, or a name derived from what would be sent (the same arguments give the same name).
    func changeSetName(_ call: AWSQueryRequest) -> String {
        if let given = context.string("changeset_name") { return given }
        let digest = Digest.hex(Data(call.parameterText.utf8), .sha1)
        return "Ansible-\(name)-\(digest)"
    }

    /// Check mode on an existing stack: what a change set says would change.
    func describeChanges() async throws -> TaskResult {
        var call = request("CreateChangeSet", policy: false)
        call.set("ChangeSetName", changeSetName(call))
        let id = try await AWSModuleError.wrapping("creating a change set for stack \(name)") { try await stacks.cfn.send(call) }.string("Id") ?? ""
        var loop = PollLoop(timeout: 300, interval: 2)
        var description = try await stacks.describeChangeSet(id)
        while !["CREATE_COMPLETE", "FAILED"].contains(description.string("Status") ?? "") {
            if loop.timedOut { throw AWSModuleError("Failed to create change set \(id)") }
            try await loop.pause()
            description = try await stacks.describeChangeSet(id)
        }
        var delete = stacks.cfn.request("DeleteChangeSet")
        delete.set("ChangeSetName", id)
        _ = try await AWSModuleError.wrapping("deleting change set \(id)") { try await stacks.cfn.send(delete) }
        let reason = description.nonEmpty("StatusReason")
        if description.string("Status") == "FAILED", let reason, Self.noChanges.contains(where: reason.contains) {
            return .ok(changed: false, ["msg": .string(reason), "meta": .string(reason)])
        }
        let raw = QueryResultShape(lists: ["Changes", "Details", "Scope"], structures: ["ResourceChange"], snakeKeys: false)
        return .ok(changed: true, ["msg": reason.map(Value.string) ?? .null,
                                   "meta": .list(raw.members(description.list("Changes", item: "member")))])
    }

    /// `create_changeset`: a change set left for review (not executed).
    func createChangeSet() async throws -> Outcome {
        guard hasTemplate else { throw AWSModuleError("Either 'template' or 'template_url' is required.") }
        var call = request("CreateChangeSet")
        let changeSet = changeSetName(call)
        call.set("ChangeSetName", changeSet)
        let pending = try await stacks.changeSetNames(name)
        if pending.contains(changeSet) {
            return Outcome(changed: false, data: [
                "output": .string("ChangeSet \(changeSet) already exists."),
                "warnings": .list([.string("WARNING: \(pending.count) pending changeset(s) exist(s) for this stack!")]),
            ])
        }
        let id: String
        do {
            id = try await stacks.cfn.send(call).string("Id") ?? changeSet
        } catch let error as AWSError where error.message.contains("No updates are to be performed") {
            return Outcome(changed: false, data: ["output": "Stack is already up-to-date."])
        } catch let error as AWSError {
            throw AWSModuleError(error, while: "Failed to create change set")
        }
        var loop = PollLoop(timeout: 600, interval: 1)
        while true {
            let description = try await stacks.describeChangeSet(id)
            let status = description.string("Status") ?? ""
            if status == "CREATE_PENDING" || status == "CREATE_IN_PROGRESS" {
                if loop.timedOut { break }
                try await loop.pause()
                continue
            }
            if status == "FAILED", let reason = description.nonEmpty("StatusReason"), Self.noChanges.contains(where: reason.contains) {
                var delete = stacks.cfn.request("DeleteChangeSet")
                delete.set("ChangeSetName", id)
                _ = try await AWSModuleError.wrapping("deleting change set \(id)") { try await stacks.cfn.send(delete) }
                return Outcome(changed: false, data: [
                    "output": "The created Change Set did not contain any changes to this stack and was deleted.",
                ])
            }
            break
        }
        var outcome = try await wait(name, "CREATE_CHANGESET")
        outcome.data["change_set_id"] = .string(id)
        outcome.data["warnings"] = .list([
            .string("Created changeset named \(changeSet) for stack \(name)"),
            .string("You can execute it using: aws cloudformation execute-change-set --change-set-name \(id)"),
            .string("NOTE that dependencies on this stack might fail due to pending changes!"),
        ])
        return outcome
    }
}
