import PlayBase

/// One instance's run of a Run Command command, as `GetCommandInvocation` reports it.
public struct SSMCommandInvocation: Sendable, Hashable {
    /// SSM's invocation statuses; `isFinal` once it will not change again.
    public enum Status: String, Sendable, Hashable {
        case pending = "Pending", inProgress = "InProgress", delayed = "Delayed", success = "Success"
        case cancelled = "Cancelled", timedOut = "TimedOut", failed = "Failed", cancelling = "Cancelling"
        case undeliverable = "Undeliverable", terminated = "Terminated", invalidPlatform = "InvalidPlatform"
        case accessDenied = "AccessDenied"

        public var isFinal: Bool {
            switch self {
            case .pending, .inProgress, .delayed, .cancelling: return false
            default: return true
            }
        }
    }

    /// nil for a status this client does not know (then `statusText` says it).
    public var status: Status?
    public var statusText: String
    public var statusDetails: String
    /// The script's exit status; -1 until it ends (and for timeouts).
    public var responseCode: Int
    public var standardOutput: String
    public var standardError: String
    public var standardOutputURL: String
    public var standardErrorURL: String

    public init(json: Value) {
        statusText = json["Status"]?.stringValue ?? ""
        status = Status(rawValue: statusText)
        statusDetails = json["StatusDetails"]?.stringValue ?? ""
        responseCode = json["ResponseCode"]?.intValue ?? -1
        standardOutput = json["StandardOutputContent"]?.stringValue ?? ""
        standardError = json["StandardErrorContent"]?.stringValue ?? ""
        standardOutputURL = json["StandardOutputUrl"]?.stringValue ?? ""
        standardErrorURL = json["StandardErrorUrl"]?.stringValue ?? ""
    }
}
