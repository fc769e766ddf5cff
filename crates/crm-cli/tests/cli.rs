//! The `crm` binary, run as a user would: exit codes, messages, outputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crm_excel::{Cell, HeaderRow, Passwords, ReaderBuilder, SheetSelector, Workbook};

/// Fixtures shared with crm-excel's tests.
fn fixture(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crm-excel/tests/data").join(name);
    assert!(path.exists(), "missing fixture {}", path.display());
    path
}

#[track_caller]
fn crm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crm")).args(args).output().expect("crm runs")
}

/// Runs `crm` in `dir`, so relative paths are as a user in that folder types them.
#[track_caller]
fn crm_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crm")).current_dir(dir).args(args).output().expect("crm runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn merge_writes_data_summary_duplicates_and_rejected_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.xlsx");
    let dups = dir.path().join("dups.csv");
    let branches = [
        fixture("branches/leads-bekasi.xlsx"),
        fixture("branches/leads-bogor.csv"),
        fixture("branches/leads-depok.xls"),
    ];
    let mut args: Vec<&str> = vec!["excel", "merge"];
    args.extend(branches.iter().map(|p| s(p)));
    args.extend([
        "--key",
        "phone",
        "--normalize-phone",
        "phone",
        "--keep",
        "most-complete",
        "--where",
        "plafon >= 4000000",
    ]);
    args.extend(["--duplicates-out", s(&dups), "--out", s(&out)]);
    let res = crm(&args);
    let err = stderr(&res);
    assert!(res.status.success(), "{err}");
    assert!(err.contains("merged 3 sources: 11 rows read"), "{err}");
    assert!(err.contains("rows rejected: 1"), "{err}");
    assert!(
        err.contains("leads-bekasi.xlsx [Leads] row 9: values in columns without a header: H"),
        "{err}"
    );
    assert!(err.contains("filtered out: 1 (plafon >= 4000000)"), "{err}");
    assert!(err.contains("duplicates removed: 2 (key: phone)"), "{err}");

    let book = Workbook::open(&out, &Passwords::new()).unwrap();
    assert_eq!(book.sheet_names(), ["Data", "Summary", "Duplicates", "Rejected"]);
    let mut data = ReaderBuilder::new().from_path(&out).unwrap();
    let rows = data.read_all().unwrap();
    assert_eq!(rows.len(), 9 - 1 - 2);
    let phone = data.column_index("phone").unwrap();
    assert!(rows.iter().all(|r| r.cells()[phone].as_str().is_some_and(|p| p.starts_with("08"))));
    // The duplicates report masks the key.
    let report = std::fs::read_to_string(&dups).unwrap();
    assert!(report.contains("08********90"), "{report}");
    assert!(!report.contains("081234567890"), "{report}");
}

#[test]
fn merge_summary_sheet_accounts_for_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.xlsx");
    let res = crm(&[
        "excel",
        "merge",
        s(&fixture("branches/leads-bekasi.xlsx")),
        "--key",
        "phone",
        "--out",
        s(&out),
    ]);
    assert!(res.status.success(), "{}", stderr(&res));
    let summary = Summary::read(&out);
    assert_eq!(summary.rows.last().unwrap()[0], Cell::from("TOTAL"));
    let n = |column: &str| summary.total(column);
    assert_eq!(
        n("rows_read"),
        n("blank_rows")
            + n("rejected_rows")
            + n("filtered_out")
            + n("duplicates_removed")
            + n("rows_kept")
    );
    assert_eq!((n("rows_read"), n("rejected_rows"), n("rows_kept")), (5, 1, 4));
    // The title row above the header (the blank row is not a row: xlsx does not store it).
    assert_eq!(n("rows_above_header"), 1);
}

/// The Summary sheet of a merged workbook: its rows, looked up by column name.
struct Summary {
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

impl Summary {
    #[track_caller]
    fn read(path: &Path) -> Summary {
        let mut book = Workbook::open(path, &Passwords::new()).unwrap();
        let mut sheet =
            book.sheet(&SheetSelector::Name("Summary".into()), HeaderRow::Auto).unwrap();
        let columns = sheet.headers().to_vec();
        let rows = sheet.read_all().unwrap().into_iter().map(|r| r.into_cells()).collect();
        Summary { columns, rows }
    }

    #[track_caller]
    fn get(&self, row: usize, column: &str) -> &Cell {
        let i = self.columns.iter().position(|c| c == column).expect(column);
        &self.rows[row][i]
    }

