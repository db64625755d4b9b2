#!/usr/bin/env bash
# Benchmark of card detection: insertion/removal -> CardWatcher event latency over N
# cycles (crates/vcard/src/bin/card-latency.rs), then the real app's CPU use while idle
# with a card inserted. Run on demand; prints figures. Not a test: nothing fails on a
# slow figure. See bench/README.md.
#
# usage: bench/card.sh
# env:   CERTISANTE_VPCD_PORT   vpcd ports PORT and PORT+1 of the private pcscd (default 36963,
#                               not the tests' 35963: a test run can go on meanwhile)
#        CERTISANTE_PCSCD_DIR   its folder (default /tmp/certisante-bench-pcscd)
#        BENCH_DIR              logs, HOME and data folder of the app: $BENCH_DIR/card (default /tmp/certisante-bench)
#        BENCH_CYCLES           insert/remove cycles (default 100)
#        BENCH_IDLE             seconds of the app's CPU measurement (default 60)
#        BENCH_SETTLE           seconds left to the app to start before measuring (default 10)
#        BENCH_SKIP             space-separated parts to skip: latency app
#        CARGO_TARGET_DIR       as for cargo (binaries from $CARGO_TARGET_DIR/debug)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
export CERTISANTE_VPCD_PORT=${CERTISANTE_VPCD_PORT:-36963}
export CERTISANTE_PCSCD_DIR=${CERTISANTE_PCSCD_DIR:-/tmp/certisante-bench-pcscd}
port=$CERTISANTE_VPCD_PORT
work=${BENCH_DIR:-/tmp/certisante-bench}/card
cycles=${BENCH_CYCLES:-100}
idle=${BENCH_IDLE:-60}
settle=${BENCH_SETTLE:-10}
skip=" ${BENCH_SKIP:-} "
target=${CARGO_TARGET_DIR:-$root/target}
bin=$target/debug
harness=$root/tests/harness/pcscd.sh

say() { printf '%s\n' "$*" >&2; }

for tool in xvfb-run pcscd pcsc_scan npm; do
    command -v "$tool" >/dev/null || { say "card.sh: $tool is missing"; exit 1; }
done

# ---------------------------------------------------------------- building

say "== building (target: $target)"
(cd "$root" && cargo build -p certisante-vcard --bins)
if [[ $skip != *" app "* ]]; then
    [[ -d $root/ui/node_modules ]] || npm --prefix "$root/ui" ci
    npm --prefix "$root/ui" run build >&2
    (cd "$root" && cargo build -p certisante-app)
fi

# ---------------------------------------------------------------- cleanup

vcard_pid= xvfb_pid= app_pid= xvfb_server=
alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }
cleanup() {
    set +e
    if alive "$vcard_pid"; then kill "$vcard_pid"; wait "$vcard_pid" 2>/dev/null; fi
    if alive "$app_pid"; then
        kill "$app_pid"
        for _ in $(seq 50); do alive "$app_pid" || break; sleep 0.1; done
        alive "$app_pid" && kill -KILL "$app_pid"
    fi
    # xvfb-run stops its Xvfb when the app exits; give it the time, then make sure.
    if alive "$xvfb_pid"; then
        for _ in $(seq 50); do alive "$xvfb_pid" || break; sleep 0.1; done
        alive "$xvfb_pid" && kill "$xvfb_pid"
        wait "$xvfb_pid" 2>/dev/null
    fi
    if [[ -n $xvfb_server ]] && alive "$xvfb_server" && [[ $(cat "/proc/$xvfb_server/comm" 2>/dev/null) == Xvfb ]]; then
        kill "$xvfb_server"
    fi
    bash "$harness" stop 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- the private pcscd

mkdir -p "$work/logs"
say "== starting the harness pcscd ($CERTISANTE_PCSCD_DIR, vpcd ports $port and $((port + 1)))"
bash "$harness" start >/dev/null
set -a
# shellcheck disable=SC1091
. "$CERTISANTE_PCSCD_DIR/env" # PCSCLITE_CSOCK_NAME, CERTISANTE_PCSCD_PID
set +a
pcscd_pid=$CERTISANTE_PCSCD_PID

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(pcscd --version 2>/dev/null | head -n1)"

# ---------------------------------------------------------------- latency

if [[ $skip != *" latency "* ]]; then
    say "== card-latency: $cycles cycles"
    echo
    "$bin/card-latency" --port "$port" --cycles "$cycles" --idle 10
fi

# ---------------------------------------------------------------- the app, idle

[[ $skip == *" app "* ]] && exit 0

clk_tck=$(getconf CLK_TCK)
# utime + stime (clock ticks) of a process, all its threads (exited ones included).
ticks() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; set -- $s; echo $((${12} + ${13})); }
# Context switches (voluntary + not) of each live thread, "TID COUNT" lines: how often it wakes.
switches() {
    local t
    for t in /proc/"$1"/task/*; do
        awk -v tid="${t##*/}" '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { if (NR) print tid, n + 0 }' "$t/status" 2>/dev/null
    done
    return 0
}
# Switches between two snapshots (files): per thread, a thread new in the second counting from 0.
# Threads that ended meanwhile are not counted.
switches_delta() { awk 'NR == FNR { a[$1] = $2; next } { d += $2 - ($1 in a ? a[$1] : 0) } END { print d + 0 }' "$1" "$2"; }
threads() { ls "/proc/$1/task" 2>/dev/null | wc -l; }
ppid() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; set -- $s; echo "$2"; }
children() {
    local p f
    for f in /proc/[0-9]*; do
        p=${f#/proc/}
        [[ $(ppid "$p" 2>/dev/null) == "$1" ]] && echo "$p"
    done
    return 0
}
calc() { awk "BEGIN { print $1 }"; }
descendants() { local c; for c in $(children "$1"); do echo "$c"; descendants "$c"; done; }

rm -rf "$work/home" "$work/data"
mkdir -p "$work/home" "$work/data"
say "== starting the app under Xvfb (HOME=$work/home, CERTISANTE_DATA_DIR=$work/data)"
HOME=$work/home XDG_DATA_HOME=$work/home/.local/share XDG_CONFIG_HOME=$work/home/.config XDG_CACHE_HOME=$work/home/.cache \
    CERTISANTE_DATA_DIR=$work/data \
    xvfb-run -a -s "-screen 0 1280x800x24" "$bin/certisante-app" >"$work/logs/app.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 300); do
    for c in $(children "$xvfb_pid"); do
        case $(cat "/proc/$c/comm" 2>/dev/null) in
            certisante-app) app_pid=$c ;;
            Xvfb) xvfb_server=$c ;;
        esac
    done
    [[ -n $app_pid ]] && break
    alive "$xvfb_pid" || break
    sleep 0.1
