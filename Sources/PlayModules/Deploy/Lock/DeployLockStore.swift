import Foundation
import PlayAWS
import PlayBase

/// An app's deploy lock and journal in S3 (the build bucket unless told otherwise):
/// `PREFIX/APP/lock.json`, written only with conditional requests, and one object per journal
/// record, `PREFIX-journal-APP~TIME-RUN.json`, TIME counting down so that S3's ascending listing
/// is newest first.
///
/// Why S3 and not DynamoDB: the deploy already has the bucket and the rights on it, so the lock
/// needs no table to create, pay for or grant; S3 writes are strongly consistent and honour
/// `If-None-Match: *` (create only) and `If-Match` (replace or delete only the version read) on
/// PutObject and DeleteObject, which is all a lease needs; moto 5.2.1, which the tests run, honours
/// both too.
struct DeployLockStore: Sendable {
    let s3: S3Client
    let bucket: String
    let prefix: String
    let app: String

    static let defaultPrefix = "play-locks"

    var lockKey: String { "\(prefix)/\(app)/lock.json" }
    /// The journal's keys start with this, and no other app's do (`~` is not allowed in app names).
    /// It holds no `/`: moto with signature checks (the sandbox, the tests) refuses a `/` anywhere in
    /// ListObjectsV2's prefix, from boto3 too, so the journal cannot sit in a folder.
    var journalPrefix: String { "\(prefix)-journal-\(app)~" }

    /// App names are plain (letters, digits, `.`, `_`, `-`), so keys need no escaping.
    static func isValidApp(_ app: String) -> Bool {
        !app.isEmpty && app.count <= 200 && app.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// The lock as it is now, with the facts needed to judge its lease.
    struct Current: Sendable {
        var record: DeployLockRecord?
        var etag: String
        var lastModified: Date?
        var serverDate: Date?

        /// Expired by S3's clock (its last write plus the lease, against the time of the read; one
        /// second of margin for Last-Modified's precision), else by the holder's own expiry time.
        func isExpired(localNow: Date = Date()) -> Bool {
            guard let record else { return false }
            if let lastModified, let serverDate {
                return serverDate.timeIntervalSince(lastModified) > TimeInterval(record.leaseSeconds) + 1
            }
            return localNow > record.expires
        }

        /// Seconds until the lease ends (S3's clock when known), at least 0.
        var remaining: TimeInterval {
            guard let record else { return 0 }
            if let lastModified, let serverDate {
                return max(0, TimeInterval(record.leaseSeconds) + 1 - serverDate.timeIntervalSince(lastModified))
            }
            return max(0, record.expires.timeIntervalSinceNow)
        }
    }

    func read() async throws -> Current? {
        guard let object = try await s3.versionedObject(bucket: bucket, key: lockKey) else { return nil }
        return Current(record: DeployLockRecord(json: object.data), etag: object.etag, lastModified: object.lastModified,
                       serverDate: object.serverDate)
    }

    /// Writes the lock if there is none; nil when there is one.
    func create(_ record: DeployLockRecord) async throws -> String? {
        try await conditional { try await s3.putObject(bucket: bucket, key: lockKey, data: record.json, condition: .absent) }
    }

    /// Replaces the lock if it is still the version `etag`; nil when it changed.
    func replace(_ record: DeployLockRecord, etag: String) async throws -> String? {
        try await conditional { try await s3.putObject(bucket: bucket, key: lockKey, data: record.json, condition: .matches(etag)) }
    }

    /// Deletes the lock if it is still the version `etag`; false when it changed or is gone.
    func delete(etag: String) async throws -> Bool {
        do {
            try await s3.deleteObject(bucket: bucket, key: lockKey, ifMatch: etag)
            return true
        } catch let error as AWSError where error.isConditionFailure || error.isNotFound {
            return false
        }
    }

    private func conditional(_ body: () async throws -> String) async throws -> String? {
        do {
            return try await body()
        } catch let error as AWSError where error.isConditionFailure {
            return nil
        }
    }

    // MARK: journal

    /// Appends one record; returns its key.
    @discardableResult
    func append(_ entry: DeployJournalEntry) async throws -> String {
        let key = "\(journalPrefix)\(Self.sortKey(entry.finished))-\(entry.run.prefix(8))-\(UUID().uuidString.prefix(4).lowercased()).json"
        _ = try await s3.putObject(bucket: bucket, key: key, data: entry.json, condition: .absent)
        return key
    }

    /// The newest `limit` records, newest first.
    func recent(limit: Int) async throws -> [DeployJournalEntry] {
        let keys = try await s3.firstKeys(bucket: bucket, prefix: journalPrefix, limit: limit)
            .filter { $0.hasSuffix(".json") }
        var entries: [DeployJournalEntry] = []
        for key in keys.prefix(limit) {
            guard let object = try await s3.versionedObject(bucket: bucket, key: key),
                  let entry = DeployJournalEntry(json: object.data) else { continue }
            entries.append(entry)
        }
        return entries
    }

    /// Milliseconds to the year 2286 from `date`, 13 digits: later times sort first.
    static func sortKey(_ date: Date) -> String {
        let inverted = max(0, 9_999_999_999_999 - Int64(date.timeIntervalSince1970 * 1000))
        let digits = String(inverted)
        return String(repeating: "0", count: max(0, 13 - digits.count)) + digits
    }
}
