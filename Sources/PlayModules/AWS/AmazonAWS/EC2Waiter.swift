import Foundation
import PlayAWS
import PlayBase

/// The boto3 waiters the collections call after a change (`volume_available`, `snapshot_completed`,
/// `image_available`...): polls a Describe until the resource is in the wanted state.
enum EC2Waiter {
    /// Polls `describe` until `done` holds for its answer (nil: the resource is gone); fails when
    /// `failed` holds or after `timeout` seconds.
    static func wait(_ what: String, timeout: Double = 600, describe: () async throws -> XMLTree?,
                     done: (XMLTree?) -> Bool, failed: (XMLTree?) -> Bool = { _ in false }) async throws -> XMLTree? {
        var loop = PollLoop(timeout: timeout)
        while true {
            if let polled = try await loop.poll(describe) {
                if done(polled) { return polled }
                if failed(polled) { throw AWSModuleError("\(what) failed") }
            }
            if loop.timedOut { throw AWSModuleError("Timeout waiting for \(what) \(loop.progressSuffix)") }
            try await loop.pause()
        }
    }
}
