#!/usr/bin/env python3
"""Waits until a PromQL instant query returns at least one series, then prints them.

    prometheus-query.py [--url URL] [--timeout SECONDS] [--absent] 'EXPR'

URL defaults to $PROMETHEUS_URL (from tests/harness/prometheus.sh's env file). Each
series is printed as one JSON line: {"metric": {...labels}, "value": <float>}, sorted by
labels. --absent waits for the opposite (the query returns nothing, e.g. an alert that
resolved). Exit 0 when the condition holds, 1 on timeout (with the last answer), 2 when
Prometheus rejects the expression (no point waiting), 3 for bad usage.

Why a poller: a scrape happens every second, rules are evaluated every second, so a fresh
series shows up a little later than the exporter serves it; a bounded wait makes tests
neither flaky nor hanging. Standard library only, so any test can run it with python3.
"""
import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def query(url, expr):
    """Returns (series list, None) or (None, error text); raises ValueError on bad_data."""
    data = urllib.parse.urlencode({"query": expr}).encode()
    request = urllib.request.Request(url.rstrip("/") + "/api/v1/query", data=data, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            body = json.load(response)
    except urllib.error.HTTPError as e:
        try:
            body = json.load(e)
        except ValueError:
            return None, f"HTTP {e.code}"
        if body.get("errorType") == "bad_data":
            raise ValueError(body.get("error", "bad query"))
        return None, f"HTTP {e.code}: {body.get('error')}"
    except (urllib.error.URLError, OSError) as e:
        return None, f"cannot reach {url}: {e}"
    if body.get("status") != "success":
        return None, body.get("error", "query failed")
    result = body["data"]["result"]
    kind = body["data"]["resultType"]
    if kind == "vector":
        series = [{"metric": r["metric"], "value": float(r["value"][1])} for r in result]
    elif kind == "scalar":
        series = [{"metric": {}, "value": float(result[1])}]
    else:  # matrix (a range selector): last sample of each series
        series = [{"metric": r["metric"], "value": float(r["values"][-1][1])} for r in result if r["values"]]
    return sorted(series, key=lambda s: sorted(s["metric"].items())), None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("expr")
    parser.add_argument("--url", default=os.environ.get("PROMETHEUS_URL"))
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--absent", action="store_true", help="wait until the query returns nothing")
    args = parser.parse_args()
    if not args.url:
        print("prometheus-query: no --url and PROMETHEUS_URL is not set (source the harness's env file)", file=sys.stderr)
        return 3
    deadline = time.monotonic() + args.timeout
    last = "no answer yet"
    while True:
        try:
            series, error = query(args.url, args.expr)
        except ValueError as e:
            print(f"prometheus-query: Prometheus rejects {args.expr!r}: {e}", file=sys.stderr)
            return 2
        if series is not None:
            if bool(series) != args.absent:
                for s in series:
                    print(json.dumps(s, sort_keys=True, ensure_ascii=False))
                return 0
            last = f"{len(series)} series: {json.dumps(series, ensure_ascii=False)[:500]}"
        else:
            last = error
        if time.monotonic() >= deadline:
            want = "an empty result" if args.absent else "any series"
            print(f"prometheus-query: {args.expr!r} did not give {want} within {args.timeout:g} s; last answer: {last}",
                  file=sys.stderr)
            return 1
        time.sleep(0.25)


if __name__ == "__main__":
    sys.exit(main())
