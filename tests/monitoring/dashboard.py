#!/usr/bin/env python3
"""Checks of the shipped Grafana dashboard, for tests/monitoring/check.sh.

    dashboard.py lint  DASHBOARD.json            structure: one "ok - "/"not ok - " line per check
    dashboard.py exprs DASHBOARD.json            print "panel title<TAB>expr" per query, with the
                                                 template variables replaced by ".*" (every value)
Grafana is not available here, so what can be checked without it is: valid JSON, the
fields Grafana needs to import it, unique panel ids, no overlapping panels, every query
using only defined variables and the datasource variable, and (in check.sh) every query
evaluated on a real Prometheus.
"""
import json
import re
import sys

VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)(?::\w+)?\}")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def targets(dashboard):
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []):
            yield panel, target


def lint(path):
    failures = 0

    def check(what, condition, detail=""):
        nonlocal failures
        if condition:
            print(f"ok - dashboard: {what}")
        else:
            failures += 1
            print(f"not ok - dashboard: {what}{': ' + detail if detail else ''}")

    try:
        dashboard = load(path)
    except (OSError, ValueError) as e:
        print(f"not ok - dashboard: {path} is valid JSON: {e}")
        return 1
    check("is valid JSON", True)
    check("has uid, title, schemaVersion and panels",
          all(dashboard.get(k) for k in ("uid", "title", "schemaVersion", "panels")))
    panels = dashboard.get("panels", [])
    ids = [p.get("id") for p in panels]
    check("panel ids are unique", len(ids) == len(set(ids)) and None not in ids, str(ids))

    cells, overlap = {}, []
    for p in panels:
        g = p.get("gridPos", {})
        for x in range(g.get("x", 0), g.get("x", 0) + g.get("w", 0)):
            for y in range(g.get("y", 0), g.get("y", 0) + g.get("h", 0)):
                if (x, y) in cells:
                    overlap.append((cells[(x, y)], p.get("title")))
                cells[(x, y)] = p.get("title")
    check("panels fit the 24-column grid and do not overlap",
          not overlap and all(p["gridPos"]["x"] + p["gridPos"]["w"] <= 24 for p in panels), str(overlap[:1]))

    defined = {v["name"] for v in dashboard.get("templating", {}).get("list", [])}
    builtins = {"__interval", "__rate_interval", "__range", "__range_s", "__all"}
    used, missing = set(), set()
    for panel, target in targets(dashboard):
        for a, b in VARIABLE.findall(target.get("expr", "")):
            name = a or b
            used.add(name)
            if name not in defined | builtins:
                missing.add(name)
    check("queries use only defined variables", not missing, ", ".join(sorted(missing)))
    check("every panel has a title and queries with an expr",
          all(p.get("title") and p.get("targets") and all(t.get("expr") for t in p["targets"]) for p in panels))
    check("every panel and query uses the datasource variable",
          all(p.get("datasource", {}).get("uid") == "${datasource}"
              and all(t.get("datasource", {}).get("uid") == "${datasource}" for t in p["targets"]) for p in panels))

    metrics = {"certisante_certificate_usable_until_timestamp_seconds", "certisante_certificate_revoked",
               "certisante_source_up"}
    exprs = " ".join(t.get("expr", "") for _, t in targets(dashboard))
    check("shows usable time left, revocations and sources down", all(m in exprs for m in metrics))
    table = [p for p in panels if p.get("type") == "table"
             and any("usable_until" in t.get("expr", "") for t in p["targets"])]
    sort = [s for p in table for tr in p.get("transformations", []) if tr.get("id") == "sortBy"
            for s in tr["options"].get("sort", [])]
    check("the days-left table is sorted ascending", bool(sort) and sort[0].get("desc") is False)
    return 1 if failures else 0


def exprs(path):
    for panel, target in targets(load(path)):
        expr = VARIABLE.sub(".*", target["expr"])
        print(f"{panel['title']} [{target.get('refId', '?')}]\t{' '.join(expr.split())}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("lint", "exprs"):
        sys.exit(__doc__)
    sys.exit({"lint": lint, "exprs": exprs}[sys.argv[1]](sys.argv[2]))
