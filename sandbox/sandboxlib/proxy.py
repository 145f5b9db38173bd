"""The sandbox's AWS endpoint: a threaded HTTP proxy in front of moto_server.

Every request goes to moto unchanged (same method, path, headers including Host, same body), so
SigV4 signatures made for this endpoint verify at moto. Three answers are changed on the way back
so they report what the sandbox's machines really do:
  ELBv2 DescribeTargetHealth    health as the load balancer sees it (initial, healthy,
                                unhealthy, draining) instead of moto's instant `healthy`
  ELBv2 Register/DeregisterTargets  unchanged, but the fleet agent hears of them at once
  EC2 DescribeInstanceStatus    `initializing` until the instance's sshd is up
  EC2 Run/Start/Stop/TerminateInstances  unchanged; the agent polls at once
  Auto Scaling Start/Describe/Cancel/RollbackInstanceRefresh  answered by the agent
                                (sandboxlib/autoscaling.py) after moto checked the signature

SSM (SendCommand, GetCommandInvocation, ListCommandInvocations, CancelCommand) is answered by
the agent, which runs the commands in the instances (sandboxlib/ssm.py); so are presigned S3 URLs.

GET /_sandbox/stats answers request counts per service and action (POST resets them): a cheap way
to measure how many AWS calls a deploy makes. ("_" cannot start an S3 bucket name.)

Run by sandboxctl: python3 -m sandboxlib.proxy STATE_DIR
"""

import base64
import http.client
import json
import os
import re
import signal
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from . import autoscaling, ecsapi
from .config import Settings
from .instancestatus import rewrite_describe_instance_status
from .targethealth import rewrite_describe_target_health

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
              "upgrade", "expect", "content-length"}
CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request")
# After these the agent polls at once, so instances boot or halt within milliseconds.
EC2_STATE_CHANGES = {"RunInstances", "StartInstances", "StopInstances", "TerminateInstances"}
SSM_AUTH_ERRORS = (b"InvalidSignatureException", b"UnrecognizedClientException", b"IncompleteSignature",
                   b"AccessDenied", b"MissingAuthenticationToken", b"ExpiredToken")
TARGET = re.compile(r"^Targets\.member\.(\d+)\.(Id|Port)$")


def log(msg):
    sys.stderr.write(time.strftime("%H:%M:%S ") + msg + "\n")
    sys.stderr.flush()


def classify(headers, path, body):
    """(service, action, params) of a request; params only for Query-protocol calls."""
    auth = headers.get("Authorization", "")
    m = CREDENTIAL.search(auth)
    query = urlsplit(path).query
    service = m.group(1) if m else ""
    if not service:
        cred = parse_qs(query).get("X-Amz-Credential", [""])[0]
        parts = cred.split("/")
        service = parts[3] if len(parts) >= 5 else ""
    params = {}
    ctype = headers.get("Content-Type", "")
    if body and ctype.startswith("application/x-www-form-urlencoded"):
        params = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    elif query and service in ("ec2", "elasticloadbalancing"):
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    # JSON protocols (ECS) name the action in X-Amz-Target: "AmazonEC2ContainerServiceV20141113.RunTask".
    action = params.get("Action", "") or headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
    return service, action, params


def targets_of(params):
    found = {}
    for key, value in params.items():
        m = TARGET.match(key)
        if m:
            found.setdefault(int(m.group(1)), {})[m.group(2)] = value
    return [{"id": t["Id"], "port": int(t["Port"]) if t.get("Port") else None}
            for _, t in sorted(found.items()) if "Id" in t]


class AgentUnavailable(Exception):
    pass


