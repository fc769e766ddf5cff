#!/usr/bin/env python3
"""Re-join records broken across lines in a pipe-delimited export: the plain buffer-join.

Usage: repair_buffer_join.py IN.txt OUT.txt [--rejects REJ.txt] [--columns 30]

The peer of `crm txt repair IN --columns 30 --delimiter '|' ...`, written the way such a
script usually is: read line by line, keep a buffer; a pending buffer gets ' ' + the next
line appended; once the buffer has at least columns-1 '|' it is emitted if it has exactly
columns-1 and rejected if it has more; a non-empty buffer left at EOF is a reject. Records
(the header line included) are written out pipe-delimited as they are, without CSV quoting.
Rejects go to OUT.rejects.txt unless --rejects is given. Prints
`repair <seconds> records=<N> rejects=<N>`.
"""

import argparse
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("out")
    parser.add_argument("--rejects", help="where rejected buffers go (default OUT.rejects.txt)")
    parser.add_argument("--columns", type=int, default=30)
    args = parser.parse_args()
    rejects_path = args.rejects or args.out + ".rejects.txt"
    pipes = args.columns - 1

    start = time.perf_counter()
    records = rejects = 0
    buffer = None
    with (
        open(args.path, encoding="utf-8", newline="") as src,
        open(args.out, "w", encoding="utf-8", newline="") as out,
        open(rejects_path, "w", encoding="utf-8", newline="") as rej,
    ):
        for line in src:
            line = line.rstrip("\r\n")
            if buffer is not None:
                buffer = buffer + " " + line
            else:
                buffer = line
            count = buffer.count("|")
            if count >= pipes:
                if count == pipes:
                    out.write(buffer + "\n")
                    records += 1
                else:
                    rej.write(buffer + "\n")
                    rejects += 1
                buffer = None
        if buffer:
            rej.write(buffer + "\n")
            rejects += 1
    print(f"repair {time.perf_counter() - start:.3f} records={records} rejects={rejects}")


if __name__ == "__main__":
    main()
