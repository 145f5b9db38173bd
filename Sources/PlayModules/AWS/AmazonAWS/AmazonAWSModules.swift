import PlayExecutor

/// The amazon.aws / community.aws modules under their collection names (the parser strips the
/// `amazon.aws.` / `community.aws.` prefix), with the collections' arguments and result shapes.
enum AmazonAWSModules {
    static var all: [ModuleEntry] {
        EC2DescribeInfoModule.entries + [
            .init("ec2_instance") { EC2InstanceModule() }, .init("aws_caller_info") { AWSCallerInfoModule() },
            .init("ec2_tag") { EC2TagModule() }, .init("ec2_key") { EC2KeyModule() },
            .init("s3_object", aliases: ["aws_s3"]) { S3ObjectModule() }, .init("s3_bucket") { S3BucketModule() },
            .init("ec2_eip") { EC2EIPModule() },
            .init("elb_target") { ELBTargetModule() }, .init("elb_target_info") { ELBTargetInfoModule() },
            .init("elb_target_group_info") { ELBTargetGroupInfoModule() },
            .init("elb_application_lb_info") { ELBApplicationLBInfoModule() }
        ] + [
            // IAM, CloudFormation, Auto Scaling, launch templates, Route 53 (aws-iam).
            .init("cloudformation") { CloudFormationModule() }, .init("cloudformation_info") { CloudFormationInfoModule() },
            .init("iam_role") { IAMRoleModule() }, .init("iam_role_info") { IAMRoleInfoModule() },
            .init("iam_policy") { IAMPolicyModule() },
            .init("iam_instance_profile") { IAMInstanceProfileModule() },
            .init("autoscaling_group", aliases: ["ec2_asg"]) { AutoScalingGroupModule() },
            .init("autoscaling_group_info") { AutoScalingGroupInfoModule() },
            .init("autoscaling_launch_config", aliases: ["ec2_lc"]) { AutoScalingLaunchConfigModule() },
            .init("autoscaling_instance_refresh") { AutoScalingInstanceRefreshModule() },
            .init("autoscaling_instance_refresh_info") { AutoScalingInstanceRefreshInfoModule() },
            .init("ec2_launch_template") { EC2LaunchTemplateModule() }, .init("route53") { Route53Module() },
            .init("route53_info") { Route53InfoModule() }, .init("route53_zone") { Route53ZoneModule() },
            // Network, storage and images (branch aws-net).
            .init("ec2_vpc_igw") { EC2VPCIGWModule() }, .init("ec2_vpc_route_table") { EC2VPCRouteTableModule() },
            .init("ec2_vpc_nat_gateway") { EC2VPCNATGatewayModule() }, .init("ec2_vol") { EC2VolumeModule() },
            .init("ec2_snapshot") { EC2SnapshotModule() }, .init("ec2_ami") { EC2AMIModule() },
            .init("sts_assume_role") { STSAssumeRoleModule() },
            // Containers, keys.
            .init("ecs_cluster") { ECSClusterModule() }, .init("ecs_ecr") { ECSECRModule() }, .init("kms_key_info") { KMSKeyInfoModule() },
            // Classic load balancers.
            .init("elb_classic_lb") { ELBClassicLBModule() },
        ]
    }
}
