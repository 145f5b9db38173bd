"""The sandbox's credentials as an Ansible-vault encrypted vars file.

STATE/vault/aws.yml holds aws_access_key_id, aws_secret_access_key and aws_region, encrypted with
the password in STATE/vault-password (mode 0600). The encryption command is $VAULT_CMD
(default `ansible-vault`), called as `$VAULT_CMD encrypt --vault-password-file PW FILE`, so play's
own `vault` binary can take over without changes here.
"""

import json
import os
import secrets
import shlex
import subprocess


class VaultError(Exception):
    pass


def _write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def write(paths, vault_cmd, key_id, secret, region):
    os.makedirs(paths.vault_dir, mode=0o700, exist_ok=True)
    os.chmod(paths.vault_dir, 0o700)
    _write_private(paths.vault_password, secrets.token_urlsafe(32) + "\n")
    # JSON strings are valid YAML scalars and need no escaping rules of their own.
    plain = "".join(f"{k}: {json.dumps(v)}\n" for k, v in (
        ("aws_access_key_id", key_id), ("aws_secret_access_key", secret), ("aws_region", region)))
    _write_private(paths.vault_file, plain)
    argv = shlex.split(vault_cmd) + ["encrypt", "--vault-password-file", paths.vault_password, paths.vault_file]
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        os.remove(paths.vault_file)
        raise VaultError(f"cannot run VAULT_CMD {vault_cmd!r}: {e}") from None
    with open(paths.vault_file, errors="replace") as f:
        head = f.readline()
    if r.returncode != 0 or not head.startswith("$ANSIBLE_VAULT;"):
        os.remove(paths.vault_file)   # never leave the plaintext behind
        # The tool's messages name files, not contents, but keep them short.
        raise VaultError(f"{vault_cmd} encrypt failed (exit {r.returncode}): {(r.stderr or r.stdout).strip()[:300]}")


def read(paths, vault_cmd):
    """Decrypts the vault with $VAULT_CMD view; returns its keys as a dict (for tests and tools)."""
    argv = shlex.split(vault_cmd) + ["view", "--vault-password-file", paths.vault_password, paths.vault_file]
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise VaultError(f"{vault_cmd} view failed (exit {r.returncode})")
    out = {}
    for line in r.stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            value = value.strip()
            out[key.strip()] = json.loads(value) if value.startswith('"') else value
    return out
