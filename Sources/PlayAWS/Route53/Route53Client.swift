import Foundation
import PlayBase

/// Route 53 (REST-XML API 2013-04-01, one global endpoint signed for us-east-1): callers name
/// the method, the path under `/2013-04-01/` and the query, and get the answer's root element.
public struct Route53Client: Sendable {
    public let session: AWSSession
    static let version = "2013-04-01"

    init(session: AWSSession) {
        self.session = session
    }

    /// Sends one call; `body` is the XML document for POSTs. Answers are XML roots
    /// (`ListResourceRecordSetsResponse`, `ChangeResourceRecordSetsResponse`...).
    public func send(_ operation: String, _ method: String, path: String, query: [(String, String)] = [],
                     body: String? = nil, idempotent: Bool = true, continuation: Bool = false) async throws -> XMLTree {
        var call = AWSOperation(service: .route53, name: operation, region: session.region, wire: .restXML, idempotent: idempotent)
        call.isContinuation = continuation
        let data = body.map { Data($0.utf8) }
        let response = try await session.perform(call) { endpoint in
            var headers = HTTPHeaders()
            if data != nil { headers.set("Content-Type", "application/xml") }
            // The signer hashes only in-memory bodies; a GET's empty payload is named here.
            headers.set("X-Amz-Content-SHA256", data.map { Digest.sha256($0).hexString } ?? SigV4Signer.emptyPayloadHash)
            return HTTPRequest(method: method, scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
                               path: endpoint.basePath + "/\(Self.version)/" + path,
                               query: query.map { HTTPRequest.QueryItem($0.0, $0.1) }, headers: headers,
                               body: data.map { .data($0) } ?? .empty)
        }
        if response.body.isEmpty { return XMLTree(name: operation) }
        guard let root = XMLTree.parse(response.body) else {
            throw session.decodingError(call, response, "the answer is not XML")
        }
        return root
    }

    /// Every hosted zone (ListHostedZones, page by page).
    public func hostedZones() async throws -> [XMLTree] {
        var zones: [XMLTree] = []
        var marker: String?
        repeat {
            let page = try await send("ListHostedZones", "GET", path: "hostedzone", query: marker.map { [("marker", $0)] } ?? [],
                                      continuation: marker != nil)
            zones += page.list("HostedZones", item: "HostedZone")
            marker = page.bool("IsTruncated") == true ? page.nonEmpty("NextMarker") : nil
        } while marker != nil
        return zones
    }

    /// The zone's record sets from `name`/`type` on (all when nil), following pages.
    public func recordSets(zoneID: String, name: String? = nil, type: String? = nil) async throws -> [XMLTree] {
        var sets: [XMLTree] = []
        var next: (name: String?, type: String?, identifier: String?) = (name, type, nil)
        var first = true
        while true {
            var query: [(String, String)] = []
            if let name = next.name { query.append(("name", name)) }
            if let type = next.type, next.name != nil { query.append(("type", type)) }
            if let identifier = next.identifier { query.append(("identifier", identifier)) }
            let page = try await send("ListResourceRecordSets", "GET", path: "hostedzone/\(Self.bareID(zoneID))/rrset",
                                      query: query, continuation: !first)
            first = false
            sets += page.list("ResourceRecordSets", item: "ResourceRecordSet")
            guard page.bool("IsTruncated") == true, let nextName = page.nonEmpty("NextRecordName") else { break }
            next = (nextName, page.nonEmpty("NextRecordType"), page.nonEmpty("NextRecordIdentifier"))
        }
        return sets
    }

    /// `/hostedzone/Z123` or `Z123` → `Z123`.
    public static func bareID(_ id: String) -> String {
        id.split(separator: "/").last.map(String.init) ?? id
    }
}

extension AWSSession {
    public func route53() -> Route53Client { Route53Client(session: self) }
}
