/// Elastic Load Balancing's first API (classic load balancers, 2012-06-01): a Query service
/// with `member` lists, on the same endpoint and signing name as ELBv2 but its own API version.
extension AWSService {
    public static let classicELB = AWSService(name: "ElasticLoadBalancing", signingName: "elasticloadbalancing",
                                              endpointPrefix: "elasticloadbalancing", environmentSuffix: "ELASTIC_LOAD_BALANCING",
                                              configKey: "elastic_load_balancing", iamPrefix: "elasticloadbalancing", isGlobal: false)
}

extension AWSSession {
    /// Classic load balancers (`elb_classic_lb`). Their lists page with `Marker`/`NextMarker`:
    /// callers name one load balancer, so no answer is paged.
    public func classicELB(region: String? = nil) -> AWSQueryClient {
        AWSQueryClient(session: self, service: .classicELB, version: "2012-06-01", region: region ?? self.region,
                       pageToken: "Marker")
    }
}