    /// A count of the TOTAL row.
    #[track_caller]
    fn total(&self, column: &str) -> i64 {
        let cell = self.get(self.rows.len() - 1, column);
        cell.as_f64().unwrap_or_else(|| panic!("{column}: {cell:?}")) as i64
    }
}

/// A workbook of leads `Lead {prefix}{i}` with the phone `phone(i)` for each `i`.
fn leads_workbook(path: &Path, prefix: &str, ids: std::ops::Range<u32>, phone: fn(u32) -> String) {
    let mut table = crm_excel::Table::new(vec!["Nama".into(), "No HP".into()]);
    for i in ids {
        table
            .push_row(vec![Cell::String(format!("Lead {prefix}{i}")), Cell::String(phone(i))])
            .unwrap();
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut xlsx = crm_excel::XlsxWriter::new();
    xlsx.write_table("Leads", &table).unwrap();
    xlsx.save(path).unwrap();
}

/// `crm excel merge jakarta/ bandung/`, each folder with a `leads.xlsx` (30 and 50 rows, 10
/// of Bandung's phones repeating Jakarta's): the Summary sheet named both sources
/// `leads.xlsx`, put the 10 duplicates on both, and its TOTAL said 60 rows kept while the
/// Data sheet had 70.
// See: issue 13 ("every input row accounted for, and no silent guesses").
#[test]
fn r13_merge_tells_sources_of_one_file_name_apart_and_totals_match_the_data() {
    let dir = tempfile::tempdir().unwrap();
    leads_workbook(&dir.path().join("jakarta/leads.xlsx"), "J", 0..30, |i| format!("0812{i:08}"));
    leads_workbook(&dir.path().join("bandung/leads.xlsx"), "B", 20..70, |i| {
        format!("+62 812{i:08}")
    });
    let res = crm_in(
        dir.path(),
        &["excel", "merge", "jakarta/", "bandung/", "--key", "phone", "--out", "merged.xlsx"],
    );
    let err = stderr(&res);
    assert!(res.status.success(), "{err}");
    assert!(err.contains("\n  jakarta/leads.xlsx [Leads]: 30 rows\n"), "{err}");
    assert!(
        err.contains("\n  bandung/leads.xlsx [Leads]: 50 rows; 10 duplicates removed; 40 kept\n"),
        "{err}"
    );
    assert!(err.contains("duplicates removed: 10 (key: phone)"), "{err}");

    let out = dir.path().join("merged.xlsx");
    let summary = Summary::read(&out);
    let source = |row: usize| summary.get(row, "source_file").clone();
    let count = |row: usize, column: &str| summary.get(row, column).as_f64().unwrap() as i64;
    assert_eq!(summary.rows.len(), 3, "two sources and TOTAL");
    assert_eq!(source(0), Cell::from("jakarta/leads.xlsx"));
    assert_eq!(source(1), Cell::from("bandung/leads.xlsx"));
    assert_eq!((count(0, "duplicates_removed"), count(0, "rows_kept")), (0, 30));
    assert_eq!((count(1, "duplicates_removed"), count(1, "rows_kept")), (10, 40));
    assert_eq!(summary.total("rows_read"), 80);
    assert_eq!(summary.total("duplicates_removed"), 10);
    let data = ReaderBuilder::new().from_path(&out).unwrap().read_all().unwrap();
    assert_eq!(data.len(), 70);
    assert_eq!(summary.total("rows_kept"), data.len() as i64);

    // Each duplicate names the source and sheet row of both rows.
    let mut book = Workbook::open(&out, &Passwords::new()).unwrap();
    let mut dups = book.sheet(&SheetSelector::Name("Duplicates".into()), HeaderRow::Auto).unwrap();
    assert_eq!(
        dups.headers(),
        [
            "dropped_file",
            "dropped_sheet",
            "dropped_row",
            "kept_file",
            "kept_sheet",
            "kept_row",
            "key_masked"
        ]
    );
    let dups = dups.read_all().unwrap();
    assert_eq!(dups.len(), 10);
    // Bandung's first row (sheet row 2) repeats Jakarta's 21st (sheet row 22).
    assert_eq!(
        &dups[0].cells()[..6],
        [
            Cell::from("bandung/leads.xlsx"),
            Cell::from("Leads"),
            Cell::Int(2),
            Cell::from("jakarta/leads.xlsx"),
            Cell::from("Leads"),
            Cell::Int(22)
        ]
    );
    assert!(dups.iter().all(|d| d.cells()[0] == Cell::from("bandung/leads.xlsx")));
}

/// calamine's `biff5_write.xls` has no header row: the detected header is its last row, and
/// the three rows above it are reported on stderr and in the Summary sheet.
// See: issue 13 ("every input row accounted for, and no silent guesses").
#[test]
fn r13_merge_reports_the_rows_above_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.xlsx");
    let res = crm(&["excel", "merge", s(&fixture("calamine/biff5_write.xls")), "--out", s(&out)]);
    let err = stderr(&res);
    assert!(res.status.success(), "{err}");
    assert!(
        err.contains("biff5_write.xls [SheetJS]: 0 rows; 3 rows above the header (row 4) not read"),
        "{err}"
    );
    assert!(err.contains("rows above header rows, not read: 3 (give the header row"), "{err}");
    let summary = Summary::read(&out);
    assert_eq!(summary.get(0, "rows_above_header"), &Cell::Int(3));
    assert_eq!(summary.get(0, "header_row"), &Cell::Int(4));
    assert_eq!(summary.total("rows_above_header"), 3);
}

#[test]
fn merge_header_row_and_no_header_say_where_the_header_is() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.csv");
    let xls = fixture("calamine/biff5_write.xls");
    let res = crm(&["excel", "merge", s(&xls), "--no-header", "--out", s(&out)]);
    assert!(res.status.success(), "{}", stderr(&res));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("column_a,column_b,column_c,column_d,source_file,source_sheet,source_row")
    );
    assert_eq!(lines.next(), Some("1,2,3,,biff5_write.xls,SheetJS,1"));
    assert_eq!(lines.count(), 3);

    let res = crm(&["excel", "merge", s(&xls), "--header-row", "2", "--out", s(&out)]);
    let err = stderr(&res);
    assert!(res.status.success(), "{err}");
    assert!(err.contains(": 2 rows; 1 rows above the header (row 2) not read"), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("true,false,column_c,sheetjs,source_file"), "{text}");

    for bad in [vec!["--header-row", "0"], vec!["--header-row", "2", "--no-header"]] {
        let mut args = vec!["excel", "merge", s(&xls), "--out", s(&out)];
        args.extend(bad);
        let res = crm(&args);
        assert_eq!(res.status.code(), Some(2), "{args:?}: {}", stderr(&res));
    }
    let res = crm(&["excel", "merge", s(&xls), "--header-row", "9", "--out", s(&out)]);
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("sheet \"SheetJS\": header row 9 is empty"), "{}", stderr(&res));
}

#[test]
fn split_reads_a_sheet_without_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let xls = fixture("calamine/biff5_write.xls");
    let res = crm(&[
        "excel",
        "split",
        s(&xls),
        "--no-header",
        "--by",
        "column_a",
        "--out-dir",
        s(&out_dir),
    ]);
    assert!(res.status.success(), "{}", stderr(&res));
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["1.xlsx", "TRUE.xlsx", "baz.xlsx", "foo.xlsx"]);
    let mut one = ReaderBuilder::new().from_path(out_dir.join("1.xlsx")).unwrap();
    assert_eq!(one.headers(), ["column_a", "column_b", "column_c", "column_d"]);
    assert_eq!(one.read_all().unwrap().len(), 1);

    let res = crm(&["excel", "split", s(&xls), "--by", "baz", "--out-dir", s(&out_dir)]);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(
        stderr(&res).contains("rows above the header (row 4), not read: 3"),
        "{}",
        stderr(&res)
    );
}

