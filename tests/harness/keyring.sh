#!/usr/bin/env bash
# gnome-keyring (Secret Service) on a private D-Bus session bus, for
# crates/devices/tests/it/keystore.rs and manual tries with secret-tool.
#
#   tests/harness/keyring.sh start  <dir>   start a bus and an unlocked keyring under <dir>
#   tests/harness/keyring.sh stop   <dir>   stop what `start` started there, nothing else
#   tests/harness/keyring.sh lock   <dir>   lock the default collection (Secret Service Lock)
#   tests/harness/keyring.sh unlock <dir>   unlock it again (restarts the daemon: see unlock())
#   tests/harness/keyring.sh stop-secrets <dir>  stop gnome-keyring only: a bus with no Secret Service
#   tests/harness/keyring.sh status <dir>   exit 0 if both processes run
#   tests/harness/keyring.sh env    <dir>   print the environment clients need
#
# Everything lives under <dir>: home/, data/ (XDG_DATA_HOME: the keyring files),
# runtime/ (XDG_RUNTIME_DIR: gnome-keyring's control socket), bus.conf and the bus
# socket, the two pid files, logs, and `env` (`export DBUS_SESSION_BUS_ADDRESS=...`
# lines) that the tests and scripts/test.sh read. `. <dir>/env` then `secret-tool
# search --all service fr.certisante.app` looks inside.
#
# Why a bus of our own with its own config: the user's session bus (if any) is never
# touched, and the config lists no service directories, so nothing is auto-started:
# not a second gnome-keyring when ours is stopped (a test of "no Secret Service" must
# find none), nor gcr-prompter (no display here: a locked collection must fail at once
# instead of waiting on a prompt nobody sees). Why a private XDG_DATA_HOME: a keyring
# left with another password would make the daemon prompt, and every call would fail.
set -euo pipefail

PASSWORD=certisante-harness   # the login keyring's password; a test secret, not a real one

die() { echo "keyring.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 is missing (Debian package: $2)"; }

