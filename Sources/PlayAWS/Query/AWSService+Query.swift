/// The Query-protocol services `AWSQueryClient` talks to besides IAM.
extension AWSService {
    public static let cloudFormation = AWSService(name: "CloudFormation", signingName: "cloudformation",
                                                  endpointPrefix: "cloudformation", environmentSuffix: "CLOUDFORMATION",
                                                  configKey: "cloudformation", iamPrefix: "cloudformation", isGlobal: false)
    public static let autoScaling = AWSService(name: "AutoScaling", signingName: "autoscaling",
                                               endpointPrefix: "autoscaling", environmentSuffix: "AUTO_SCALING",
                                               configKey: "auto_scaling", iamPrefix: "autoscaling", isGlobal: false)
}
