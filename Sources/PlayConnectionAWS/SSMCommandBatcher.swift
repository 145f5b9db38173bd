import Foundation
import PlayAWS
import PlayConnection

/// One `SendCommand` for many instances: hosts that run the same script at the same moment (a
/// task's identical command on every host of a play, which the executor starts together) share
/// one call with all their instance ids (up to SSM's 50 per call); each still reads its own
/// invocation. A script waits `window` for company before it is sent, which costs that much per
/// command and saves N-1 calls (and SSM's request rate) per task on N hosts.
actor SSMCommandBatcher {
    struct Key: Hashable {
        var script: String
        var executionTimeout: Int?
        var deliveryTimeout: Int
        var outputBucket: String?
        var outputPrefix: String?
    }

    private let ssm: SSMClient
    private let window: Duration
    private var open: [Key: [(instanceID: String, reply: CheckedContinuation<Result<String, any Error>, Never>)]] = [:]
    static let maxInstancesPerCall = 50

    init(ssm: SSMClient, window: Duration = .milliseconds(5)) {
        self.ssm = ssm
        self.window = window
    }

    /// The command id of `key.script` sent to `instanceID` (possibly with other instances).
    func send(_ key: Key, to instanceID: String) async throws -> String {
        // Two hosts on one instance (the same id twice) get a command each.
        if open[key]?.contains(where: { $0.instanceID == instanceID }) == true {
            return try await call(key, [instanceID])
        }
        let result = await withCheckedContinuation { (reply: CheckedContinuation<Result<String, any Error>, Never>) in
            if open[key] != nil {
                open[key]!.append((instanceID, reply))
            } else {
                open[key] = [(instanceID, reply)]
                Task { await self.flush(key) }
            }
        }
        return try result.get()
    }

    private func flush(_ key: Key) async {
        try? await Task.sleep(for: window)
        guard let waiting = open.removeValue(forKey: key) else { return }
        var start = 0
        while start < waiting.count {
            let chunk = Array(waiting[start..<min(start + Self.maxInstancesPerCall, waiting.count)])
            start += Self.maxInstancesPerCall
            Task { await self.sendChunk(key, chunk) }
        }
    }

    private func sendChunk(_ key: Key, _ chunk: [(instanceID: String, reply: CheckedContinuation<Result<String, any Error>, Never>)]) async {
        do {
            let id = try await call(key, chunk.map(\.instanceID))
            for waiter in chunk { waiter.reply.resume(returning: .success(id)) }
        } catch {
            guard chunk.count > 1 else {
                chunk[0].reply.resume(returning: .failure(error))
                return
            }
            // One bad instance (stopped for good, unknown) must not fail the others: each alone.
            for waiter in chunk {
                do {
                    waiter.reply.resume(returning: .success(try await call(key, [waiter.instanceID])))
                } catch {
                    waiter.reply.resume(returning: .failure(error))
                }
            }
        }
    }

    private func call(_ key: Key, _ instanceIDs: [String]) async throws -> String {
        try await ssm.sendCommand(instanceIDs: instanceIDs, commands: [key.script], executionTimeout: key.executionTimeout,
                                  deliveryTimeout: key.deliveryTimeout, outputBucket: key.outputBucket,
                                  outputPrefix: key.outputPrefix)
    }
}
