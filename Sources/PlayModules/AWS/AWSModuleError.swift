import Foundation
import OrderedCollections
import PlayAWS
import PlayBase
import PlayExecutor

/// A failure of an AWS module that becomes the task's failed result (not an exception of the run):
/// a bad argument, an AWS error, a wait that timed out. The message is shown to users, so it never
/// carries a secret (AWSError already redacts its texts).
struct AWSModuleError: Error, Sendable, CustomStringConvertible {
    var message: String
    /// Extra result keys for the failed result (what was seen before the failure).
    var data: OrderedDictionary<String, Value>

    init(_ message: String, _ data: OrderedDictionary<String, Value> = [:]) {
        self.message = message
        self.data = data
    }

    /// Wraps an AWS error with what the module was doing: "launching 2 instances: EC2 RunInstances failed ...".
    init(_ error: AWSError, while doing: String) {
        var details: OrderedDictionary<String, Value> = [
            "code": .string(error.code), "service": .string(error.service), "operation": .string(error.operation),
        ]
        if let requestID = error.requestID { details["request_id"] = .string(requestID) }
        self.init("\(doing): \(error.description)", ["error": .dict(details)])
    }

    var description: String { message }

    var result: TaskResult { .failed(message, data) }
}

extension AWSModuleError {
    /// Runs `body`, turning an `AWSError` into a module error that says what was being done.
    static func wrapping<T>(_ doing: @autoclosure () -> String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AWSError {
            throw AWSModuleError(error, while: doing())
        }
    }
}

/// Runs a module body and turns module errors into failed results; cancellation and connection
/// errors pass through to the executor.
func runAWSModule(_ body: () async throws -> TaskResult) async throws -> TaskResult {
    do {
        return try await body()
    } catch let error as AWSModuleError {
        return error.result
    } catch let error as AWSError {
        return .failed(error.description)
    }
}