#[test]
fn merge_to_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.csv");
    let res = crm(&["excel", "merge", s(&fixture("branches/leads-depok.xls")), "--out", s(&out)]);
    assert!(res.status.success(), "{}", stderr(&res));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("phone,name,plafon,birth_date,source_file,source_sheet,source_row\n"),
        "{text}"
    );
    assert!(
        text.contains("0856 1111 2222,Joko Susanto,4000000,1979-07-07,leads-depok.xls,Sheet1,2"),
        "{text}"
    );
}

#[test]
fn wrong_password_exits_2_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.xlsx");
    let res = crm(&[
        "excel",
        "merge",
        s(&fixture("encrypted/formula__agile.xlsx")),
        "--password",
        "rahasia-salah",
        "--out",
        s(&out),
    ]);
    assert_eq!(res.status.code(), Some(2));
    let err = stderr(&res);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("crm: error: ")
            && err.trim_end().ends_with("formula__agile.xlsx: wrong password (1 tried)"),
        "{err}"
    );
    assert!(!err.contains("rahasia-salah"), "the password must not be printed");
    assert!(!out.exists());
}

#[test]
fn missing_password_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let res = crm(&[
        "excel",
        "merge",
        s(&fixture("encrypted/formula__standard-3.2.xlsx")),
        "--out",
        s(&dir.path().join("m.csv")),
    ]);
    assert_eq!(res.status.code(), Some(2));
    assert!(
        stderr(&res).contains("workbook is password protected and no password was given"),
        "{}",
        stderr(&res)
    );
}

#[test]
fn password_file_opens_each_encrypted_file_with_its_password() {
    let dir = tempfile::tempdir().unwrap();
    // Two branch files protected with different passwords (written by crm-excel's encrypt).
    for (name, password, who) in [("a.xlsx", "Bks#2026", "Budi"), ("b.xlsx", "Bgr#2026", "Siti")] {
        let mut t = crm_excel::Table::new(vec!["Nama".into(), "No HP".into()]);
        t.push_row(vec![Cell::from(who), Cell::from("0812")]).unwrap();
        let mut xlsx = crm_excel::XlsxWriter::new();
        xlsx.write_table("Leads", &t).unwrap();
        let zip = xlsx.save_to_buffer().unwrap();
        let options = crm_excel::EncryptOptions::new().spin_count(1000);
        std::fs::write(
            dir.path().join(name),
            crm_excel::encrypt(&zip, password, &options).unwrap(),
        )
        .unwrap();
    }
    let pw = dir.path().join("pw.csv");
    std::fs::write(&pw, "file,password\na.xlsx,Bks#2026\nb.xlsx,Bgr#2026\n").unwrap();
    let out = dir.path().join("m.csv");
    let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
    let res = crm(&["excel", "merge", s(&a), s(&b), "--passwords", s(&pw), "--out", s(&out)]);
    let err = stderr(&res);
    assert!(res.status.success(), "{err}");
    assert!(err.contains("a.xlsx [Leads] (encrypted): 1 rows"), "{err}");
    assert!(err.contains("b.xlsx [Leads] (encrypted): 1 rows"), "{err}");
    assert!(!err.contains("#2026"), "passwords are never printed");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("Budi,0812,a.xlsx") && text.contains("Siti,0812,b.xlsx"), "{text}");
}

#[test]
fn missing_input_bad_filter_and_bad_output_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.xlsx");
    let depok = fixture("branches/leads-depok.xls");
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["excel", "merge", "no-such-dir/x.xlsx", "--out", s(&out)], "no-such-dir/x.xlsx: "),
        (
            vec!["excel", "merge", s(&depok), "--where", "plafon 5", "--out", s(&out)],
            "invalid filter \"plafon 5\"",
        ),
        (
            vec!["excel", "merge", s(&depok), "--where", "gaji > 5", "--out", s(&out)],
            "no column named \"gaji\"",
        ),
        (
            vec!["excel", "merge", s(&depok), "--out", "out.pdf"],
            "the output must end in .xlsx, .csv or .parquet, or be -",
        ),
    ];
    for (args, expected) in cases {
        let res = crm(&args);
        assert_eq!(res.status.code(), Some(2), "{args:?}");
        assert!(stderr(&res).contains(expected), "{args:?}: {}", stderr(&res));
    }
}

#[test]
fn split_keeps_files_inside_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads.csv");
    std::fs::write(
        &input,
        "branch,name\nBekasi,Budi\n../../evil,Siti\n/etc/passwd,Agus\nBEKASI,Andi\n,Rina\n",
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let res = crm(&["excel", "split", s(&input), "--by", "branch", "--out-dir", s(&out_dir)]);
    assert!(res.status.success(), "{}", stderr(&res));
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Bekasi.xlsx", "blank.xlsx", "etc_passwd.xlsx", "evil.xlsx"]);
    assert!(!dir.path().join("evil.xlsx").exists());
    let mut bekasi = ReaderBuilder::new().from_path(out_dir.join("Bekasi.xlsx")).unwrap();
    assert_eq!(bekasi.read_all().unwrap().len(), 2);
}

#[test]
fn txt_repair_writes_records_rejects_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.txt");
    std::fs::write(
        &input,
        "id|address|city\n1|Jl. A|Bekasi\n2|Jl. B\nNo. 2|Bogor\n3|x\n4|Jl. D|Depok\n",
    )
    .unwrap();
    for ext in ["csv", "xlsx"] {
        let out = dir.path().join(format!("clean.{ext}"));
        let rejects = dir.path().join(format!("rejects-{ext}.csv"));
        let res = crm(&[
            "txt",
            "repair",
            s(&input),
            "--columns",
            "3",
            "--out",
            s(&out),
            "--rejects",
            s(&rejects),
        ]);
        let err = stderr(&res);
        assert!(res.status.success(), "{err}");
        assert!(err.contains("repaired records: 1 (from 2 lines)"), "{err}");
        assert!(err.contains("rejected:         1 (1 lines)"), "{err}");
        let mut reader = ReaderBuilder::new().from_path(&out).unwrap();
        let rows = reader.read_all().unwrap();
        assert_eq!(reader.headers(), ["id", "address", "city"]);
        assert_eq!(rows[1].cells()[1], Cell::from("Jl. B No. 2"));
        assert_eq!(rows.len(), 3);
        let rej = std::fs::read_to_string(&rejects).unwrap();
        assert!(
            rej.starts_with("first_line,last_line,reason,raw\n5,5,incomplete record (2 fields)"),
            "{rej}"
        );
    }
}

