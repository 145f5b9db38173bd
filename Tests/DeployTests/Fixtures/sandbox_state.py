#!/usr/bin/env python3
"""What the sandbox's AWS says, read with boto3: an oracle for DeployTests independent of play.

  sandbox_state.py SANDBOX_DIR

Prints one JSON object: {"instances": [{"id", "state", "private_ip", "app", "version",
"deployment"}], "targets": [{"id", "port", "state", "reason"}]} for every instance that is not
terminated and every target of the sandbox's target group. Credentials come from the sandbox's
own vault file (decrypted with its VAULT_CMD); they are never printed.
"""
import json
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "sandbox"))
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


def main(sandbox_dir):
    os.environ["SANDBOX_DIR"] = sandbox_dir
    from sandboxlib import vaultfile            # noqa: E402 - after SANDBOX_DIR is set
    from sandboxlib.config import Settings      # noqa: E402
    import boto3

    settings = Settings.from_env()
    creds = vaultfile.read(settings.paths, settings.vault_cmd)
    with open(os.path.join(sandbox_dir, "env.json")) as f:
        env = json.load(f)
    kw = dict(endpoint_url=env["endpoint_url"], region_name=env["region"],
              aws_access_key_id=creds["aws_access_key_id"], aws_secret_access_key=creds["aws_secret_access_key"])
    ec2 = boto3.client("ec2", **kw)
    elb = boto3.client("elbv2", **kw)
    instances = []
    for page in ec2.get_paginator("describe_instances").paginate():
        for reservation in page["Reservations"]:
            for i in reservation["Instances"]:
                if i["State"]["Name"] in ("terminated", "shutting-down"):
                    continue
                tags = {t["Key"]: t["Value"] for t in i.get("Tags", [])}
                instances.append({"id": i["InstanceId"], "state": i["State"]["Name"],
                                  "private_ip": i.get("PrivateIpAddress"), "app": tags.get("app"),
                                  "version": tags.get("version"), "deployment": tags.get("deployment")})
    targets = [{"id": d["Target"]["Id"], "port": d["Target"].get("Port"), "state": d["TargetHealth"]["State"],
                "reason": d["TargetHealth"].get("Reason")}
               for d in elb.describe_target_health(TargetGroupArn=env["target_group_arn"])["TargetHealthDescriptions"]]
    json.dump({"instances": instances, "targets": targets}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
