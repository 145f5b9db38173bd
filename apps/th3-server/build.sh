#!/usr/bin/env bash
# Builds a th3-server release artifact:  build.sh VERSION OUTDIR [--health-check-fails]
#
# Writes OUTDIR/th3-server-VERSION.tar.gz holding one directory th3-server-VERSION/ with
#   th3_server.py  the app          VERSION          the version string
#   run.sh         start script     th3-server.conf  build settings (JSON)
# --health-check-fails writes {"health_check_fails": true} into th3-server.conf: that build's
# /health answers 500. The sandbox builds version 3 this way as its "broken" release; the code
# is the same in every build, only the shipped config differs.
# The archive is reproducible (sorted names, fixed mtime and owner, gzip -n), so the same
# inputs give the same bytes and the same S3 ETag.
set -euo pipefail
usage() { echo "usage: $0 VERSION OUTDIR [--health-check-fails]" >&2; exit 2; }
[ $# -ge 2 ] || usage
version=$1; outdir=$2; shift 2
fails=false
for arg in "$@"; do
  case "$arg" in
    --health-check-fails) fails=true ;;
    *) usage ;;
  esac
done
case "$version" in
  ''|*[!A-Za-z0-9._-]*) echo "$0: VERSION may hold only letters, digits, '.', '_' and '-'" >&2; exit 2 ;;
esac
src=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$outdir"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dir="$stage/th3-server-$version"
mkdir "$dir"
install -m 0644 "$src/th3_server.py" "$dir/th3_server.py"
install -m 0755 "$src/run.sh" "$dir/run.sh"
printf '%s\n' "$version" > "$dir/VERSION"
printf '{"health_check_fails": %s}\n' "$fails" > "$dir/th3-server.conf"
chmod 0644 "$dir/VERSION" "$dir/th3-server.conf"
out="$(cd "$outdir" && pwd)/th3-server-$version.tar.gz"
tar -C "$stage" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
    -cf - "th3-server-$version" | gzip -n -9 > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