#[test]
fn txt_repair_header_of_wrong_width_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.txt");
    std::fs::write(&input, "a|b\n1|2\n").unwrap();
    let res = crm(&[
        "txt",
        "repair",
        s(&input),
        "--columns",
        "30",
        "--out",
        s(&dir.path().join("o.csv")),
        "--rejects",
        s(&dir.path().join("r.csv")),
    ]);
    assert_eq!(res.status.code(), Some(2));
    assert!(
        stderr(&res).contains("export.txt: invalid header: line 1: expected 30 fields"),
        "{}",
        stderr(&res)
    );
}

#[test]
fn demo_runs_end_to_end_and_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let out = dir.path().join(name);
        let res = crm(&["demo", "--out", s(&out), "--rows", "300", "--seed", "7"]);
        assert!(res.status.success(), "{}", stderr(&res));
        out
    };
    let (a, b) = (run("a"), run("b"));
    for file in [
        "output/leads-merged.xlsx",
        "output/registrations-repaired.csv",
        "output/per-branch/Bekasi.xlsx",
        "output/customers-validated.xlsx",
        "output/rfm-customers.xlsx",
        "output/rfm-report.html",
        "output/event-backtest.xlsx",
        "output/audience.xlsx",
    ] {
        assert!(a.join(file).exists(), "{file}");
    }
    for file in [
        "input/branches/leads-cabang-bekasi.xlsx",
        "input/exports/registrations.txt",
        "input/customers.xlsx",
        "input/transactions.csv",
        "input/members.csv",
        "output/registrations-repaired.csv",
        "output/rfm-before-event.csv",
    ] {
        assert!(
            std::fs::read(a.join(file)).unwrap() == std::fs::read(b.join(file)).unwrap(),
            "{file} differs between runs"
        );
    }
}

#[test]
fn id_nik_json_has_the_documented_fields() {
    let res = crm(&[
        "id",
        "nik",
        "3204114609970001",
        "9101010101850001",
        "32041106",
        "--as-of",
        "2026-11-22",
        "--json",
    ]);
    assert!(res.status.success(), "{}", stderr(&res));
    let lines: Vec<serde_json::Value> = String::from_utf8(res.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let ok = &lines[0];
    assert_eq!(ok["status"], "valid");
    assert_eq!(ok["valid"], true);
    assert_eq!(ok["gender"], "female");
    assert_eq!(ok["birth_date"], "1997-09-06");
    assert_eq!(
        (ok["province_code"].as_str(), ok["regency_code"].as_str(), ok["district_code"].as_str()),
        (Some("32"), Some("3204"), Some("320411"))
    );
    assert_eq!(
        (ok["regency"].as_str(), ok["district"].as_str()),
        (Some("Kabupaten Bandung"), Some("Katapang"))
    );
    assert_eq!(ok["serial"], "0001");
    let old = &lines[1];
    assert_eq!(old["status"], "warning");
    assert_eq!(old["codes"], serde_json::json!(["NIK_REGENCY_HISTORICAL"]));
    assert_eq!(old["current_regency_code"], "9301");
    let short = &lines[2];
    assert_eq!((short["valid"].as_bool(), short["birth_date"].is_null()), (Some(false), true));
    assert_eq!(short["codes"], serde_json::json!(["NIK_LENGTH"]));
}

#[test]
fn id_kk_reads_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crm"))
        .args(["id", "kk", "-", "--as-of", "2026-11-22"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(b"3273012501190001\n\n3204114609970001\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0]
            .starts_with("3273012501190001\tvalid\t-\tKota Bandung / Sukasari, issued 2019-01-25"),
        "{text}"
    );
    assert!(lines[1].contains("\terror\tKK_LOOKS_LIKE_NIK"), "{text}");
}

#[test]
fn id_bad_as_of_exits_2() {
    // A flag's date is read like a file's (crm-core): day-first works, a two-digit year not.
    let ok = crm(&["id", "nik", "3204114609970001", "--as-of", "22/11/2026"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let res = crm(&["id", "nik", "3204114609970001", "--as-of", "22/11/26"]);
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("--as-of must be a date like 2026-11-22"), "{}", stderr(&res));
}

#[test]
fn id_validate_keeps_every_row_and_appends_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    std::fs::write(
        &input,
        "Nama,NIK,Tempat Lahir,Tgl Lahir,Jenis Kelamin\n\
         Siti Rahayu,3204114609970001,Kab. Bandung,06/09/1997,P\n\
         Budi 2,3204110609970000,Bandunng,1997-06-09,L\n\
         ,,,,\n",
    )
    .unwrap();
    let out = dir.path().join("checked.xlsx");
    let report = dir.path().join("report.html");
    let res = crm(&[
        "id",
        "validate",
        s(&input),
        "--out",
        s(&out),
        "--as-of",
        "2026-11-22",
        "--fail-on",
        "error",
        "--report",
        s(&report),
    ]);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("<svg") && html.contains("NIK_SERIAL_ZERO") && html.contains("3 records"),
        "{html}"
    );
    assert!(
        !html.contains("3204110609970000") && !html.contains("Budi"),
        "no personal data in the report"
    );
    assert_eq!(
        res.status.code(),
        Some(1),
        "--fail-on error with an error record: {}",
        stderr(&res)
    );
    assert!(stderr(&res).contains("validated 3 records"), "{}", stderr(&res));
    let book = Workbook::open(&out, &Passwords::new()).unwrap();
    assert_eq!(book.sheet_names(), ["Data", "Summary", "Errors"]);
    let mut data = ReaderBuilder::new().from_path(&out).unwrap();
    let rows = data.read_all().unwrap();
    assert_eq!(rows.len(), 3, "the empty record is kept");
    let col = |name: &str| data.column_index(name).unwrap();
    assert_eq!(rows[0].cells()[col("status")], Cell::from("valid"));
    assert_eq!(
        rows[1].cells()[col("codes")],
        Cell::from("NIK_SERIAL_ZERO;NIK_DOB_SWAPPED;NAME_DIGITS;BIRTHPLACE_CORRECTED")
    );
    assert_eq!(rows[1].cells()[col("birthplace_canonical")], Cell::from("Kota Bandung"));
    assert_eq!(
        rows[0].cells()[col("NIK")],
        Cell::from("3204114609970001"),
        "input columns are kept as text"
    );
    let mut book = Workbook::open(&out, &Passwords::new()).unwrap();
    let mut errors = book.sheet(&SheetSelector::Name("Errors".into()), HeaderRow::Auto).unwrap();
    let text: Vec<String> = errors.rows().map(|r| r.unwrap().cells()[4].to_string()).collect();
    assert!(text.iter().any(|m| m == "NIK 3204********0000: serial 0000"), "{text:?}");
    assert!(!text.iter().any(|m| m.contains("3204110609970000")), "NIKs are masked in messages");
}

#[test]
fn id_validate_names_a_missing_column() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("c.csv");
    std::fs::write(&input, "Nama,NIK\nBudi Santoso,3204110609970001\n").unwrap();
    let res = crm(&[
        "id",
        "validate",
        s(&input),
        "--out",
        s(&dir.path().join("o.csv")),
        "--kk-col",
        "KK",
    ]);
    assert_eq!(res.status.code(), Some(2));
    assert!(
        stderr(&res).contains("--kk-col \"KK\": no column named \"KK\" (columns: Nama, NIK)"),
        "{}",
        stderr(&res)
    );
}

