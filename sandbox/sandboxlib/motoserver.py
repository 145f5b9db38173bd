"""moto_server with signature checking on, and the sandbox's own IAM access key.

moto checks nothing until INITIAL_NO_AUTH_ACTION_COUNT actions have passed; the sandbox spends
exactly those free actions creating an IAM user, its access key and an Action:* policy. From then
on every request must be signed with that key, as against AWS.
"""

import json
import re
import sys
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from . import procs

FREE_ACTIONS = 3   # CreateUser, CreateAccessKey, PutUserPolicy
USER = "th3-sandbox"
RUNNING = re.compile(r"Running on http://127\.0\.0\.1:(\d+)")


class MotoError(Exception):
    pass


def start(log_path, env):
    """Starts `python3 -m moto.server` (the interpreter itself, not a pyenv shim, so the pid is the
    server's) and returns (Popen, port)."""
    env = dict(env, INITIAL_NO_AUTH_ACTION_COUNT=str(FREE_ACTIONS),
               MOTO_EC2_LOAD_DEFAULT_AMIS="false", MOTO_ENABLE_AMI_VALIDATION="true")
    proc = procs.spawn([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0"], log_path, env)
    deadline = time.monotonic() + 60
    port = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise MotoError(f"moto_server exited with {proc.returncode}; see {log_path}")
        with open(log_path, errors="replace") as f:
            m = RUNNING.search(f.read())
        if m:
            port = int(m.group(1))
            break
        time.sleep(0.05)
    if port is None:
        raise MotoError(f"moto_server printed no port within 60 s; see {log_path}")
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=2) as r:
                if r.status == 200:
                    return proc, port
        except OSError:
            time.sleep(0.05)
    raise MotoError(f"moto_server on port {port} did not become ready; see {log_path}")


def client(service, port, region, key_id, secret):
    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}", region_name=region,
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 2}, connect_timeout=5, read_timeout=60))


def create_access_key(port, region):
    """Spends the free actions on the sandbox's IAM user; returns (key id, secret)."""
    # Any syntactically valid key works while auth is off; it is not stored anywhere.
    iam = client("iam", port, region, "AKIASANDBOXBOOTSTRAP", "bootstrap-only")
    iam.create_user(UserName=USER)
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_user_policy(UserName=USER, PolicyName="everything", PolicyDocument=json.dumps(policy))
    return key["AccessKeyId"], key["SecretAccessKey"]


def assert_auth_on(port, region, key_id):
    """Proves signature checking is on: the right key id with a wrong secret must be refused."""
    ec2 = client("ec2", port, region, key_id, "not-the-secret")
    try:
        ec2.describe_vpcs()
    except ClientError as e:
        if e.response["Error"]["Code"] in ("AuthFailure", "SignatureDoesNotMatch"):
            return
        raise
    raise MotoError("moto accepted a request signed with a wrong secret: signature checking is off")
