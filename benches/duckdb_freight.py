#!/usr/bin/env python3
"""The DuckDB equivalent of carbonledger's freight figures for a gen_freight.py project.

Usage: python3 benches/duckdb_freight.py PROJECT_DIR [--threads 2] [--repeat 1]
                                         [--check FIGURES.json] [--json OUT.json] [--print-sql]

Reads PROJECT_DIR/shipments.csv with DuckDB's CSV reader and computes, per reporting year, the
figures of carbonledger's `freight` register in one query, in DECIMAL:

  * distance: the given distance (km, or nmi at 1852 m), else the great-circle distance of the
    coordinates: haversine on a sphere of 6371.0 km in DOUBLE, rounded to the metre (the one
    float step, as carbonledger's geodesy); the mode-shift counterfactual flies the
    great-circle distance of the leg's ends
  * emissions: mass (t) x km x intensity (kg CO2e/tkm), tank-to-wheel and well-to-tank
    separately; the intensities are those carbonledger resolves, read here from
    factors/desnz/<edition>/factors.csv (the manifest's `[freight] intensities` set and its
    edition for the year; air with or without radiative forcing as the manifest says)
  * SAF: each intensity line (without RF) x share x (baseline - SAF) / baseline, rounded once to
    1e-9 kg as carbonledger rounds every non-terminating line (in HUGEINT nano-kg, since
    DuckDB divides DECIMALs in DOUBLE); from factors/icao-corsia/<edition>/factors.csv
  * figures: ghg.scope3.cat<N> (+ .ttw, .wtt), logistics.tkm (+ .<mode>),
    logistics.by_mode.<mode>, avoided.logistics.mode_shift (+ .<lane>), avoided.logistics.saf,
    logistics.saf.fossil_equivalent

Only the shapes the generator writes are handled (mass in t, default intensities, no
operations or hubs, air legs by coordinates); the script asserts it. With --check it compares
every figure with carbonledger's `figures --format json` output: exactly (Decimal equality),
or else within 1e-9 (listed under "within_1e-9"), and exits 1 on any other difference. The SAF
figures (and the totals they are deducted from) are the ones not equal: DuckDB rounds each exact
SAF line once to 1e-9 kg, carbonledger's differs by a few 1e-10 t at 1M legs (see
docs/performance.md, Freight).

It prints (and with --json writes) the totals and the wall time of each query run
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from duckdb_equiv import read_factors  # noqa: E402 (the energy peer reads factor files the same way)


# carbonledger's Mode::default_key; air takes `.with_rf` / `.without_rf` per the manifest.
DEFAULT_KEY = {
    "air": "freight.air.international",
    "sea_container": "freight.sea.container",
    "rail": "freight.rail",
    "road": "freight.road.hgv",
}


def intensity_table(manifest):
    """Rows (year, mode, main, wtt, saf_basis_main) in kg CO2e/tkm, and the SAF factors per year."""
    fr = manifest["freight"]
    rf = fr.get("radiative_forcing")
    assert rf is not None, "air legs need [freight] radiative_forcing"
    out, saf = [], {}
    for year in manifest["reporting_years"]:
        eds = manifest["years"][str(year)]["editions"]
        if fr["intensities"] not in eds:  # a year without freight (carbonledger would refuse its legs)
            continue
        rows = read_factors(fr["intensities"], eds[fr["intensities"]])
        for mode, key in DEFAULT_KEY.items():
            main = key + (".with_rf" if rf else ".without_rf") if mode == "air" else key
            basis = key + ".without_rf" if mode == "air" else key
            for k in (main, basis, key + ".wtt"):
                assert rows[k]["unit"] == "kg CO2e/tkm", rows[k]
            out.append((year, mode, rows[main]["value"], rows[key + ".wtt"]["value"], rows[basis]["value"]))
        corsia = read_factors("icao-corsia", eds["icao-corsia"])
        saf[year] = corsia
    return out, saf


SQL = """
WITH raw AS (
  SELECT * FROM read_csv('{shipments}', delim=',', quote='"', escape='"', comment='#', header=true,
                         auto_detect=false, columns={columns})
), leg AS (
  SELECT CAST(substr(period, 1, 4) AS INTEGER) AS year, mode, lane, mass_unit, saf_fuel,
         CAST(mass AS DECIMAL(18,4)) AS t,
         CAST(nullif(saf_share_pct, '') AS DECIMAL(9,4)) AS share,
         CASE distance_unit WHEN 'km' THEN CAST(distance AS DECIMAL(18,3))
                            WHEN 'nmi' THEN CAST(distance AS DECIMAL(18,3)) * 1.852 END AS given_km,
         -- haversine as carbonledger's geodesy computes it (f64, metres rounded half away from zero)
         CAST(round(6371000.0 * (2.0 * asin(sqrt(least(greatest(
             pow(sin((radians(CAST(destination_lat AS DOUBLE)) - radians(CAST(origin_lat AS DOUBLE))) / 2.0), 2)
             + cos(radians(CAST(origin_lat AS DOUBLE))) * cos(radians(CAST(destination_lat AS DOUBLE)))
               * pow(sin((radians(CAST(destination_lon AS DOUBLE)) - radians(CAST(origin_lon AS DOUBLE))) / 2.0), 2),
             0.0), 1.0))))) AS BIGINT) AS gc_m,
         nullif(baseline_mode, '') AS baseline_mode
  FROM raw
), priced AS (
  SELECT leg.*, coalesce(given_km, CAST(gc_m AS DECIMAL(18,3)) * 0.001) AS km,
         i.main AS f_main, i.wtt AS f_wtt, i.basis AS f_basis,
         b.basis AS b_main, b.wtt AS b_wtt
  FROM leg
  JOIN intensity i ON i.year = leg.year AND i.mode = leg.mode
  LEFT JOIN intensity b ON b.year = leg.year AND b.mode = leg.baseline_mode
), kg AS (
  SELECT *, t * km AS tkm, t * km * f_main AS kg_main, t * km * f_wtt AS kg_wtt,
         -- the counterfactual: the same mass flown the great-circle distance of the ends
         CASE WHEN baseline_mode IS NOT NULL
              THEN t * (CAST(gc_m AS DECIMAL(18,3)) * 0.001) * (b_main + b_wtt) END AS kg_cf,
         -- SAF: per intensity line, in nano-kg, rounded once: (2n + d) // (2d) is round half
         -- up, and a non-terminating quotient has no midpoint to round
         CASE WHEN share IS NOT NULL THEN
           (2 * CAST(t * km * f_basis * 10000000000000 AS HUGEINT) * CAST(share * 10000 AS HUGEINT) * {saving} + {den})
             // (2 * {den})
           + (2 * CAST(t * km * f_wtt * 10000000000000 AS HUGEINT) * CAST(share * 10000 AS HUGEINT) * {saving} + {den})
             // (2 * {den}) END AS saf_nkg
  FROM priced
)
SELECT year, mode, lane, saf_fuel, mass_unit, count(*) AS legs, count(km) AS priced,
       sum(tkm) AS tkm, sum(kg_main) AS kg_main, sum(kg_wtt) AS kg_wtt,
       sum(kg_cf - kg_main - kg_wtt) AS kg_shift, sum(saf_nkg) AS saf_nkg,
       sum(CASE WHEN share IS NOT NULL THEN kg_main + kg_wtt END) AS kg_fossil
