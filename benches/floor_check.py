#!/usr/bin/env python3
"""Turns the floor program's per-key sums into the benchmark figures, to check its totals.

Usage: python3 benches/floor_check.py PROJECT_DIR SUMS_FILE [--json OUT.json]

SUMS_FILE is the output of benches/floor/floor (facility,year,carrier,unit,sum in thousandths).
Each sum is multiplied, with exact Decimal, by the folded factors of benches/duckdb_equiv.py
(t CO2e and GJ per unit of the row, by year, grid region, carrier and unit) and added per year:
scope 1, location-based scope 2 and energy in GJ, in the JSON form compare.py reads.
"""

import csv
import json
import os
import sys
import tomllib
from decimal import Decimal, getcontext

getcontext().prec = 60

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duckdb_equiv import factor_table  # noqa: E402


def main():
    project, sums = sys.argv[1], sys.argv[2]
    with open(os.path.join(project, "carbonledger.toml"), "rb") as f:
        manifest = tomllib.load(f)
    factors = {(y, r, c, u): (s, t, g) for (y, r, c, u, s, t, g) in factor_table(manifest)}
    region = {}
    with open(os.path.join(project, "facilities.csv"), encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
        for r in rows[1:]:
            region[r[0]] = r[3].split(":")[1]
    years = {}
    for line in open(sums, encoding="utf-8"):
        fac, year, carrier, unit, q = line.rstrip("\n").split(",")
        s, t, g = factors[(int(year), region[fac], carrier, unit)]
        qty = Decimal(q) / 1000
        y = years.setdefault(year, {"ghg.scope1": Decimal(0), "ghg.scope2.location": Decimal(0), "energy.total_gj": Decimal(0)})
        y["ghg.scope1" if s == 1 else "ghg.scope2.location"] += qty * t
        y["energy.total_gj"] += qty * g
    out = {"years": {k: {n: str(v) for n, v in d.items()} for k, d in sorted(years.items())}}
    print(json.dumps(out, indent=2))
    if len(sys.argv) > 4 and sys.argv[3] == "--json":
        with open(sys.argv[4], "w") as f:
            json.dump(out, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
