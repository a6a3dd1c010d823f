#!/usr/bin/env python3
"""A mixed freight project for checking that outputs do not change (python3 stdlib only).

Usage: python3 benches/mixed_freight.py SRC DST

SRC is a project from benches/gen_freight.py; DST (replaced) is a copy whose shipments.csv has
the columns operation, distance_basis, teu and reefer added and, every 997 rows throughout the
file: legs of three operations.csv operations (a TOC from carrier fuel and tonne-km, a round, a
reefer voyage by TEU-km), a hub of a hub operation, and rejected rows of five kinds (a mass that
is not a number, a duplicate leg next to its first row and one far from it — before or after,
so in another chunk of a file read in chunks —, both ends at one point (zero distance), a
counterfactual without a distance, a period outside the reporting years) and a leg gap. Used by
hand: `figures --allow-rejects`, `compute --allow-rejects`, `check` and `export --allow-rejects`
of two builds are compared with `cmp` (docs/performance.md, Session 12: freight).
"""
import os
import shutil
import sys

src, dst = sys.argv[1], sys.argv[2]
if os.path.exists(dst): shutil.rmtree(dst)
shutil.copytree(src, dst)
t = open(f"{dst}/carbonledger.toml").read()
t = t.replace('icao-corsia = "default-values"\n', 'icao-corsia = "default-values"\ndesnz-fuels = "2025"\ndesnz-wtt = "2025"\ndesnz-electricity = "2025"\n', 1)
open(f"{dst}/carbonledger.toml", "w").write(t)
lines = open(f"{src}/shipments.csv").read().splitlines()
hdr_i = next(i for i, l in enumerate(lines) if l.startswith("shipment,"))
pre, header, rows = lines[:hdr_i], lines[hdr_i], lines[hdr_i + 1:]
ext = ",,,,"
header += ",operation,distance_basis,teu,reefer"
def leg(s, n, per, mass, mode, a, b, dist, unit, op="", basis="", teu="", reefer=""):
    return f"{s},{n},{per},{mass},t,{mode},{a},{b},{dist},{unit},,,,,,,,,,,,,,,{op},{basis},{teu},{reefer}"
out = []
n = len(rows)
for i, r in enumerate(rows):
    out.append(r + ext)
    k = i % 997
    if k == 5: out.append(leg(f"T{i}", 1, "2025", 20, "road", "Leeds", "Hull", 150, "km", "carrier-road"))
    if k == 6: out.append(f"T{i-1},2,2025,20,t,hub,Hull,Hull,,,,,,,,,,,,,,,,,hub-hull,,,")
    if k == 7: out.append(leg(f"R{i}", 1, "2025", 2, "road", "Depot", "A", 50, "km", "round-7", "actual"))
    if k == 8: out.append(leg(f"C{i}", 1, "2025", 100, "sea_container", "Rotterdam", "Shanghai", 1000, "km", "voyage-9", "", 10, "no"))
    if k == 20: out.append(f"M{i},1,2025,heavy,t,road,A,B,12,km" + ",,,,,,,,,,,,,," + ext)
    if k == 30: out.append(f"Z{i},1,2025,3,t,air,Here,Here,,,31.1443,121.8083,31.1443,121.8083" + "," * 14)
    if k == 40: out.append(leg(f"P{i}", 1, "2019", 3, "road", "A", "B", 10, "km"))
    if k == 50: out.append(r + ext)  # duplicate, adjacent
    if k == 60: out.append(rows[(i * 7919) % n] + ext)  # duplicate, far (before or after)
    if k == 70: out.append(f"B{i},1,2025,5,t,road,A,B,12,km,,,,,air,,,lane_x,,,,,," + ext)  # counterfactual without distance
    if k == 80: out.append(leg(f"G{i}", 2, "2025", 5, "road", "Elsewhere", "Q", 12, "km"))
    if k == 81: out.append(leg(f"G{i-1}", 1, "2025", 5, "road", "P", "Here", 12, "km"))
open(f"{dst}/shipments.csv", "w").write("\n".join(pre + [header] + out) + "\n")
open(f"{dst}/operations.csv", "w").write(
"operation,kind,period,energy,energy_unit,factor,wtt_factor,activity,activity_unit,reefer_weight,note\n"
"carrier-road,transport,2025,10000,L,desnz-fuels:diesel.litre.co2e,desnz-wtt:diesel.litre.co2e,200000,tkm,,carrier fleet\n"
"round-7,transport,2025,120,L,desnz-fuels:diesel.litre.co2e,desnz-wtt:diesel.litre.co2e,,,,one delivery round\n"
"voyage-9,transport,2025,40,t,desnz-fuels:fuel_oil.tonne.co2e,,,TEUkm,2,one voyage\n"
"hub-hull,hub,2025,50000,kWh,desnz-electricity:electricity_uk.co2e,desnz-wtt:electricity_uk.co2e,10000,t,,hub\n")
