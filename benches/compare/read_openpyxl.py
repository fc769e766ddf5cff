#!/usr/bin/env python3
"""Read every cell of the first sheet with openpyxl (read_only) and count the non-empty ones.

Usage: read_openpyxl.py IN.xlsx

The second peer of `excel-compare read IN`. Prints `read <seconds> cells=<non-empty cells>`.
"""

import argparse
import time

import openpyxl


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    args = parser.parse_args()

    start = time.perf_counter()
    workbook = openpyxl.load_workbook(args.path, read_only=True)
    sheet = workbook.worksheets[0]
    cells = 0
    for row in sheet.iter_rows(values_only=True):
        cells += sum(1 for value in row if value is not None and value != "")
    workbook.close()
    print(f"read {time.perf_counter() - start:.3f} cells={cells}")


if __name__ == "__main__":
    main()
