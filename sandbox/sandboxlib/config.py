"""Settings of one sandbox (from the environment) and the layout of its state directory."""

import ipaddress
import os
from dataclasses import dataclass, field

SANDBOX_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(SANDBOX_ROOT)
APP_DIR = os.path.join(REPO_ROOT, "apps", "th3-server")

VPC_CIDR = ipaddress.ip_network("127.0.0.0/16")
ACCOUNT_ID = "123456789012"      # moto's fixed account


class ConfigError(Exception):
    """A sandbox setting is invalid; the message names the variable and what it accepts."""


def _float(name, default, minimum):
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw} must be at least {minimum}")
    return value


def _int(name, default, lo, hi):
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if not lo <= value <= hi:
        raise ConfigError(f"{name}={raw} must be between {lo} and {hi}")
    return value


def _subnet(name, default):
    raw = os.environ.get(name) or default
    try:
        net = ipaddress.ip_network(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a CIDR block such as {default}") from None
    if net.prefixlen != 24 or not net.subnet_of(VPC_CIDR) or net.network_address.packed[2] == 0:
        raise ConfigError(f"{name}={raw} must be a /24 inside {VPC_CIDR} other than 127.0.0.0/24 "
                          f"(which holds the load balancer), e.g. {default}")
    return str(net)


@dataclass(frozen=True)
class Settings:
    state_dir: str
    region: str
    subnet_cidr: str
    lb_port: int
    endpoint_port: int
    ssh_port: int
    app_port: int
    health_interval: float
    deregistration_delay: float
    poll_interval: float
    stop_grace: float
    vault_cmd: str
    task_subnet_cidr: str = "127.0.2.0/24"     # ECS tasks' addresses (SANDBOX_TASK_SUBNET)
    builds: tuple = field(default=("1", "2", "3"))
    broken_builds: tuple = field(default=("3",))

    @staticmethod
    def from_env():
        state_dir = os.path.abspath(os.environ.get("SANDBOX_DIR") or os.path.join(SANDBOX_ROOT, "run"))
        subnet = _subnet("SANDBOX_SUBNET", "127.0.1.0/24")
        task_subnet = _subnet("SANDBOX_TASK_SUBNET", "127.0.2.0/24")
        if task_subnet == subnet:
            raise ConfigError(f"SANDBOX_TASK_SUBNET={task_subnet} must differ from SANDBOX_SUBNET")
        return Settings(
            state_dir=state_dir,
            region=os.environ.get("SANDBOX_REGION") or "us-east-1",
            subnet_cidr=subnet,
            lb_port=_int("SANDBOX_LB_PORT", 8080, 1, 65535),
            endpoint_port=_int("SANDBOX_ENDPOINT_PORT", 0, 0, 65535),
            ssh_port=_int("SANDBOX_SSH_PORT", 2222, 1, 65535),
            app_port=8080,
            health_interval=_float("SANDBOX_HEALTH_INTERVAL", 1.0, 0.1),
            deregistration_delay=_float("SANDBOX_DEREGISTRATION_DELAY", 5.0, 0.0),
            poll_interval=_float("SANDBOX_POLL_INTERVAL", 0.5, 0.05),
            stop_grace=_float("SANDBOX_STOP_GRACE", 2.0, 0.0),
            vault_cmd=os.environ.get("VAULT_CMD") or "ansible-vault",
            task_subnet_cidr=task_subnet,
        )

    @property
    def subnet_pattern(self):
        """`127.0.1.*`: the ssh host pattern covering every address of the subnet."""
        a, b, c, _ = self.subnet_cidr.split("/")[0].split(".")
        return f"{a}.{b}.{c}.*"

    @property
    def paths(self):
        return Paths(self.state_dir)


class Paths:
    """Every file of a sandbox, relative to its state directory."""

    def __init__(self, root):
        self.root = root
        self.state = os.path.join(root, "state.json")          # pids, ports, run id (internal)
        self.env_json = os.path.join(root, "env.json")         # ids and names for tools
        self.vars_yml = os.path.join(root, "sandbox-vars.yml")  # the same for playbooks
        self.vault_dir = os.path.join(root, "vault")
        self.vault_file = os.path.join(root, "vault", "aws.yml")
        self.vault_password = os.path.join(root, "vault-password")
        self.ssh_dir = os.path.join(root, "ssh")
        self.host_key = os.path.join(root, "ssh", "host_ed25519_key")
        self.client_key = os.path.join(root, "ssh", "id_ed25519")
        self.authorized_keys = os.path.join(root, "ssh", "authorized_keys")
        self.known_hosts = os.path.join(root, "ssh", "known_hosts")
        self.ssh_config = os.path.join(root, "ssh", "config")
        self.builds = os.path.join(root, "builds")
        self.instances = os.path.join(root, "instances")
        self.nginx = os.path.join(root, "nginx")
        self.logs = os.path.join(root, "logs")
        self.agent_state = os.path.join(root, "agent-state.json")
        self.agent_port = os.path.join(root, "agent.port")
        self.proxy_port = os.path.join(root, "proxy.port")
        self.tasks = os.path.join(root, "tasks")                 # ECS tasks' homes (ecstasks.py)
        self.ecs_state = os.path.join(root, "ecs.json")          # services, deployments, tasks
        self.lb_ports = os.path.join(root, "lb-ports.json")      # ALB listener -> loopback port
        self.load_balancers = os.path.join(root, "load-balancers.json")   # each ALB's URL

    def log(self, name):
        return os.path.join(self.logs, name)

    def instance_dir(self, instance_id):
        return os.path.join(self.instances, instance_id)

    # Everything `down` removes; logs/ stays for a post-mortem and is cleared by the next `up`.
    def runtime_parts(self):
        return [self.state, self.env_json, self.vars_yml, self.vault_dir, self.vault_password,
                self.ssh_dir, self.builds, self.instances, self.nginx, self.agent_state,
                self.agent_port, self.proxy_port, self.tasks, self.ecs_state, self.lb_ports,
                self.load_balancers]