[ $# -ge 2 ] || { echo "usage: $0 start|stop|lock|unlock|stop-secrets|status|env <dir>" >&2; exit 2; }
cmd=$1
mkdir -p "$2"
DIR=$(cd "$2" && pwd)
SOCK=$DIR/bus
ADDRESS=unix:path=$SOCK

# Unix socket paths are limited to 107 bytes.
[ ${#SOCK} -lt 100 ] || die "$DIR is too long a path for a D-Bus socket: choose a shorter <dir>"

# The environment every child gets: only our bus, only our folders.
run() {
  "${RUN_EXEC:-command}" env -u DBUS_SESSION_BUS_PID -u GNOME_KEYRING_CONTROL \
    DBUS_SESSION_BUS_ADDRESS="$ADDRESS" HOME="$DIR/home" XDG_DATA_HOME="$DIR/data" \
    XDG_CONFIG_HOME="$DIR/config" XDG_CACHE_HOME="$DIR/cache" XDG_RUNTIME_DIR="$DIR/runtime" \
    "$@"
}

# Prints the pid recorded in <dir>/<name>.pid if that process still runs and is the
# program we started there (never signal a recycled pid).
live_pid() {
  local file=$DIR/$1.pid want=$2 pid comm
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  kill -0 "$pid" 2>/dev/null || return 1
  [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" != Z ] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || echo "")
  [ "${comm:0:15}" = "${want:0:15}" ] || return 1
  echo "$pid"
}

call() { # dest path method args...: a Secret Service call on our bus, reply printed
  local dest=$1 path=$2 method=$3; shift 3
  run dbus-send --session --print-reply --reply-timeout=5000 --dest="$dest" "$path" "$method" "$@"
}

default_collection() { # the object path behind the "default" alias, or nothing
  call org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null \
    | sed -n 's/.*object path "\(.*\)".*/\1/p' | grep -v '^/$' || true
}

is_locked() { # prints true or false for the default collection
  local coll=$1
  call org.freedesktop.secrets "$coll" org.freedesktop.DBus.Properties.Get \
    string:org.freedesktop.Secret.Collection string:Locked | sed -n 's/.*boolean \(true\|false\).*/\1/p'
}

write_env() {
  {
    echo "export DBUS_SESSION_BUS_ADDRESS=$ADDRESS"
    echo "export CERTISANTE_KEYRING_HARNESS=$DIR"
  } >"$DIR/env"
}

# Stops the process of <dir>/<name>.pid if it is still ours: TERM, then KILL after 5 s.
stop_pid() {
  local name=$1 want=$2 pid
  if pid=$(live_pid "$name" "$want"); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do live_pid "$name" "$want" >/dev/null || break; sleep 0.1; done
    if live_pid "$name" "$want" >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$DIR/$name.pid"
}

stop_quietly() {
  stop_pid keyring gnome-keyring-daemon
  stop_pid dbus dbus-daemon
  rm -f "$SOCK" "$DIR/env"
}

# Starts gnome-keyring-daemon on our bus and waits until the default collection answers,
# unlocked. --unlock reads the password on stdin: on a fresh XDG_DATA_HOME the daemon
# creates the "login" collection with it and makes it the default collection; on an
# existing one it unlocks it.
start_daemon() {
  # stdin from a file, not a pipe: a pipeline would put a subshell between $! and the daemon.
  (umask 077; printf '%s' "$PASSWORD" >"$DIR/password")
  # RUN_EXEC=exec: the background subshell becomes the daemon, so $! is the daemon's pid.
  RUN_EXEC=exec run gnome-keyring-daemon --foreground --unlock --components=secrets <"$DIR/password" >>"$DIR/keyring.log" 2>&1 &
  local pid=$! coll
  echo "$pid" >"$DIR/keyring.pid"
  for _ in $(seq 100); do
    if coll=$(default_collection) && [ -n "$coll" ] && [ "$(is_locked "$coll")" = false ]; then
      rm -f "$DIR/password"
      return 0
    fi
    # Not live_pid: until `env` has exec'd the daemon, its name is not the daemon's yet.
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$DIR/password"
  return 1
}

start() {
  need dbus-daemon dbus-daemon
  need dbus-send dbus-bin
  need gnome-keyring-daemon gnome-keyring
  if live_pid keyring gnome-keyring-daemon >/dev/null && live_pid dbus dbus-daemon >/dev/null \
    && [ -n "$(default_collection)" ]; then
    write_env
    echo "keyring.sh: already running under $DIR" >&2
    cat "$DIR/env"
    return 0
  fi
  stop_quietly
  rm -rf "$DIR/home" "$DIR/data" "$DIR/config" "$DIR/cache" "$DIR/runtime"
  mkdir -p "$DIR/home" "$DIR/data" "$DIR/config" "$DIR/cache" "$DIR/runtime"
  chmod 700 "$DIR/runtime"
  : >"$DIR/keyring.log"
  cat >"$DIR/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>$ADDRESS</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
  # --fork returns once the socket listens; the pid comes back on fd 3.
  dbus-daemon --config-file="$DIR/bus.conf" --fork --nopidfile --print-pid=3 3>"$DIR/dbus.pid" \
    </dev/null >"$DIR/dbus.log" 2>&1 || die "dbus-daemon did not start; log $DIR/dbus.log: $(tail -n 5 "$DIR/dbus.log")"
  live_pid dbus dbus-daemon >/dev/null || die "dbus-daemon exited at once; log $DIR/dbus.log"

  if start_daemon; then
    write_env
    echo "keyring.sh: gnome-keyring running under $DIR (pid $(cat "$DIR/keyring.pid"), bus $ADDRESS, default collection $(default_collection))" >&2
    cat "$DIR/env"
    return 0
  fi
  echo "keyring.sh: org.freedesktop.secrets did not answer with an unlocked default collection; log $DIR/keyring.log:" >&2
  tail -n 20 "$DIR/keyring.log" >&2 || true
  stop_quietly
  exit 1
}

running() { live_pid keyring gnome-keyring-daemon >/dev/null && live_pid dbus dbus-daemon >/dev/null; }

lock() {
  running || die "not running under $DIR: run \`$0 start $DIR\` first"
  local coll
  coll=$(default_collection)
  [ -n "$coll" ] || die "no default collection"
  call org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock "array:objpath:$coll" >/dev/null
  [ "$(is_locked "$coll")" = true ] || die "the default collection $coll did not lock"
  echo "keyring.sh: $coll locked" >&2
}

unlock() {
  running || die "not running under $DIR: run \`$0 start $DIR\` first"
  # gnome-keyring 42 has no command-line way to unlock a running daemon: `--unlock` always
  # starts another daemon, and the Secret Service Unlock asks a prompter (none here). So
  # the daemon is restarted on the same bus and data, fed the password again: the
  # collection comes back unlocked with its items. Clients must open a new Secret Service
  # session (their old one belonged to the stopped daemon).
  stop_pid keyring gnome-keyring-daemon
  start_daemon || die "gnome-keyring-daemon did not come back unlocked; log $DIR/keyring.log"
  echo "keyring.sh: $(default_collection) unlocked (daemon restarted, pid $(cat "$DIR/keyring.pid"))" >&2
}

stop_secrets() {
  live_pid keyring gnome-keyring-daemon >/dev/null || die "gnome-keyring-daemon is not running under $DIR"
  stop_pid keyring gnome-keyring-daemon
  echo "keyring.sh: gnome-keyring stopped, the bus $ADDRESS goes on without a Secret Service" >&2
}

case "$cmd" in
  start) start ;;
  stop) stop_quietly; echo "keyring.sh: stopped ($DIR)" >&2 ;;
  lock) lock ;;
  unlock) unlock ;;
  stop-secrets) stop_secrets ;;
  status) if running; then echo "running under $DIR (bus $ADDRESS)"; else echo "not running"; exit 1; fi ;;
  env) [ -f "$DIR/env" ] || die "not started under $DIR"; cat "$DIR/env" ;;
  *) echo "usage: $0 start|stop|lock|unlock|stop-secrets|status|env <dir>" >&2; exit 2 ;;
esac
