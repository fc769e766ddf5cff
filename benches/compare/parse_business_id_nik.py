#!/usr/bin/env python3
"""Parse every NIK in a file with business-id-nik (PyPI), the port of Perl Business::ID::NIK.

Usage: parse_business_id_nik.py IN.txt [--as-shipped]

The peer of `id-compare parse IN`: the lines are read into memory first (not timed), then
`parse_nik(line)` runs on each (province and locality lookups on, its defaults); a line is
valid when the result's status is 200. Prints
`parse <seconds> n=<N> valid=<V> per_sec=<R>`.

parse_nik 0.93.1 has a leftover debug `print(nik)` on every call. By default it is silenced
(a no-op `print` in the package's module), so the timing is of the parsing alone and the
peer's best case; --as-shipped keeps the print, sent to /dev/null.
"""

import argparse
import contextlib
import os
import time

import business_id_nik.business_id_nik as nik_module
from business_id_nik.business_id_nik import parse_nik


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument(
        "--as-shipped",
        action="store_true",
        help="keep parse_nik's debug print (to /dev/null) instead of silencing it",
    )
    args = parser.parse_args()

    with open(args.path, encoding="utf-8", newline="") as src:
        lines = [line.rstrip("\r\n") for line in src]

    with contextlib.ExitStack() as stack:
        if args.as_shipped:
            devnull = stack.enter_context(open(os.devnull, "w", encoding="utf-8"))
            stack.enter_context(contextlib.redirect_stdout(devnull))
        else:
            # A module global shadows the builtin for the code in that module only.
            nik_module.print = lambda *args, **kwargs: None

        start = time.perf_counter()
        valid = sum(1 for line in lines if parse_nik(line)[0] == 200)
        secs = time.perf_counter() - start

    n = len(lines)
    print(f"parse {secs:.4f} n={n} valid={valid} per_sec={n / secs:.0f}")


if __name__ == "__main__":
    main()
