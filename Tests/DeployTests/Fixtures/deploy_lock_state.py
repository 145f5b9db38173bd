#!/usr/bin/env python3
"""The deploy lock of th3-server in the sandbox's build bucket, read (or planted) with boto3: an
oracle for DeployLockTests independent of play, and the fault a test needs (the lock of a run that
died on another machine).

  deploy_lock_state.py SANDBOX_DIR            prints {"lock": RECORD or null, "journal": N}
  deploy_lock_state.py SANDBOX_DIR --plant    writes a lock held by pid 999999 on host
                                              "another-controller", lease 600 s, then prints as above

Credentials come from the sandbox's vault file (decrypted with its VAULT_CMD); never printed.
The key layout is play's (Sources/PlayModules/Deploy/Lock/DeployLockStore.swift).
"""
import datetime
import json
import os
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "sandbox"))
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

APP = "th3-server"
LOCK_KEY = f"play-locks/{APP}/lock.json"
JOURNAL_PREFIX = f"play-locks-journal-{APP}~"


def main(sandbox_dir, plant):
    os.environ["SANDBOX_DIR"] = sandbox_dir
    from sandboxlib import vaultfile            # noqa: E402 - after SANDBOX_DIR is set
    from sandboxlib.config import Settings      # noqa: E402
    import boto3

    settings = Settings.from_env()
    creds = vaultfile.read(settings.paths, settings.vault_cmd)
    with open(os.path.join(sandbox_dir, "env.json")) as f:
        env = json.load(f)
    s3 = boto3.client("s3", endpoint_url=env["endpoint_url"], region_name=env["region"],
                      aws_access_key_id=creds["aws_access_key_id"],
                      aws_secret_access_key=creds["aws_secret_access_key"])
    bucket = env["bucket"]
    if plant:
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        record = {"app": APP, "run": "planted-dead-run", "user": "mallory", "host": "another-controller",
                  "pid": 999999, "flow": "deploy", "version": "7", "since": stamp, "renewed": stamp,
                  "lease_seconds": 600,
                  "expires": (now + datetime.timedelta(seconds=600)).strftime("%Y-%m-%dT%H:%M:%SZ")}
        s3.put_object(Bucket=bucket, Key=LOCK_KEY, Body=json.dumps(record).encode())
    try:
        lock = json.loads(s3.get_object(Bucket=bucket, Key=LOCK_KEY)["Body"].read())
    except s3.exceptions.NoSuchKey:
        lock = None
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=JOURNAL_PREFIX)
    json.dump({"lock": lock, "journal": listed.get("KeyCount", 0)}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], "--plant" in sys.argv[2:])
