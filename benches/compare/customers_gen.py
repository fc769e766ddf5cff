#!/usr/bin/env python3
"""Writes a seeded customer file for timing `crm id validate` (standard library only).

    customers_gen.py ROWS OUT.csv [--wilayah DIR] [--seed 42]

DIR holds districts.csv and regencies.csv; the default is the copy crm-idvalidate embeds,
crates/crm-idvalidate/data (see the SOURCE.md there).

Columns: Nama, NIK, No KK, Tempat Lahir, Tgl Lahir (DD/MM/YYYY), Jenis Kelamin (L/P).
NIKs and KKs carry real Kemendagri 2025 district codes; the recorded birth date and gender
agree with the NIK (women's day + 40). Birthplaces are regency names without their
Kabupaten/Kota prefix: 73% as written, 25% with one typo (a dropped, doubled or swapped
letter), 2% a place that is in no table. The same arguments give the same bytes.
"""

import argparse
import csv
import os
import random

WILAYAH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "crates",
                       "crm-idvalidate", "data")

FIRST = ["Agus", "Andi", "Budi", "Dewi", "Eko", "Fitri", "Hendra", "Indah", "Joko", "Kartika",
         "Lestari", "Made", "Nur", "Putri", "Rina", "Siti", "Teguh", "Wahyu", "Yanti", "Zainal"]
LAST = ["Pratama", "Wijaya", "Saputra", "Lestari", "Hidayat", "Kusuma", "Santoso", "Rahayu",
        "Nugroho", "Siregar", "Nasution", "Simanjuntak", "Harahap", "Setiawan", "Gunawan"]
UNKNOWN = ["Atlantis", "Gotham", "Narnia", "Wakanda", "Zembla"]


def typo(rng, name):
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return name[:i] + name[i + 1:]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    return name[:i - 1] + name[i] + name[i - 1] + name[i + 1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", type=int)
    ap.add_argument("out")
    ap.add_argument("--wilayah", default=WILAYAH)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(f"{a.wilayah}/districts.csv", newline="", encoding="utf-8") as f:
        districts = [r["code"] for r in csv.DictReader(f)]
    with open(f"{a.wilayah}/regencies.csv", newline="", encoding="utf-8") as f:
        places = [r["name"].replace("Kabupaten ", "").replace("Kota ", "")
                  for r in csv.DictReader(f)]
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Nama", "NIK", "No KK", "Tempat Lahir", "Tgl Lahir", "Jenis Kelamin"])
        for _ in range(a.rows):
            district = rng.choice(districts)
            female = rng.random() < 0.5
            year = rng.randrange(1950, 2006)
            month = rng.randrange(1, 13)
            day = rng.randrange(1, 29)
            nik = (f"{district}{day + 40 * female:02}{month:02}{year % 100:02}"
                   f"{rng.randrange(1, 10000):04}")
            kk = (f"{district}{rng.randrange(1, 29):02}{rng.randrange(1, 13):02}"
                  f"{rng.randrange(8, 24):02}{rng.randrange(1, 10000):04}")
            u = rng.random()
            place = rng.choice(places)
            if u < 0.02:
                place = rng.choice(UNKNOWN)
            elif u < 0.27 and len(place) > 4:
                place = typo(rng, place)
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            w.writerow([name, nik, kk, place, f"{day:02}/{month:02}/{year}",
                        "P" if female else "L"])


if __name__ == "__main__":
    main()
