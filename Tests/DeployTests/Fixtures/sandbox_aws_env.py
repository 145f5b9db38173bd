#!/usr/bin/env python3
"""The AWS environment for a sandbox, as a user sets it for the amazon.aws collections and play:

  sandbox_aws_env.py SANDBOX_DIR [--publish-build N]

Prints one JSON object: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the sandbox's own key, from its
vault file), AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION. With --publish-build N, first
builds th3-server N (apps/th3-server/build.sh) and puts it in the build bucket at the standard
key, as a release pipeline would: a build the sandbox did not bake an image for.
"""
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "sandbox"))
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


def main(sandbox_dir, publish=None):
    os.environ["SANDBOX_DIR"] = sandbox_dir
    from sandboxlib import vaultfile            # noqa: E402 - after SANDBOX_DIR is set
    from sandboxlib.config import Settings      # noqa: E402

    settings = Settings.from_env()
    creds = vaultfile.read(settings.paths, settings.vault_cmd)
    with open(os.path.join(sandbox_dir, "env.json")) as f:
        env = json.load(f)
    out = {"AWS_ACCESS_KEY_ID": creds["aws_access_key_id"], "AWS_SECRET_ACCESS_KEY": creds["aws_secret_access_key"],
           "AWS_ENDPOINT_URL": env["endpoint_url"], "AWS_REGION": env["region"], "AWS_DEFAULT_REGION": env["region"]}
    if publish:
        import boto3
        s3 = boto3.client("s3", endpoint_url=env["endpoint_url"], region_name=env["region"],
                          aws_access_key_id=out["AWS_ACCESS_KEY_ID"], aws_secret_access_key=out["AWS_SECRET_ACCESS_KEY"])
        with tempfile.TemporaryDirectory() as work:
            subprocess.run([os.path.join(REPO, "apps", "th3-server", "build.sh"), publish, work], check=True,
                           stdout=subprocess.DEVNULL)
            name = f"th3-server-{publish}.tar.gz"
            with open(os.path.join(work, name), "rb") as f:
                s3.put_object(Bucket=env["bucket"], Key=f"{env['build_prefix']}{publish}/{name}", Body=f.read(),
                              Metadata={"version": publish})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[2] if len(args) > 2 and args[1] == "--publish-build" else None)
