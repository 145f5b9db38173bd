#!/usr/bin/env python3
"""Deletes one build from the sandbox's bucket (as an operator's cleanup would), with boto3.

  remove_build.py SANDBOX_DIR VERSION

Credentials come from the sandbox's vault file, as in sandbox_state.py.
"""
import json
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "sandbox"))
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


def main(sandbox_dir, version):
    os.environ["SANDBOX_DIR"] = sandbox_dir
    from sandboxlib import vaultfile            # noqa: E402 - after SANDBOX_DIR is set
    from sandboxlib.config import Settings      # noqa: E402
    import boto3
    from botocore.config import Config

    settings = Settings.from_env()
    creds = vaultfile.read(settings.paths, settings.vault_cmd)
    with open(os.path.join(sandbox_dir, "env.json")) as f:
        env = json.load(f)
    # Straight to moto: the counting endpoint in front of it is play's alone.
    s3 = boto3.client("s3", endpoint_url=env["moto_url"], region_name=env["region"],
                      aws_access_key_id=creds["aws_access_key_id"], aws_secret_access_key=creds["aws_secret_access_key"],
                      config=Config(s3={"addressing_style": "path"}))
    # The sandbox's layout (sandbox/README.md): one archive per build.
    s3.delete_object(Bucket="th3-builds", Key=f"th3-server/{version}/th3-server-{version}.tar.gz")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
