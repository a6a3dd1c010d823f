#!/usr/bin/env python3
"""Summarises benches/run.sh results: timing table (with each tool's time as a ratio of
carbonledger's) and a check of every peer's totals against carbonledger's figures.

Usage: python3 benches/compare.py RESULTS_DIR LABEL... (labels as in run.sh: 1m, 10m, ...)

"carbonledger" is `figures --no-cache` (every row read); "carbonledger-diff" is `diff --set` of one
factor after a compute that stored the cache.

Timing: for each tool and size, the best (minimum) wall time over the runs, the user+system
CPU time of that run, and the largest "Maximum resident set size" over the runs (from the
/usr/bin/time -v logs). For DuckDB the in-process query time (best over the runs) is shown as well.
The totals are checked on each tool's first run.

Check (per reporting year): ghg.scope1, ghg.scope2.location and energy.total_gj of DuckDB's
DECIMAL run, polars' Decimal run and the floor program's sums (multiplied out exactly by
floor_check.py) must equal carbonledger's exactly (as decimal numbers); energy.total (MWh) must
equal their total GJ / 3.6 to 1e-18 relative (carbonledger rounds inexact per-row MWh at
28 significant digits). The DOUBLE / Float64 runs must agree to 1e-9 relative.
"""

import glob
import json
import os
import re
import sys
from decimal import Context, Decimal, getcontext

getcontext().prec = 60

TOOLS = ("carbonledger", "carbonledger-diff", "duckdb-decimal", "duckdb-double", "polars-double", "polars-decimal", "floor")


def parse_time(path):
    txt = open(path).read()
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", txt)
    wall = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", txt).group(1))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", txt).group(1))
    sys_ = float(re.search(r"System time \(seconds\): ([\d.]+)", txt).group(1))
    status = int(re.search(r"Exit status: (\d+)", txt).group(1))
    return {"wall": wall, "rss_kb": rss, "cpu": user + sys_, "status": status}


def runs(res, name):
    files = sorted(glob.glob(os.path.join(res, f"{name}.time.*")))
    return [parse_time(f) for f in files]


def carbonledger_figures(path):
    out = {}
    for f in json.load(open(path)):
        out[(f["name"], str(f["year"]))] = Decimal(f["value"])
    return out


def rel(a, b):
    if a == b:
        return Decimal(0)
    return abs(a - b) / max(abs(a), abs(b))


def main():
    res, labels = sys.argv[1], sys.argv[2:]
    rows = []
    problems = []
    checks = []
    for l in labels:
        for tool in TOOLS:
            name = f"{tool}-{l}"
            rs = runs(res, name)
            if not rs:
                problems.append(f"{name}: no runs found")
                continue
            bad = [r for r in rs if r["status"] != 0]
            if bad:
                problems.append(f"{name}: {len(bad)} run(s) exited non-zero")
            best = min(rs, key=lambda r: r["wall"])
            q = ""
            if tool.startswith(("duckdb", "polars")):
                try:
                    q = "%.2f" % min(
                        min(json.load(open(f))["query_seconds"])
                        for f in glob.glob(os.path.join(res, name + ".out.*"))
                    )
                except (OSError, ValueError, KeyError):
                    q = "?"
            walls = sorted(r["wall"] for r in rs)
            rows.append((l, tool, best["wall"], walls[len(walls) // 2], best["cpu"], max(r["rss_kb"] for r in rs), q, len(rs)))

        # Cross-check totals.
        try:
            cl = carbonledger_figures(os.path.join(res, f"carbonledger-{l}.out.1"))
        except (OSError, ValueError) as e:
            problems.append(f"{l}: cannot read carbonledger output: {e}")
            continue
        for t, out, tol in (
            ("duckdb-decimal", f"duckdb-decimal-{l}.out.1", None),
            ("duckdb-double", f"duckdb-double-{l}.out.1", Decimal("1e-9")),
            ("polars-decimal", f"polars-decimal-{l}.out.1", None),
            ("polars-double", f"polars-double-{l}.out.1", Decimal("1e-9")),
            ("floor", f"floor-{l}.check.json", None),
        ):
            try:
                dd = json.load(open(os.path.join(res, out)))
            except (OSError, ValueError) as e:
                problems.append(f"{l}: cannot read {t} output: {e}")
                continue
            for year, v in dd["years"].items():
                for fig in ("ghg.scope1", "ghg.scope2.location", "energy.total_gj"):
                    a, b = cl.get((fig, year)), Decimal(v[fig])
                    if a is None:
                        problems.append(f"{l} {year} {fig}: missing in carbonledger output")
                        continue
                    ok = (a == b) if tol is None else rel(a, b) <= tol
                    checks.append((l, t, year, fig, a, b, rel(a, b), ok))
                a, b = cl.get(("energy.total", year)), Decimal(v["energy.total_gj"]) / Decimal("3.6")
                ok = rel(a, b) <= (tol or Decimal("1e-18"))
                checks.append((l, t, year, "energy.total (MWh)", a, b, rel(a, b), ok))

    base = {(r[0]): (r[2], r[3]) for r in rows if r[1] == "carbonledger"}
    print("| rows | tool | wall s (best) | wall s (median) | carbonledger ÷ tool (best / median) | CPU s (best run) | max RSS MiB (max over runs) | query s (in-process) | runs |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for l, tool, wall, med, cpu, rss, q, n in rows:
        b = base.get(l)
        ratio = f"{b[0] / wall:.2f} / {b[1] / med:.2f}" if b else "?"
        print(f"| {l} | {tool} | {wall:.2f} | {med:.2f} | {ratio} | {cpu:.2f} | {rss / 1024:.1f} | {q} | {n} |")
    print()
    for l, tool, wall, med, cpu, rss, q, n in rows:
        b = base.get(l)
        if tool == "carbonledger-diff" and b:
            print(f"What-if at {l}: `diff --set` after a compute takes {wall / b[0]:.3f} (best) / {med / b[1]:.3f} (median) of a compute from the rows (goal: at most 0.1).")
    print()
    print("| rows | peer | year | figure | carbonledger | peer | rel. diff | ok |")
    print("|---|---|---|---|---:|---:|---:|---|")
    for l, t, year, fig, a, b, r, ok in checks:
        bs = str(Context(prec=28).plus(b))
        print(f"| {l} | {t} | {year} | {fig} | {a} | {bs} | {float(r):.1e} | {'yes' if ok else 'NO'} |")
    bad = [c for c in checks if not c[-1]]
    print()
    for p in problems:
        print(f"PROBLEM: {p}")
    for c in bad:
        print(f"MISMATCH: {c[0]} {c[1]} {c[2]} {c[3]}: carbonledger {c[4]} vs peer {c[5]}")
    if not problems and not bad:
        print("All peer totals match carbonledger (DECIMAL and floor: exact; energy.total MWh: <= 1e-18 rel.; DOUBLE: <= 1e-9 rel.).")
    return 1 if (problems or bad) else 0


if __name__ == "__main__":
    sys.exit(main())
