#!/usr/bin/env python3
"""The polars equivalent of `carbonledger figures` for the benchmark projects.

Usage: python3 benches/polars_equiv.py PROJECT_DIR [--types double|decimal] [--threads 2]
                                       [--repeat 1] [--json OUT.json]

The same computation as benches/duckdb_equiv.py (whose factor table it reuses: every factor
folded with exact Decimal into "t CO2e per unit of the row" and "GJ per unit of the row"):
read energy.csv and facilities.csv with polars' CSV reader, join the rows to the facilities'
grid regions and to the factor table on (year, region, carrier, unit), and sum per year the
scope 1 and location-based scope 2 emissions (t CO2e) and the energy (GJ). `--types double`
(the default) reads quantities as Float64; `--types decimal` as Decimal(38,10) (exact).
The number of threads is set with POLARS_MAX_THREADS before polars is imported. The script
asserts that every row joined.

It prints (and with --json writes) the per-year totals and the wall time of each query run
(interpreter start-up and import excluded; the caller times the whole process too).
"""

import argparse
import json
import os
import sys
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("project")
    ap.add_argument("--types", choices=["decimal", "double"], default="double")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json")
    a = ap.parse_args()
    os.environ["POLARS_MAX_THREADS"] = str(a.threads)
    import polars as pl
    from duckdb_equiv import factor_table

    with open(os.path.join(a.project, "carbonledger.toml"), "rb") as f:
        manifest = tomllib.load(f)
    num = pl.Decimal(38, 10) if a.types == "decimal" else pl.Float64
    ft = factor_table(manifest)
    factor = pl.DataFrame(
        {
            "year": [r[0] for r in ft],
            "region": [r[1] for r in ft],
            "carrier": [r[2] for r in ft],
            "unit": [r[3] for r in ft],
            "scope": [r[4] for r in ft],
            "t_per_unit": [str(r[5]) for r in ft],
            "gj_per_unit": [str(r[6]) for r in ft],
        },
        schema_overrides={"year": pl.Int32},
    ).with_columns(pl.col("t_per_unit").cast(num), pl.col("gj_per_unit").cast(num))
    schema = {
        "facility": pl.String, "period": pl.String, "carrier": pl.String, "quantity": num,
        "unit": pl.String, "factor": pl.String, "ref": pl.String, "note": pl.String,
    }
    fschema = {
        "id": pl.String, "name": pl.String, "country": pl.String, "grid": pl.String,
        "equity_share_pct": pl.String, "operational_control": pl.String, "financial_control": pl.String,
    }
    times, result = [], None
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        fac = pl.scan_csv(os.path.join(a.project, "facilities.csv"), comment_prefix="#", schema=fschema).select(
            pl.col("id").alias("facility"), pl.col("grid").str.split(":").list.get(1).alias("region")
        )
        e = pl.scan_csv(os.path.join(a.project, "energy.csv"), comment_prefix="#", schema=schema).select(
            "facility",
            pl.col("period").str.slice(0, 4).cast(pl.Int32).alias("year"),
            "carrier",
            "unit",
            "quantity",
        )
        q = (
            e.join(fac, on="facility", how="inner")
            .join(factor.lazy(), on=["year", "region", "carrier", "unit"], how="inner")
            .group_by("year")
            .agg(
                pl.len().alias("rows"),
                (pl.col("quantity") * pl.col("t_per_unit")).filter(pl.col("scope") == 1).sum().alias("scope1"),
                (pl.col("quantity") * pl.col("t_per_unit")).filter(pl.col("scope") == 2).sum().alias("scope2"),
                (pl.col("quantity") * pl.col("gj_per_unit")).sum().alias("gj"),
            )
            .sort("year")
        )
        result = q.collect()
        times.append(time.perf_counter() - t0)
        total_rows = pl.scan_csv(os.path.join(a.project, "energy.csv"), comment_prefix="#", schema=schema).select(pl.len()).collect().item()
        assert result["rows"].sum() == total_rows, "some rows did not join"
    years = {}
    for r in result.iter_rows(named=True):
        years[str(r["year"])] = {
            "rows": r["rows"],
            "ghg.scope1": str(r["scope1"]),
            "ghg.scope2.location": str(r["scope2"]),
            "energy.total_gj": str(r["gj"]),
        }
    out = {"types": a.types, "threads": a.threads, "polars": pl.__version__, "query_seconds": times, "years": years}
    print(json.dumps(out, indent=2))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
