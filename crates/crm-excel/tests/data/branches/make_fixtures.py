#!/usr/bin/env python3
"""Writes the synthetic branch-file fixtures of this folder (see SOURCE.md)."""
import datetime

import openpyxl
import xlwt


def bekasi():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Leads"
    ws.append(["DATA LEADS CABANG BEKASI"])
    ws.append([])
    ws.append(["Nama", "No HP", "No KTP", "Plafon", "Tanggal Lahir", "Email", "Aktif"])
    rows = [
        ["Budi Santoso", "0812-3456-7890", "3216010101900001", 15000000, datetime.date(1990, 1, 1), "budi@example.co.id", True],
        ["Siti Rahayu", 81311112222, "3216014102850002", 7500000, datetime.date(1985, 2, 1), None, False],
        ['=HYPERLINK("http://example.invalid")', "+62 857 1234 5678", "3216010303000003", 12500000.5, datetime.date(2000, 3, 3), "x@example.co.id", True],
        ["Agus Wijaya", "081299990000", "3216010404950004", 5000000, datetime.date(1995, 4, 4), "agus@example.co.id", True],
    ]
    for r in rows:
        ws.append(r)
    ws.append([])
    ws.append(["Dewi Lestari", "0877 0000 1111", "3216014505920005", 9000000, datetime.date(1992, 5, 5), "dewi@example.co.id", True, "catatan di luar kolom"])
    for r in range(4, ws.max_row + 1):
        ws.cell(row=r, column=5).number_format = "yyyy-mm-dd"
    wb.save("leads-bekasi.xlsx")


def bogor():
    lines = [
        "NAMA;HANDPHONE;PLAFON;TGL LAHIR;E-MAIL",
        "Rina Kurniawan;6281298765432;20000000;17/08/1988;rina@example.co.id",
        "Budi Santoso;+62 812 3456 7890;15000000;01/01/1990;",
        ";;;;",
        "André Pratama;0813 7777 8888;3000000;31/12/1999;andre@example.co.id",
    ]
    with open("leads-bogor.csv", "wb") as f:
        f.write(b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    with open("legacy-cp1252.csv", "wb") as f:
        f.write("nama,kota\nAndré,Bekasi\nJosé,Bogor\n".encode("cp1252"))


def depok():
    wb = xlwt.Workbook()
    sh = wb.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for c, h in enumerate(["Handphone", "Nama Lengkap", "Plafon", "Tgl Lahir"]):
        sh.write(0, c, h)
    rows = [
        ["0856 1111 2222", "Joko Susanto", 4000000, datetime.date(1979, 7, 7)],
        ["081311112222", "Siti Rahayu", 7500000, datetime.date(1985, 2, 1)],
    ]
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if isinstance(v, datetime.date):
                sh.write(r, c, v, date_style)
            else:
                sh.write(r, c, v)
    wb.save("leads-depok.xls")


def two_sheets():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    ws.append(["Catatan"])
    ws.append(["lihat sheet Leads"])
    leads = wb.create_sheet("Leads")
    leads.append(["nama", "no_hp"])
    leads.append(["Eko", "0811"])
    wb.save("two-sheets.xlsx")


if __name__ == "__main__":
    bekasi()
    bogor()
    depok()
    two_sheets()