class Proxy:
    def __init__(self, moto_port, agent_port):
        self.moto_port = moto_port
        self.agent_port = agent_port
        self.stats = {}
        self.stats_lock = threading.Lock()

    def count(self, service, action):
        key = f"{service or 'unsigned'}:{action or '-'}"
        with self.stats_lock:
            self.stats[key] = self.stats.get(key, 0) + 1

    def agent(self, method, path, payload=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.agent_port, timeout=10)
        try:
            body = json.dumps(payload).encode() if payload is not None else None
            conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200:
                raise AgentUnavailable(f"agent answered {resp.status}: {data[:200]!r}")
            return json.loads(data)
        except (OSError, http.client.HTTPException, ValueError) as e:
            raise AgentUnavailable(str(e)) from e
        finally:
            conn.close()

    def forward(self, method, path, headers, body):
        conn = http.client.HTTPConnection("127.0.0.1", self.moto_port, timeout=120)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers.items():
                if name.lower() not in HOP_BY_HOP:
                    conn.putheader(name, value)
            if body or method in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, resp.reason, resp.getheaders(), data
        finally:
            conn.close()


def elb_error(code, message):
    return ('<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error>'
            f"<Type>Receiver</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>sandbox-proxy</RequestId></ErrorResponse>").encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status, reason, headers, body, head_length=None):
        self.send_response_only(status, reason)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(head_length if head_length is not None else len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def handle_one(self):
        proxy = self.server.proxy
        started = time.monotonic()
        body = self.read_body()
        if urlsplit(self.path).path == "/_sandbox/stats":
            if self.command == "POST":
                with proxy.stats_lock:
                    proxy.stats.clear()
            with proxy.stats_lock:
                data = json.dumps({"requests": sum(proxy.stats.values()), "by_action": proxy.stats}).encode()
            self.send(200, "OK", [("Content-Type", "application/json")], data)
            return
        service, action, params = classify(self.headers, self.path, body)
        if service == "ssm":
            action = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
        proxy.count(service, action)
        if service == "s3" and "X-Amz-Signature=" in urlsplit(self.path).query:
            self.presigned_s3(proxy, body)   # moto answers 500 to presigned URLs (sandboxlib/ssm.py)
            return
        try:
            status, reason, headers, data = proxy.forward(self.command, self.path, self.headers, body)
        except OSError as e:
            log(f"moto unreachable for {service}:{action}: {e}")
            self.send(502, "Bad Gateway", [("Content-Type", "text/plain")], b"sandbox: moto_server unreachable\n")
            return
        head_length = None
        if self.command == "HEAD":
            head_length = next((v for k, v in headers if k.lower() == "content-length"), "0")
        try:
            if status == 200 and service == "elasticloadbalancing":
                data = self.elb(proxy, action, params, data)
            elif status == 200 and service == "ec2" and action in EC2_STATE_CHANGES:
                proxy.agent("POST", "/events", {"action": "Poll"})
            elif service == "ecs":     # ECS runs in the sandbox: ecsapi.py answers task calls
                answer = ecsapi.proxy_answer(proxy.agent, self.headers, body, status, data)
                if answer is not None:
                    status, headers, data = answer
                    reason = HTTPStatus(status).phrase
            elif service == "autoscaling" and action in autoscaling.ACTIONS and status != 403:
                # moto has no instance refresh (it answers 500 once the signature passed): the agent does
                answer = proxy.agent("POST", "/autoscaling", {"action": action, "params": params})
                status, reason = answer["status"], "OK" if answer["status"] == 200 else "Bad Request"
                headers, data = [("Content-Type", "text/xml")], answer["xml"].encode()
            elif status == 200 and service == "autoscaling" and action in autoscaling.CAPACITY_CHANGES:
                proxy.agent("POST", "/events", {"action": "Poll"})
            elif service == "ssm":
                status, reason, headers, data = self.ssm(proxy, action, body, status, reason, headers, data)
            elif status == 200 and service == "ec2" and action == "DescribeInstanceStatus":
                booted = {iid for iid, i in proxy.agent("GET", "/instances")["instances"].items()
                          if i["phase"] == "up"}
                data = rewrite_describe_instance_status(data, booted)
        except AgentUnavailable as e:
            log(f"fleet agent unavailable for {action}: {e}")
            status, reason = 503, "Service Unavailable"
            headers = [("Content-Type", "text/xml")]
            data = elb_error("ServiceUnavailable", "The sandbox fleet agent is not answering; "
                             "see sandbox logs/agent.log and run sandboxctl status")
            if service == "ecs":
                headers = [("Content-Type", "application/x-amz-json-1.1")]
                data = json.dumps({"__type": "ServerException", "message": "The sandbox fleet agent is not "
                                   "answering; see sandbox logs/agent.log"}).encode()
        self.send(status, reason, headers, data, head_length)
        if service in ("ec2", "elasticloadbalancing", "ecs", "autoscaling") or status >= 400:
            log(f"{service or 'unsigned'} {action or self.command + ' ' + urlsplit(self.path).path} "
                f"-> {status} {1000 * (time.monotonic() - started):.0f}ms")

    # Systems Manager Run Command answered for real by the agent (sandboxlib/ssm.py).
    def ssm(self, proxy, action, body, status, reason, headers, data):
        # moto checked the signature; its other answers to these calls are replaced (it runs
        # nothing, and ListCommandInvocations fails there).
        if any(code in data for code in SSM_AUTH_ERRORS) or (status != 200 and action == "SendCommand"):
            return status, reason, headers, data
        try:
            request = json.loads(body or b"{}")
            moto = json.loads(data or b"{}") if status == 200 else {}
        except ValueError:
            return status, reason, headers, data
        answer = proxy.agent("POST", "/ssm", {"action": action, "request": request, "moto": moto})["answer"]
        if answer is None:
            return status, reason, headers, data
        code, payload = answer
        return (code, "OK" if code == 200 else "Bad Request", [("Content-Type", "application/x-amz-json-1.1")],
                json.dumps(payload).encode())

    def presigned_s3(self, proxy, body):
        try:
            answer = proxy.agent("POST", "/s3-presigned", {
                "method": self.command, "path": self.path, "host": self.headers.get("Host", ""),
                "body": base64.b64encode(body).decode()})
            status, data = answer["status"], base64.b64decode(answer["body"])
        except AgentUnavailable as e:
            status, data = 503, f"<Error><Code>ServiceUnavailable</Code><Message>{e}</Message></Error>".encode()
        ctype = "application/octet-stream" if status == 200 else "application/xml"
        self.send(status, "OK" if status == 200 else "Error", [("Content-Type", ctype)], data,
                  len(data) if self.command == "HEAD" else None)
        log(f"s3 presigned {self.command} {urlsplit(self.path).path} -> {status}")

    def elb(self, proxy, action, params, data):
        if action == "DescribeTargetHealth":
            arn = params.get("TargetGroupArn", "")
            view = proxy.agent("GET", "/targets?" + urlencode({"tg": arn}))["targets"]
            agent_targets = {(t["id"], t["port"]): t for t in view}
            return rewrite_describe_target_health(data, agent_targets, explicit=bool(targets_of(params)))
        if action in ("RegisterTargets", "DeregisterTargets"):
            proxy.agent("POST", "/events", {"action": action, "tg": params.get("TargetGroupArn", ""),
                                            "targets": targets_of(params)})
        return data

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = handle_one


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    state_dir = sys.argv[1]
    os.environ["SANDBOX_DIR"] = state_dir
    settings = Settings.from_env()
    paths = settings.paths
    with open(paths.state) as f:
        state = json.load(f)
    with open(paths.agent_port) as f:
        agent_port = int(f.read())
    server = Server(("127.0.0.1", settings.endpoint_port), Handler)
    server.proxy = Proxy(state["ports"]["moto"], agent_port)

    def stop(signum, _frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tmp = paths.proxy_port + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, paths.proxy_port)
    log(f"AWS endpoint http://127.0.0.1:{server.server_address[1]} -> moto 127.0.0.1:{state['ports']['moto']}")
    server.serve_forever(poll_interval=0.2)
    log("AWS endpoint stopped")


if __name__ == "__main__":
    main()
