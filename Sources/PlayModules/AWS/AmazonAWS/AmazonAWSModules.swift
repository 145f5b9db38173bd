import PlayExecutor

/// The amazon.aws / community.aws modules under their collection names (the parser strips the
/// `amazon.aws.` / `community.aws.` prefix), with the collections' arguments and result shapes.
enum AmazonAWSModules {
    static var all: [any Module] {
        EC2DescribeInfoModule.all as [any Module] + [
            EC2InstanceModule(), AWSCallerInfoModule(), EC2TagModule(), EC2KeyModule(), S3ObjectModule(), S3BucketModule(), EC2EIPModule(),
            ELBTargetModule(), ELBTargetInfoModule(), ELBTargetGroupInfoModule(), ELBApplicationLBInfoModule(),
        ] + [
            // IAM, CloudFormation, Auto Scaling, launch templates, Route 53 (aws-iam).
            CloudFormationModule(), CloudFormationInfoModule(), IAMRoleModule(), IAMRoleInfoModule(), IAMPolicyModule(),
            IAMInstanceProfileModule(), AutoScalingGroupModule(), AutoScalingGroupInfoModule(), AutoScalingLaunchConfigModule(),
            EC2LaunchTemplateModule(), Route53Module(), Route53InfoModule(), Route53ZoneModule(),
            // Network, storage and images (branch aws-net).
            EC2VPCIGWModule(), EC2VPCRouteTableModule(), EC2VPCNATGatewayModule(), EC2VolumeModule(), EC2SnapshotModule(), EC2AMIModule(), STSAssumeRoleModule(),
            // Containers, keys.
            ECSClusterModule(), KMSKeyInfoModule(),
            // Classic load balancers (awsdeploy).
            ELBClassicLBModule(),
        ]
    }
}
