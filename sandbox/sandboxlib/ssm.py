"""Systems Manager Run Command for the sandbox's instances, for real.

moto records SendCommand but runs nothing and answers every invocation with an instant
`Success` and no output. Here the fleet agent runs each AWS-RunShellScript invocation inside
its instance, as the SSM agent on an EC2 instance would: `sh` over the joined `commands`, in
the instance's home (or the `workingDirectory` parameter), with the instance's environment
(HOME, the SANDBOX_INSTANCE marker, its UTS namespace), so stopping the instance kills it.

  SendCommand              moto validates and records it (auth, document); then every
                           InstanceId is checked (terminated or unknown: InvalidInstanceId, as
                           AWS says) and its invocation starts: at once on a running instance,
                           when it next runs on a stopped one (until TimeoutSeconds: then
                           TimedOut / DeliveryTimedOut)
  GetCommandInvocation     Pending, InProgress, Success, Failed, TimedOut (executionTimeout)
                           or Cancelled; StandardOutputContent / StandardErrorContent cut at
                           24,000 characters, the whole of each in the OutputS3BucketName
                           bucket when one was given; ResponseCode (-1 until it ends)
  ListCommandInvocations   the same per instance (Details: CommandPlugins with Output)
  CancelCommand            kills what still runs

A failed script's stderr ends with "failed to run commands: exit status N", as the SSM agent
writes it.

The same agent also serves presigned S3 URLs (moto answers 500 to them when it checks
signatures): `presigned_s3` verifies the SigV4 query signature with the sandbox key and
performs the GET or PUT with a signed call to moto.
"""

import datetime
import hashlib
import hmac
import os
import signal
import subprocess
import threading
import time
from urllib.parse import parse_qsl, quote, unquote

from . import fleet

OUTPUT_LIMIT = 24000
PLUGIN = "aws:runShellScript"
STEP = "awsrunShellScript"


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def error(code, message, status=400):
    return status, {"__type": code, "message": message}


class Invocation:
    def __init__(self, command, instance_id):
        self.command = command
        self.instance_id = instance_id
        self.status = "Pending"
        self.details = "Pending"
        self.response_code = -1
        self.stdout = ""
        self.stderr = ""
        self.started = ""
        self.ended = ""
        self.proc = None
        self.requested = time.monotonic()
        self.stdout_url = ""
        self.stderr_url = ""

    def view(self):
        c = self.command
        return {
            "CommandId": c["CommandId"], "InstanceId": self.instance_id, "Comment": c.get("Comment", ""),
            "DocumentName": c["DocumentName"], "DocumentVersion": "$DEFAULT", "PluginName": PLUGIN,
            "ResponseCode": self.response_code, "ExecutionStartDateTime": self.started,
            "ExecutionElapsedTime": "", "ExecutionEndDateTime": self.ended,
            "Status": self.status, "StatusDetails": self.details,
            "StandardOutputContent": self.stdout[:OUTPUT_LIMIT], "StandardOutputUrl": self.stdout_url,
            "StandardErrorContent": self.stderr[:OUTPUT_LIMIT], "StandardErrorUrl": self.stderr_url,
        }

    def list_view(self, details):
        out = {"CommandId": self.command["CommandId"], "InstanceId": self.instance_id,
               "DocumentName": self.command["DocumentName"], "Status": self.status,
               "StatusDetails": self.details, "StandardOutputUrl": self.stdout_url,
               "StandardErrorUrl": self.stderr_url, "CommandPlugins": []}
        if details:
            out["CommandPlugins"] = [{
                "Name": PLUGIN, "Status": self.status, "StatusDetails": self.details,
                "ResponseCode": self.response_code, "ResponseStartDateTime": self.started,
                "ResponseFinishDateTime": self.ended, "Output": (self.stdout + self.stderr)[:2500],
                "StandardOutputUrl": self.stdout_url, "StandardErrorUrl": self.stderr_url,
                "OutputS3BucketName": self.command.get("OutputS3BucketName", ""),
                "OutputS3KeyPrefix": self.command.get("OutputS3KeyPrefix", "")}]
        return out


