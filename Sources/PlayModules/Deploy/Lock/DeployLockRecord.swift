import Foundation
import OrderedCollections
import PlayBase
import PlayLanguage

/// What a deploy lock says about its holder: who (user), where (controller host and pid), what
/// (flow and version), since when, and the lease (seconds from S3's last write of the lock; the
/// holder rewrites it while it runs). `run` tells one run from another, so a run that finds its own
/// record (a conditional PUT answered late and retried) knows the lock is its own.
struct DeployLockRecord: Sendable, Hashable {
    var app: String
    var run: String
    var user: String
    var host: String
    var pid: Int
    var flow: String
    var version: String
    var since: Date
    var leaseSeconds: Int
    /// When the holder last wrote the lock (its own clock; expiry is judged on S3's).
    var renewed: Date

    /// The lease's end as the holder's clock sees it.
    var expires: Date { renewed.addingTimeInterval(TimeInterval(leaseSeconds)) }

    /// A new record for this process.
    static func mine(app: String, flow: String, version: String, leaseSeconds: Int, now: Date = Date()) -> DeployLockRecord {
        DeployLockRecord(app: app, run: UUID().uuidString.lowercased(), user: DeployOperator.user, host: DeployOperator.host,
                         pid: Int(getpid()), flow: flow, version: version, since: now, leaseSeconds: leaseSeconds,
                         renewed: now)
    }

    var value: Value {
        .dict([
            "app": .string(app), "run": .string(run), "user": .string(user), "host": .string(host), "pid": .int(pid),
            "flow": .string(flow), "version": .string(version), "since": .string(DeployTime.text(since)),
            "lease_seconds": .int(leaseSeconds), "renewed": .string(DeployTime.text(renewed)),
            "expires": .string(DeployTime.text(expires)),
        ])
    }

    var json: Data { Data(value.jsonString(sortKeys: true).utf8) }

    init(app: String, run: String, user: String, host: String, pid: Int, flow: String, version: String, since: Date,
         leaseSeconds: Int, renewed: Date) {
        self.app = app
        self.run = run
        self.user = user
        self.host = host
        self.pid = pid
        self.flow = flow
        self.version = version
        self.since = since
        self.leaseSeconds = leaseSeconds
        self.renewed = renewed
    }

    /// Reads a record; nil when the object is not one (written by something else).
    init?(json: Data) {
        guard case .dict(let d)? = try? Value.parseJSON(String(decoding: json, as: UTF8.self)),
              let run = d["run"]?.stringValue, let lease = d["lease_seconds"].flatMap(ValueCoercion.int) else { return nil }
        self.app = d["app"]?.stringValue ?? "?"
        self.run = run
        self.user = d["user"]?.stringValue ?? "?"
        self.host = d["host"]?.stringValue ?? "?"
        self.pid = d["pid"].flatMap(ValueCoercion.int) ?? 0
        self.flow = d["flow"]?.stringValue ?? "?"
        self.version = d["version"]?.stringValue ?? ""
        self.since = d["since"]?.stringValue.flatMap(DeployTime.parse) ?? Date(timeIntervalSince1970: 0)
        self.leaseSeconds = lease
        self.renewed = d["renewed"]?.stringValue.flatMap(DeployTime.parse) ?? since
    }

    /// "th3-server deploy 2 by alice on build-7 (pid 4242), since 2026-12-07T19:40:02Z, lease of 300 s
    /// renewed 2026-12-07T19:41:02Z"
    var summary: String {
        "\(app) \(flow)\(version.isEmpty ? "" : " " + version) by \(user) on \(host) (pid \(pid)), since "
            + "\(DeployTime.text(since)), lease of \(leaseSeconds) s last renewed \(DeployTime.text(renewed))"
    }
}

/// Who runs this process, and where: the user name and the controller's host name.
enum DeployOperator {
    static var user: String {
        let env = ProcessInfo.processInfo.environment
        if let name = env["USER"] ?? env["LOGNAME"], !name.isEmpty { return name }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }

    static var host: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "unknown-host" }
        return String(cString: buffer)
    }
}

/// Times in records: ISO 8601 in UTC, to the second.
enum DeployTime {
    static func text(_ date: Date) -> String {
        date.ISO8601Format()
    }

    static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }
}
