"""The sandbox's ssh keys: one host key for the fleet, one client key for the operator.

Every instance's sshd serves the same host key (as instances of one image that keeps its key
would), so one known_hosts line with the subnet's pattern covers every instance, including those
not launched yet: host key checking stays on without a race against the agent.
"""

import os
import subprocess


def generate(paths, subnet_pattern, ssh_port, user="root"):
    os.makedirs(paths.ssh_dir, mode=0o700, exist_ok=True)
    for key, comment in ((paths.host_key, "th3-sandbox-host"), (paths.client_key, "th3-sandbox-operator")):
        if not os.path.exists(key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key],
                           check=True, stdin=subprocess.DEVNULL)
    with open(paths.client_key + ".pub") as f:
        client_pub = f.read().strip()
    with open(paths.host_key + ".pub") as f:
        host_pub = " ".join(f.read().split()[:2])
    with open(paths.authorized_keys, "w") as f:
        f.write(client_pub + "\n")
    with open(paths.known_hosts, "w") as f:
        f.write(f"[{subnet_pattern}]:{ssh_port} {host_pub}\n")
    with open(paths.ssh_config, "w") as f:
        f.write("\n".join([
            "# ssh -F this-file 127.0.1.4   reaches a sandbox instance",
            f"Host {subnet_pattern}",
            f"    Port {ssh_port}",
            f"    User {user}",
            f"    IdentityFile {paths.client_key}",
            "    IdentitiesOnly yes",
            f"    UserKnownHostsFile {paths.known_hosts}",
            "    StrictHostKeyChecking yes",
            "    BatchMode yes",
            "",
        ]))
    return client_pub