/// The CDNOW sample shared with crm-rfm's tests.
fn cdnow() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crm-rfm/tests/data/cdnow_sample.csv")
}

#[test]
fn rfm_csv_has_the_documented_columns_and_matches_the_reference_scores() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rfm.csv");
    let input = cdnow();
    let res = crm(&[
        "rfm",
        s(&input),
        "--customer-col",
        "customer_id",
        "--date-col",
        "date",
        "--amount-col",
        "amount",
        "--as-of",
        "1998-07-01",
        "--out",
        s(&out),
    ]);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(stderr(&res).contains("2,357 customers scored"), "{}", stderr(&res));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "customer_id,recency_days,frequency,monetary,r_score,f_score,m_score,rfm_score,segment,first_purchase,last_purchase"
    );
    // Customer 00004 (tests/data/ref_scores_quantile5.csv: 4,4,4).
    assert!(
        text.contains("\n00004,201,4,100.5,4,4,4,444,Potential Loyalists,1997-01-01,1997-12-12\n")
    );
    assert_eq!(lines.count(), 2357);
}

/// The CDNOW sample as Parquet with real types (Date32 dates, Float64 amounts, Utf8 ids),
/// written by crm-arrow.
fn cdnow_parquet(dir: &Path) -> PathBuf {
    use arrow_schema::{DataType, Field, Schema};
    let schema = Schema::new(vec![
        Field::new("date", DataType::Date32, false),
        Field::new("amount", DataType::Float64, false),
    ]);
    let options = crm_arrow::ReadOptions::new().schema(std::sync::Arc::new(schema));
    let table = crm_arrow::read(cdnow(), &options).unwrap();
    let path = dir.join("cdnow.parquet");
    let write = crm_arrow::WriteOptions::new();
    crm_arrow::write(&path, table.schema(), table.batches(), &write).unwrap();
    path
}

#[test]
fn rfm_parquet_in_and_out_equals_the_csv_path_cell_for_cell() {
    let dir = tempfile::tempdir().unwrap();
    let rfm = |input: &Path, out: &Path| {
        let res = crm(&[
            "rfm",
            s(input),
            "--customer-col",
            "customer_id",
            "--date-col",
            "date",
            "--amount-col",
            "amount",
            "--as-of",
            "1998-07-01",
            "--out",
            s(out),
        ]);
        assert!(res.status.success(), "{}", stderr(&res));
    };
    let (csv_out, parquet_in) = (dir.path().join("csv.csv"), cdnow_parquet(dir.path()));
    let (parquet_out, parquet_to_csv) = (dir.path().join("p.parquet"), dir.path().join("p.csv"));
    rfm(&cdnow(), &csv_out);
    rfm(&parquet_in, &parquet_out);
    rfm(&parquet_in, &parquet_to_csv);
    let want = std::fs::read_to_string(&csv_out).unwrap();
    assert_eq!(std::fs::read_to_string(&parquet_to_csv).unwrap(), want);

    // The Parquet output has real types, and written as CSV it is the CSV output, byte
    // for byte.
    let back = crm_arrow::read(&parquet_out, &crm_arrow::ReadOptions::new()).unwrap();
    let types: Vec<String> =
        back.schema().fields().iter().map(|f| format!("{}:{}", f.name(), f.data_type())).collect();
    assert_eq!(
        types,
        [
            "customer_id:Utf8",
            "recency_days:UInt32",
            "frequency:UInt32",
            "monetary:Float64",
            "r_score:UInt8",
            "f_score:UInt8",
            "m_score:UInt8",
            "rfm_score:UInt32",
            "segment:Utf8",
            "first_purchase:Date32",
            "last_purchase:Date32",
        ]
    );
    let mut text = Vec::new();
    let options = crm_arrow::WriteOptions::new();
    crm_arrow::write_csv(&mut text, back.schema(), back.batches(), &options).unwrap();
    assert_eq!(String::from_utf8(text).unwrap(), want);
    assert!(!dir.path().join("p.rejects.parquet").exists());
}

