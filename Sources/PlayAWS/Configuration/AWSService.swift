/// An AWS API this package talks to, with the names the SDKs use for it in each place.
public struct AWSService: Sendable, Hashable, CustomStringConvertible {
    /// Short name for messages and metrics: "EC2", "ELBv2", "S3", "ECS".
    public let name: String
    /// The SigV4 signing name (the credential scope's service).
    public let signingName: String
    /// The first label of the default endpoint host.
    public let endpointPrefix: String
    /// The SDK service id, upper-cased with `_`: `AWS_ENDPOINT_URL_<this>`.
    public let environmentSuffix: String
    /// The key in a config-file `[services …]` section.
    public let configKey: String
    /// The IAM action prefix, for "which permission is missing" hints.
    public let iamPrefix: String
    /// Global services sign for us-east-1 and have one endpoint.
    public let isGlobal: Bool

    public var description: String { name }

    public static let ec2 = AWSService(name: "EC2", signingName: "ec2", endpointPrefix: "ec2",
                                       environmentSuffix: "EC2", configKey: "ec2", iamPrefix: "ec2", isGlobal: false)
    public static let elbv2 = AWSService(name: "ELBv2", signingName: "elasticloadbalancing",
                                         endpointPrefix: "elasticloadbalancing",
                                         environmentSuffix: "ELASTIC_LOAD_BALANCING_V2",
                                         configKey: "elastic_load_balancing_v2",
                                         iamPrefix: "elasticloadbalancing", isGlobal: false)
    public static let s3 = AWSService(name: "S3", signingName: "s3", endpointPrefix: "s3",
                                      environmentSuffix: "S3", configKey: "s3", iamPrefix: "s3", isGlobal: false)
    public static let ecs = AWSService(name: "ECS", signingName: "ecs", endpointPrefix: "ecs",
                                       environmentSuffix: "ECS", configKey: "ecs", iamPrefix: "ecs", isGlobal: false)
    public static let iam = AWSService(name: "IAM", signingName: "iam", endpointPrefix: "iam",
                                       environmentSuffix: "IAM", configKey: "iam", iamPrefix: "iam", isGlobal: true)
    public static let sts = AWSService(name: "STS", signingName: "sts", endpointPrefix: "sts",
                                       environmentSuffix: "STS", configKey: "sts", iamPrefix: "sts", isGlobal: false)
}
