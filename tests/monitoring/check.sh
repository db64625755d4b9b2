#!/usr/bin/env bash
# Checks of the shipped monitoring files (packaging/monitoring/): one "ok - WHAT" or
# "not ok - WHAT" line per check, counted by scripts/test.sh; exit 1 if one failed.
#
#   1. promtool check rules, promtool test rules (the unit tests in certisante.rules.test.yml)
#   2. yamllint (the repository's .yamllint.yml) on both rule files
#   3. the Grafana dashboard's structure (tests/monitoring/dashboard.py lint)
#   4. on a real Prometheus (tests/harness/prometheus.sh) scraping a sample of the CLI's
#      metrics, with timestamps relative to now: every dashboard query evaluates and
#      returns data, and the alerts fire (or turn pending) for the certificates made to
#      trigger them. Grafana itself is not run here.
# Tools: Debian's prometheus (promtool) and yamllint, python3, curl (scripts/setup.sh test).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/installers/lib.sh
rules=packaging/monitoring/prometheus/certisante.rules.yml
rules_test=packaging/monitoring/prometheus/certisante.rules.test.yml
dashboard=packaging/monitoring/grafana/certisante-dashboard.json

if command -v promtool >/dev/null; then
  check "promtool check rules $rules" promtool check rules "$rules"
  check "promtool test rules $rules_test" promtool test rules "$rules_test"
else
  not_ok "promtool check rules: promtool is missing (Debian package prometheus; scripts/setup.sh test)"
  not_ok "promtool test rules: promtool is missing (Debian package prometheus; scripts/setup.sh test)"
fi
if command -v yamllint >/dev/null; then
  check "yamllint (strict) on the rule files" yamllint --strict -c .yamllint.yml "$rules" "$rules_test"
else
  not_ok "yamllint is missing (Debian package yamllint; scripts/setup.sh test)"
fi
python3 tests/monitoring/dashboard.py lint "$dashboard" || failures=$((failures + 1))

