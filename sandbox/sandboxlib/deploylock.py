"""sandboxctl lock [--json] [--plant-dead [--lease SECONDS]] -- the deploy lock of th3-server.

The lock and journal `play` keeps in the build bucket (Sources/PlayModules/Deploy/Lock), read with
boto3 and the sandbox's own key: who holds the lock and how many journal records there are.
`--plant-dead` first writes the lock of a run that died on another controller (user mallory,
host another-controller, pid 999999, lease 600 s unless --lease): the fault an operator meets
when a colleague's machine went away mid-deploy (break it with --tags unlock -e force=yes, or
wait for the lease with -e lock_wait=SECONDS).
"""
import datetime
import json
import os

from . import vaultfile
from .config import Settings

APP = "th3-server"
LOCK_KEY = f"play-locks/{APP}/lock.json"
# No "/" in the listing prefix: moto with signature checks refuses one (see DeployLockStore).
JOURNAL_PREFIX = f"play-locks-journal-{APP}~"


def _client(settings):
    import boto3
    creds = vaultfile.read(settings.paths, settings.vault_cmd)
    with open(settings.paths.env_json) as f:
        env = json.load(f)
    s3 = boto3.client("s3", endpoint_url=env["endpoint_url"], region_name=env["region"],
                      aws_access_key_id=creds["aws_access_key_id"],
                      aws_secret_access_key=creds["aws_secret_access_key"])
    return s3, env["bucket"]


def plant_dead(s3, bucket, lease):
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    record = {"app": APP, "run": "planted-dead-run", "user": "mallory", "host": "another-controller",
              "pid": 999999, "flow": "deploy", "version": "7", "since": stamp, "renewed": stamp,
              "lease_seconds": lease,
              "expires": (now + datetime.timedelta(seconds=lease)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    s3.put_object(Bucket=bucket, Key=LOCK_KEY, Body=json.dumps(record).encode())


def read(s3, bucket):
    try:
        lock = json.loads(s3.get_object(Bucket=bucket, Key=LOCK_KEY)["Body"].read())
    except s3.exceptions.NoSuchKey:
        lock = None
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=JOURNAL_PREFIX)
    return {"lock": lock, "journal": listed.get("KeyCount", 0)}


def main(argv):
    args = list(argv)
    as_json = "--json" in args
    plant = "--plant-dead" in args
    lease = 600
    if "--lease" in args:
        i = args.index("--lease")
        try:
            lease = int(args[i + 1])
        except (IndexError, ValueError):
            print("sandboxctl lock: --lease needs a number of seconds")
            return 2
        del args[i:i + 2]
    unknown = [a for a in args if a not in ("--json", "--plant-dead")]
    if unknown:
        print(__doc__.splitlines()[0])
        return 2
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    s3, bucket = _client(Settings.from_env())
    if plant:
        plant_dead(s3, bucket, lease)
    state = read(s3, bucket)
    if as_json:
        print(json.dumps(state))
    elif state["lock"] is None:
        print(f"{APP}: not locked; {state['journal']} journal record(s)")
    else:
        l = state["lock"]
        print(f"{APP}: locked by {l['user']} on {l['host']} (pid {l['pid']}): {l['flow']} {l['version']}, "
              f"since {l['since']}, lease {l['lease_seconds']} s renewed {l['renewed']}; "
              f"{state['journal']} journal record(s)")
    return 0
