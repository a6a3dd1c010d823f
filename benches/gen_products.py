#!/usr/bin/env python3
"""Generate a carbonledger project with N products of LINES BOM lines each (python3 stdlib).

Usage: python3 benches/gen_products.py PRODUCTS OUTDIR [--lines 20]

OUTDIR is a copy of fixtures/xiaomi-2025 (manifest, facilities, energy, every register file)
whose products.csv, bom.csv and product_stages.csv are replaced by PRODUCTS generated
products: LINES BOM rows each (components c01..cNN over the fixture's materials, some with a
recycled share and an ISO 22628 route) and the five stages of the fixture's first phone.
Deterministic for given arguments.
"""

import argparse
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(os.path.dirname(HERE), "fixtures", "xiaomi-2025")

# (material, primary factor, recycled factor or "")
MATERIALS = [
    ("aluminium", "desnz-materials:aluminium.primary", "desnz-materials:aluminium.closed_loop"),
    ("glass", "desnz-materials:glass.primary", ""),
    ("battery", "desnz-materials:batteries.li_ion.primary", ""),
    ("electronics", "desnz-materials:electrical.it.primary", ""),
    ("steel", "desnz-materials:steel.primary", ""),
    ("plastic", "desnz-materials:plastics.average.primary", ""),
    ("paper", "desnz-materials:paper.board.primary", "desnz-materials:paper.board.closed_loop"),
]
ROUTES = ["pretreatment", "dismantling", "metal_separation", "residue_recycling", "energy_recovery", "disposal"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("products", type=int)
    ap.add_argument("outdir")
    ap.add_argument("--lines", type=int, default=20)
    a = ap.parse_args()
    if os.path.exists(a.outdir):
        shutil.rmtree(a.outdir)
    shutil.copytree(FIXTURE, a.outdir)
    ids = ["p%06d" % i for i in range(a.products)]
    with open(os.path.join(a.outdir, "products.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("id,name,category,functional_unit,year,facility,note\n")
        for p in ids:
            f.write("%s,Product %s,smartphone,one phone,2025,BJ-PHONE,\n" % (p, p))
    with open(os.path.join(a.outdir, "bom.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("product,component,material,mass,unit,recycled_pct,primary_factor,recycled_factor,eol_route,note\n")
        for i, p in enumerate(ids):
            for j in range(a.lines):
                m, pf, rf = MATERIALS[(i + j) % len(MATERIALS)]
                pct = (j * 7) % 100 if rf else 0
                mass = 1 + (i * 31 + j * 17) % 200
                f.write("%s,c%02d,%s,%d,g,%d,%s,%s,%s,\n" % (p, j, m, mass, pct, pf, rf if pct else "", ROUTES[j % len(ROUTES)]))
    with open(os.path.join(a.outdir, "product_stages.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("product,stage,quantity,unit,years,factor,note\n")
        for p in ids:
            f.write("%s,manufacturing,8.5,kWh,,,assembly\n" % p)
            f.write("%s,distribution,0.6,tkm,,desnz@2025:freight.road.hgv,ttw\n" % p)
            f.write("%s,distribution,0.6,tkm,,desnz@2025:freight.road.hgv.wtt,wtt\n" % p)
            f.write("%s,use,4.2,kWh,3,cn-mee-grid:national,charging\n" % p)
            f.write("%s,end_of_life,191,g,,desnz-materials:waste.weee_small.open_loop,weee\n" % p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
