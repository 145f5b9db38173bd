"""Container images of the sandbox: which build an ECS image reference runs.

The sandbox has no container runtime. Its "registry" is the build bucket: an image
`REPO:TAG` is the build `s3://th3-builds/REPO/TAG/REPO-TAG.tar.gz` (the layout `up` fills for
th3-server 1, 2, 3), and its digest is that tarball's sha256 (the object's `sha256` metadata).
Any registry host in front of the repository is accepted and ignored, so all of these run
th3-server build 2:

    th3-server:2
    123456789012.dkr.ecr.us-east-1.amazonaws.com/th3-server:2
    docker.io/library/th3-server:2
    th3-server@sha256:<sha256 of th3-server-2.tar.gz>      (any repository path before the @)

`latest` (or no tag) is the highest numbered build of the repository. Another app becomes
runnable by putting its build in the bucket under the same layout: a tarball holding one
directory REPO-TAG/ with an executable `run.sh` that accepts `--bind ADDRESS --port PORT`.
A reference that resolves to nothing fails the task as ECS does when a pull fails
(CannotPullContainerError).
"""

import os
import re
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

REFERENCE = re.compile(r"^(?:(?P<host>[^/]+\.[^/]+|localhost(?::\d+)?)/)?(?P<path>[a-z0-9._/-]+?)"
                       r"(?::(?P<tag>[A-Za-z0-9_.-]{1,128}))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$")


@dataclass(frozen=True)
class Build:
    """What an image reference resolved to: repository, build version, the tarball's sha256 and
    the directory the tarball unpacks to."""
    repository: str
    version: str
    digest: str
    key: str

    @property
    def directory(self):
        return f"{self.repository}-{self.version}"


class PullError(Exception):
    """The image cannot be pulled; str() is the text ECS puts after 'CannotPullContainerError: '."""


def parse(image):
    """(registry host or None, repository name, tag or None, digest or None); raises PullError
    for a reference that is not one."""
    m = REFERENCE.match(image or "")
    if not m:
        raise PullError(f"invalid reference format: repository name ({image}) must be lowercase")
    return m.group("host"), m.group("path").rsplit("/", 1)[-1], m.group("tag"), m.group("digest")


def canonical(image):
    """The reference as containerd resolves it (docker.io/library/ for bare names)."""
    host, _, _, _ = parse(image)
    if host:
        return image
    return "docker.io/" + (image if "/" in image.split(":")[0].split("@")[0] else "library/" + image)


class Registry:
    """Resolves references against the build bucket (one S3 client, answers cached)."""

    def __init__(self, s3, bucket, builds_dir):
        self.s3 = s3
        self.bucket = bucket
        self.builds_dir = builds_dir
        self.cache = {}       # repository -> {version: Build}

    def builds(self, repository, refresh=False):
        if repository in self.cache and not refresh:
            return self.cache[repository]
        found = {}
        try:
            # No "/" in the prefix: moto 5.2.1 checks the signature of such a query wrongly.
            pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=repository)
            for page in pages:
                for obj in page.get("Contents", []):
                    parts = obj["Key"].split("/")
                    if len(parts) != 3 or parts[0] != repository or parts[2] != f"{repository}-{parts[1]}.tar.gz":
                        continue
                    meta = self.s3.head_object(Bucket=self.bucket, Key=obj["Key"]).get("Metadata", {})
                    found[parts[1]] = Build(repository, parts[1], "sha256:" + meta.get("sha256", ""), obj["Key"])
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("NoSuchBucket", "404"):
                raise
        self.cache[repository] = found
        return found

    def resolve(self, image):
        """The Build an image reference runs; raises PullError when there is none."""
        _, repository, tag, digest = parse(image)
        ref = canonical(image)
        for refresh in (False, True):
            try:
                builds = self.builds(repository, refresh)
            except (ClientError, BotoCoreError) as e:
                raise PullError(f"pull image manifest has been retried 1 time(s): failed to resolve ref {ref}: "
                                f"registry unavailable: {e}") from e
            if digest:
                match = [b for b in builds.values() if b.digest == digest]
            elif tag in (None, "latest"):
                numbered = sorted((b for b in builds.values() if b.version.isdigit()), key=lambda b: int(b.version))
                match = numbered[-1:]
            else:
                match = [builds[tag]] if tag in builds else []
            if match:
                return match[0]
        raise PullError(f"pull image manifest has been retried 1 time(s): failed to resolve ref {ref}: "
                        f"{ref}: not found")

    def tarball(self, build):
        """STATE/builds/REPO-TAG.tar.gz, downloaded from the bucket when not there yet."""
        local = os.path.join(self.builds_dir, f"{build.directory}.tar.gz")
        if not os.path.exists(local):
            os.makedirs(self.builds_dir, exist_ok=True)
            part = f"{local}.{os.getpid()}.part"
            self.s3.download_file(self.bucket, build.key, part)
            os.replace(part, local)
        return local
