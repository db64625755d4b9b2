#!/usr/bin/env bash
# RSA-2048 key + CSR generation: CertiSanté's code (crates/pki/examples/keygen.rs) beside
# `openssl req -newkey rsa:2048`, in the same run. Prints median, min and max of N rounds.
#
#   bench/keygen.sh [N]      N rounds of each row (default 20)
#
# Not a test: nothing fails when a figure is slow. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
SUBJECT="/C=FR/ST=Paris (75)/O=CENTRE HOSPITALIER DE TEST/OU=110B0073160/CN=teleservice.ch-test.example"
target=${CARGO_TARGET_DIR:-target}

command -v openssl >/dev/null || { echo "keygen.sh: openssl is missing (Debian package openssl)" >&2; exit 1; }
# The dev profile, as the tests: dependencies (aws-lc included) are built with opt-level 2
# (root Cargo.toml), and this program's own code only calls them.
cargo build -q -p certisante-pki --example keygen
bin=$target/debug/examples/keygen

# median min max of the numbers on stdin, one a line
stats() {
  sort -n | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%9.1f %9.1f %9.1f", m, v[1], v[NR] }'
}
now_ns() { date +%s%N; }
# One command: "wall_ms cpu_ms" (process start-up included). CPU is user + system time from
# GNU time, much less sensitive than the wall time to other work on the machine ("-" without
# /usr/bin/time).
run_ms() {
  local t0 t1 cpu=- out
  out=$(mktemp)
  t0=$(now_ns)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%U %S" -o "$out" "$@" >/dev/null 2>&1
    cpu=$(awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$out")
  else
    "$@" >/dev/null 2>&1
  fi
  t1=$(now_ns)
  rm -f "$out"
  awk -v a="$t0" -v b="$t1" -v c="$cpu" 'BEGIN { printf "%.3f %s\n", (b - a) / 1e6, c }'
}

echo "machine: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "openssl: $(openssl version)"
echo "rounds: $N (RSA 2048, e=65537; CSR signed with SHA-256, subject $SUBJECT)"
echo

inproc=$("$bin" "$N" rsa)
# One process per round: start-up included, as for openssl below.
ours_proc=$(for _ in $(seq "$N"); do run_ms "$bin" 1 rsa; done)
openssl_proc=$(for _ in $(seq "$N"); do
  run_ms openssl req -new -newkey rsa:2048 -nodes -keyout /dev/null -subj "$SUBJECT" -sha256 -out /dev/null
done)
# The floor under one process: starting openssl to do nothing.
openssl_start=$(for _ in $(seq "$N"); do run_ms openssl version; done)

col() { cut -d' ' -f"$1" | stats; }
cpu() { if grep -q -- '-' <<<"$1"; then printf "%29s" "-"; else cut -d' ' -f2 <<<"$1" | stats; fi; }
printf "%-60s %9s %9s %9s  %9s %9s %9s\n" "what (ms)" "median" "min" "max" "CPU med" "min" "max"
printf "%-60s %s\n" "certisante: key + CSR, in process" "$(col 1 <<<"$inproc")"
printf "%-60s %s\n" "  of which PrivateKey::generate(Rsa2048)" "$(col 2 <<<"$inproc")"
printf "%-60s %s\n" "  of which rcgen key pair + serialize_request + PEM" "$(col 3 <<<"$inproc")"
printf "%-60s %s  %s\n" "certisante: key + CSR, one process each (examples/keygen 1)" "$(col 1 <<<"$ours_proc")" "$(cpu "$ours_proc")"
printf "%-60s %s  %s\n" "openssl req -newkey rsa:2048 -nodes, one process each" "$(col 1 <<<"$openssl_proc")" "$(cpu "$openssl_proc")"
printf "%-60s %s  %s\n" "openssl version (process start-up alone)" "$(col 1 <<<"$openssl_start")" "$(cpu "$openssl_start")"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
