/// The services added for the collections' CloudFormation, Auto Scaling and Route 53 modules, and Systems Manager for the aws_ssm connection
/// (IAM is in `AWSService`).
extension AWSService {
    public static let cloudFormation = AWSService(name: "CloudFormation", signingName: "cloudformation",
                                                  endpointPrefix: "cloudformation", environmentSuffix: "CLOUDFORMATION",
                                                  configKey: "cloudformation", iamPrefix: "cloudformation", isGlobal: false)
    public static let autoScaling = AWSService(name: "AutoScaling", signingName: "autoscaling",
                                               endpointPrefix: "autoscaling", environmentSuffix: "AUTO_SCALING",
                                               configKey: "auto_scaling", iamPrefix: "autoscaling", isGlobal: false)

    public static let route53 = AWSService(name: "Route53", signingName: "route53", endpointPrefix: "route53",
                                           environmentSuffix: "ROUTE_53", configKey: "route_53", iamPrefix: "route53", isGlobal: true)
    public static let kms = AWSService(name: "KMS", signingName: "kms", endpointPrefix: "kms", environmentSuffix: "KMS",
                                       configKey: "kms", iamPrefix: "kms", isGlobal: false)
    public static let ssm = AWSService(name: "SSM", signingName: "ssm", endpointPrefix: "ssm", environmentSuffix: "SSM",
                                       configKey: "ssm", iamPrefix: "ssm", isGlobal: false)
}

/// Amazon ECR (for community.aws `ecs_ecr`): its API lives under `api.ecr.<region>`.
extension AWSService {
    public static let ecr = AWSService(name: "ECR", signingName: "ecr", endpointPrefix: "api.ecr", environmentSuffix: "ECR",
                                       configKey: "ecr", iamPrefix: "ecr", isGlobal: false)
}
