import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// The steps of `ecs_ecr` on one repository, each a no-op when ECR already has what is asked,
/// recording whether anything changed (or, in check mode, would: `skipped`).
struct ECRRepositoryWork {
    let ecr: ECRClient
    let name: String
    let registry: String?
    let checkMode: Bool
    private(set) var changed = false
    private(set) var skipped = false

    init(ecr: ECRClient, name: String, registry: String?, checkMode: Bool) {
        self.ecr = ecr
        self.name = name
        self.registry = registry
        self.checkMode = checkMode
    }

    func repository() async throws -> Value? {
        try await AWSModuleError.wrapping("describing repository '\(name)'") { try await ecr.describeRepository(name, registry: registry) }
    }

    /// The repository (created when missing), with the tag mutability asked for; whether it was created.
    mutating func ensure(mutability: String, encryption: Value?) async throws -> (Value, Bool) {
        guard var repository = try await repository() else {
            changed = true
            if checkMode {
                skipped = true
                return (["repositoryName": .string(name)], true)
            }
            let made = try await AWSModuleError.wrapping("creating repository '\(name)'") {
                try await ecr.createRepository(name, tagMutability: mutability, encryption: encryption ?? ["encryptionType": "AES256"])
            }
            return (ECSResultShape.jsonized(made), true)
        }
        if let encryption, !ECSTaskDefinitionModule.contains(repository["encryptionConfiguration"] ?? .null, encryption) {
            throw AWSModuleError("Cannot modify repository encryption type")
        }
        if repository["imageTagMutability"]?.stringValue != mutability {
            changed = true
            if checkMode {
                skipped = true
            } else {
                try await AWSModuleError.wrapping("setting the tag mutability of '\(name)'") {
                    try await ecr.putImageTagMutability(name, registry: registry, mutability: mutability)
                }
            }
            if case .dict(var fields) = repository {
                fields["imageTagMutability"] = .string(mutability)
                repository = .dict(fields)
            }
        }
        return (ECSResultShape.jsonized(repository), false)
    }

    mutating func delete(force: Bool) async throws {
        guard try await repository() != nil else { return }
        changed = true
        if checkMode { skipped = true; return }
        try await AWSModuleError.wrapping("deleting repository '\(name)'") { try await ecr.deleteRepository(name, registry: registry, force: force) }
    }

    func currentPolicy() async throws -> Value? {
        let text = try await AWSModuleError.wrapping("reading the policy of '\(name)'") { try await ecr.repositoryPolicy(name, registry: registry) }
        return text.flatMap { try? Value.parseJSON($0) }
    }

    mutating func setPolicy(_ policy: (text: String, document: Value), force: Bool) async throws {
        let current = try await currentPolicy().map(Self.sortedStringLists)
        guard !Self.samePolicy(current, Self.sortedStringLists(policy.document)) else { return }
        changed = true
        if checkMode { skipped = true; return }
        try await AWSModuleError.wrapping("setting the policy of '\(name)'") {
            try await ecr.setRepositoryPolicy(name, registry: registry, text: policy.text, force: force)
        }
    }

    mutating func purgePolicy() async throws {
        guard try await currentPolicy() != nil else { return }
        changed = true
        if checkMode { skipped = true; return }
        try await AWSModuleError.wrapping("deleting the policy of '\(name)'") { try await ecr.deleteRepositoryPolicy(name, registry: registry) }
    }

    private func currentLifecyclePolicy() async throws -> Value? {
        let text = try await AWSModuleError.wrapping("reading the lifecycle policy of '\(name)'") { try await ecr.lifecyclePolicy(name, registry: registry) }
        return text.flatMap { try? Value.parseJSON($0) }
    }

    mutating func setLifecyclePolicy(_ policy: (text: String, document: Value)) async throws {
        guard !Self.samePolicy(try await currentLifecyclePolicy(), policy.document) else { return }
        changed = true
        if checkMode { skipped = true; return }
        try await AWSModuleError.wrapping("setting the lifecycle policy of '\(name)'") {
            try await ecr.putLifecyclePolicy(name, registry: registry, text: policy.text)
        }
    }

    mutating func purgeLifecyclePolicy() async throws {
        guard try await currentLifecyclePolicy() != nil else { return }
        changed = true
        if checkMode { skipped = true; return }
        try await AWSModuleError.wrapping("deleting the lifecycle policy of '\(name)'") { try await ecr.deleteLifecyclePolicy(name, registry: registry) }
    }

    /// Sets scan-on-push when it differs; returns the new setting then, nil when it already was.
    mutating func setScanOnPush(_ wanted: Bool) async throws -> Bool? {
        guard let repository = try await repository() else { return nil }
        guard repository["imageScanningConfiguration"]?["scanOnPush"]?.isTruthy != wanted else { return nil }
        changed = true
        if checkMode { skipped = true; return wanted }
        try await AWSModuleError.wrapping("setting scan on push of '\(name)'") { try await ecr.putImageScanning(name, registry: registry, scanOnPush: wanted) }
        return wanted
    }

    /// Policies mean the same: keys in any order, `Version` 2008-10-17 when left out.
    static func samePolicy(_ a: Value?, _ b: Value?) -> Bool {
        func versioned(_ value: Value?) -> Value? {
            guard case .dict(var fields)? = value else { return value }
            if fields["Version"] == nil { fields["Version"] = "2008-10-17" }
            return .dict(fields)
        }
        return IAMResources.samePolicy(versioned(a), versioned(b))
    }

    /// Each statement's lists of strings sorted (the collection's `sort_lists_of_strings`).
    static func sortedStringLists(_ policy: Value) -> Value {
        guard case .dict(var fields) = policy, let statements = fields["Statement"]?.listValue else { return policy }
        fields["Statement"] = .list(statements.map { statement in
            guard case .dict(var entries) = statement else { return statement }
            for (key, value) in entries {
                if case .list(let items) = value, items.allSatisfy({ $0.stringValue != nil }) {
                    entries[key] = .list(items.sorted { ($0.stringValue ?? "") < ($1.stringValue ?? "") })
                }
            }
            return .dict(entries)
        })
        return .dict(fields)
    }
}
