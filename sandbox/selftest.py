#!/usr/bin/env python3
"""Checks of the sandbox and the th3-server sample app, against real processes on loopback.

  python3 -m pytest -q sandbox/selftest.py        (or: python3 sandbox/selftest.py)

AppTests, LogicTests: fast, no sandbox. SandboxScenario: brings a private sandbox up (its own
state dir, subnet and load balancer port, so a developer's sandbox may run alongside), drives it
with boto3 and ssh the way the deploy playbooks will, and takes it down again. The steps run in
order and build on each other. State and logs stay in SANDBOX_SELFTEST_DIR
(default sandbox/run/selftest) for a post-mortem.
"""

import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
APP = os.path.join(REPO, "apps", "th3-server")
sys.path.insert(0, HERE)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

from sandboxlib import control, fleet, nginx, procs, vaultfile  # noqa: E402
from sandboxlib.config import Settings  # noqa: E402
from sandboxlib.instancestatus import rewrite_describe_instance_status  # noqa: E402
from sandboxlib.targethealth import CheckResult, TargetTracker, rewrite_describe_target_health  # noqa: E402

# moto 5.2.1's DescribeTargetHealth answer (one registered target, one asked-for unregistered).
MOTO_DTH = (
    '<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">'
    "<DescribeTargetHealthResult><TargetHealthDescriptions><member><Target><Id>i-ce61490f926adda77</Id>"
    "<Port>8080</Port></Target><HealthCheckPort>traffic-port</HealthCheckPort><TargetHealth><State>healthy"
    "</State></TargetHealth></member><member><Target><Id>i-03fb1ea35cefb08c3</Id><Port>8080</Port></Target>"
    "<HealthCheckPort>traffic-port</HealthCheckPort><TargetHealth><State>unused</State><Reason>"
    "Target.NotRegistered</Reason><Description>Target is not registered to the target group</Description>"
    "</TargetHealth></member></TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata>"
    "<RequestId>vpYaohuI</RequestId></ResponseMetadata></DescribeTargetHealthResponse>").encode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(host, port, path="/", timeout=3):
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.3):
            return True
    except OSError:
        return False


