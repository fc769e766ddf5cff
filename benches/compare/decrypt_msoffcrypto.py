#!/usr/bin/env python3
"""Decrypt a password-protected (ECMA-376 Agile) workbook with msoffcrypto-tool.

Usage: decrypt_msoffcrypto.py IN.xlsx PASSWORD OUT.xlsx

The peer of `excel-compare decrypt IN PASSWORD OUT`. Prints `decrypt <seconds> bytes=<size>`.
"""

import argparse
import os
import time

import msoffcrypto


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("password")
    parser.add_argument("out")
    args = parser.parse_args()

    start = time.perf_counter()
    with open(args.path, "rb") as src:
        office = msoffcrypto.OfficeFile(src)
        office.load_key(password=args.password, verify_password=True)
        with open(args.out, "wb") as dst:
            office.decrypt(dst)
    print(f"decrypt {time.perf_counter() - start:.3f} bytes={os.path.getsize(args.out)}")


if __name__ == "__main__":
    main()
