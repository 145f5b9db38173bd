import Foundation
import OrderedCollections
import PlayAWS
import PlayBase

/// Reads and (outside check mode) changes one bucket's settings for `s3_bucket`; each method
/// returns whether it changed something and records the setting as it ends up in `result`.
struct S3BucketSettings {
    let s3: S3Client
    let bucket: String
    let checkMode: Bool
    var result = OrderedDictionary<String, Value>()

    init(s3: S3Client, bucket: String, checkMode: Bool) {
        self.s3 = s3
        self.bucket = bucket
        self.checkMode = checkMode
    }

    private static let xmlns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""

    mutating func versioning(_ wanted: Bool?) async throws -> Bool {
        let (xml, _) = try await s3.bucketSubresource(bucket, "versioning")
        var status = xml?.nonEmpty("Status") ?? "Disabled"
        let mfa = xml?.nonEmpty("MfaDelete") ?? "Disabled"
        var changed = false
        if let wanted, (status == "Enabled") != wanted, !(status == "Disabled" && !wanted) {
            changed = true
            status = wanted ? "Enabled" : "Suspended"
            if !checkMode {
                let body = "<VersioningConfiguration \(Self.xmlns)><Status>\(status)</Status></VersioningConfiguration>"
                try await s3.putBucketSubresource(bucket, "versioning", body: Data(body.utf8))
            }
        }
        result["versioning"] = .dict(["MFADelete": .string(mfa), "MfaDelete": .string(mfa), "Status": .string(status),
                                      "Versioning": .string(status)])
        return changed
    }

    mutating func requesterPays(_ wanted: Bool?) async throws -> Bool {
        let (xml, _) = try await s3.bucketSubresource(bucket, "requestPayment")
        var current = xml?.nonEmpty("Payer") == "Requester"
        var changed = false
        if let wanted, wanted != current {
            changed = true
            current = wanted
            if !checkMode {
                let body = "<RequestPaymentConfiguration \(Self.xmlns)><Payer>\(wanted ? "Requester" : "BucketOwner")</Payer></RequestPaymentConfiguration>"
                try await s3.putBucketSubresource(bucket, "requestPayment", body: Data(body.utf8))
            }
        }
        result["requester_pays"] = .bool(current)
        return changed
    }

    /// `policy` as JSON text or a dictionary; compared as parsed JSON.
    mutating func policy(_ wanted: Value?) async throws -> Bool {
        let (_, body) = try await s3.bucketSubresource(bucket, "policy", absentCodes: ["NoSuchBucketPolicy"])
        var current: Value = body.isEmpty ? .dict([:]) : ((try? Value.parseJSON(String(decoding: body, as: UTF8.self))) ?? .dict([:]))
        var changed = false
        if let wanted, !wanted.isNull {
            let parsed: Value
            if case .string(let text) = wanted {
                do { parsed = try Value.parseJSON(text) } catch { throw AWSModuleError("policy is not valid JSON: \(error)") }
            } else {
                parsed = wanted
            }
            if parsed != current {
                changed = true
                current = parsed
                if !checkMode { try await s3.putBucketSubresource(bucket, "policy", body: Data(parsed.jsonString().utf8)) }
            }
        }
        result["policy"] = current
        return changed
    }

    mutating func tags(_ wanted: [String: String]?, purge: Bool) async throws -> Bool {
        let (xml, _) = try await s3.bucketSubresource(bucket, "tagging", absentCodes: ["NoSuchTagSet"])
        var current: [String: String] = [:]
        for tag in xml?["TagSet"]?.children("Tag") ?? [] { if let key = tag.string("Key") { current[key] = tag.string("Value") ?? "" } }
        var changed = false
        if let wanted {
            var next = purge ? [:] : current
            next.merge(wanted) { $1 }
            if next != current {
                changed = true
                current = next
                if !checkMode {
                    let tags = next.sorted { $0.key < $1.key }.map { "<Tag><Key>\(escape($0.key))</Key><Value>\(escape($0.value))</Value></Tag>" }
                    let body = next.isEmpty ? "" : "<Tagging \(Self.xmlns)><TagSet>\(tags.joined())</TagSet></Tagging>"
                    try await s3.putBucketSubresource(bucket, "tagging", body: Data(body.utf8))
                }
            }
        }
        result["tags"] = ResourceTags.value(current)
        return changed
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
