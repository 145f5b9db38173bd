import Foundation

/// One entry of ListObjectsV2.
public struct S3Object: Sendable, Hashable {
    public var key: String
    public var size: Int
    public var etag: String?
    public var lastModified: Date?
    public var storageClass: String?

    init(xml: XMLTree) {
        key = xml.string("Key") ?? ""
        size = xml.int("Size") ?? 0
        etag = xml.nonEmpty("ETag").map(S3ObjectInfo.unquote)
        lastModified = xml.nonEmpty("LastModified").flatMap(EC2Instance.parseTimestamp)
        storageClass = xml.nonEmpty("StorageClass")
    }
}