#[test]
fn rfm_parquet_rejects_go_beside_the_output_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tx.csv");
    std::fs::write(&input, "cust,tgl,nilai\nA,2025-01-05,100\nB,31/02/2025,5\nC,2025-02-01,\n")
        .unwrap();
    // Text columns in Parquet are parsed as in CSV; rows are numbered from 1.
    let table = crm_arrow::read(&input, &crm_arrow::ReadOptions::new()).unwrap();
    let parquet = dir.path().join("tx.parquet");
    let options = crm_arrow::WriteOptions::new();
    crm_arrow::write(&parquet, table.schema(), table.batches(), &options).unwrap();
    let out = dir.path().join("rfm.parquet");
    let res = crm(&[
        "rfm",
        s(&parquet),
        "--customer-col",
        "cust",
        "--date-col",
        "tgl",
        "--amount-col",
        "nilai",
        "--as-of",
        "2025-06-30",
        "--out",
        s(&out),
    ]);
    let err = stderr(&res);
    assert!(res.status.success(), "{err}");
    assert!(err.contains("read 3 rows"), "{err}");
    assert!(err.contains("row 2: date: not a date: \"31/02/2025\""), "{err}");
    let rejects_path = dir.path().join("rfm.rejects.parquet");
    assert!(err.contains(&format!("wrote {}", rejects_path.display())), "{err}");
    let rejects = crm_arrow::read(&rejects_path, &crm_arrow::ReadOptions::new()).unwrap();
    let mut text = Vec::new();
    crm_arrow::write_csv(&mut text, rejects.schema(), rejects.batches(), &options).unwrap();
    assert_eq!(
        String::from_utf8(text).unwrap(),
        "row,field,reason\n2,date,\"not a date: \"\"31/02/2025\"\"\"\n3,amount,empty\n"
    );

    // A column that is not there names the file and lists its columns.
    let res = crm(&[
        "rfm",
        s(&parquet),
        "--customer-col",
        "customer_id",
        "--date-col",
        "tgl",
        "--amount-col",
        "nilai",
        "--as-of",
        "2025-06-30",
        "--out",
        s(&out),
    ]);
    assert_eq!(res.status.code(), Some(2));
    assert!(
        stderr(&res).contains(
            "tx.parquet: --customer-col \"customer_id\": no such column (columns: cust, tgl, nilai)"
        ),
        "{}",
        stderr(&res)
    );
}

#[test]
fn rfm_by_a_store_gives_a_row_per_customer_and_store() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tx.csv");
    std::fs::write(
        &input,
        "cust,tgl,nilai,toko\nA,2025-01-05,100,Bekasi\nA,2025-03-01,50,Depok\nA,2025-04-01,25,Bekasi\nB,2025-02-01,10,Depok\nC,2025-02-02,7\n",
    )
    .unwrap();
    let out = dir.path().join("rfm.csv");
    let args = |by: &str| {
        vec![
            "rfm".to_string(),
            s(&input).to_string(),
            "--customer-col".into(),
            "cust".into(),
            "--date-col".into(),
            "tgl".into(),
            "--amount-col".into(),
            "nilai".into(),
            "--by".into(),
            by.into(),
            "--as-of".into(),
            "2025-06-30".into(),
            "--out".into(),
            s(&out).to_string(),
        ]
    };
    let argv = args("toko");
    let res = crm(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(res.status.success(), "{}", stderr(&res));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("customer_id,toko,recency_days,frequency,monetary,"), "{text}");
    assert!(lines[1].starts_with("A,Bekasi,90,2,125,"), "{text}");
    assert!(lines[2].starts_with("A,Depok,121,1,50,"), "{text}");
    assert!(lines[3].starts_with("B,Depok,149,1,10,"), "{text}");
    assert_eq!(lines.len(), 4, "{text}");
    // The row without a store is a reject, named in the rejects file.
    let rejects = std::fs::read_to_string(dir.path().join("rfm.rejects.csv")).unwrap();
    assert!(rejects.contains("6,key,empty"), "{rejects}");
    // A --by column that is not there is an error naming it.
    let argv = args("cabang");
    let res = crm(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("--by \"cabang\": no such column"), "{}", stderr(&res));
}

#[test]
fn rfm_xlsx_has_every_sheet_and_rejects_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tx.csv");
    std::fs::write(
        &input,
        "cust,tgl,nilai\nA,2025-01-05,100000\nB,2025-02-01,250000\nA,2025-03-01,-20000\nC,05/13/2025,1000\nD,2025-04-01,12.5.0\n,2025-04-01,5\nE,2025-12-31,9\n",
    )
    .unwrap();
    let out = dir.path().join("rfm.xlsx");
    let res = crm(&[
        "rfm",
        s(&input),
        "--customer-col",
        "cust",
        "--date-col",
        "tgl",
        "--amount-col",
        "nilai",
        "--as-of",
        "2025-06-30",
        "--bins",
        "2",
        "--segments",
        "rf-map",
        "--out",
        s(&out),
    ]);
    assert!(res.status.success(), "{}", stderr(&res));
    let err = stderr(&res);
    assert!(err.contains("read 7 rows"), "{err}");
    assert!(err.contains("3 used, 1 after 2025-06-30, 0 returns ignored, 3 rejected"), "{err}");
    assert!(err.contains("row 5: date: not a date: \"05/13/2025\""), "{err}");
    let wb = Workbook::open(&out, &Passwords::new()).unwrap();
    assert_eq!(wb.sheet_names(), ["Customers", "Thresholds", "Segments", "Coverage", "Rejects"]);
}

#[test]
fn personal_data_in_a_headerless_file_stays_masked_in_errors_and_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.csv");
    let rfm = |input: &Path| {
        crm(&[
            "rfm",
            s(input),
            "--customer-col",
            "customer_id",
            "--date-col",
            "date",
            "--amount-col",
            "amount",
            "--as-of",
            "2025-12-31",
            "--out",
            s(&out),
        ])
    };
    // No header row: the first customer's row is taken for the headers.
    let input = dir.path().join("no-header.csv");
    std::fs::write(
        &input,
        "3201014101900001,081234567890,2025-01-05,100\n\
         3201014101900002,081298765432,2025-02-05,200\n",
    )
    .unwrap();
    let res = rfm(&input);
    let err = stderr(&res);
    assert_eq!(res.status.code(), Some(2), "{err}");
    assert!(err.contains("3201********0001, 08********90"), "{err}");
    assert!(!err.contains("3201014101900001") && !err.contains("081234567890"), "{err}");

    // A phone number in the date column: the reject shows two characters of it.
    let swapped = dir.path().join("swapped.csv");
    std::fs::write(&swapped, "customer_id,date,amount\nC1,081234567890,100\nC1,2025-01-05,50\n")
        .unwrap();
    let res = rfm(&swapped);
    assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
    let rejects = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("reject"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<String>();
    let shown = format!("{}{rejects}", stderr(&res));
    assert!(shown.contains("08**********"), "{shown}");
    assert!(!shown.contains("081234567890"), "{shown}");
}

