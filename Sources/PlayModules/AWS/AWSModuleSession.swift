import Foundation
import PlayAWS
import Synchronization

/// One run-wide AWS session plus the lookups by name that modules cache on it for the run
/// (target group name -> ARN and port).
final class AWSModuleSession: Sendable {
    let session: AWSSession
    private let targetGroups = Mutex<[String: Task<ELBv2TargetGroup, any Error>]>([:])

    init(_ session: AWSSession) {
        self.session = session
    }

    var ec2: EC2Client { session.ec2() }
    var elbv2: ELBv2Client { session.elbv2() }
    var s3: S3Client { session.s3() }
    var region: String { session.region }

    /// The target group called `name`, asked for once per run (concurrent askers share the call).
    func targetGroup(named name: String) async throws -> ELBv2TargetGroup {
        let client = elbv2
        let task = targetGroups.withLock { cache in
            if let existing = cache[name] { return existing }
            let created = Task { () throws -> ELBv2TargetGroup in
                let groups = try await client.describeTargetGroups(names: [name])
                guard let group = groups.first(where: { $0.name == name }) else {
                    throw AWSModuleError("target group '\(name)' not found in \(client.region)")
                }
                return group
            }
            cache[name] = created
            return created
        }
        do {
            return try await task.value
        } catch {
            _ = targetGroups.withLock { $0.removeValue(forKey: name) }
            throw error
        }
    }
}
