#!/usr/bin/env python3
"""The DuckDB equivalent of `carbonledger figures` for the benchmark projects.

Usage: python3 benches/duckdb_equiv.py PROJECT_DIR --types decimal|double [--threads 2]
                                       [--repeat 1] [--json OUT.json] [--print-sql]

Reads PROJECT_DIR/energy.csv and PROJECT_DIR/facilities.csv with DuckDB's CSV reader and
computes, per reporting year, scope 1 (t CO2e), location-based scope 2 (t CO2e) and total
energy (GJ; MWh = GJ / 3.6) with one join of the activity rows against the facilities (grid
region) and a small factor table. The factor table is built here from the same factor files
carbonledger uses, with the editions named in PROJECT_DIR/carbonledger.toml:

  * cn-mee-grid/<edition>/factors.csv   grid factor per region (kg CO2/kWh) per year
  * ipcc-2006/2006/factors.csv          NCV (GJ/t) and CO2/CH4/N2O emission factors (kg/TJ)
  * ipcc-gwp/ar5/factors.csv            GWP100 of CH4 (28) and N2O (265)

Every factor is folded, with Python's exact Decimal, into "t CO2e per unit of the row"
(and "GJ per unit of the row"), so with --types decimal the SQL multiplies a
DECIMAL(38,10) quantity by a DECIMAL(38,10) factor (product DECIMAL(38,20)) and sums:
exact, no division in SQL. With --types double the same query runs on DOUBLE.

Only the carriers/units the generator writes are in the factor table (electricity in MWh or
kWh, natural_gas in GJ, diesel in t); the script asserts that every row joined.

It prints (and with --json writes) the per-year totals and the wall time of each query run
(connection setup and Python start-up excluded; the caller times the whole process too).
"""

import argparse
import csv
import json
import os
import sys
import time
import tomllib
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FACTORS = os.path.join(ROOT, "factors")