#[test]
fn rfm_bad_input_exits_2_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.csv");
    let input = cdnow();
    let base = ["rfm", s(&input), "--date-col", "date", "--amount-col", "amount", "--out", s(&out)];
    let run = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        crm(&a)
    };
    for (extra, want) in [
        (
            &["--customer-col", "nope", "--as-of", "1998-07-01"][..],
            "--customer-col \"nope\": no such column",
        ),
        (
            &["--customer-col", "customer_id", "--as-of", "1990-01-01"][..],
            "before every transaction",
        ),
        (
            &["--customer-col", "customer_id", "--as-of", "1998-07-01", "--bins", "1"][..],
            "bins must be 2 to 99",
        ),
        (
            &[
                "--customer-col",
                "customer_id",
                "--as-of",
                "1998-07-01",
                "--segments",
                "missing.csv",
            ][..],
            "not r-rfm, rf-map or a readable file",
        ),
    ] {
        let res = run(extra);
        assert_eq!(res.status.code(), Some(2), "{extra:?}");
        assert!(stderr(&res).contains(want), "{extra:?}: {}", stderr(&res));
    }
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "customer_id,date,amount\n").unwrap();
    let res = crm(&[
        "rfm",
        s(&empty),
        "--customer-col",
        "customer_id",
        "--date-col",
        "date",
        "--amount-col",
        "amount",
        "--as-of",
        "2025-01-01",
        "--out",
        s(&out),
    ]);
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("no transactions"), "{}", stderr(&res));
}

#[test]
fn audience_writes_one_list_per_group_and_every_members_fate() {
    let dir = tempfile::tempdir().unwrap();
    let members = dir.path().join("members.csv");
    std::fs::write(
        &members,
        "member_id,tier,gender,wa\n1,Gold,M,081234567890\n2,Silver,F,081234567891\n3,Gold,,081234567892\n4,Gold,F,12\n5,Gold,F,081234567894\n5,Gold,F,081234567894\n6,Gold,M,081234567896\n",
    )
    .unwrap();
    let rules = dir.path().join("rules.txt");
    std::fs::write(&rules, "where tier = gold\nwhere wa is phone\nexclude member_id\ndedup member_id\nsplit gender M|F\n").unwrap();
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "member_id\n6\n").unwrap();
    let out = dir.path().join("aud.csv");
    let res = crm(&[
        "audience",
        s(&members),
        "--rules",
        s(&rules),
        "--exclude",
        s(&other),
        "--columns",
        "member_id,wa",
        "--out",
        s(&out),
    ]);
    assert!(res.status.success(), "{}", stderr(&res));
    let m = std::fs::read_to_string(dir.path().join("aud-M.csv")).unwrap();
    let f = std::fs::read_to_string(dir.path().join("aud-F.csv")).unwrap();
    // Member 3 (blank gender) is shared: one known M and one known F make equal quotas of
    // 0.5, and the tie goes to the first list.
    assert_eq!(m, "member_id,wa\n1,081234567890\n3,081234567892\n");
    assert_eq!(f, "member_id,wa\n5,081234567894\n");
    let status = std::fs::read_to_string(dir.path().join("aud.status.csv")).unwrap();
    assert!(status.contains("3,filtered,where tier = gold"), "{status}");
    assert!(status.contains("5,filtered,where wa is phone"), "{status}");
    assert!(status.contains("7,duplicate,of row 6"), "{status}");
    assert!(status.contains("8,excluded"), "{status}");
}

#[test]
fn backtest_ranks_segments_by_outcome_rate() {
    let dir = tempfile::tempdir().unwrap();
    let seg = dir.path().join("seg.csv");
    std::fs::write(&seg, "customer_id,segment\n1,Champions\n2,Champions\n3,Lost\n4,Lost\n5,Lost\n")
        .unwrap();
    let outcome = dir.path().join("came.csv");
    std::fs::write(&outcome, "customer_id\n1\n2\n5\n99\n").unwrap();
    let out = dir.path().join("bt.csv");
    let res = crm(&["backtest", s(&seg), "--outcome-file", s(&outcome), "--out", s(&out)]);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(stderr(&res).contains("1 customers in the outcome file are not in the segments file"));
    let text = std::fs::read_to_string(&out).unwrap();
    let second = text.lines().nth(1).unwrap();
    assert!(second.starts_with("Champions,2,2,1,"), "{text}");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "customer_id,came\n1,maybe\n").unwrap();
    let res = crm(&[
        "backtest",
        s(&seg),
        "--outcome-file",
        s(&bad),
        "--outcome-col",
        "came",
        "--out",
        s(&out),
    ]);
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("row 2: outcome \"maybe\""), "{}", stderr(&res));
}

