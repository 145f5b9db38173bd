#!/usr/bin/env bash
# Installs play as a tool: `play` and `vault` to PREFIX/bin, their man pages to
# PREFIX/share/man/man1, bash, zsh and fish completions to PREFIX/share/bash-completion/completions,
# PREFIX/share/zsh/site-functions and PREFIX/share/fish/vendor_completions.d.
#
#   scripts/install.sh [--from BIN_DIR] [--destdir DIR] [--no-strip] [PREFIX]   (PREFIX: /usr/local)
#
# Without --from (or $PLAY_BUILD_DIR) it first builds the shipped binaries with
# bench/build-release.sh (optimised, Swift runtime linked in, code layout by profile): 20-40
# minutes on a loaded 2-core machine. `--from .build-release/release` installs binaries already
# built that way (any directory holding `play` and `vault`; a debug build is installed with a warning).
# --destdir stages the tree under DIR (as `make install DESTDIR=DIR`): scripts/package.sh uses it.
# The binaries lose their symbol tables (strip; not needed to run, about 40 MB) unless --no-strip.
# Man pages and completions come from the binaries themselves (scripts/gen-docs.sh).
# Safe to run again: each file is replaced whole; nothing else under PREFIX is touched.
set -euo pipefail
umask 022
here=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
fail() { echo "install: $*" >&2; exit 1; }

bin=${PLAY_BUILD_DIR:-} destdir= strip=1 prefix=
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --from) [ $# -ge 2 ] || fail "--from needs a directory"; bin=$2; shift 2 ;;
    --from=*) bin=${1#--from=}; shift ;;
    --destdir) [ $# -ge 2 ] || fail "--destdir needs a directory"; destdir=$2; shift 2 ;;
    --destdir=*) destdir=${1#--destdir=}; shift ;;
    --no-strip) strip=0; shift ;;
    -*) usage >&2; fail "unknown option $1" ;;
    *) [ -z "$prefix" ] || fail "one PREFIX only (got $prefix and $1)"; prefix=$1; shift ;;
  esac
done
prefix=${prefix:-/usr/local}
case "$prefix" in /*) ;; *) fail "PREFIX must be an absolute path, not '$prefix'" ;; esac
prefix=${prefix%/}
[ -z "$destdir" ] || case "$destdir" in /*) ;; *) destdir=$PWD/$destdir ;; esac

if [ -z "$bin" ]; then
  echo "install: building the shipped binaries (bench/build-release.sh; --from DIR skips this)" >&2
  bin=$(bash "$here/bench/build-release.sh")
fi
[ -d "$bin" ] || fail "$bin is not a directory (--from wants the directory holding play and vault)"
for tool in play vault; do
  [ -x "$bin/$tool" ] || fail "$bin/$tool is missing or not executable"
  "$bin/$tool" --version > /dev/null 2>&1 || fail "$bin/$tool --version fails: is it a build of this source for this machine?"
done
build=$("$bin/play" --version | sed -n 's/^  build = //p')
case "$build" in
  shipped*) ;;
  *) echo "install: warning: $bin/play is a '$build' build, not the shipped one (bench/build-release.sh)" >&2 ;;
esac

root=$destdir$prefix
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
bash "$here/scripts/gen-docs.sh" "$bin" "$scratch/docs" > /dev/null

mkdir -p "$root/bin" 2>/dev/null || fail "cannot create $root/bin (run as a user who may write to $root)"
[ -w "$root/bin" ] || fail "$root/bin is not writable (run as a user who may write to $root)"
for tool in play vault; do
  cp "$bin/$tool" "$scratch/$tool"
  [ "$strip" = 0 ] || strip --strip-all "$scratch/$tool"
  # install(1) unlinks the old file first: a running play keeps its binary, new runs get this one.
  install -m 0755 "$scratch/$tool" "$root/bin/$tool"
done
(cd "$scratch/docs/share" && find . -type f) | sort | while read -r file; do
  install -D -m 0644 "$scratch/docs/share/$file" "$root/share/${file#./}"
done

"$root/bin/play" --version > /dev/null || fail "the installed $root/bin/play does not run"
echo "install: play and vault in $root/bin, man pages in $root/share/man/man1, completions in $root/share/{bash-completion,zsh,fish}" >&2
(cd "$root" && find bin/play bin/vault share/man/man1/play.1.gz share/man/man1/vault.1.gz \
  share/bash-completion/completions/play share/bash-completion/completions/vault \
  share/zsh/site-functions/_play share/zsh/site-functions/_vault \
  share/fish/vendor_completions.d/play.fish share/fish/vendor_completions.d/vault.fish -type f) |
  sed "s|^|$root/|"
