import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// What the IAM modules read and how they report it: roles, instance profiles and policy
/// documents in the collections' shape (boto3's parse, snake_case, documents parsed, tags as
/// `{key: value}`).
struct IAMResources {
    let iam: AWSQueryClient

    static let shape = QueryResultShape(
        integers: ["MaxSessionDuration"], times: ["CreateDate", "LastUsedDate", "UpdateDate"],
        lists: ["Roles", "InstanceProfiles", "Tags", "AttachedPolicies", "PolicyNames"],
        structures: ["RoleLastUsed", "PermissionsBoundary"],
        documents: ["AssumeRolePolicyDocument", "PolicyDocument"])

    /// `nil` when AWS answers NoSuchEntity.
    static func absentIfMissing(_ body: () async throws -> XMLTree) async throws -> XMLTree? {
        do {
            return try await body()
        } catch let error as AWSError where error.code == "NoSuchEntity" {
            return nil
        }
    }

    func role(_ name: String) async throws -> XMLTree? {
        var request = iam.request("GetRole")
        request.set("RoleName", name)
        return try await AWSModuleError.wrapping("reading role '\(name)'") {
            try await Self.absentIfMissing { try await iam.send(request) }
        }?.child("Role")
    }

    func instanceProfile(_ name: String) async throws -> XMLTree? {
        var request = iam.request("GetInstanceProfile")
        request.set("InstanceProfileName", name)
        return try await AWSModuleError.wrapping("reading instance profile '\(name)'") {
            try await Self.absentIfMissing { try await iam.send(request) }
        }?.child("InstanceProfile")
    }

    /// The managed policies attached to a role as `{policy_arn, policy_name}` pairs.
    func attachedPolicies(role: String) async throws -> [(arn: String, name: String)] {
        var request = iam.request("ListAttachedRolePolicies")
        request.set("RoleName", role)
        return try await AWSModuleError.wrapping("listing the policies attached to role '\(role)'") {
            try await iam.members(request, list: "AttachedPolicies")
        }.map { ($0.string("PolicyArn") ?? "", $0.string("PolicyName") ?? "") }
    }

    func inlinePolicyNames(_ kind: IAMIdentityKind, _ name: String) async throws -> [String] {
        var request = iam.request("List\(kind.api)Policies")
        request.set("\(kind.api)Name", name)
        return try await AWSModuleError.wrapping("listing the inline policies of \(kind.rawValue) '\(name)'") {
            try await iam.members(request, list: "PolicyNames")
        }.map(\.text)
    }

    func inlinePolicy(_ kind: IAMIdentityKind, _ name: String, policy: String) async throws -> Value? {
        var request = iam.request("Get\(kind.api)Policy")
        request.set("\(kind.api)Name", name)
        request.set("PolicyName", policy)
        let answer = try await AWSModuleError.wrapping("reading inline policy '\(policy)' of \(kind.rawValue) '\(name)'") {
            try await Self.absentIfMissing { try await iam.send(request) }
        }
        return answer.map { QueryResultShape.document($0.string("PolicyDocument") ?? "") }
    }

    func instanceProfiles(role: String) async throws -> [XMLTree] {
        var request = iam.request("ListInstanceProfilesForRole")
        request.set("RoleName", role)
        return try await AWSModuleError.wrapping("listing the instance profiles of role '\(role)'") {
            try await iam.members(request, list: "InstanceProfiles")
        }
    }

    /// A role as the collections return it: every member, tags as a dictionary, the trust policy
    /// parsed (and again as `assume_role_policy_document_raw`), `role_last_used` always present.
    static func roleValue(_ node: XMLTree) -> OrderedDictionary<String, Value> {
        var role = shape.dict(node)
        role["tags"] = QueryResultShape.tagDict(node.child("Tags"))
        if role["role_last_used"] == nil { role["role_last_used"] = .dict([:]) }
        return role
    }

    static func instanceProfileValue(_ node: XMLTree) -> OrderedDictionary<String, Value> {
        var profile = shape.dict(node)
        profile["roles"] = .list(node.list("Roles", item: "member").map { .dict(roleValue($0)) })
        profile["tags"] = QueryResultShape.tagDict(node.child("Tags"))
        return profile
    }

    static func policyPairs(_ pairs: [(arn: String, name: String)]) -> Value {
        .list(pairs.map { .dict(["policy_arn": .string($0.arn), "policy_name": .string($0.name)]) })
    }

    /// A policy document argument (JSON text or a YAML structure) as a value, or a module error.
    static func document(_ value: Value?, argument: String) throws -> Value? {
        guard let value, !value.isNull else { return nil }
        if case .string(let text) = value {
            do { return try Value.parseJSON(text) } catch { throw AWSModuleError("\(argument) is not valid JSON: \(error)") }
        }
        return value
    }

    /// Two policy documents mean the same: keys in any order, and a one-item list the same as its item.
    static func samePolicy(_ a: Value?, _ b: Value?) -> Bool {
        normalized(a ?? .null) == normalized(b ?? .null)
    }

    private static func normalized(_ value: Value) -> String {
        func walk(_ value: Value) -> Value {
            switch value {
            case .dict(let dict):
                var out = OrderedDictionary<String, Value>()
                for (key, inner) in dict.sorted(by: { $0.key < $1.key }) { out[key] = walk(inner) }
                return .dict(out)
            case .list(let items):
                if items.count == 1 { return walk(items[0]) }
                return .list(items.map(walk))
            default:
                return .string(value.renderedString)
            }
        }
        return walk(value).jsonString(sortKeys: true)
    }
}

/// Who an inline policy belongs to (`iam_type`).
enum IAMIdentityKind: String, Sendable {
    case user, group, role

    /// The word in IAM's action names: `PutRolePolicy`, `ListUserPolicies`.
    var api: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}
