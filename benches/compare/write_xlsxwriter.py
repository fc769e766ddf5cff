#!/usr/bin/env python3
"""Write the 10-column lead table with XlsxWriter in constant_memory mode.

Usage: write_xlsxwriter.py ROWS OUT.xlsx

The peer of `excel-compare write OUT ROWS`: same generator (leads.py, a port of
benches/data.rs, seed 1), same cell types (numbers, strings, a yyyy-mm-dd date, a bold
header row). Prints `write <seconds> rows=<ROWS>`.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__/ beside leads.py in the source tree

import xlsxwriter

from leads import LEAD_COLUMNS, Rng, lead_row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out")
    args = parser.parse_args()

    start = time.perf_counter()
    workbook = xlsxwriter.Workbook(args.out, {"constant_memory": True})
    sheet = workbook.add_worksheet("Data")
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, header in enumerate(LEAD_COLUMNS):
        sheet.write_string(0, col, header, bold)

    rng = Rng(1)
    write_number = sheet.write_number
    write_string = sheet.write_string
    write_datetime = sheet.write_datetime
    for i in range(args.rows):
        r = i + 1
        (id_, name, phone, nik, branch, plafon, tenor, rate, date, email) = lead_row(i, rng)
        write_number(r, 0, id_)
        write_string(r, 1, name)
        write_string(r, 2, phone)
        write_string(r, 3, nik)
        write_string(r, 4, branch)
        write_number(r, 5, plafon)
        write_number(r, 6, tenor)
        write_number(r, 7, rate)
        write_datetime(r, 8, date, date_format)
        write_string(r, 9, email)
    workbook.close()
    print(f"write {time.perf_counter() - start:.3f} rows={args.rows}")


if __name__ == "__main__":
    main()
