#!/usr/bin/env bash
# Benchmark of `certisante list` over a corpus of certificate files, against a floor
# (bare x509-parser parsing in process), OpenSSL and python `cryptography`.
# Run on demand; prints a table. Not a test: nothing here fails on a slow figure.
#
# usage: bench/list.sh [N]        (N files in the corpus, default 10000)
# env:   BENCH_DIR   cache folder, default /tmp/certisante-bench (corpus and venv reused)
#        BENCH_RUNS  runs of each measurement, default 3 (the median is printed)
#        BENCH_SKIP  space-separated rows to skip: floor list openssl python
#        CARGO_TARGET_DIR  as for cargo (the binaries are taken from there)
# See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
n=${1:-10000}
cache=${BENCH_DIR:-/tmp/certisante-bench}
runs=${BENCH_RUNS:-3}
skip=" ${BENCH_SKIP:-} "
target=${CARGO_TARGET_DIR:-$root/target}
bin=$target/release
p12_password=bench # as written by the `corpus` program

say() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- binaries, corpus, python

say "== building release binaries (target: $target)"
(cd "$root" && cargo build --release -p certisante-cli -p certisante-testpki)

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

python=python3
if ! python3 -c 'import cryptography' 2>/dev/null; then
    venv=$cache/venv
    if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import cryptography' 2>/dev/null; then
        say "== installing python cryptography into $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet cryptography
    fi
    python=$venv/bin/python
fi

# ---------------------------------------------------------------- measuring

gnu_time=
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
    gnu_time=/usr/bin/time
