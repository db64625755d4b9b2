# shellcheck shell=bash
# Shared helpers for the server harnesses (postgres.sh, prometheus.sh, smtp.sh,
# webhook.sh). Sourced, never run: the caller sets HARNESS (its name, for messages).
#
# The `env` files these harnesses write hold one `export NAME='value'` line each: the
# values are single-quoted because URLs carry `&` and `?`. A reader that does not use a
# shell takes what follows the first `=` and strips one pair of surrounding single quotes
# (values never contain a quote: write_env refuses them).

die() { echo "${HARNESS:-harness}: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 is missing (Debian package: $2; scripts/setup.sh test installs it)"; }

# A TCP port on 127.0.0.1 that nobody listens on right now. The kernel picks it (bind to
# port 0), so two harnesses started at once do not fight over a fixed range; the small
# window until the server binds it is covered by the callers' retry or bind error.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' ||
    die "could not find a free TCP port on 127.0.0.1"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints the pid in file $1 if that process still runs, its name starts like $2 and, if
# $3 is given, its command line contains $3 (a Python server: its name is only python3):
# never signal a recycled pid (a stale pid file from a previous boot or run).
live_pid() {
  local file=$1 want=$2 cmdline=${3:-} pid comm
  [ -f "$file" ] || return 1
  pid=$(cat "$file" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # A zombie has exited already.
  [ "$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" != Z ] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null || echo "")
  [ "${comm:0:15}" = "${want:0:15}" ] || return 1
  if [ -n "$cmdline" ]; then tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$cmdline" || return 1; fi
  echo "$pid"
}

# Stops the process of pid file $1 (name $2, command line containing $4 if given): TERM,
# then KILL after ${3:-5} seconds. Silent and successful when it is not running (stop is
# idempotent).
stop_pid() {
  local file=$1 want=$2 seconds=${3:-5} cmdline=${4:-} pid
  if pid=$(live_pid "$file" "$want" "$cmdline"); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((seconds * 10))); do live_pid "$file" "$want" "$cmdline" >/dev/null || break; sleep 0.1; done
    if live_pid "$file" "$want" "$cmdline" >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.1; fi
  fi
  rm -f "$file"
}

# write_env FILE NAME VALUE [NAME VALUE]...: the whole file at once (written aside, then
# renamed), so a test never reads half of it.
write_env() {
  local file=$1 name value; shift
  {
    echo "# Written by tests/harness/$HARNESS; source it: . $file"
    while [ $# -ge 2 ]; do
      name=$1 value=$2; shift 2
      case $value in *"'"*) die "internal: the value of $name contains a quote" ;; esac
      printf "export %s='%s'\n" "$name" "$value"
    done
  } >"$file.tmp" && mv -f "$file.tmp" "$file"
}

# Reads one NAME from an env file written by write_env (empty if absent).
env_value() { sed -n "s/^export $2='\(.*\)'\$/\1/p" "$1" 2>/dev/null | head -n1; }

# make_tls DIR: a test CA and a server certificate for localhost / 127.0.0.1 in DIR
# (ca.pem ca.key server.pem server.key), kept when already there. EC P-256: quick to
# generate on a busy machine, and accepted by libpq, rustls, Python's ssl and Go.
# The CA's name says "test" so that nobody mistakes it for an IGC-Santé one.
make_tls() {
  local dir=$1
  [ -f "$dir/server.pem" ] && [ -f "$dir/server.key" ] && [ -f "$dir/ca.pem" ] && return 0
  need openssl openssl
  mkdir -p "$dir"
  (
    set -e
    umask 077
    cd "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 30 \
      -subj "/O=CERTISANTE TEST HARNESS/CN=TEST HARNESS CA ${HARNESS%.*}" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
      -subj "/O=CERTISANTE TEST HARNESS/CN=localhost" 2>/dev/null
    # AKI and SKI: Python 3.13's default VERIFY_X509_STRICT and rustls want them.
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256 \
      -extfile server.ext -out server.pem 2>/dev/null
    rm -f server.csr server.ext ca.srl
    chmod 644 ca.pem server.pem
  ) || die "openssl could not make the test CA and server certificate in $dir"
}

# wait_until SECONDS CMD...: runs CMD every 0.1 s until it succeeds; false after SECONDS.
wait_until() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  while :; do
    "$@" && return 0
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}
