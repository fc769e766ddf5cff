#!/usr/bin/env python3
"""Inputs for leads_score.sh: UCI Bank Marketing as a two-stage lead table.

    leads_score_gen.py BANK TRAIN.csv SCORE.csv ROWS SEED

TRAIN.csv is every row of bank-full.csv (semicolons to commas, `duration` dropped: it is
known only after the call) with two targets: `contacted` (yes for a seeded 70% of the rows
and for every subscriber) and `booked` (the dataset's `y`, left empty when not contacted).
SCORE.csv is ROWS rows drawn with replacement from the same table (seeded), without the
targets and with a `lead_id`, the file a branch would score.
"""
import csv
import random
import sys


def main(bank, train_path, score_path, rows, seed):
    rng = random.Random(seed)
    with open(bank, newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f, delimiter=";"))
    features = [c for c in table[0] if c not in ("duration", "y")]
    with open(train_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(features + ["contacted", "booked"])
        for r in table:
            contacted = r["y"] == "yes" or rng.random() < 0.7
            w.writerow([r[c] for c in features] + ["yes" if contacted else "no", r["y"] if contacted else ""])
    with open(score_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["lead_id"] + features)
        for i in range(rows):
            r = table[rng.randrange(len(table))]
            w.writerow([f"L{i:07d}"] + [r[c] for c in features])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