fi
logs=$cache/logs
mkdir -p "$logs"
rm -f "$logs"/*.err "$logs"/*.time "$logs"/list.json

now() { if [[ -n ${EPOCHREALTIME:-} ]]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A wall rss cpu
# measure KEY COMMAND...: runs it $runs times (stdout to /dev/null, stderr to $logs/KEY.err),
# keeps the median wall time (s), max RSS (MB) and CPU time (user + system, s).
measure() {
    local key=$1
    shift
    local walls=() rsses=() cpus=() t0 t1 i
    for ((i = 1; i <= runs; i++)); do
        if [[ -n $gnu_time ]]; then
            t0=$(now)
            "$gnu_time" -f '%e %M %U %S' -o "$logs/$key.time" "$@" >/dev/null 2>"$logs/$key.err" || { say "$key failed: see $logs/$key.err"; exit 1; }
            t1=$(now)
            rsses+=("$(awk 'END { printf "%.1f", $2 / 1024 }' "$logs/$key.time")")
            cpus+=("$(awk 'END { printf "%.2f", $3 + $4 }' "$logs/$key.time")")
        else
            local TIMEFORMAT=%R
            t0=0
            t1=$({ time "$@" >/dev/null 2>"$logs/$key.err"; } 2>&1) || { say "$key failed: see $logs/$key.err"; exit 1; }
        fi
        walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
        say "   $key run $i: ${walls[-1]} s${rsses:+, ${rsses[-1]} MB, ${cpus[-1]} s CPU}"
    done
    wall[$key]=$(printf '%s\n' "${walls[@]}" | median)
    rss[$key]=$( ((${#rsses[@]})) && printf '%s\n' "${rsses[@]}" | median || echo -)
    cpu[$key]=$( ((${#cpus[@]})) && printf '%s\n' "${cpus[@]}" | median || echo -)
}

# Every file of the corpus once more, so that every run reads from the page cache.
cat "$certs"/* "$corpus/floor.der" >/dev/null

openssl_each_file() {
    local f
    for f in "$1"/*; do
        case $f in
            *.pem) openssl x509 -noout -enddate -in "$f" ;;
            *.cer) openssl x509 -noout -enddate -inform DER -in "$f" ;;
            *.p7b) openssl pkcs7 -noout -print_certs -inform DER -in "$f" ;;
            *.p12) openssl pkcs12 -noout -nokeys -passin "pass:$2" -in "$f" ;;
        esac || { echo "openssl failed on $f" >&2; return 1; }
    done
}
export -f openssl_each_file

export CERTISANTE_EXTRA_ANCHORS=$corpus/anchors
wanted() { [[ $skip != *" $1 "* ]]; }

if wanted floor; then
    say "== floor, 1 thread"
    measure floor1 "$bin/floor" "$corpus" 1
    say "== floor, 2 threads"
    measure floor2 "$bin/floor" "$corpus" 2
    say "== floor + signature verification, 2 threads (a reference, not the floor)"
    measure floor2v "$bin/floor" "$corpus" 2 verify
fi
if wanted list; then
    say "== certisante list --json (CERTISANTE_EXTRA_ANCHORS=$CERTISANTE_EXTRA_ANCHORS)"
    measure list "$bin/certisante" list --json "$certs"
    "$bin/certisante" list --json "$certs" >"$logs/list.json"
fi
if wanted openssl; then
    say "== openssl, one process per file"
    measure openssl bash -c 'openssl_each_file "$1" "$2"' _ "$certs" "$p12_password"
fi
if wanted python; then
    say "== python cryptography"
    measure python "$python" "$here/load_python.py" "$certs" "$p12_password"
fi

# ---------------------------------------------------------------- report

ratio() { # ratio KEY BASE
    if [[ -n ${wall[$1]:-} && -n ${wall[$2]:-} ]]; then awk -v a="${wall[$1]}" -v b="${wall[$2]}" 'BEGIN { printf "%.2fx", a / b }'; else echo -; fi
}
row() { # row KEY THREADS LABEL
    [[ -n ${wall[$1]:-} ]] || return 0
    printf '%-58s %7s %9s %8s %9s %9s %9s\n' "$3" "$2" "${wall[$1]}" "${cpu[$1]}" "${rss[$1]}" "$(ratio "$1" floor1)" "$(ratio "$1" floor2)"
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
echo
echo "corpus:   $corpus ($(cat "$corpus/corpus.txt"))"
echo "machine:  $(nproc) cores, $cpu, $(uname -sr), $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)"
echo "versions: $("$bin/certisante" --version), $(openssl version | cut -d' ' -f1-2), python $("$python" -c 'import sys, cryptography; print(sys.version.split()[0], "cryptography", cryptography.__version__)')"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (1, 5, 15 min averages, at the end; above 0 means other work shared the cores)"
echo "timing:   median of $runs runs, wall clock of the whole process(es), files in the page cache;" \
    "CPU (user + system) and max RSS from ${gnu_time:-(no /usr/bin/time: not measured)}; ratios are of wall times"
echo
printf '%-58s %7s %9s %8s %9s %9s %9s\n' "what" "threads" "wall (s)" "CPU (s)" "RSS (MB)" "/floor 1t" "/floor 2t"
row floor1 1 "floor: x509-parser parse_x509_certificate, in process"
row floor2 2 "floor: same, rayon pool"
row floor2v 2 "floor + verify each leaf's RSA signature (reference)"
row list 2 "certisante list --json DIR >/dev/null"
row openssl 1 "openssl x509|pkcs7|pkcs12, one process per file"
row python 1 "python cryptography, load every file"
echo
if [[ -n ${wall[list]:-} ]]; then
    echo "certisante list found: $(jq -r '"\(.certificates | length) certificates (\([.certificates[] | select(.chain.status == "trusted")] | length) trusted), \(.errors | length) errors"' "$logs/list.json" 2>/dev/null || echo '(jq missing)')"
fi
for key in floor1 floor2 floor2v python; do
    if [[ -s $logs/$key.err ]]; then tail -n 1 "$logs/$key.err"; fi
done
if [[ -n ${wall[list]:-} && -n ${wall[floor2]:-} ]]; then
    echo "goal: certisante list within 1.5x of the floor -> $(ratio list floor1) of the 1-thread floor, $(ratio list floor2) of the 2-thread floor"
fi
