#!/usr/bin/env bash
# Benchmark of `certisante metrics` beside `certisante list --json` over the same registry
# (the corpus of bench/list.sh, watched and scanned once), and of one scrape of
# `metrics --listen`. Run on demand; prints a table. Not a test: nothing fails on a slow
# figure. The goal set in issue 17: `metrics` within 1.2x of `list --json`.
#
# usage: bench/metrics.sh [N]     (N files in the corpus, default 10000)
# env:   BENCH_DIR      cache folder, default /tmp/certisante-bench (corpus and registry reused)
#        BENCH_RUNS     runs of each measurement, default 5 (the median is printed)
#        BENCH_PROFILE  release (default) or debug: where the binaries are built and taken
#        CARGO_TARGET_DIR  as for cargo
# See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
n=${1:-10000}
cache=${BENCH_DIR:-/tmp/certisante-bench}
runs=${BENCH_RUNS:-5}
profile=${BENCH_PROFILE:-release}
target=${CARGO_TARGET_DIR:-$root/target}
bin=$target/$profile

say() { printf '%s\n' "$*" >&2; }

say "== building $profile binaries (target: $target)"
case $profile in
    release) (cd "$root" && cargo build --release -p certisante-cli -p certisante-testpki) ;;
    debug) (cd "$root" && cargo build -p certisante-cli -p certisante-testpki) ;;
    *) say "BENCH_PROFILE is release or debug, not $profile"; exit 2 ;;
esac

corpus=$cache/corpus-$n
mkdir -p "$cache"
if [[ ! -f $corpus/corpus.txt ]]; then
    say "== writing the corpus: $corpus ($n files)"
    rm -rf "$corpus"
    "$bin/corpus" "$corpus" "$n" >/dev/null
else
    say "== reusing the corpus: $corpus (remove it to rebuild)"
fi
certs=$corpus/certs
export CERTISANTE_EXTRA_ANCHORS=$corpus/anchors
# A registry of its own, which only this benchmark writes: the corpus watched, scanned once.
export CERTISANTE_DATA_DIR=$cache/metrics-registry-$n
if [[ ! -f $CERTISANTE_DATA_DIR/registry.sqlite3 ]]; then
    say "== registry: $CERTISANTE_DATA_DIR (watch add, scan)"
    "$bin/certisante" watch add "$certs" >/dev/null
    "$bin/certisante" scan >/dev/null
fi

gnu_time=
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
    gnu_time=/usr/bin/time
fi
logs=$cache/logs
mkdir -p "$logs"
now() { if [[ -n ${EPOCHREALTIME:-} ]]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A wall rss cpu bytes
# measure KEY COMMAND...: $runs runs, stdout to $logs/KEY.out; median wall (s), RSS (MB), CPU (s).
measure() {
    local key=$1
    shift
    local walls=() rsses=() cpus=() t0 t1 i
    for ((i = 1; i <= runs; i++)); do
        t0=$(now)
        if [[ -n $gnu_time ]]; then
            "$gnu_time" -f '%e %M %U %S' -o "$logs/$key.time" "$@" >"$logs/$key.out" 2>"$logs/$key.err" || { say "$key failed: see $logs/$key.err"; exit 1; }
            rsses+=("$(awk 'END { printf "%.1f", $2 / 1024 }' "$logs/$key.time")")
            cpus+=("$(awk 'END { printf "%.2f", $3 + $4 }' "$logs/$key.time")")
        else
            "$@" >"$logs/$key.out" 2>"$logs/$key.err" || { say "$key failed: see $logs/$key.err"; exit 1; }
        fi
        t1=$(now)
        walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
        say "   $key run $i: ${walls[-1]} s${rsses:+, ${rsses[-1]} MB, ${cpus[-1]} s CPU}"
    done
    wall[$key]=$(printf '%s\n' "${walls[@]}" | median)
    rss[$key]=$( ((${#rsses[@]})) && printf '%s\n' "${rsses[@]}" | median || echo -)
    cpu[$key]=$( ((${#cpus[@]})) && printf '%s\n' "${cpus[@]}" | median || echo -)
    bytes[$key]=$(stat -c %s "$logs/$key.out")
}

say "== certisante list --json (the registry)"
measure list "$bin/certisante" list --json
say "== certisante metrics (the registry)"
measure metrics "$bin/certisante" metrics

# One scrape of a running `metrics --listen` (the process's start-up and the registry's
# opening are no longer in the figure: what Prometheus waits for).
say "== one scrape of certisante metrics --listen"
"$bin/certisante" metrics --listen 127.0.0.1:0 2>"$logs/listen.err" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
url=
for _ in $(seq 100); do
    url=$(grep -o 'http://[^ ]*' "$logs/listen.err" 2>/dev/null || true)
    [[ -n $url ]] && break
    sleep 0.1
done
[[ -n $url ]] || { say "metrics --listen did not start: $(cat "$logs/listen.err")"; exit 1; }
measure scrape curl -fsS --max-time 60 "$url"

ratio() { awk -v a="${wall[$1]}" -v b="${wall[$2]}" 'BEGIN { printf "%.2fx", a / b }'; }
row() { printf '%-52s %9s %8s %9s %11s %9s\n' "$2" "${wall[$1]}" "${cpu[$1]}" "${rss[$1]}" "${bytes[$1]}" "$(ratio "$1" list)"; }

machine_cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
echo
echo "corpus:   $corpus ($(cat "$corpus/corpus.txt")), registry $CERTISANTE_DATA_DIR"
echo "machine:  $(nproc) cores, $machine_cpu, $(uname -sr)"
echo "binaries: $profile ($("$bin/certisante" --version))"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (1, 5, 15 min averages, at the end)"
echo "timing:   median of $runs runs, wall clock of the whole process; CPU (user + system) and RSS from ${gnu_time:-(no /usr/bin/time)}"
echo
printf '%-52s %9s %8s %9s %11s %9s\n' "what" "wall (s)" "CPU (s)" "RSS (MB)" "output (B)" "/list"
row list "certisante list --json (registry) >/dev/null"
row metrics "certisante metrics (registry) >/dev/null"
row scrape "curl one scrape of metrics --listen"
echo
echo "series: $(grep -c '^certisante_certificate_usable_until_timestamp_seconds{' "$logs/metrics.out") certificates in the metrics, $(jq '.certificates | length' "$logs/list.out" 2>/dev/null || echo '?') in list (CA certificates are listed, not exposed)"
echo "goal: metrics within 1.2x of list --json -> $(ratio metrics list)"
