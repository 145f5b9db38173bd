import Foundation

/// A client for a Query-protocol service with `member` lists (IAM, CloudFormation, Auto Scaling):
/// requests go through the session's signed, retried path; answers are the `<…Result>` element.
public struct AWSQueryClient: Sendable {
    public let session: AWSSession
    public let service: AWSService
    public let version: String
    public let region: String
    /// The name of the paging token in requests and answers: IAM's `Marker`, the others' `NextToken`.
    let pageToken: String

    init(session: AWSSession, service: AWSService, version: String, region: String, pageToken: String) {
        self.session = session
        self.service = service
        self.version = version
        self.region = region
        self.pageToken = pageToken
    }

    /// A request for `action` in this service's API version.
    public func request(_ action: String) -> AWSQueryRequest { AWSQueryRequest(action, version: version) }

    /// Sends `request`; returns the `<…Result>` element. `idempotent: false` for creating calls
    /// that AWS would run twice (never repeated after an ambiguous failure).
    public func send(_ request: AWSQueryRequest, idempotent: Bool = true) async throws -> XMLTree {
        try await session.query(service, region: region, request.parameters, idempotent: idempotent)
    }

    /// Sends a List/Describe request page by page and returns the `<member>`s of `list` from every page.
    public func members(_ request: AWSQueryRequest, list: String) async throws -> [XMLTree] {
        var all: [XMLTree] = []
        var token: String?
        var seen: Set<String> = []
        repeat {
            var page = request.parameters
            page.set(pageToken, token)
            let result = try await session.query(service, region: region, page, idempotent: true, continuation: token != nil)
            all += result.list(list, item: "member")
            token = result.bool("IsTruncated") == false ? nil : result.nonEmpty(pageToken)
            if let next = token, !seen.insert(next).inserted { break }
        } while token != nil
        return all
    }
}

extension AWSSession {
    /// IAM (global: one endpoint, signed for us-east-1).
    public func iam() -> AWSQueryClient {
        AWSQueryClient(session: self, service: .iam, version: "2010-05-08", region: region, pageToken: "Marker")
    }

    public func cloudFormation(region: String? = nil) -> AWSQueryClient {
        AWSQueryClient(session: self, service: .cloudFormation, version: "2010-05-15", region: region ?? self.region,
                       pageToken: "NextToken")
    }

    public func autoScaling(region: String? = nil) -> AWSQueryClient {
        AWSQueryClient(session: self, service: .autoScaling, version: "2011-01-01", region: region ?? self.region,
                       pageToken: "NextToken")
    }
}