def wait_until(what, predicate, timeout=15.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def build(version, outdir, broken=False):
    argv = [os.path.join(APP, "build.sh"), version, outdir] + (["--health-check-fails"] if broken else [])
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout.strip()


# --------------------------------------------------------------------------------------------
class AppTests(unittest.TestCase):
    """th3-server itself: endpoints, the broken build's flag, graceful SIGTERM, reproducible builds."""

    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, APP)
        import th3_server
        cls.th3 = th3_server
        cls.tmp = tempfile.mkdtemp(prefix="th3-app-test-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def start(self, version, broken=False):
        tarball = build(version, os.path.join(self.tmp, f"out-{version}-{broken}"), broken)
        dest = os.path.join(self.tmp, f"run-{version}-{broken}-{random.randrange(1 << 30)}")
        fleet.extract(tarball, dest)
        port = free_port()
        proc = subprocess.Popen([os.path.join(dest, f"th3-server-{version}", "run.sh"), "--bind", "127.0.0.1",
                                 "--port", str(port)], stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        wait_until("the app to listen", lambda: port_open("127.0.0.1", port), 10)
        return proc, port

    def test_translate(self):
        self.assertEqual(self.th3.translate("Automation for the People"), "4u70m4710n f0r 7h3 P30p13")
        self.assertEqual(self.th3.translate("xyz 123!"), "xy2 123!")

    def test_endpoints_of_a_good_build(self):
        proc, port = self.start("2")
        status, body = http_get("127.0.0.1", port, "/")
        doc = json.loads(body)
        self.assertEqual((status, doc["version"], doc["address"]), (200, "2", f"127.0.0.1:{port}"))
        self.assertTrue(doc["hostname"])
        status, body = http_get("127.0.0.1", port, "/time")
        doc = json.loads(body)
        self.assertEqual(doc["message"], "Automation for the People")
        self.assertLessEqual(abs(doc["timestamp"] - time.time()), 5)
        self.assertEqual(http_get("127.0.0.1", port, "/health"), (200, b"ok\n"))
        self.assertEqual(http_get("127.0.0.1", port, "/nope")[0], 404)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        conn.request("POST", "/translate", body=json.dumps({"text": "leet speak"}),
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        self.assertEqual((resp.status, json.loads(resp.read())), (200, {"translation": "1337 5p34k"}))
        conn.close()
        for bad in (b"not json", b'{"txt": 1}', b"[1]"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
            conn.request("POST", "/translate", body=bad)
            self.assertEqual(conn.getresponse().status, 400, bad)
            conn.close()
        proc.terminate()
        self.assertEqual(proc.wait(10), 0)

    def test_broken_build_fails_its_health_check_only(self):
        proc, port = self.start("3", broken=True)
        self.assertEqual(http_get("127.0.0.1", port, "/health")[0], 500)
        self.assertEqual(json.loads(http_get("127.0.0.1", port, "/")[1])["version"], "3")
        proc.terminate()
        proc.wait(10)

    def test_sigterm_finishes_the_request_in_flight(self):
        proc, port = self.start("1")
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /time HTTP/1.0\r\n")          # request begun, not finished
        time.sleep(0.3)                                   # the handler thread is reading it
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        self.assertIsNone(proc.poll(), "exited with a request in flight")
        self.assertFalse(port_open("127.0.0.1", port), "still accepting after SIGTERM")
        sock.sendall(b"Host: x\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
        sock.close()
        self.assertTrue(data.startswith(b"HTTP/1.0 200"), data[:80])
        self.assertEqual(proc.wait(10), 0)

    def test_builds_are_reproducible(self):
        a = build("7", os.path.join(self.tmp, "r1"))
        b = build("7", os.path.join(self.tmp, "r2"))
        with open(a, "rb") as fa, open(b, "rb") as fb:
            self.assertEqual(hashlib.sha256(fa.read()).hexdigest(), hashlib.sha256(fb.read()).hexdigest())
        with tarfile.open(a) as tf:
            names = sorted(tf.getnames())
            conf = json.load(tf.extractfile("th3-server-7/th3-server.conf"))
        self.assertEqual(names, ["th3-server-7", "th3-server-7/VERSION", "th3-server-7/run.sh",
                                 "th3-server-7/th3-server.conf", "th3-server-7/th3_server.py"])
        self.assertEqual(conf, {"health_check_fails": False})


# --------------------------------------------------------------------------------------------
class LogicTests(unittest.TestCase):
    """The pure parts: health state machine, XML rewrites, nginx configuration."""

    def test_tracker_goes_initial_healthy_unhealthy(self):
        tr = TargetTracker(now=0)
        self.assertEqual(tr.reported()[0], "initial")
        self.assertFalse(tr.record(CheckResult(ok=True, status=200), 2, 2))
        self.assertTrue(tr.record(CheckResult(ok=True, status=200), 2, 2))
        self.assertEqual(tr.reported()[0], "initial", "passing but not routed yet")
        self.assertEqual(tr.reported(routing_required=False)[0], "healthy")
        tr.set_routed(True)
        self.assertEqual(tr.reported(), ("healthy", None, None))
        tr.record(CheckResult(ok=False, status=500), 2, 2)
        self.assertEqual(tr.reported()[0], "healthy", "one failure is below the threshold")
        self.assertTrue(tr.record(CheckResult(ok=False, status=500), 2, 2))
        tr.set_routed(False)
        self.assertEqual(tr.reported(), ("unhealthy", "Target.ResponseCodeMismatch",
                                         "Health checks failed with these codes: [500]"))
        tr.start_draining(10, 5)
        self.assertEqual(tr.reported()[0], "draining")
        self.assertFalse(tr.drained(14.9))
        self.assertTrue(tr.drained(15))

    def test_tracker_connection_failures(self):
        tr = TargetTracker(now=0)
        tr.record(CheckResult(ok=False, error="refused"), 2, 2)
        tr.record(CheckResult(ok=False, error="refused"), 2, 2)
        self.assertEqual(tr.reported()[:2], ("unhealthy", "Target.FailedHealthChecks"))
        tr2 = TargetTracker(now=0)
        tr2.record(CheckResult(ok=False, timed_out=True), 2, 1)
        self.assertEqual(tr2.reported()[:2], ("unhealthy", "Target.Timeout"))

    def states(self, xml):
        import xml.etree.ElementTree as ET
        ns = "{http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/}"
        root = ET.fromstring(xml)
        return [(m.find(f"{ns}Target/{ns}Id").text, m.find(f"{ns}TargetHealth/{ns}State").text,
                 getattr(m.find(f"{ns}TargetHealth/{ns}Reason"), "text", None))
                for m in root.iter(f"{ns}member")]

    def test_rewrite_target_health(self):
        a, b = "i-ce61490f926adda77", "i-03fb1ea35cefb08c3"
        # Unknown to the agent: just registered.
        out = rewrite_describe_target_health(MOTO_DTH, {}, explicit=True)
        self.assertEqual(self.states(out), [(a, "initial", "Elb.RegistrationInProgress"),
                                            (b, "unused", "Target.NotRegistered")])
        self.assertTrue(out.startswith(b'<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing'))
        self.assertIn(b"<RequestId>vpYaohuI</RequestId>", out)
        agent = {(a, 8080): {"state": "unhealthy", "reason": "Target.ResponseCodeMismatch", "description": "x"},
                 (b, 8080): {"state": "draining", "reason": "Target.DeregistrationInProgress", "description": "y"}}
        self.assertEqual(self.states(rewrite_describe_target_health(MOTO_DTH, agent, explicit=True)),
                         [(a, "unhealthy", "Target.ResponseCodeMismatch"),
                          (b, "draining", "Target.DeregistrationInProgress")])
        # Without explicit targets a draining target moto no longer lists is added.
        only_a = MOTO_DTH.replace(MOTO_DTH[MOTO_DTH.index(b"</member><member>") + 9:
                                           MOTO_DTH.index(b"</TargetHealthDescriptions>")], b"")
        out = rewrite_describe_target_health(only_a, {**agent, (a, 8080): {"state": "healthy"}}, explicit=False)
        self.assertEqual(self.states(out), [(a, "healthy", None), (b, "draining", "Target.DeregistrationInProgress")])

    def test_rewrite_instance_status(self):
        xml = (b'<DescribeInstanceStatusResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">'
               b"<instanceStatusSet><item><instanceId>i-1</instanceId><systemStatus><status>ok</status>"
               b"<details><item><name>reachability</name><status>passed</status></item></details></systemStatus>"
               b"<instanceStatus><status>ok</status><details><item><name>reachability</name><status>passed"
               b"</status></item></details></instanceStatus></item><item><instanceId>i-2</instanceId>"
               b"<instanceStatus><status>ok</status></instanceStatus></item></instanceStatusSet>"
               b"</DescribeInstanceStatusResponse>")
        out = rewrite_describe_instance_status(xml, booted={"i-2"})
        self.assertEqual(out.count(b"initializing"), 4)
        self.assertIn(b"<instanceId>i-2</instanceId><instanceStatus><status>ok</status>", out)
        self.assertIs(rewrite_describe_instance_status(xml, booted={"i-1", "i-2"}), xml)

    def test_nginx_config(self):
        empty = nginx.render("/p", "/l", 8080, [], 3)
        self.assertIn("return 503;", empty)
        self.assertNotIn("upstream targets", empty)
        conf = nginx.render("/p", "/l", 18080, [("127.0.1.4", 8080, 1), ("127.0.1.5", 8080, 3)], 4)
        self.assertIn("server 127.0.1.5:8080 weight=3 max_fails=0;", conf)
        self.assertIn("proxy_next_upstream off;", conf)
        self.assertIn("listen 127.0.0.1:18080;", conf)
        self.assertIn("return 200 '4';", conf)

    def test_loadgen_refuses_remote_urls(self):
        r = subprocess.run([sys.executable, os.path.join(HERE, "loadgen.py"), "--url", "http://10.0.0.1/",
                            "-d", "1"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("only loopback", r.stderr)


from ecs_selftest import EcsLogicTests, EcsSteps  # noqa: E402,F401  (ECS: pure parts; scenario steps test_20...)


# --------------------------------------------------------------------------------------------
def pick_subnet(avoid=None):
    """A /24 in 127.0.0.0/16 where nothing listens, so a developer's sandbox can run alongside."""
    busy = {ip.rsplit(".", 1)[0] for ip, _ in control.listening_addresses()}
    if avoid:
        busy.add(avoid.rsplit(".", 1)[0])
    for _ in range(200):
        c = random.randrange(100, 250)
        if f"127.0.{c}" not in busy:
            return f"127.0.{c}.0/24"
    raise AssertionError("no free /24 in 127.0.100-249")


class SandboxScenario(EcsSteps, unittest.TestCase):
    """The sandbox end to end, driven as the deploy playbooks will drive it."""
    wait_until, http_get, port_open = staticmethod(wait_until), staticmethod(http_get), staticmethod(port_open)

    @classmethod
    def setUpClass(cls):
        import boto3
        cls.dir = os.environ.get("SANDBOX_SELFTEST_DIR") or os.path.join(HERE, "run", "selftest")
        subnet = pick_subnet()
        task_subnet = pick_subnet(avoid=subnet)     # ECS tasks' addresses (EcsSteps)
        settings_env = {"SANDBOX_DIR": cls.dir, "SANDBOX_SUBNET": subnet, "SANDBOX_TASK_SUBNET": task_subnet,
                        "SANDBOX_LB_PORT": str(free_port())}
        cls.env = dict(os.environ, **settings_env)
        for k in list(cls.env):
            if k.startswith("AWS_"):
                del cls.env[k]
        old = dict(os.environ)
        os.environ.update(settings_env)
        try:
            cls.settings = Settings.from_env()
        finally:
            os.environ.clear()
            os.environ.update(old)
        cls.ctl(["down"], check=False)     # leftovers of an earlier, interrupted run
        shutil.rmtree(cls.dir, ignore_errors=True)
        t0 = time.monotonic()
        r = cls.ctl(["up"])
        cls.up_seconds = time.monotonic() - t0
        print(f"\n[selftest] sandboxctl up: {cls.up_seconds:.1f}s\n{r.stdout}", file=sys.stderr)
        with open(os.path.join(cls.dir, "env.json")) as f:
            cls.sb = json.load(f)
        with open(os.path.join(cls.dir, "state.json")) as f:
            cls.state = json.load(f)
        creds = vaultfile.read(cls.settings.paths, cls.settings.vault_cmd)
        cls.creds = creds
        kw = dict(endpoint_url=cls.sb["endpoint_url"], region_name=cls.sb["region"],
                  aws_access_key_id=creds["aws_access_key_id"], aws_secret_access_key=creds["aws_secret_access_key"])
        cls.ec2 = boto3.client("ec2", **kw)
        cls.elb = boto3.client("elbv2", **kw)
        cls.s3 = boto3.client("s3", **kw)
        cls.ecs = boto3.client("ecs", **kw)
        cls.tg = cls.sb["target_group_arn"]
        cls.lb_port = int(cls.sb["lb_url"].rsplit(":", 1)[1])
        cls.ids = []
        cls.ips = {}

    @classmethod
    def tearDownClass(cls):
        if os.path.exists(os.path.join(cls.dir, "state.json")):
            cls.ctl(["down"], check=False)

    @classmethod
    def ctl(cls, args, check=True):
        r = subprocess.run([os.path.join(HERE, "sandboxctl")] + args, env=cls.env, capture_output=True,
                           text=True, timeout=180)
        if check and r.returncode != 0:
            raise AssertionError(f"sandboxctl {' '.join(args)} exited {r.returncode}:\n{r.stdout}{r.stderr}")
        return r

    def ssh(self, ip, command, check=True, timeout=30):
        argv = ["ssh", "-F", self.sb["ssh_config"], "-o", "ConnectTimeout=5", ip, command]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"ssh {ip} {command!r} exited {r.returncode}: {r.stderr}")
        return r

    def health(self, targets=None):
        kw = {"TargetGroupArn": self.tg}
        if targets:
            kw["Targets"] = [{"Id": t} for t in targets]
        return {d["Target"]["Id"]: (d["TargetHealth"]["State"], d["TargetHealth"].get("Reason"))
                for d in self.elb.describe_target_health(**kw)["TargetHealthDescriptions"]}

    def agent_state(self):
        with open(os.path.join(self.dir, "agent-state.json")) as f:
            return json.load(f)

    def routed(self):
        return set(self.agent_state()["nginx"]["servers"])

    def deploy(self, ip, version):
        """What the deploy playbook's s3_fetch + ssh_start do, by hand."""
        key = self.sb["build_keys"][version]
        obj = self.s3.get_object(Bucket=self.sb["bucket"], Key=key)
        data = obj["Body"].read()
        self.assertEqual(hashlib.sha256(data).hexdigest(), obj["Metadata"]["sha256"])
        local = os.path.join(self.dir, f"fetched-{version}.tar.gz")
        with open(local, "wb") as f:
            f.write(data)
        subprocess.run(["scp", "-q", "-F", self.sb["ssh_config"], local, f"{ip}:th3-server-{version}.tar.gz"],
                       check=True, timeout=30)
        self.ssh(ip, f"""set -e
            if [ -f app.pid ]; then
              pid=$(cat app.pid); kill "$pid" 2>/dev/null || true
              while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; rm -f app.pid
            fi
            tar xzf th3-server-{version}.tar.gz
            setsid nohup th3-server-{version}/run.sh --bind {ip} --port 8080 >app.log 2>&1 </dev/null &
            echo $! > app.pid""")
        wait_until(f"v{version} to answer on {ip}", lambda: port_open(ip, 8080), 10)
        self.assertEqual(json.loads(http_get(ip, 8080)[1])["version"], version)

    def start_load(self, name, url=None):
        out = os.path.join(self.dir, f"load-{name}.json")
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "loadgen.py"), "--url", url or self.sb["lb_url"],
                                 "--status-file", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_until("load to flow", lambda: os.path.exists(out), 10)
        return proc, out

    def stop_load(self, proc, out):
        proc.send_signal(signal.SIGINT)
        proc.wait(20)
        with open(out) as f:
            report = json.load(f)
        print(f"[selftest] load: {report['requests']} requests, {report['failures']} failures, "
              f"{report['rps']} rps, versions {report['versions']}", file=sys.stderr)
        return report

    # ---------------------------------------------------------------- the scenario
    def test_01_up_is_idempotent_and_reports_status(self):
        r = self.ctl(["up"])
        self.assertIn("already up", r.stdout)
        r = self.ctl(["status"])
        self.assertIn("sandbox up", r.stdout)
        self.assertEqual(r.stdout.count("running "), 4, r.stdout)
        r = self.ctl(["env"])
        self.assertIn(f"export AWS_ENDPOINT_URL={self.sb['endpoint_url']}", r.stdout)
        with open(os.path.join(self.dir, "sandbox-vars.yml")) as f:
            text = f.read()
        for key in ("aws_endpoint_url:", "subnet_id:", "target_group_arn:", "app_images:", "lb_url:",
                    "ansible_ssh_private_key_file:"):
            self.assertIn(key, text)
        secret = self.creds["aws_secret_access_key"]
        for path in ("env.json", "sandbox-vars.yml", "state.json", "vault/aws.yml"):
            with open(os.path.join(self.dir, path)) as f:
                self.assertNotIn(secret, f.read(), path)
        for log in os.listdir(os.path.join(self.dir, "logs")):
            with open(os.path.join(self.dir, "logs", log), errors="replace") as f:
                self.assertNotIn(secret, f.read(), log)
        self.assertNotIn(secret, r.stdout)
        self.assertEqual(os.stat(os.path.join(self.dir, "vault-password")).st_mode & 0o777, 0o600)

    def test_02_endpoint_checks_signatures(self):
        import boto3
        from botocore.exceptions import ClientError
        bad = boto3.client("ec2", endpoint_url=self.sb["endpoint_url"], region_name=self.sb["region"],
                           aws_access_key_id=self.creds["aws_access_key_id"], aws_secret_access_key="wrong")
        with self.assertRaises(ClientError) as cm:
            bad.describe_vpcs()
        self.assertEqual(cm.exception.response["Error"]["Code"], "AuthFailure")
        vpcs = self.ec2.describe_vpcs(VpcIds=[self.sb["vpc_id"]])["Vpcs"]
        self.assertEqual(vpcs[0]["CidrBlock"], "127.0.0.0/16")
        keys = sorted(o["Key"] for o in self.s3.list_objects_v2(Bucket="th3-builds")["Contents"])
        self.assertEqual(keys, [f"th3-server/{v}/th3-server-{v}.tar.gz" for v in ("1", "2", "3")])

    def test_03_launched_instances_boot_an_sshd(self):
        cls = type(self)
        r = self.ec2.run_instances(ImageId=self.sb["base_image_id"], MinCount=2, MaxCount=2,
                                   SubnetId=self.sb["subnet_id"], InstanceType="t3.micro",
                                   KeyName=self.sb["key_name"], SecurityGroupIds=[self.sb["security_group_id"]])
        cls.ids = [i["InstanceId"] for i in r["Instances"]]
        cls.ips = {i["InstanceId"]: i["PrivateIpAddress"] for i in r["Instances"]}
        prefix = self.sb["subnet_cidr"].rsplit(".", 1)[0] + "."
        self.assertTrue(all(ip.startswith(prefix) for ip in cls.ips.values()), cls.ips)
        seen = set()

        def all_ok():
            st = self.ec2.describe_instance_status(InstanceIds=cls.ids)["InstanceStatuses"]
            seen.update(s["InstanceStatus"]["Status"] for s in st)
            return len(st) == 2 and all(s["InstanceStatus"]["Status"] == "ok" for s in st)
        wait_until("status checks to pass", all_ok, 20, 0.2)
        for iid, ip in cls.ips.items():
            self.assertTrue(port_open(ip, 2222), f"status ok but no sshd on {ip}")
            out = self.ssh(ip, 'echo "$PWD|$HOME|$SANDBOX_INSTANCE|$(hostname)"').stdout.strip().split("|")
            home = os.path.join(self.dir, "instances", iid, "home")
            self.assertEqual(out[:3], [home, home, iid])
            self.assertEqual(self.ssh(ip, "echo $(( 6 * 7 )); exit 3", check=False).returncode, 3)
            if self.state.get("uts_namespaces"):
                self.assertEqual(out[3], "ip-" + ip.replace(".", "-"))

    def test_04_deploy_build_1_over_ssh(self):
        for ip in self.ips.values():
            self.deploy(ip, "1")

    def test_05_registered_targets_go_initial_then_healthy(self):
        self.elb.register_targets(TargetGroupArn=self.tg, Targets=[{"Id": i} for i in self.ids])
        first = self.health()
        self.assertEqual({s for s, _ in first.values()}, {"initial"}, first)
        seen = []

        def healthy():
            h = self.health()
            seen.append(h)
            return all(h.get(i, ("",))[0] == "healthy" for i in self.ids)
        wait_until("both targets healthy", healthy, 15, 0.2)
        self.assertEqual(self.routed(), {f"{ip}:8080" for ip in self.ips.values()})
        status, body = http_get("127.0.0.1", self.lb_port)
        self.assertEqual((status, json.loads(body)["version"]), (200, "1"))

    def test_06_load_through_the_balancer(self):
        proc, out = self.start_load("steady")
        time.sleep(10)
        report = self.stop_load(proc, out)
        self.assertEqual(report["failures"], 0, report["failure_reasons"])
        self.assertGreater(report["requests"], 500)
        self.assertEqual(set(report["versions"]), {"1"})

    def test_07_deregistration_drains_without_failures(self):
        a, b = self.ids
        proc, out = self.start_load("drain")
        time.sleep(1)
        self.elb.deregister_targets(TargetGroupArn=self.tg, Targets=[{"Id": b}])
        t0 = time.monotonic()
        self.assertEqual(self.health().get(b, ("",))[0], "draining")
        wait_until("nginx to stop routing to b", lambda: f"{self.ips[b]}:8080" not in self.routed(), 5)
        wait_until("b to finish draining", lambda: b not in self.health(), 15, 0.2)
        drained = time.monotonic() - t0
        self.assertGreaterEqual(drained, self.settings.deregistration_delay - 0.5)
        self.assertEqual(self.health([b])[b], ("unused", "Target.NotRegistered"))
        self.ssh(self.ips[b], "kill $(cat app.pid)")       # the old version stops after draining
        time.sleep(1)
        report = self.stop_load(proc, out)
        self.assertEqual(report["failures"], 0, report["failure_reasons"])
        self.assertEqual(set(report["versions"]), {"1"})
        self.assertEqual(self.health()[a][0], "healthy")

    def test_08_broken_build_is_unhealthy_and_never_served(self):
        b = self.ids[1]
        proc, out = self.start_load("broken")
        self.deploy(self.ips[b], "3")
        self.elb.register_targets(TargetGroupArn=self.tg, Targets=[{"Id": b}])
        state = wait_until("b to turn unhealthy", lambda: self.health().get(b, ("",))[0] == "unhealthy"
                           and self.health()[b], 15, 0.2)
        self.assertEqual(state, ("unhealthy", "Target.ResponseCodeMismatch"))
        self.assertNotIn(f"{self.ips[b]}:8080", self.routed())
        self.elb.deregister_targets(TargetGroupArn=self.tg, Targets=[{"Id": b}])
        report = self.stop_load(proc, out)
        self.assertEqual(report["failures"], 0, report["failure_reasons"])
        self.assertEqual(set(report["versions"]), {"1"})

    def test_09_stop_kills_everything_start_keeps_home_terminate_removes_it(self):
        b = self.ids[1]
        ip = self.ips[b]
        run_id = self.state["run_id"]
        home = os.path.join(self.dir, "instances", b, "home")
        self.ssh(ip, "setsid sleep 600 >/dev/null 2>&1 < /dev/null & echo marker > kept.txt")
        self.assertTrue(procs.find_marked(run_id, b), "no process of the instance found before stop")
        self.ec2.stop_instances(InstanceIds=[b])
        wait_until("b's processes to go", lambda: not procs.find_marked(run_id, b) and not port_open(ip, 2222)
                   and not port_open(ip, 8080), 15, 0.2)
        self.assertTrue(os.path.exists(os.path.join(home, "kept.txt")))
        self.ec2.start_instances(InstanceIds=[b])
        wait_until("sshd back after start", lambda: port_open(ip, 2222), 15, 0.2)
        self.assertEqual(self.ssh(ip, "cat kept.txt").stdout.strip(), "marker")
        self.ec2.terminate_instances(InstanceIds=[b])
        wait_until("terminated instance gone", lambda: not os.path.exists(home) and not port_open(ip, 2222)
                   and not procs.find_marked(run_id, b), 15, 0.2)

    def test_10_baked_ami_user_data_and_a_blue_green_swap(self):
        ud = "#!/bin/sh\necho \"user data ran on $(hostname)\" > user-data.txt\n"
        r = self.ec2.run_instances(ImageId=self.sb["app_images"]["2"], MinCount=1, MaxCount=1,
                                   SubnetId=self.sb["subnet_id"], InstanceType="t3.micro", UserData=ud)
        iid, ip = r["Instances"][0]["InstanceId"], r["Instances"][0]["PrivateIpAddress"]
        wait_until("the baked app to answer", lambda: port_open(ip, 8080), 15, 0.2)
        self.assertEqual(json.loads(http_get(ip, 8080)[1])["version"], "2")
        home = os.path.join(self.dir, "instances", iid, "home")
        wait_until("user data to run", lambda: os.path.exists(os.path.join(home, "user-data.txt")), 10)
        green = self.elb.create_target_group(Name="th3-green", Protocol="HTTP", Port=8080, VpcId=self.sb["vpc_id"],
                                             HealthCheckPath="/health", HealthyThresholdCount=2,
                                             UnhealthyThresholdCount=2)["TargetGroups"][0]["TargetGroupArn"]
        self.elb.register_targets(TargetGroupArn=green, Targets=[{"Id": iid}])

        def green_state():
            d = self.elb.describe_target_health(TargetGroupArn=green)["TargetHealthDescriptions"]
            return d[0]["TargetHealth"]["State"] if d else None
        # No listener forwards to green yet: its health checks alone make it healthy.
        wait_until("green healthy", lambda: green_state() == "healthy", 15, 0.2)
        proc, out = self.start_load("swap")
        time.sleep(1)
        listener = self.sb["listener_arn"]
        self.elb.modify_listener(ListenerArn=listener, DefaultActions=[{"Type": "forward", "TargetGroupArn": green}])
        wait_until("nginx to serve green", lambda: self.routed() == {f"{ip}:8080"}, 10)
        self.assertEqual(green_state(), "healthy")
        time.sleep(1)
        self.elb.modify_listener(ListenerArn=listener, DefaultActions=[{"Type": "forward", "TargetGroupArn": self.tg}])
        wait_until("nginx to serve blue again", lambda: self.routed() == {f"{self.ips[self.ids[0]]}:8080"}, 10)
        time.sleep(0.5)
        report = self.stop_load(proc, out)
        self.assertEqual(report["failures"], 0, report["failure_reasons"])
        self.assertEqual(set(report["versions"]), {"1", "2"})
        self.assertEqual(report["last_version"], "1")
        self.ec2.terminate_instances(InstanceIds=[iid])
        wait_until("baked instance gone", lambda: not port_open(ip, 8080)
                   and not procs.find_marked(self.state["run_id"], iid), 15, 0.2)

    def test_11_proxy_counts_requests(self):
        endpoint = self.sb["endpoint_url"].split("//")[1]
        host, port = endpoint.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        conn.request("GET", "/_sandbox/stats")
        stats = json.loads(conn.getresponse().read())
        conn.close()
        self.assertGreater(stats["by_action"].get("elasticloadbalancing:DescribeTargetHealth", 0), 0)

    def test_12_auto_scaling_group_and_instance_refresh(self):
        """An Auto Scaling group in th3-tg (two v1 instances), refreshed to v2 under load, then to
        the bad v3 with AutoRollback: rolled back; a scale-in that drains; no failed request."""
        import boto3
        from botocore.exceptions import ClientError
        asg = boto3.client("autoscaling", endpoint_url=self.sb["endpoint_url"], region_name=self.sb["region"],
                           aws_access_key_id=self.creds["aws_access_key_id"],
                           aws_secret_access_key=self.creds["aws_secret_access_key"])
        images = self.sb["app_images"]
        lt = self.ec2.create_launch_template(LaunchTemplateName="th3-selftest", LaunchTemplateData={
            "ImageId": images["1"], "InstanceType": "t3.micro"})["LaunchTemplate"]["LaunchTemplateId"]
        for v in ("2", "3"):
            self.ec2.create_launch_template_version(LaunchTemplateId=lt, LaunchTemplateData={"ImageId": images[v]})
        asg.create_auto_scaling_group(AutoScalingGroupName="th3-selftest", MinSize=1, MaxSize=4, DesiredCapacity=2,
                                      LaunchTemplate={"LaunchTemplateId": lt, "Version": "1"}, HealthCheckGracePeriod=3,
                                      VPCZoneIdentifier=self.sb["subnet_id"], TargetGroupARNs=[self.tg])
        members = lambda: [i["InstanceId"] for i in asg.describe_auto_scaling_groups(  # noqa: E731
            AutoScalingGroupNames=["th3-selftest"])["AutoScalingGroups"][0]["Instances"]]
        first = members()
        self.assertEqual(len(first), 2)
        wait_until("the group's instances healthy", lambda: all(
            self.health().get(i, ("",))[0] == "healthy" for i in first), 30, 0.2)

        def refresh(version):
            rid = asg.start_instance_refresh(
                AutoScalingGroupName="th3-selftest", DesiredConfiguration={"LaunchTemplate": {
                    "LaunchTemplateId": lt, "Version": version}},
                Preferences={"MinHealthyPercentage": 50, "InstanceWarmup": 1, "SkipMatching": True,
                             "AutoRollback": True})["InstanceRefreshId"]
            with self.assertRaises(ClientError) as busy:
                asg.start_instance_refresh(AutoScalingGroupName="th3-selftest")
            self.assertEqual(busy.exception.response["Error"]["Code"], "InstanceRefreshInProgress")
            seen = set()

            def finished():
                r = asg.describe_instance_refreshes(AutoScalingGroupName="th3-selftest",
                                                    InstanceRefreshIds=[rid])["InstanceRefreshes"][0]
                seen.add(r["Status"])
                return r if r["Status"] not in ("Pending", "InProgress", "RollbackInProgress") else None
            return wait_until(f"the refresh to v{version} to end", finished, 90, 0.5), seen

        proc, out = self.start_load("asg")
        done, _ = refresh("2")
        self.assertEqual((done["Status"], done["PercentageComplete"], done["InstancesToUpdate"]), ("Successful", 100, 0))
        second = members()
        self.assertTrue(set(second).isdisjoint(first))
        self.assertEqual({self.ec2.describe_instances(InstanceIds=[i])["Reservations"][0]["Instances"][0]["ImageId"]
                          for i in second}, {images["2"]})
        done, seen = refresh("3")
        self.assertEqual(done["Status"], "RollbackSuccessful", done)
        self.assertIn("RollbackInProgress", seen)
        self.assertIn("failed their target group health checks", done["StatusReason"])
        self.assertEqual(done["RollbackDetails"]["PercentageCompleteOnRollback"], 100)
        group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["th3-selftest"])["AutoScalingGroups"][0]
        self.assertEqual(group["LaunchTemplate"]["Version"], "2")
        self.assertEqual({self.ec2.describe_instances(InstanceIds=[i])["Reservations"][0]["Instances"][0]["ImageId"]
                          for i in members()}, {images["2"]})
        # A scale-in drains the instance it terminates before halting it.
        before = members()
        asg.set_desired_capacity(AutoScalingGroupName="th3-selftest", DesiredCapacity=1)
        gone = (set(before) - set(members())).pop()
        wait_until("the removed instance to drain", lambda: self.health().get(gone, ("",))[0] in ("draining", ""), 5, 0.1)
        wait_until("the removed instance to halt", lambda: not procs.find_marked(self.state["run_id"], gone), 20, 0.2)
        report = self.stop_load(proc, out)
        self.assertEqual(report["failures"], 0, report["failure_reasons"])
        self.assertNotIn("3", report["versions"])
        asg.delete_auto_scaling_group(AutoScalingGroupName="th3-selftest", ForceDelete=True)

    # ---- SSM Run Command (sandboxlib/ssm.py) -------------------------------------------------
    def test_13_ssm_run_command_runs_in_the_instance(self):
        import boto3
        from botocore.config import Config
        kw = dict(endpoint_url=self.sb["endpoint_url"], region_name=self.sb["region"],
                  aws_access_key_id=self.creds["aws_access_key_id"],
                  aws_secret_access_key=self.creds["aws_secret_access_key"])
        ssm = boto3.client("ssm", **kw)
        s3v4 = boto3.client("s3", config=Config(signature_version="s3v4"), **kw)
        r = self.ec2.run_instances(ImageId=self.sb["base_image_id"], MinCount=1, MaxCount=1,
                                   SubnetId=self.sb["subnet_id"], InstanceType="t3.micro")
        iid, ip = r["Instances"][0]["InstanceId"], r["Instances"][0]["PrivateIpAddress"]
        home = os.path.join(self.dir, "instances", iid, "home")
        wait_until("the instance to boot", lambda: self.agent_state()["instances"].get(iid, {}).get("phase") == "up", 20, 0.1)

        def run(commands, **extra):
            cid = ssm.send_command(InstanceIds=[iid], DocumentName="AWS-RunShellScript",
                                   Parameters=dict({"commands": commands}, **extra.pop("parameters", {})),
                                   **extra)["Command"]["CommandId"]
            final = {"Success", "Failed", "TimedOut", "Cancelled"}
            got = {}

            def done():
                got.update(ssm.get_command_invocation(CommandId=cid, InstanceId=iid))
                return got["Status"] in final
            wait_until("the invocation to end", done, 20, 0.05)
            return cid, got

        _, inv = run(['echo "$PWD|$HOME|$SANDBOX_INSTANCE|$(hostname)"'])
        self.assertEqual((inv["Status"], inv["ResponseCode"]), ("Success", 0))
        out = inv["StandardOutputContent"].strip().split("|")
        self.assertEqual(out[:3], [home, home, iid])
        if self.state.get("uts_namespaces"):
            self.assertEqual(out[3], "ip-" + ip.replace(".", "-"))
        cid, inv = run(["head -c 30000 /dev/zero | tr '\\0' x", "echo oops >&2", "exit 3"],
                       OutputS3BucketName=self.sb["bucket"], OutputS3KeyPrefix="selftest-ssm")
        self.assertEqual((inv["Status"], inv["ResponseCode"]), ("Failed", 3))
        self.assertEqual(inv["StandardOutputContent"], "x" * 24000)
        self.assertEqual(inv["StandardErrorContent"], "oops\nfailed to run commands: exit status 3")
        key = f"selftest-ssm/{cid}/{iid}/awsrunShellScript/0.awsrunShellScript/stdout"
        self.assertEqual(self.s3.get_object(Bucket=self.sb["bucket"], Key=key)["Body"].read(), b"x" * 30000)
        self.assertTrue(inv["StandardOutputUrl"].endswith(key))
        listed = ssm.list_command_invocations(CommandId=cid, Details=True)["CommandInvocations"]
        self.assertEqual([(i["InstanceId"], i["Status"], i["CommandPlugins"][0]["ResponseCode"]) for i in listed],
                         [(iid, "Failed", 3)])
        _, inv = run(["sleep 5"], parameters={"executionTimeout": ["1"]})
        self.assertEqual((inv["Status"], inv["StatusDetails"]), ("TimedOut", "ExecutionTimedOut"))
        # Presigned URLs (moto alone answers 500): GET and PUT, signatures checked.
        self.s3.put_object(Bucket=self.sb["bucket"], Key="selftest-ssm/in", Body=b"payload")
        get = s3v4.generate_presigned_url("get_object", Params={"Bucket": self.sb["bucket"], "Key": "selftest-ssm/in"})
        put = s3v4.generate_presigned_url("put_object", Params={"Bucket": self.sb["bucket"], "Key": "selftest-ssm/out"})
        _, inv = run([f"curl -fsS '{get}'", f"printf uploaded | curl -fsS -T - '{put}' -H 'Content-Type:'"])
        self.assertEqual((inv["Status"], inv["StandardOutputContent"]), ("Success", "payload"), inv)
        self.assertEqual(self.s3.get_object(Bucket=self.sb["bucket"], Key="selftest-ssm/out")["Body"].read(), b"uploaded")
        _, inv = run([f"curl -sS -o /dev/null -w '%{{http_code}}' '{get[:-4]}0000'"])
        self.assertEqual(inv["StandardOutputContent"], "403")
        # A stopped instance: the command waits (Pending) and runs when it starts again.
        self.ec2.stop_instances(InstanceIds=[iid])
        wait_until("the instance to halt", lambda: self.agent_state()["instances"][iid]["phase"] == "down", 15, 0.1)
        cid = ssm.send_command(InstanceIds=[iid], DocumentName="AWS-RunShellScript",
                               Parameters={"commands": ["echo after start"]})["Command"]["CommandId"]
        time.sleep(0.5)
        self.assertEqual(ssm.get_command_invocation(CommandId=cid, InstanceId=iid)["Status"], "Pending")
        self.ec2.start_instances(InstanceIds=[iid])
        wait_until("the pending command to run", lambda: ssm.get_command_invocation(
            CommandId=cid, InstanceId=iid)["StandardOutputContent"] == "after start\n", 20, 0.1)
        self.ec2.terminate_instances(InstanceIds=[iid])
        wait_until("the instance to go", lambda: iid not in self.agent_state()["instances"], 15, 0.1)
        with self.assertRaises(ssm.exceptions.InvalidInstanceId):
            ssm.send_command(InstanceIds=[iid], DocumentName="AWS-RunShellScript", Parameters={"commands": ["true"]})

    def test_99_down_leaves_nothing_behind(self):
        run_id = self.state["run_id"]
        pids = self.state["pids"]
        self.ctl(["down"])
        self.assertFalse(procs.find_marked(run_id))
        self.assertFalse(procs.find_by_cmdline(self.dir + "/"))
        self.assertFalse(any(procs.alive(p) and p in procs.find_by_cmdline("moto.server") for p in pids.values()))
        self.assertFalse(port_open("127.0.0.1", self.lb_port))
        for ip in self.ips.values():
            self.assertFalse(port_open(ip, 2222))
        left = [n for n in os.listdir(self.dir) if n != "logs" and not n.startswith(("fetched-", "load-"))]
        self.assertEqual(left, [], "runtime parts left in the state dir")
        self.assertFalse(os.path.exists(os.path.join(self.dir, "vault-password")))
        r = self.ctl(["status"], check=False)
        self.assertEqual(r.returncode, 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
