#!/usr/bin/env bash
# Generates the man pages and shell completions of built `play` and `vault` binaries, from their
# command definitions (swift-argument-parser), in the layout they install to under a prefix:
#   scripts/gen-docs.sh BIN_DIR OUT_DIR
#     OUT_DIR/share/man/man1/{play,vault}.1.gz
#     OUT_DIR/share/bash-completion/completions/{play,vault}
#     OUT_DIR/share/zsh/site-functions/{_play,_vault}
#     OUT_DIR/share/fish/vendor_completions.d/{play,vault}.fish
# The pages are written by `play-manual` from each binary's `--experimental-dump-help` JSON;
# `play`'s covers `play inventory`, `play config` and `play vault` (dispatched by hand, described
# to argument-parser as one tree for this), and so do its completions. play-manual is taken from
# BIN_DIR, else $PLAY_MANUAL, else built here (`swift build --product play-manual`, debug).
# The page date is the source's last commit date ($SOURCE_DATE_EPOCH wins), so a rebuild of the
# same source gives the same files. Output is generated, never committed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
if [ $# -ne 2 ]; then usage >&2; exit 2; fi
bin=$1 out=$2
for tool in play vault; do
  if [ ! -x "$bin/$tool" ]; then
    echo "gen-docs: $bin/$tool is not an executable: build first (bench/build-release.sh or swift build)" >&2
    exit 1
  fi
done

manual=${PLAY_MANUAL:-}
if [ -z "$manual" ]; then
  if [ -x "$bin/play-manual" ]; then
    manual=$bin/play-manual
  else
    echo "gen-docs: building play-manual (swift build --product play-manual)" >&2
    (cd "$here" && swift build --product play-manual >&2)
    manual=$(cd "$here" && swift build --product play-manual --show-bin-path)/play-manual
  fi
fi
[ -x "$manual" ] || { echo "gen-docs: play-manual not found at $manual" >&2; exit 1; }

if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
elif date=$(git -C "$here" log -1 --format=%cs 2>/dev/null) && [ -n "$date" ]; then
  :
else
  date=$(date -u +%Y-%m-%d)
fi

man=$out/share/man/man1 bash_dir=$out/share/bash-completion/completions
zsh_dir=$out/share/zsh/site-functions fish_dir=$out/share/fish/vendor_completions.d
mkdir -p "$man" "$bash_dir" "$zsh_dir" "$fish_dir"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

page() {  # TOOL SEE_ALSO...
  local tool=$1; shift
  local see=()
  for other in "$@"; do see+=(--see-also "$other"); done
  "$bin/$tool" --experimental-dump-help > "$scratch/$tool.json"
  "$manual" --date "$date" "${see[@]}" < "$scratch/$tool.json" > "$scratch/$tool.1"
  gzip -9n < "$scratch/$tool.1" > "$man/$tool.1.gz"
}
page play vault ansible-playbook
page vault play ansible-vault

for tool in play vault; do
  "$bin/$tool" --generate-completion-script bash > "$bash_dir/$tool"
  "$bin/$tool" --generate-completion-script zsh > "$zsh_dir/_$tool"
  "$bin/$tool" --generate-completion-script fish > "$fish_dir/$tool.fish"
done
echo "$out"