FROM kg
GROUP BY ALL
ORDER BY ALL
"""


def header(project):
    """The columns of shipments.csv, all read as text (cast where used)."""
    with open(os.path.join(project, "shipments.csv"), encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def figures(result, category):
    """carbonledger's figure names and values (t CO2e, tkm) from the grouped rows."""
    cat = f"ghg.scope3.cat{category}"
    out = {}

    def add(name, year, v):
        if v is None:
            return
        key = (name, year)
        out[key] = out.get(key, Decimal(0)) + Decimal(v)

    t = Decimal(1000)
    for year, mode, lane, saf_fuel, mass_unit, legs, priced, tkm, kg_main, kg_wtt, kg_shift, saf_nkg, kg_fossil in result:
        assert mass_unit == "t" and legs == priced, (mode, mass_unit, legs, priced)
        wtw = (kg_main + kg_wtt) / t
        saf = Decimal(saf_nkg) / Decimal(10**12) if saf_nkg is not None else Decimal(0)
        add(cat, year, wtw - saf)
        add(f"{cat}.ttw", year, kg_main / t)
        add(f"{cat}.wtt", year, kg_wtt / t)
        add("logistics.tkm", year, tkm)
        add(f"logistics.tkm.{mode}", year, tkm)
        add(f"logistics.by_mode.{mode}", year, wtw - saf)
        if lane:
            add("avoided.logistics.mode_shift", year, kg_shift / t)
            add(f"avoided.logistics.mode_shift.{lane}", year, kg_shift / t)
        if saf_fuel:
            add("avoided.logistics.saf", year, saf)
            add("logistics.saf.fossil_equivalent", year, kg_fossil / t)
    return out


