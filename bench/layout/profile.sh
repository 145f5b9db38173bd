#!/usr/bin/env bash
# Records which functions `play` and `vault` run in typical work, for the release link to place
# them together (bench/build-release.sh): a run then touches a few MiB of contiguous code instead
# of pages scattered over 22 MB, which is most of its resident memory and part of its start-up.
#
#   profile.sh BIN_DIR OUT_DIR      writes OUT_DIR/play.order and OUT_DIR/vault.order
#
# The work: `--help`; `--list-tasks` and a local run of a small playbook with templating,
# facts and loops; the W1 playbook over ssh on a two-host sshd fleet of its own (loopback); the
# translate-api playbook's task list; `vault encrypt`, `view` and `--help`. Each runs once under
# callgrind (valgrind), on copies without debug info (valgrind cannot read Swift's DWARF 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$1
out=$2
rm -rf "$out"
mkdir -p "$out/profiles"
work=$(mktemp -d /tmp/play-layout-XXXXXX)
fleet="$work/fleet"
cleanup() {
  scripts/sshd-fleet.sh stop "$fleet" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

strip -g -o "$work/play" "$bin/play"
strip -g -o "$work/vault" "$bin/vault"
profile() {  # NAME COMMAND...: one profiled run; its own exit status does not matter
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$out/profiles/$1.%p.out" "${@:2}" \
    >"$out/profiles/$1.log" 2>&1 || true
}

cat >"$work/local.yml" <<'YML'
- name: layout profile
  hosts: localhost
  gather_facts: false
  vars:
    items: [a, b, c]
  tasks:
    - set_fact:
        joined: "{{ items | map('upper') | join(',') }}"
    - debug:
        msg: "{{ joined }} {{ items | length }}"
    - command: echo "{{ item }}"
      loop: "{{ items }}"
      register: echoed
    - assert:
        that: echoed.results | length == 3
    - copy:
        content: "{{ joined }}\n"
        dest: "{{ playbook_dir }}/copied.txt"
    - stat:
        path: "{{ playbook_dir }}/copied.txt"
YML
profile help "$work/play" --help
profile list "$work/play" "$work/local.yml" --list-tasks -i localhost,
profile local "$work/play" "$work/local.yml" -i localhost, -c local
profile translate-api "$work/play" playbooks/translate-api.yml -i inventory/sandbox --list-tasks

for n in $(seq 40 60); do
  status=0
  FLEET_NET=127.0.$n scripts/sshd-fleet.sh start "$fleet" 2 >"$work/fleet.log" 2>&1 || status=$?
  [ $status = 75 ] || break
done
if [ "$status" = 0 ]; then
  profile w1 "$work/play" -i "$fleet/inventory" -f 10 bench/w1/w1.yml -e fleet_dir="$fleet"
else
  echo "layout profile: no sshd fleet ($(tail -1 "$work/fleet.log")); the ssh path is not profiled" >&2
fi

printf 'layout-profile-password\n' >"$work/pw"
head -c 2048 /dev/urandom | base64 >"$work/plain.txt"
profile vault-help "$work/vault" --help
profile vault-encrypt "$work/vault" encrypt "$work/plain.txt" --output "$work/plain.vault" --vault-password-file "$work/pw"
profile vault-view "$work/vault" view "$work/plain.vault" --vault-password-file "$work/pw"

shopt -s nullglob
play_profiles=("$out"/profiles/{help,list,local,translate-api,w1}.*.out)
vault_profiles=("$out"/profiles/vault-*.out)
python3 bench/layout/functions-run.py "$work/play" "${play_profiles[@]}" >"$out/play.order"
python3 bench/layout/functions-run.py "$work/vault" "${vault_profiles[@]}" >"$out/vault.order"
