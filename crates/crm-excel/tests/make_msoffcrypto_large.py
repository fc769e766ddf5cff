"""Writes a workbook that msoffcrypto-tool 6.1 encrypts into a compound file `cfb` refuses.

Once an encrypted package needs more than 109 FAT sectors (the header's DIFAT slots), which is
an encrypted file of 7,145,472 bytes or more, msoffcrypto-tool 6.1 writes a DIFAT sector that
lists one FAT sector too many (the first MiniFAT sector). olefile, and so msoffcrypto-tool,
read the file; `cfb` 0.16 refuses it: "Malformed FAT (FAT has N entries, but file has only M
sectors)". With XlsxWriter 3.3.1 and the rows below, the smallest such workbook has 366,949
rows; 400,000 rows leave a margin.

Usage: python make_msoffcrypto_large.py OUT.xlsx [ROWS]
Needs the pinned packages of requirements-encrypted.txt. The password is `rahasia`.
The data is synthetic: row i is `Lead i`, phone `0812` + i in 8 digits, plafon 1,000,000 + i.
"""

import datetime
import io
import sys

import msoffcrypto.format.ooxml
import olefile
import xlsxwriter

PASSWORD = "rahasia"


def workbook(rows: int) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"constant_memory": True})
    book.set_properties({"created": datetime.datetime(2026, 1, 1)})
    sheet = book.add_worksheet("Leads")
    sheet.write_row(0, 0, ["name", "phone", "plafon"])
    for i in range(rows):
        sheet.write_row(i + 1, 0, [f"Lead {i}", f"0812{i:08d}", 1_000_000 + i])
    book.close()
    return buf.getvalue()


def main() -> None:
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 400_000
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(workbook(rows))).encrypt(PASSWORD, encrypted)
    data = encrypted.getvalue()
    if not olefile.isOleFile(data):
        sys.exit("msoffcrypto-tool wrote something olefile does not read")
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