# --- 4. a live Prometheus with the rules, scraping a sample exporter.
work=$(mktemp -d)
exporter_pid=""
cleanup() {
  bash tests/harness/prometheus.sh stop "$work/prometheus" >/dev/null 2>&1 || true
  if [ -n "$exporter_pid" ]; then kill "$exporter_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The sample: one certificate per alert, timestamps from now, in the CLI's format (see
# crates/store/src/metrics; the CLI's own output is scraped by a real Prometheus in
# crates/cli/tests/it/supervision.rs). Empty labels are written as the CLI writes them
# (workstation=""): Prometheus drops them, the queries must cope.
sample() {
  python3 - "$work/exporter/metrics" <<'PY'
import sys, time
now, day = int(time.time()), 86400
def labels(sha, cn, org, ws):
    return (f'sha256="{sha * 32}",cn="{cn}",organization="{org}",structure_id="10B0000001",'
            f'environment="PROD",offer="ORG",usage="AUTH_CLI",workstation="{ws}"')
# name: (usable_until, not_after, not_before, revoked, answer age)
certs = {
    labels("a1", "OK 100 JOURS", "CLINIQUE DU TEST", "POSTE-01"): (now + 100 * day, now + 100 * day, now - 900 * day, 0, 3600),
    labels("b2", "Hôpital Sainte-Émilie", "HÔPITAL SAINTE-ÉMILIE", ""): (now + 45 * day, now + 45 * day, now - 1000 * day, 0, 3600),
    labels("c3", "DR ANNE PETIT", "CABINET PETIT", "POSTE-02"): (now + 20 * day, now + 400 * day, now - 700 * day, 0, 3600),
    labels("d4", "FIN PROCHE", "CLINIQUE DU TEST", "POSTE-02"): (now + 3 * day, now + 3 * day, now - 1000 * day, 0, 3 * day),
    labels("e5", "EXPIRE", "CLINIQUE DU TEST", "POSTE-01"): (now - day, now - day, now - 1100 * day, 0, 5 * day),
    labels("f6", "CLE COMPROMISE", "CLINIQUE DU TEST", "POSTE-01"): (now + 200 * day, now + 200 * day, now - 100 * day, 1, 5 * day),
}
out = []
for metric, index, help_text in (
        ("certisante_certificate_usable_until_timestamp_seconds", 0, "Earlier of notAfter and the private key usage period's end."),
        ("certisante_certificate_not_after_timestamp_seconds", 1, "notAfter."),
        ("certisante_certificate_not_before_timestamp_seconds", 2, "notBefore."),
        ("certisante_certificate_revoked", 3, "1 if revoked."),
        ("certisante_certificate_revocation_answer_timestamp_seconds", 4, "When the last revocation answer was obtained.")):
    out += [f"# HELP {metric} {help_text}", f"# TYPE {metric} gauge"]
    # The answer's time, from its age (the CLI exposes times, as for the dates).
    out += [f"{metric}{{{l}}} {now - v[index] if index == 4 else v[index]}" for l, v in certs.items()]
out += ["# HELP certisante_source_up 1 if the source was read.", "# TYPE certisante_source_up gauge",
        'certisante_source_up{source="/home/secretariat/cps.p12"} 1',
        'certisante_source_up{source="/mnt/partage/absent.p12"} 0',
        "# HELP certisante_source_read_errors Read errors of the source.", "# TYPE certisante_source_read_errors gauge",
        'certisante_source_read_errors{source="/home/secretariat/cps.p12"} 0',
        'certisante_source_read_errors{source="/mnt/partage/absent.p12"} 3',
        "# HELP certisante_scrape_duration_seconds Time to read every source.", "# TYPE certisante_scrape_duration_seconds gauge",
        "certisante_scrape_duration_seconds 0.042"]
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
}

live() {
  mkdir -p "$work/exporter"
  sample || return 1
  if command -v promtool >/dev/null; then
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash
    check "the sample exposition passes promtool check metrics" bash -c 'promtool check metrics < "$1"' _ "$work/exporter/metrics"
  fi
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/exporter" >"$work/exporter.log" 2>&1 &
  exporter_pid=$!
  if ! bash tests/harness/prometheus.sh start "$work/prometheus" "127.0.0.1:$port" --rules "$rules" >"$work/start.log" 2>&1; then
    cat "$work/start.log"
    not_ok "live: Prometheus with the rules started (tests/harness/prometheus.sh)"
    return 1
  fi
  ok "live: Prometheus with the rules started"
  local query=(python3 tests/harness/prometheus-query.py --url "$(sed -n "s/^export PROMETHEUS_URL='\(.*\)'$/\1/p" "$work/prometheus/env")")
  check "live: the sample is scraped" "${query[@]}" --timeout 30 'certisante_certificate_usable_until_timestamp_seconds'

  # Every dashboard query, its variables set to "all": must evaluate and return data
  # (the sample populates every panel).
  local title expr
  while IFS=$'\t' read -r title expr; do
    check "live: dashboard query returns data: $title" "${query[@]}" --timeout 10 "$expr"
  done < <(python3 tests/monitoring/dashboard.py exprs "$dashboard")

  # Alerts: firing for those without `for`, pending for the source (for: 5m).
  local alert state
  for alert in CertiSanteCertificateExpiresIn60Days:firing:b2 CertiSanteCertificateExpiresIn30Days:firing:c3 \
    CertiSanteCertificateExpiresIn7Days:firing:d4 CertiSanteCertificateExpired:firing:e5 \
    CertiSanteCertificateRevoked:firing:f6 CertiSanteRevocationAnswerStale:firing:d4 CertiSanteSourceDown:pending:; do
    IFS=: read -r name state sha <<<"$alert"
    local selector="alertname=\"$name\",alertstate=\"$state\""
    [ -n "$sha" ] && selector+=",sha256=\"$(printf "$sha%.0s" $(seq 32))\""
    check "live: $name $state for the certificate or source made for it" "${query[@]}" --timeout 20 "ALERTS{$selector}"
  done
  # And nothing else: the healthy certificate raises nothing, each other one raises one alert.
  check "live: the healthy certificate raises no alert" "${query[@]}" --timeout 5 --absent "ALERTS{sha256=\"$(printf 'a1%.0s' $(seq 32))\"}"
  check "live: one alert per certificate (bands are exclusive)" \
    "${query[@]}" --timeout 5 --absent 'count by (sha256) (ALERTS{sha256!="", alertname!="CertiSanteRevocationAnswerStale"}) > 1'
}

if command -v prometheus >/dev/null && command -v curl >/dev/null; then
  live
else
  not_ok "live checks: prometheus or curl is missing (scripts/setup.sh test)"
fi
finish