def check(ours, figures_json):
    """Every figure against carbonledger's: (differences, near) where near are those within
    1e-9 (absolute, in the figure's unit) and differences the rest."""
    with open(figures_json, encoding="utf-8") as f:
        theirs = {(x["name"], x["year"]): Decimal(x["value"]) for x in json.load(f)}
    bad, near = [], []
    for key, v in sorted(ours.items()):
        cl = theirs.get(key)
        if cl == v:
            continue
        row = {"figure": key[0], "year": key[1], "duckdb": str(v), "carbonledger": str(cl)}
        (near if cl is not None and abs(cl - v) <= Decimal("1e-9") else bad).append(row)
    return bad, near


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("project")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--check")
    ap.add_argument("--json")
    ap.add_argument("--print-sql", action="store_true")
    a = ap.parse_args()

    import duckdb

    with open(os.path.join(a.project, "carbonledger.toml"), "rb") as f:
        manifest = tomllib.load(f)
    rows, saf = intensity_table(manifest)
    # One SAF fuel and baseline for every year (what the generator writes): its factors are
    # constants of the query, as integers of 1e-4 g CO2e/MJ.
    (corsia,) = {json.dumps(v, sort_keys=True) for v in saf.values()}
    corsia = json.loads(corsia)
    base, lsf = Decimal(corsia["fossil_jet.baseline"]["value"]), Decimal(corsia["hefa.uco"]["value"])
    assert corsia["fossil_jet.baseline"]["unit"] == corsia["hefa.uco"]["unit"]
    saving = int((base - lsf) * 10000)
    # nano-kg = line (1e-13 kg) x share (1e-4) x saving (1e-4) / (100 x base (1e-4)) x 1e9 / 1e13
    den = 100 * int(base * 10000) * 10**8
    con = duckdb.connect()
    con.execute(f"SET threads={a.threads}")
    con.execute("CREATE TABLE intensity (year INTEGER, mode VARCHAR, main DECIMAL(18,6), wtt DECIMAL(18,6), basis DECIMAL(18,6))")
    con.executemany("INSERT INTO intensity VALUES (?, ?, ?, ?, ?)", rows)
    sql = SQL.format(
        shipments=os.path.join(a.project, "shipments.csv").replace("'", "''"),
        columns="{" + ",".join(f"'{c}':'VARCHAR'" for c in header(a.project)) + "}",
        saving=saving,
        den=den,
    )
    if a.print_sql:
        print(sql)
    times, result = [], None
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        result = con.execute(sql).fetchall()
        times.append(time.perf_counter() - t0)
    got = figures(result, manifest["freight"].get("category", 4))
    out = {
        "threads": a.threads,
        "duckdb": duckdb.__version__,
        "query_seconds": times,
        "figures": {f"{n} {y}": str(v) for (n, y), v in sorted(got.items())},
    }
    code = 0
    if a.check:
        out["differences"], out["within_1e-9"] = check(got, a.check)
        code = 1 if out["differences"] else 0
    print(json.dumps(out, indent=2))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)
    return code


if __name__ == "__main__":
    sys.exit(main())
