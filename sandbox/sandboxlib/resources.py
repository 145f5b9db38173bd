"""The AWS resources of the sandbox, created in moto with the sandbox's own (signed) key.

  VPC 127.0.0.0/16 (so instances get loopback addresses), subnet SANDBOX_SUBNET in AZ REGIONa,
  security group th3-sandbox, key pair th3-sandbox (the operator's public key),
  AMIs: th3-sandbox-base (no app) and th3-server-vN per build (tags app=th3-server,
        app-version=N, app-artifact=s3://th3-builds/th3-server/N/th3-server-N.tar.gz),
  S3 bucket th3-builds: th3-server/N/th3-server-N.tar.gz (metadata version, sha256),
  ALB th3-alb with listener :80 forwarding to target group th3-tg (HTTP 8080, /health,
  thresholds 2/2, deregistration delay SANDBOX_DEREGISTRATION_DELAY).
"""

import hashlib
import math

from . import motoserver

NAME = "th3-sandbox"
APP = "th3-server"
BUCKET = "th3-builds"
TARGET_GROUP = "th3-tg"
LOAD_BALANCER = "th3-alb"
INSTANCE_TYPE = "t3.micro"


def build_key(version):
    return f"{APP}/{version}/{APP}-{version}.tar.gz"


def _tags(name, **extra):
    tags = [{"Key": "Name", "Value": name}, {"Key": "sandbox", "Value": NAME}]
    return tags + [{"Key": k.replace("_", "-"), "Value": v} for k, v in extra.items()]


def create(settings, moto_port, key_id, secret, client_pub, builds):
    """builds: {version: (tarball path, broken bool)}. Returns the resource ids as a dict."""
    region = settings.region
    ec2 = motoserver.client("ec2", moto_port, region, key_id, secret)
    elb = motoserver.client("elbv2", moto_port, region, key_id, secret)
    s3 = motoserver.client("s3", moto_port, region, key_id, secret)
    az = region + "a"

    vpc = ec2.create_vpc(CidrBlock="127.0.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": _tags(NAME)}])["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=settings.subnet_cidr, AvailabilityZone=az,
                               TagSpecifications=[{"ResourceType": "subnet", "Tags": _tags(NAME)}]
                               )["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName=NAME, Description="th3 sandbox: ssh and app from loopback",
                                   VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "127.0.0.0/8"}]}
        for p in (settings.ssh_port, settings.app_port)])
    ec2.import_key_pair(KeyName=NAME, PublicKeyMaterial=client_pub.encode())

    def image(name, description, tags):
        image_id = ec2.register_image(Name=name, Description=description, Architecture="x86_64",
                                      RootDeviceName="/dev/xvda", VirtualizationType="hvm")["ImageId"]
        ec2.create_tags(Resources=[image_id], Tags=tags)
        return image_id

    base = image(f"{NAME}-base", "th3 sandbox base image: sshd, python3, no app", _tags(f"{NAME}-base"))

    s3.create_bucket(Bucket=BUCKET)
    app_images, keys, checksums = {}, {}, {}
    for version, (path, broken) in sorted(builds.items()):
        with open(path, "rb") as f:
            data = f.read()
        sha = hashlib.sha256(data).hexdigest()
        key = build_key(version)
        s3.put_object(Bucket=BUCKET, Key=key, Body=data, ContentType="application/gzip",
                      Metadata={"version": version, "sha256": sha})
        keys[version], checksums[version] = key, sha
        desc = f"{APP} build {version} baked in; starts on boot on port {settings.app_port}"
        if broken:
            desc += " (health_check_fails: /health answers 500)"
        app_images[version] = image(f"{APP}-v{version}", desc, _tags(
            f"{APP}-v{version}", app=APP, app_version=version, app_artifact=f"s3://{BUCKET}/{key}"))

    lb = elb.create_load_balancer(Name=LOAD_BALANCER, Subnets=[subnet], SecurityGroups=[sg],
                                  Scheme="internet-facing", Type="application",
                                  Tags=[{"Key": "sandbox", "Value": NAME}])["LoadBalancers"][0]
    tg = elb.create_target_group(Name=TARGET_GROUP, Protocol="HTTP", Port=settings.app_port, VpcId=vpc,
                                 TargetType="instance", HealthCheckProtocol="HTTP", HealthCheckPath="/health",
                                 HealthCheckPort="traffic-port", HealthCheckIntervalSeconds=5,
                                 HealthCheckTimeoutSeconds=2, HealthyThresholdCount=2,
                                 UnhealthyThresholdCount=2, Matcher={"HttpCode": "200"},
                                 Tags=[{"Key": "sandbox", "Value": NAME}, {"Key": "app", "Value": APP}]
                                 )["TargetGroups"][0]
    # AWS takes whole seconds; the agent uses min(attribute, SANDBOX_DEREGISTRATION_DELAY).
    elb.modify_target_group_attributes(TargetGroupArn=tg["TargetGroupArn"], Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": str(math.ceil(settings.deregistration_delay))}])
    listener = elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                                   DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}]
                                   )["Listeners"][0]
    return {
        "vpc_id": vpc, "subnet_id": subnet, "subnet_cidr": settings.subnet_cidr, "availability_zone": az,
        "security_group_id": sg, "key_name": NAME, "instance_type": INSTANCE_TYPE,
        "base_image_id": base, "app_images": app_images,
        "bucket": BUCKET, "build_prefix": f"{APP}/", "build_keys": keys, "build_sha256": checksums,
        "broken_builds": sorted(v for v, (_, broken) in builds.items() if broken),
        "target_group_name": TARGET_GROUP, "target_group_arn": tg["TargetGroupArn"],
        "load_balancer_name": LOAD_BALANCER, "load_balancer_arn": lb["LoadBalancerArn"],
        "listener_arn": listener["ListenerArn"],
    }