#[test]
fn segment_clusters_saves_a_model_and_predict_refuses_other_features() {
    let dir = tempfile::tempdir().unwrap();
    let rfm = dir.path().join("rfm.csv");
    let input = cdnow();
    let res = crm(&[
        "rfm",
        s(&input),
        "--customer-col",
        "customer_id",
        "--date-col",
        "date",
        "--amount-col",
        "amount",
        "--as-of",
        "1998-07-01",
        "--out",
        s(&rfm),
    ]);
    assert!(res.status.success(), "{}", stderr(&res));
    let out = dir.path().join("clusters.xlsx");
    let model = dir.path().join("model.json");
    let report = dir.path().join("report.html");
    let res = crm(&[
        "segment",
        s(&rfm),
        "--features",
        "recency_days,frequency,monetary",
        "--k-range",
        "2..6",
        "--seed",
        "3",
        "--out",
        s(&out),
        "--model-out",
        s(&model),
        "--report",
        s(&report),
    ]);
    assert!(res.status.success(), "{}", stderr(&res));
    let err = stderr(&res);
    assert!(err.contains("recommended k = "), "{err}");
    assert!(err.contains("clustered 2,357 rows"), "{err}");
    let wb = Workbook::open(&out, &Passwords::new()).unwrap();
    assert_eq!(wb.sheet_names(), ["Data", "Profiles", "Selection"]);
    assert!(std::fs::read_to_string(&report).unwrap().contains("Elbow"));

    // Every row has a label in 0..k, and the clusters are as large as the Profiles say.
    let k: i64 = err.split("into k = ").nth(1).unwrap().split(':').next().unwrap().parse().unwrap();
    // The customer id as text: a CSV read infers `10002` as a number, the xlsx keeps it text.
    let labels = |path: &Path, sheet: Option<&str>| -> Vec<(String, Cell, Cell)> {
        let mut builder = ReaderBuilder::new();
        if let Some(sheet) = sheet {
            builder.sheet_name(sheet);
        }
        let mut reader = builder.from_path(path).unwrap();
        let [id, cluster, name] =
            ["customer_id", "cluster", "cluster_name"].map(|c| reader.column_index(c).unwrap());
        let rows = reader.read_all().unwrap();
        rows.iter()
            .map(|r| {
                let cells = r.cells();
                (cells[id].to_text().into_owned(), cells[cluster].clone(), cells[name].clone())
            })
            .collect()
    };
    let fitted = labels(&out, Some("Data"));
    assert_eq!(fitted.len(), 2357);
    let mut sizes = vec![0i64; k as usize];
    for (_, cluster, _) in &fitted {
        let Cell::Int(c) = cluster else { panic!("cluster {cluster:?} is not an integer") };
        assert!((0..k).contains(c), "cluster {c} outside 0..{k}");
        sizes[*c as usize] += 1;
    }
    let mut profiles = ReaderBuilder::new().sheet_name("Profiles").from_path(&out).unwrap();
    let size = profiles.column_index("size").unwrap();
    let reported: Vec<i64> = profiles
        .read_all()
        .unwrap()
        .iter()
        .map(|r| match r.cells()[size] {
            Cell::Int(n) => n,
            ref other => panic!("size {other:?}"),
        })
        .collect();
    assert_eq!(reported, sizes);

    // Same model, same rows: the labels of the fit, row by row.
    let pred = dir.path().join("pred.csv");
    let res = crm(&["segment", "predict", s(&rfm), "--model", s(&model), "--out", s(&pred)]);
    assert!(res.status.success(), "{}", stderr(&res));
    let text = std::fs::read_to_string(&pred).unwrap();
    assert!(text.lines().next().unwrap().ends_with(",cluster,cluster_name"));
    assert!(labels(&pred, None) == fitted, "predict gave other labels than the fit");

    // A file without the model's features: exit 2 naming the feature.
    let res = crm(&["segment", "predict", s(&input), "--model", s(&model), "--out", s(&pred)]);
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("feature \"recency_days\": no such column"), "{}", stderr(&res));
}

#[test]
fn segment_bad_k_and_bad_values() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("c.csv");
    std::fs::write(&input, "id,a,b\n1,1,2\n2,x,3\n3,2,\n4,5,6\n5,-4,1\n").unwrap();
    let out = dir.path().join("o.csv");
    let res = crm(&["segment", s(&input), "--features", "a,b", "--k", "0", "--out", s(&out)]);
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("k = 0 is invalid for 2 rows"), "{}", stderr(&res));
    let res = crm(&["segment", s(&input), "--features", "a,b", "--k", "2", "--out", s(&out)]);
    assert!(res.status.success(), "{}", stderr(&res));
    let rejects = std::fs::read_to_string(dir.path().join("o.rejects.csv")).unwrap();
    assert_eq!(
        rejects,
        "row,reason\n3,\"a: not a number: \"\"x\"\"\"\n4,b: empty\n6,\"a: -4 is below -1, log1p is undefined\"\n"
    );
}

#[test]
fn leads_train_score_and_the_leakage_guard() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("leads.csv");
    let mut text = String::from("id,source,income,status,contacted,booked\n");
    for i in 0..600 {
        let source = ["walk-in", "web", "referral"][i % 3];
        let income = 2_000_000 + (i * 37_000) % 9_000_000;
        let contacted = (source != "web" && i % 7 != 0) || i % 4 == 0;
        let booked = contacted && income > 6_000_000 && i % 3 != 1;
        let status = if contacted { "connected" } else { "no answer" };
        text.push_str(&format!(
            "L{i},{source},{income},{status},{},{}\n",
            if contacted { "ya" } else { "tidak" },
            if booked { "ya" } else { "tidak" }
        ));
    }
    std::fs::write(&data, text).unwrap();
    let model = dir.path().join("model.json");
    let base = [
        "leads",
        "train",
        s(&data),
        "--contact-target",
        "contacted",
        "--booking-target",
        "booked",
        "--positive",
        "ya",
        "--exclude",
        "id",
    ];
    // Without declaring `status` a leak: flagged.
    let mut a = base.to_vec();
    a.extend(["--model", "logistic", "--model-out", s(&model)]);
    let res = crm(&a);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(
        stderr(&res).contains("input \"status=no answer\" alone gives AUC 1.000: a leak?"),
        "{}",
        stderr(&res)
    );
    // Declared, it is left out.
    let mut a = base.to_vec();
    a.extend(["--leakage", "status", "--model", "best", "--model-out", s(&model)]);
    let res = crm(&a);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(!stderr(&res).contains("a leak?"), "{}", stderr(&res));
    assert!(stderr(&res).contains("final P1 x P2 vs booking"));

    let out = dir.path().join("scored.csv");
    let res = crm(&["leads", "score", s(&data), "--model", s(&model), "--out", s(&out), "--sort"]);
    assert!(res.status.success(), "{}", stderr(&res));
    let scored = std::fs::read_to_string(&out).unwrap();
    assert!(scored.lines().next().unwrap().ends_with("p_contact,p_booking,score,decile,tier"));
    assert_eq!(scored.lines().count(), 601);

    // A file without a model input: exit 2 naming it.
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "id,source\nL1,web\n").unwrap();
    let res = crm(&["leads", "score", s(&other), "--model", s(&model), "--out", s(&out)]);
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("column \"income\" is missing"), "{}", stderr(&res));
    // A leakage column named as the target of nothing but a feature: refused.
    let res = crm(&[
        "leads",
        "train",
        s(&data),
        "--target",
        "booked",
        "--positive",
        "ya",
        "--leakage",
        "booked",
        "--model-out",
        s(&model),
    ]);
    assert_eq!(res.status.code(), Some(2));
    // A single-class target.
    let one = dir.path().join("one.csv");
    std::fs::write(&one, "x,y\n1,no\n2,no\n3,no\n").unwrap();
    let res = crm(&["leads", "train", s(&one), "--target", "y", "--model-out", s(&model)]);
    assert_eq!(res.status.code(), Some(2));
    assert!(stderr(&res).contains("single class"), "{}", stderr(&res));
}
