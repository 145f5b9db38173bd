import Foundation

/// The tokens one paginated call has followed. A service that hands back a token it already
/// gave would make a follow-the-token loop run for ever, and stopping there would return a
/// silently incomplete list; either way the caller would act on wrong data, so it is an error.
struct PaginationTokens {
    let service: String
    let operation: String
    let region: String?
    private var seen: Set<String> = []

    init(service: String, operation: String, region: String?) {
        self.service = service
        self.operation = operation
        self.region = region
    }

    /// The token to ask for next (nil when the list is complete); throws when `token` came before.
    mutating func follow(_ token: String?) throws -> String? {
        guard let token, !token.isEmpty else { return nil }
        guard seen.insert(token).inserted else {
            throw AWSError(kind: .decoding, service: service, operation: operation, code: "RepeatedPaginationToken",
                           message: "the service returned a page token it had already returned, on page \(seen.count + 1);"
                               + " the list would be incomplete, so nothing is returned",
                           hint: "run again; if it repeats, the endpoint (endpoint_url) does not paginate correctly",
                           region: region)
        }
        return token
    }
}
