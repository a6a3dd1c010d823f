#!/usr/bin/env python3
"""Generate a carbonledger project with N freight legs (python3 stdlib only).

Usage: python3 benches/gen_freight.py LEGS OUTDIR [--seed 14083]

OUTDIR is a copy of fixtures/xiaomi-2025 whose shipments.csv is replaced by LEGS legs in 2025
over the fixture's lanes: sea container legs with an air counterfactual (lane cn_eu_sea), road
on-carriage, rail with an air counterfactual (cn_eu_rail), and air legs with a SAF share and
coordinates only (great-circle distance); masses vary. Deterministic for given arguments.
"""

import argparse
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(os.path.dirname(HERE), "fixtures", "xiaomi-2025")
HEADER = ("shipment,leg,period,mass,mass_unit,mode,origin,destination,distance,distance_unit,origin_lat,origin_lon,"
          "destination_lat,destination_lon,baseline_mode,baseline_distance,baseline_distance_unit,lane,saf_share_pct,"
          "saf_fuel,factor,cargo_per_teu,cargo_per_teu_unit,note\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("legs", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=14083)
    a = ap.parse_args()
    if os.path.exists(a.outdir):
        shutil.rmtree(a.outdir)
    shutil.copytree(FIXTURE, a.outdir)
    rng = random.Random(a.seed)
    out = []
    n = 0
    s = 0
    while n < a.legs:
        s += 1
        q = "2025-Q%d" % (1 + rng.randrange(4))
        mass = "%d.%d" % (1 + rng.randrange(80), rng.randrange(10))
        kind = rng.randrange(10)
        if kind < 5:
            out.append("S%d,1,%s,%s,t,sea_container,Shanghai,Rotterdam,10500,nmi,31.1443,121.8083,52.3086,4.7639,air,,,cn_eu_sea,,,,,,\n" % (s, q, mass))
            out.append("S%d,2,%s,%s,t,road,Rotterdam,Tilburg,%d,km,,,,,,,,,,,,,,\n" % (s, q, mass, 80 + rng.randrange(60)))
            n += 2
        elif kind < 8:
            out.append("S%d,1,%s,%s,t,rail,Chongqing,Duisburg,11179,km,29.7192,106.6417,50.0333,8.5706,air,,,cn_eu_rail,,,,,,\n" % (s, q, mass))
            n += 1
        else:
            out.append("S%d,1,%s,%s,t,air,Shanghai PVG,Amsterdam AMS,,,31.1443,121.8083,52.3086,4.7639,,,,,35,icao-corsia:hefa.uco,,,,\n" % (s, q, mass))
            n += 1
    with open(os.path.join(a.outdir, "shipments.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        f.write("".join(out[: a.legs]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
