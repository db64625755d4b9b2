#!/usr/bin/env bash
# Smoke test of the server harnesses (postgres.sh, prometheus.sh, smtp.sh, webhook.sh):
# start each in a temporary folder, talk to it as a client would, stop it. One "ok - ..."
# or "not ok - ..." line per check (the format scripts/test.sh counts); exit 1 if one
# failed. Every client has a timeout, every start a bounded wait: it never hangs.
#
#   bash tests/harness/smoke.sh [postgres] [prometheus] [smtp] [webhook]   (default: all)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/installers/lib.sh
H=tests/harness
work=$(mktemp -d)
export PGCONNECT_TIMEOUT=5
TOOLS=${CERTISANTE_TOOLS_DIR:-$HOME/.cache/certisante/tools}

cleanup() {
  bash $H/postgres.sh stop "$work/pg" >/dev/null 2>&1
  bash $H/prometheus.sh stop "$work/prom" >/dev/null 2>&1
  bash $H/smtp.sh stop "$work/smtp" >/dev/null 2>&1
  bash $H/webhook.sh stop "$work/webhook" >/dev/null 2>&1
  if [ -f "$work/exporter.pid" ]; then kill "$(cat "$work/exporter.pid")" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME SCRIPT DIR [ARGS]: start a harness (bounded by the script; `timeout` as a
# last resort), its output in the log.
start() {
  local name=$1 script=$2 dir=$3; shift 3
  check "$name: start" timeout 120 bash "$H/$script" start "$dir" "$@"
}
stop_twice() {
  local name=$1 script=$2 dir=$3
  check "$name: stop" bash "$H/$script" stop "$dir"
  check "$name: stop again (idempotent)" bash "$H/$script" stop "$dir"
}
# Every env value of one harness into this shell.
# shellcheck disable=SC1091 # written at run time
load_env() { [ -f "$1/env" ] && . "$1/env"; }
refused() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
sql() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

# The server must refuse this connection URL.
refuses() { ! psql -X -c 'select 1' "$1" 2>/dev/null; }
app_role() {
  sql "$PG_SOCKET_URL" -c "create role app login password 'app-test-pw'" -c 'create database certisante owner app' &&
    test "$(sql "$app_url" -c 'create table t (v text)' -c "insert into t values ('é')" -c 'select v from t')" = é
}
same_port() { bash $H/postgres.sh start "$work/pg" >/dev/null 2>&1 && [ "$(sed -n "s/^export PG_PORT='\(.*\)'$/\1/p" "$work/pg/env")" = "$PG_PORT" ]; }

smoke_postgres() {
  local dir=$work/pg
  start postgres postgres.sh "$dir" || return
  load_env "$dir"
  check "postgres: psql as superuser over TLS (sslmode=verify-full, test CA)" \
    test "$(sql "$PG_SUPERUSER_URL" -c 'select ssl from pg_stat_ssl where pid = pg_backend_pid()')" = t
  check "postgres: verify-full also with host=localhost" \
    sql "postgresql://$PG_SUPERUSER:$PG_SUPERUSER_PASSWORD@localhost:$PG_PORT/postgres?sslmode=verify-full&sslrootcert=$PG_CA" -c 'select 1'
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/other.key" -out "$work/other-ca.pem" \
    -days 1 -subj "/CN=OTHER TEST CA" 2>/dev/null
  check "postgres: verify-full refuses a server the given CA did not issue" \
    refuses "postgresql://$PG_SUPERUSER:$PG_SUPERUSER_PASSWORD@127.0.0.1:$PG_PORT/postgres?sslmode=verify-full&sslrootcert=$work/other-ca.pem"
  check "postgres: a wrong password is refused" \
    refuses "postgresql://$PG_SUPERUSER:wrong@127.0.0.1:$PG_PORT/postgres?sslmode=verify-full&sslrootcert=$PG_CA"
  check "postgres: TCP without TLS is rejected" \
    refuses "postgresql://$PG_SUPERUSER:$PG_SUPERUSER_PASSWORD@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
  check "postgres: superuser trusted on the Unix socket" test "$(sql "$PG_SOCKET_URL" -c 'select current_user')" = "$PG_SUPERUSER"
  app_url="postgresql://app:app-test-pw@127.0.0.1:$PG_PORT/certisante?sslmode=verify-full&sslrootcert=$PG_CA"
  check "postgres: an application role logs in with scram-sha-256 over TLS" app_role
  check "postgres: start again is a no-op (same port)" same_port
  check "postgres: kill (SIGKILL the postmaster)" bash $H/postgres.sh kill "$dir"
  check "postgres: after kill, connections are refused" refused "$PG_PORT"
  check "postgres: restart after kill" bash $H/postgres.sh restart "$dir"
  check "postgres: committed data survived the kill, same port" test "$(sql "$app_url" -c 'select v from t')" = é
  check "postgres: restart of a running server" bash $H/postgres.sh restart "$dir"
  stop_twice postgres postgres.sh "$dir"
  check "postgres: stopped, port closed" refused "$PG_PORT"
}

never_comes() { bash $H/prometheus.sh query "$1" never_there 2; [ $? -eq 1 ]; }

smoke_prometheus() {
  local dir=$work/prom port
  # A stand-in exporter: a static metrics file.
  mkdir -p "$work/exporter"
  printf '# TYPE certisante_scrape_duration_seconds gauge\ncertisante_scrape_duration_seconds 0.042\n' >"$work/exporter/metrics"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/exporter" >"$work/exporter.log" 2>&1 &
  echo $! >"$work/exporter.pid"
  start prometheus prometheus.sh "$dir" "127.0.0.1:$port" || return
  load_env "$dir"
  check "prometheus: /-/ready answers 200" curl -fsS --max-time 5 "$PROMETHEUS_URL/-/ready"
  check "prometheus: the target is scraped (up == 1)" bash $H/prometheus.sh query "$dir" "up{job=\"$PROMETHEUS_JOB\"} == 1" 30
  check "prometheus: the exporter's series appears (query helper)" \
    bash $H/prometheus.sh query "$dir" 'certisante_scrape_duration_seconds == 0.042' 30
  check "prometheus: the query helper fails (exit 1) on a series that never comes" never_comes "$dir"
  stop_twice prometheus prometheus.sh "$dir"
  check "prometheus: stopped, port closed" refused "$PROMETHEUS_PORT"
  kill "$(cat "$work/exporter.pid")" 2>/dev/null; rm -f "$work/exporter.pid"
}

smtp_down() { bash $H/smtp.sh down "$1" && refused "$SMTP_STARTTLS_PORT"; }
smtp_up() { bash $H/smtp.sh up "$1" && ! refused "$SMTP_STARTTLS_PORT"; }

smoke_smtp() {
  local dir=$work/smtp
  start smtp smtp.sh "$dir" || return
  load_env "$dir"
  check "smtp: STARTTLS + AUTH, a message with an accented subject, read back from its .eml" python3 - <<'PY'
import email, email.policy, glob, os, smtplib, ssl
from email.message import EmailMessage
subject = "Certificat « Hôpital Sainte-Émilie » : expire dans 7 jours"
context = ssl.create_default_context(cafile=os.environ["SMTP_CA"])
message = EmailMessage()
message["From"], message["To"], message["Subject"] = os.environ["SMTP_USER"], "dsi@hopital.test", subject
message.set_content("Le certificat expire bientôt. Échéance : 7 jours.\n")
with smtplib.SMTP("127.0.0.1", int(os.environ["SMTP_STARTTLS_PORT"]), timeout=10) as s:
    s.starttls(context=context)
    s.login(os.environ["SMTP_USER"], os.environ["SMTP_PASSWORD"])
    s.send_message(message)
files = sorted(glob.glob(os.path.join(os.environ["SMTP_MAIL_DIR"], "*-starttls.eml")))
assert files, "no .eml written"
raw = open(files[-1], "rb").read()
received = email.message_from_bytes(raw, policy=email.policy.default)
assert "=?utf-8?" in raw.decode("ascii", "replace").split("\r\n\r\n")[0].lower(), "subject not RFC 2047 encoded"
assert received["Subject"] == subject, received["Subject"]
assert "Échéance" in received.get_content(), received.get_content()
print("read back:", received["Subject"])
PY
  check "smtp: a wrong password is refused with 535" python3 - <<'PY'
import os, smtplib, ssl
context = ssl.create_default_context(cafile=os.environ["SMTP_CA"])
with smtplib.SMTP("127.0.0.1", int(os.environ["SMTP_STARTTLS_PORT"]), timeout=10) as s:
    s.starttls(context=context)
    try:
        s.login(os.environ["SMTP_USER"], "wrong")
    except smtplib.SMTPAuthenticationError as e:
        assert e.smtp_code == 535, e
    else:
        raise SystemExit("a wrong password was accepted")
PY
  check "smtp: AUTH before STARTTLS is refused (530)" python3 - <<'PY'
import os, smtplib
with smtplib.SMTP("127.0.0.1", int(os.environ["SMTP_STARTTLS_PORT"]), timeout=10) as s:
    s.ehlo()
    assert not s.has_extn("auth"), "AUTH offered before TLS"
    code, text = s.docmd("AUTH", "PLAIN AGFsZXJ0ZXMAeA==")
    assert code == 530, (code, text)
PY
  check "smtp: SMTPS (implicit TLS) + AUTH LOGIN delivers" python3 - <<'PY'
import glob, os, smtplib, ssl
context = ssl.create_default_context(cafile=os.environ["SMTP_CA"])
with smtplib.SMTP_SSL("127.0.0.1", int(os.environ["SMTP_SMTPS_PORT"]), context=context, timeout=10) as s:
    s.ehlo()
    s.user, s.password = os.environ["SMTP_USER"], os.environ["SMTP_PASSWORD"]
    code, _ = s.auth("LOGIN", s.auth_login)
    assert code == 235, code
    s.sendmail(os.environ["SMTP_USER"], ["dsi@hopital.test"], b"Subject: smtps\r\n\r\nok\r\n")
assert glob.glob(os.path.join(os.environ["SMTP_MAIL_DIR"], "*-smtps.eml"))
PY
  check "smtp: the down port refuses connections" refused "$SMTP_DOWN_PORT"
  check "smtp: down: the STARTTLS port refuses connections" smtp_down "$dir"
  check "smtp: up: back on the same port" smtp_up "$dir"
  stop_twice smtp smtp.sh "$dir"
  check "smtp: stopped, port closed" refused "$SMTP_STARTTLS_PORT"
}

webhook_ok() {
  [ "$(curl -sS -m 5 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"texte":"Certificat expiré"}' "$WEBHOOK_URL/ok")" = 200 ] || return 1
  python3 - "$WEBHOOK_LOG" <<'PY'
import json, sys
last = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")][-1]
assert last["path"] == "/ok" and last["method"] == "POST" and last["status"] == 200, last
assert json.loads(last["body"]) == {"texte": "Certificat expiré"}, last
assert ["Content-Type", "application/json"] in last["headers"], last
PY
}
webhook_fail_twice() {
  local codes
  codes=$(for _ in 1 2 3; do curl -sS -m 5 -o /dev/null -w '%{http_code} ' -d x "$WEBHOOK_URL/fail-twice/smoke"; done)
  echo "codes: $codes"
  [ "$codes" = "500 500 200 " ]
}
webhook_slow() {
  local answer
  answer=$(curl -sS -m 10 -o /dev/null -w '%{http_code} %{time_total}' -d x "$WEBHOOK_URL/slow/smoke")
  echo "status and seconds: $answer"
  [ "${answer% *}" = 200 ] && awk -v t="${answer#* }" 'BEGIN { exit !(t >= 1) }'
}
webhook_hang() {
  ! curl -sS -m 2 -o /dev/null -d x "$WEBHOOK_URL/hang/smoke" && [ "$(bash $H/webhook.sh count "$1" /hang/smoke)" = 1 ]
}

smoke_webhook() {
  local dir=$work/webhook
  start webhook webhook.sh "$dir" --slow-seconds 1 || return
  load_env "$dir"
  check "webhook: POST /ok answers 200 and is recorded (path, headers, body)" webhook_ok
  check "webhook: /fail-twice answers 500, 500, then 200" webhook_fail_twice
  check "webhook: /slow answers after the delay" webhook_slow
  check "webhook: /hang never answers (the client times out) but is recorded" webhook_hang "$dir"
  check "webhook: HTTPS /ok with the test CA" curl -fsS -m 5 --cacert "$WEBHOOK_CA" -d x "$WEBHOOK_HTTPS_URL/ok"
  check "webhook: the down URL refuses connections" bash -c "! curl -sS -m 5 -o /dev/null -d x $WEBHOOK_DOWN_URL/ok"
  stop_twice webhook webhook.sh "$dir"
  check "webhook: stopped, port closed" refused "$WEBHOOK_PORT"
}

which=("$@")
[ ${#which[@]} -gt 0 ] || which=(postgres prometheus smtp webhook)
for w in "${which[@]}"; do
  case $w in
    postgres) if command -v psql >/dev/null; then smoke_postgres; else not_ok "postgres: psql missing (scripts/setup.sh test)"; fi ;;
    prometheus) smoke_prometheus ;;
    smtp) if [ -x "$TOOLS/venv/bin/python3" ]; then smoke_smtp; else not_ok "smtp: no tools venv (scripts/setup.sh test)"; fi ;;
    webhook) smoke_webhook ;;
    *) echo "unknown harness $w (postgres, prometheus, smtp, webhook)" >&2; exit 2 ;;
  esac
done
finish