done
[[ -n $app_pid ]] || { say "card.sh: the app did not start; $work/logs/app.log:"; tail -n 20 "$work/logs/app.log" >&2; exit 1; }

"$bin/certisante-vcard" insert --card cps3 --port "$port" --wait kill >"$work/logs/vcard.log" 2>&1 &
vcard_pid=$!
say "== app pid $app_pid, card inserted (certisante-vcard pid $vcard_pid); ${settle}s to start up, then ${idle}s measured"
sleep "$settle"
alive "$app_pid" || { say "card.sh: the app exited; $work/logs/app.log:"; tail -n 20 "$work/logs/app.log" >&2; exit 1; }
[[ -z $xvfb_server ]] && for c in $(children "$xvfb_pid"); do [[ $(cat "/proc/$c/comm" 2>/dev/null) == Xvfb ]] && xvfb_server=$c; done

# Rows: label|pid. The app's descendants (WebKit's processes) each get their own row.
rows=("certisante-app (all threads)|$app_pid")
for d in $(descendants "$app_pid"); do
    rows+=("  child: $(tr -d '\n' <"/proc/$d/comm" 2>/dev/null)|$d")
done
rows+=("pcscd (harness)|$pcscd_pid" "certisante-vcard (the card)|$vcard_pid")
[[ -n $xvfb_server ]] && rows+=("Xvfb|$xvfb_server")

declare -A t0
snaps=$work/logs/switches
rm -rf "$snaps"
mkdir -p "$snaps"
for row in "${rows[@]}"; do
    pid=${row#*|}
    t0[$pid]=$(ticks "$pid" || echo -)
    switches "$pid" >"$snaps/$pid.before"
done
start=$EPOCHREALTIME
load0=$(cut -d' ' -f1-3 /proc/loadavg)
sleep "$idle"
secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "App idle with a card inserted: CPU over $(printf '%.1f' "$secs") s, after ${settle} s of start-up"
echo "(utime+stime from /proc/<pid>/stat, all threads, resolution $((1000 / clk_tck)) ms; wake-ups = context"
echo "switches of its threads, those that ended during the measurement not counted; load average $load0"
echo "before, $load1 after)"
echo
printf '  %-36s %8s %8s %10s %10s %12s\n' process pid threads "CPU (ms)" "CPU (%)" "wake-ups/s"
total_app=0
for row in "${rows[@]}"; do
    label=${row%|*} pid=${row#*|}
    t1=$(ticks "$pid" || echo -)
    if [[ ${t0[$pid]} == - || $t1 == - ]]; then
        printf '  %-36s %8s %8s %10s\n' "$label" "$pid" - "(exited)"
        continue
    fi
    switches "$pid" >"$snaps/$pid.after"
    cpu_ms=$(((t1 - t0[$pid]) * 1000 / clk_tck))
    [[ $label == certisante-app* || $label == "  child:"* ]] && total_app=$((total_app + cpu_ms))
    printf '  %-36s %8s %8s %10s %10.3f %12.2f\n' "$label" "$pid" "$(threads "$pid")" "$cpu_ms" \
        "$(calc "$cpu_ms / 10 / $secs")" "$(calc "$(switches_delta "$snaps/$pid.before" "$snaps/$pid.after") / $secs")"
done
printf '  %-36s %8s %8s %10s %10.3f\n' "app + children" "" "" "$total_app" "$(calc "$total_app / 10 / $secs")"
echo
echo "CPU (%) is of one core. Logs: $work/logs (app.log, vcard.log), pcscd's: $CERTISANTE_PCSCD_DIR/pcscd.log"
