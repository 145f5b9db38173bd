#!/usr/bin/env bash
# W1 with facts: bench/w1/w1.yml with `gather_facts: true` (Ansible's default) on ten real sshd
# hosts, play against ansible-playbook (and W1's raw ssh floor) in one run. It is bench/w1-ssh.sh
# with FACTS=1; the same environment applies (PLAY, RUNS, ANSIBLE_RUNS).
FACTS=1 exec bash "$(dirname "$0")/w1-ssh.sh" "$@"
