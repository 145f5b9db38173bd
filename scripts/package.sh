#!/usr/bin/env bash
# Makes a Debian package of play: the layout scripts/install.sh gives, under /usr
# (/usr/bin/play, /usr/bin/vault, man pages, bash/zsh/fish completions), built with dpkg-deb.
#
#   scripts/package.sh [--from BIN_DIR] [--compress xz|zstd|gzip|none]
#                      [--allow-unpackaged-libraries] [OUT_DIR]          (OUT_DIR: dist)
#
# Without --from (or $PLAY_BUILD_DIR) the shipped binaries are built first (bench/build-release.sh,
# 20-40 minutes on a loaded 2-core machine). Prints the path of the .deb.
# Version: play's release and the git commit its `--version` names (0.1.0+git<count>.<commit>);
# Architecture: dpkg --print-architecture; Maintainer: $PLAY_MAINTAINER, else the source's last
# commit author. Depends: dpkg-shlibdeps on the binaries (what they link: libc, libstdc++,
# libgcc); Recommends: the packages owning libcurl.so.4 (opened on the first HTTP request, never
# linked) and ssh (run for SSH connections). A binary that links a library no Debian package
# provides (a debug build's Swift runtime in /opt/swift) is refused unless
# --allow-unpackaged-libraries, and then such libraries are named in the output and not depended on.
set -euo pipefail
umask 022
here=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
fail() { echo "package: $*" >&2; exit 1; }

bin=${PLAY_BUILD_DIR:-} compress=xz allow_unpackaged=0 out=
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --from) [ $# -ge 2 ] || fail "--from needs a directory"; bin=$2; shift 2 ;;
    --from=*) bin=${1#--from=}; shift ;;
    --compress) [ $# -ge 2 ] || fail "--compress needs a type"; compress=$2; shift 2 ;;
    --compress=*) compress=${1#--compress=}; shift ;;
    --allow-unpackaged-libraries) allow_unpackaged=1; shift ;;
    -*) usage >&2; fail "unknown option $1" ;;
    *) [ -z "$out" ] || fail "one OUT_DIR only (got $out and $1)"; out=$1; shift ;;
  esac
done
case "$compress" in xz|zstd|gzip|none) ;; *) fail "--compress is one of xz, zstd, gzip, none (not '$compress')" ;; esac
for tool in dpkg-deb dpkg-shlibdeps dpkg-query; do
  command -v "$tool" > /dev/null || fail "$tool is not installed (apt-get install dpkg-dev)"
done
out=${out:-$here/dist}
mkdir -p "$out" || fail "cannot create $out"
if [ -z "$bin" ]; then
  echo "package: building the shipped binaries (bench/build-release.sh; --from DIR skips this)" >&2
  bin=$(bash "$here/bench/build-release.sh")
fi

for tool in play vault; do
  [ -x "$bin/$tool" ] || fail "$bin/$tool is missing or not executable (--from wants the directory holding play and vault)"
done
# Libraries the binaries link that no Debian package provides.
unpackaged=$(for tool in play vault; do ldd "$bin/$tool"; done |
  sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | sort -u |
  while read -r library; do
    dpkg-query -S "$library" > /dev/null 2>&1 || dpkg-query -S "$(readlink -f "$library")" > /dev/null 2>&1 ||
      echo "$library"
  done)
ignore=()
if [ -n "$unpackaged" ]; then
  if [ "$allow_unpackaged" = 0 ]; then
    fail "the binaries link libraries no Debian package provides: $(echo $unpackaged)
  (a debug or plain release build uses the Swift runtime where Swift is installed; package the
  shipped build from bench/build-release.sh, or pass --allow-unpackaged-libraries for a package
  that only runs where those files exist)"
  fi
  echo "package: warning: not depended on (no Debian package provides them): $(echo $unpackaged)" >&2
  ignore=(--ignore-missing-info)
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/debian/play
bash "$here/scripts/install.sh" --from "$bin" --destdir "$root" /usr > /dev/null

# Version from the binary itself, so the package names what it holds.
report=$("$root/usr/bin/play" --version)
release=$(printf '%s\n' "$report" | sed -n '1s/^play \([^ ]*\).*/\1/p')
commit=$(printf '%s\n' "$report" | sed -n 's/^  git commit = //p')
[ -n "$release" ] || fail "cannot read the release from '$root/usr/bin/play --version'"
version=$release
if [ -n "$commit" ] && [ "$commit" != unknown ]; then
  sha=${commit%-dirty}
  count=$(git -C "$here" rev-list --count "$sha" 2>/dev/null) || count=
  version=$release+git${count:+$count.}${sha:0:12}
  [ "$sha" = "$commit" ] || version=$version.dirty
fi
arch=$(dpkg --print-architecture)
maintainer=${PLAY_MAINTAINER:-$(git -C "$here" log -1 --format='%an <%ae>' 2>/dev/null || true)}
[ -n "$maintainer" ] || fail "no maintainer: set PLAY_MAINTAINER='Name <email>' (no git history to take it from)"

mkdir -p "$root/DEBIAN"
printf 'Source: play\n\nPackage: play\nArchitecture: any\n' > "$stage/debian/control"
depends=$(cd "$stage" && dpkg-shlibdeps "${ignore[@]}" -O debian/play/usr/bin/play debian/play/usr/bin/vault 2>"$stage/shlibdeps.log" |
  sed -n 's/^shlibs:Depends=//p') || { cat "$stage/shlibdeps.log" >&2; fail "dpkg-shlibdeps failed"; }
[ -n "$depends" ] || { cat "$stage/shlibdeps.log" >&2; fail "dpkg-shlibdeps found no dependencies"; }

owner() {  # PATH_PATTERN FALLBACK: the package owning a file on this machine
  local found
  found=$(dpkg-query -S "$1" 2>/dev/null | sed -n '1s/:.*//p') || true
  echo "${found:-$2}"
}
recommends="$(owner '*/libcurl.so.4' libcurl4), $(owner /usr/bin/ssh openssh-client)"
installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)

cat > "$root/DEBIAN/control" <<CONTROL
Package: play
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $depends
Recommends: $recommends
Section: admin
Priority: optional
Description: Ansible-compatible playbook runner in one binary
 play runs the playbooks, inventories and vault files Ansible users already
 have: over SSH with nothing but a POSIX shell on the targets, locally, and
 against AWS itself (SigV4 requests over libcurl).
 .
 The package holds play, vault (ansible-vault compatible), their man pages
 and bash, zsh and fish completions. libcurl is opened on the first HTTP
 request (AWS modules, get_url, uri) and ssh runs SSH connections; neither is
 needed for runs with -c local.
CONTROL
(cd "$root" && find usr -type f | sort | xargs md5sum) > "$root/DEBIAN/md5sums"

deb=$out/play_${version}_${arch}.deb
dpkg-deb --root-owner-group -Z"$compress" --build "$root" "$deb" > /dev/null
echo "$deb"