def read_factors(set_name, edition):
    path = os.path.join(FACTORS, set_name, edition, "factors.csv")
    with open(path, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    head = rows[0]
    return {r[0]: dict(zip(head, r)) for r in rows[1:]}


def factor_table(manifest):
    """Rows (year, region, carrier, unit, scope, t_co2e_per_unit, gj_per_unit)."""
    out = []
    # GJ per unit of an electricity row; kWh per unit.
    elec_units = {"MWh": (Decimal("3.6"), Decimal(1000)), "kWh": (Decimal("0.0036"), Decimal(1))}
    for year in manifest["reporting_years"]:
        ed = manifest["years"][str(year)]["editions"]
        grid = read_factors("cn-mee-grid", ed["cn-mee-grid"])
        ipcc = read_factors("ipcc-2006", ed["ipcc-2006"])
        gwp = read_factors("ipcc-gwp", ed["ipcc-gwp"])
        for k, row in grid.items():
            assert row["unit"] == "kg CO2/kWh", row
            t_per_kwh = Decimal(row["value"]) / 1000  # exact: a power of ten
            for unit, (gj, kwh) in elec_units.items():
                out.append((year, k, "electricity", unit, 2, kwh * t_per_kwh, gj))
        g_ch4, g_n2o = Decimal(gwp["ch4"]["value"]), Decimal(gwp["n2o"]["value"])
        assert gwp["ch4"]["unit"] == gwp["n2o"]["unit"] == "kg CO2e/kg"
        for fuel, unit in (("natural_gas", "GJ"), ("diesel", "t")):
            for g in ("co2", "ch4", "n2o"):
                assert ipcc[f"{fuel}.{g}"]["unit"] == f"kg {g.upper()}/TJ", ipcc[f"{fuel}.{g}"]
            kg_co2e_per_tj = (
                Decimal(ipcc[f"{fuel}.co2"]["value"])
                + Decimal(ipcc[f"{fuel}.ch4"]["value"]) * g_ch4
                + Decimal(ipcc[f"{fuel}.n2o"]["value"]) * g_n2o
            )
            t_per_gj = kg_co2e_per_tj / Decimal(1000000)  # kg/TJ -> t/GJ, exact
            if unit == "GJ":
                gj = Decimal(1)
            else:
                assert ipcc[f"{fuel}.ncv"]["unit"] == "GJ/t"
                gj = Decimal(ipcc[f"{fuel}.ncv"]["value"])
            for k in grid:  # fuel factors do not depend on the region; one row per region keeps the join uniform
                out.append((year, k, fuel, unit, 1, gj * t_per_gj, gj))
    for r in out:  # every factor must fit DECIMAL(38,10) exactly
        assert r[5] == r[5].quantize(Decimal("1e-10")) and r[6] == r[6].quantize(Decimal("1e-10")), r
    return out


SQL = """
WITH e AS (
  SELECT facility, CAST(substr(period, 1, 4) AS INTEGER) AS year, carrier, unit, quantity
  FROM read_csv('{energy}', delim=',', quote='"', escape='"', comment='#', header=true,
                auto_detect=false,
                columns={{'facility':'VARCHAR','period':'VARCHAR','carrier':'VARCHAR',
                          'quantity':'{num}','unit':'VARCHAR','factor':'VARCHAR',
                          'ref':'VARCHAR','note':'VARCHAR'}})
), fac AS (
  SELECT id, split_part(grid, ':', 2) AS region
  FROM read_csv('{facilities}', delim=',', quote='"', escape='"', comment='#', header=true,
                auto_detect=false,
                columns={{'id':'VARCHAR','name':'VARCHAR','country':'VARCHAR','grid':'VARCHAR',
                          'equity_share_pct':'VARCHAR','operational_control':'VARCHAR',
                          'financial_control':'VARCHAR'}})
)
SELECT e.year,
       count(*)                                                        AS rows,
       sum(CASE WHEN f.scope = 1 THEN e.quantity * f.t_co2e_per_unit END) AS scope1_t,
       sum(CASE WHEN f.scope = 2 THEN e.quantity * f.t_co2e_per_unit END) AS scope2_t,
       sum(e.quantity * f.gj_per_unit)                                 AS energy_gj
FROM e
JOIN fac ON fac.id = e.facility
JOIN factor f ON f.year = e.year AND f.region = fac.region AND f.carrier = e.carrier AND f.unit = e.unit
GROUP BY e.year
ORDER BY e.year
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("project")
    ap.add_argument("--types", choices=["decimal", "double"], default="decimal")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json")
    ap.add_argument("--print-sql", action="store_true")
    a = ap.parse_args()

    import duckdb

    with open(os.path.join(a.project, "carbonledger.toml"), "rb") as f:
        manifest = tomllib.load(f)
    num = "DECIMAL(38,10)" if a.types == "decimal" else "DOUBLE"
    con = duckdb.connect()
    con.execute(f"SET threads={a.threads}")
    con.execute(
        f"CREATE TABLE factor (year INTEGER, region VARCHAR, carrier VARCHAR, unit VARCHAR,"
        f" scope INTEGER, t_co2e_per_unit {num}, gj_per_unit {num})"
    )
    con.executemany(
        "INSERT INTO factor VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(y, k, c, u, s, str(t), str(g)) for (y, k, c, u, s, t, g) in factor_table(manifest)],
    )
    sql = SQL.format(
        energy=os.path.join(a.project, "energy.csv").replace("'", "''"),
        facilities=os.path.join(a.project, "facilities.csv").replace("'", "''"),
        num=num,
    )
    if a.print_sql:
        print(sql)
    times, result = [], None
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        result = con.execute(sql).fetchall()
        times.append(time.perf_counter() - t0)
    years = {}
    for year, rows, s1, s2, gj in result:
        years[str(year)] = {
            "rows": rows,
            "ghg.scope1": str(s1),
            "ghg.scope2.location": str(s2),
            "energy.total_gj": str(gj),
        }
    out = {"types": a.types, "threads": a.threads, "duckdb": duckdb.__version__, "query_seconds": times, "years": years}
    print(json.dumps(out, indent=2))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