class RunCommand:
    """The SSM side of the fleet agent. `agent` gives instances (under agent.lock), paths,
    run_id, uts and an S3 client for moto; `creds` the sandbox key."""

    def __init__(self, agent, creds, region, log):
        self.agent = agent
        self.creds = creds
        self.region = region
        self.log = log
        self.lock = threading.Lock()
        self.invocations = {}       # (command id, instance id) -> Invocation
        self.order = []             # (command id, instance id) in request order

    # ------------------------------------------------------------------ API
    def handle(self, action, request, moto_answer):
        if action == "SendCommand":
            return self.send_command(request, moto_answer)
        if action == "GetCommandInvocation":
            with self.lock:
                inv = self.invocations.get((request.get("CommandId"), request.get("InstanceId")))
            if inv is None:
                return error("InvocationDoesNotExist", "")
            return 200, inv.view()
        if action == "ListCommandInvocations":
            with self.lock:
                found = [self.invocations[k] for k in self.order
                         if request.get("CommandId") in (None, k[0]) and request.get("InstanceId") in (None, k[1])]
            return 200, {"CommandInvocations": [i.list_view(bool(request.get("Details"))) for i in found]}
        if action == "CancelCommand":
            with self.lock:
                found = [i for k, i in self.invocations.items() if k[0] == request.get("CommandId")
                         and (not request.get("InstanceIds") or k[1] in request["InstanceIds"])]
            for inv in found:
                self.cancel(inv)
            return 200, {}
        return None

    def send_command(self, request, moto_answer):
        command = dict(moto_answer.get("Command") or {})
        if not command.get("CommandId"):
            return None
        if request.get("DocumentName") != "AWS-RunShellScript":
            return error("InvalidDocument", "the sandbox runs AWS-RunShellScript only")
        ids = request.get("InstanceIds") or []
        if not ids:
            return error("InvalidParameters", "the sandbox sends commands to InstanceIds only (no Targets)")
        with self.agent.lock:
            known = {iid: inst.state for iid, inst in self.agent.instances.items() if inst.phase != "gone"}
        bad = [iid for iid in ids if known.get(iid) not in ("pending", "running", "stopping", "stopped")]
        if bad:
            return error("InvalidInstanceId", f"Instances {bad} not in a valid state for account")
        params = request.get("Parameters") or {}
        command.update({"Status": "Pending", "StatusDetails": "Pending", "TargetCount": len(ids),
                        "CompletedCount": 0, "ErrorCount": 0, "DeliveryTimedOutCount": 0,
                        "OutputS3BucketName": request.get("OutputS3BucketName", ""),
                        "OutputS3KeyPrefix": request.get("OutputS3KeyPrefix", ""),
                        "TimeoutSeconds": int(request.get("TimeoutSeconds") or 3600)})
        script = "\n".join(params.get("commands") or [])
        workdir = (params.get("workingDirectory") or [""])[0]
        timeout = float((params.get("executionTimeout") or ["3600"])[0])
        for iid in ids:
            inv = Invocation(command, iid)
            with self.lock:
                self.invocations[(command["CommandId"], iid)] = inv
                self.order.append((command["CommandId"], iid))
            threading.Thread(target=self.deliver, args=(inv, script, workdir, timeout),
                             name=f"ssm-{iid}", daemon=True).start()
        return 200, {"Command": command}

    # ------------------------------------------------------------------ running
    def instance(self, iid):
        with self.agent.lock:
            inst = self.agent.instances.get(iid)
            return None if inst is None else (inst.state, inst.phase, inst.ip)

    def deliver(self, inv, script, workdir, timeout):
        deadline = inv.requested + inv.command["TimeoutSeconds"]
        while True:
            if inv.status == "Cancelled":
                return
            found = self.instance(inv.instance_id)
            if found and found[0] == "running" and found[1] == "up":
                break
            if found is None or found[0] == "terminated" or time.monotonic() > deadline:
                self.finish(inv, "TimedOut", "DeliveryTimedOut", -1, "", "")
                return
            time.sleep(0.2)
        self.execute(inv, script, workdir, timeout, found[2])

    def execute(self, inv, script, workdir, timeout, ip):
        paths, iid = self.agent.paths, inv.instance_id
        home = os.path.join(paths.instance_dir(iid), "home")
        hostname = fleet.hostname_for(ip)
        env = fleet.instance_env(iid, self.agent.run_id, home, hostname)
        argv = ["sh", "-c", script]
        if self.agent.uts:
            argv = ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', hostname] + argv
        try:
            proc = subprocess.Popen(argv, cwd=workdir or home, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except OSError as e:
            self.finish(inv, "Failed", "Failed", 1, "", f"failed to run commands: {e}")
            return
        with self.lock:
            inv.proc, inv.status, inv.details, inv.started = proc, "InProgress", "InProgress", now_iso()
        timed_out = False
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            self.kill(proc)
            out, err = proc.communicate()
        stdout, stderr = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
        code = proc.returncode if proc.returncode >= 0 else -1
        if inv.status == "Cancelled":
            return
        if timed_out:
            self.finish(inv, "TimedOut", "ExecutionTimedOut", -1, stdout, stderr + "\nfailed to run commands: timed out")
        elif code == 0:
            self.finish(inv, "Success", "Success", 0, stdout, stderr)
        else:
            self.finish(inv, "Failed", "Failed", code, stdout,
                        stderr + (f"failed to run commands: exit status {code}" if code > 0 else
                                  "failed to run commands: signal: killed"))

    def kill(self, proc):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass

    def cancel(self, inv):
        with self.lock:
            if inv.status not in ("Pending", "InProgress"):
                return
            proc = inv.proc
            inv.status, inv.details, inv.ended = "Cancelled", "Cancelled", now_iso()
        if proc is not None:
            self.kill(proc)

    def finish(self, inv, status, details, code, stdout, stderr):
        bucket = inv.command.get("OutputS3BucketName")
        if bucket:
            prefix = inv.command.get("OutputS3KeyPrefix", "").strip("/")
            base = "/".join(p for p in (prefix, inv.command["CommandId"], inv.instance_id, STEP,
                                        "0." + STEP) if p)
            try:
                for name, text in (("stdout", stdout), ("stderr", stderr)):
                    if text:
                        self.agent.s3.put_object(Bucket=bucket, Key=f"{base}/{name}", Body=text.encode())
                        url = f"https://s3.{self.region}.amazonaws.com/{bucket}/{base}/{name}"
                        if name == "stdout":
                            inv.stdout_url = url
                        else:
                            inv.stderr_url = url
            except Exception as e:   # noqa: BLE001 - SSM reports the command, not the upload
                self.log(f"ssm: output of {inv.command['CommandId']} to s3://{bucket}/{base}: {e}")
        with self.lock:
            inv.status, inv.details, inv.response_code = status, details, code
            inv.stdout, inv.stderr, inv.ended = stdout, stderr, now_iso()
            inv.proc = None

    # ------------------------------------------------------------------ presigned S3
    def presigned_s3(self, method, path, host, body):
        """(status, content type, bytes) for a SigV4-presigned S3 GET/PUT/HEAD."""
        raw_path, _, raw_query = path.partition("?")
        pairs = parse_qsl(raw_query, keep_blank_values=True)
        q = dict(pairs)
        if q.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
            return 400, b"<Error><Code>AuthorizationQueryParametersError</Code></Error>"
        cred = q.get("X-Amz-Credential", "").split("/")
        if len(cred) != 5 or cred[0] != self.creds["access_key_id"]:
            return 403, b"<Error><Code>InvalidAccessKeyId</Code></Error>"
        try:
            signed_at = datetime.datetime.strptime(q["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
            expires = int(q["X-Amz-Expires"])
        except (KeyError, ValueError):
            return 400, b"<Error><Code>AuthorizationQueryParametersError</Code></Error>"
        if datetime.datetime.now(datetime.timezone.utc) > signed_at + datetime.timedelta(seconds=expires):
            return 403, b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
        canonical_query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
                                   for k, v in sorted(pairs) if k != "X-Amz-Signature")
        signed = q.get("X-Amz-SignedHeaders", "host")
        if signed != "host":
            return 403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>"
        canonical = "\n".join([method if method != "HEAD" else "HEAD", raw_path, canonical_query,
                               f"host:{host}\n", signed, "UNSIGNED-PAYLOAD"])
        scope = "/".join(cred[1:])
        to_sign = "\n".join(["AWS4-HMAC-SHA256", q["X-Amz-Date"], scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        key = ("AWS4" + self.creds["secret_access_key"]).encode()
        for part in cred[1:]:
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, q.get("X-Amz-Signature", "")):
            self.log(f"presigned {method} {raw_path}: signature does not match; canonical request:\n{canonical}")
            return 403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>"
        bucket, _, obj = unquote(raw_path).lstrip("/").partition("/")
        try:
            if method == "PUT":
                self.agent.s3.put_object(Bucket=bucket, Key=obj, Body=body)
                return 200, b""
            answer = self.agent.s3.get_object(Bucket=bucket, Key=obj)
            return 200, answer["Body"].read()
        except self.agent.s3.exceptions.NoSuchKey:
            return 404, b"<Error><Code>NoSuchKey</Code></Error>"
        except Exception as e:   # noqa: BLE001 - S3's answer, as an error document
            return 500, f"<Error><Code>InternalError</Code><Message>{e}</Message></Error>".encode()
