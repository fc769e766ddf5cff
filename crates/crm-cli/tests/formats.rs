//! Every table a command reads may be `.csv`, a workbook, `.parquet` or `-` (CSV on standard
//! input), and every table it writes `.csv`, `.xlsx`, `.parquet` or `-` (CSV on standard
//! output): each command here runs on the same rows in several formats, and its outputs are
//! read back (through crm-arrow) and compared cell for cell with the CSV run's.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use arrow_schema::DataType;
use crm_excel::ReaderBuilder;

/// Runs `crm` in `dir` with `stdin` on its standard input; checks the exit status.
#[track_caller]
fn crm(dir: &Path, args: &[&str], stdin: &[u8], code: i32) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crm"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crm runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "crm {}: {err}", args.join(" "));
    out
}

/// A table's header and rows as text, whatever its format (dates as `YYYY-MM-DD`, numbers
/// in their shortest form).
fn text_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = crm_arrow::open(path, ReaderBuilder::new().infer_types(false)).unwrap();
    let mut rows = vec![reader.headers().to_vec()];
    for row in reader.rows() {
        rows.push(row.unwrap().cells().iter().map(|c| c.to_text().into_owned()).collect());
    }
    rows
}

/// CSV bytes as rows of text.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
    reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
}

/// The Arrow type of each column of a Parquet file.
fn parquet_types(path: &Path) -> Vec<(String, DataType)> {
    let batches = crm_arrow::read(path, &crm_arrow::ReadOptions::new()).unwrap();
    batches.schema().fields().iter().map(|f| (f.name().clone(), f.data_type().clone())).collect()
}

/// CSV text as a Parquet file, every column Utf8 (as a pipeline that keeps text writes it).
fn write_parquet(path: &Path, csv: &str) {
    let batches =
        crm_arrow::read_csv(std::io::Cursor::new(csv), "in.csv", &Default::default()).unwrap();
    let batches_vec = batches.batches().to_vec();
    crm_arrow::write(path, batches.schema(), &batches_vec, &Default::default()).unwrap();
}

const CUSTOMERS: &str = "Nama,NIK,Tempat Lahir,Tgl Lahir,Jenis Kelamin\n\
    Siti Rahayu,3204114609970001,Kab. Bandung,1997-09-06,P\n\
    Budi Santoso,3204110609970002,Kab. Bandung,1997-09-06,L\n\
    Joko,3204110609970099,Kab. Bandung,1997-09-06,X\n";

#[test]
fn id_validate_reads_parquet_and_stdin_and_writes_parquet_and_stdout_like_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("customers.csv"), CUSTOMERS).unwrap();
    write_parquet(&d.join("customers.parquet"), CUSTOMERS);
    let validate = |input: &str, out: &str, stdin: &[u8]| {
        let args = ["id", "validate", input, "--out", out, "--as-of", "2026-11-22"];
        crm(d, &args, stdin, 0)
    };
    validate("customers.csv", "csv.csv", b"");
    let want = text_rows(&d.join("csv.csv"));
    assert_eq!(want.len(), 4, "{want:?}");

    validate("customers.parquet", "pq.parquet", b"");
    assert_eq!(text_rows(&d.join("pq.parquet")), want);
    // The NIK's birth date is a date in Parquet; the NIK itself stays text.
    let types = parquet_types(&d.join("pq.parquet"));
    let type_of = |name: &str| types.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone());
    assert_eq!(type_of("NIK"), Some(DataType::Utf8), "{types:?}");
    assert_eq!(type_of("nik_birth_date"), Some(DataType::Date32), "{types:?}");

    let out = validate("-", "-", CUSTOMERS.as_bytes());
    assert_eq!(csv_rows(&out.stdout), want);

    validate("customers.parquet", "xl.xlsx", b"");
    let mut builder = ReaderBuilder::new();
    builder.sheet_name("Data").infer_types(false);
    let mut reader = crm_arrow::open(d.join("xl.xlsx"), &builder).unwrap();
    assert_eq!(reader.headers(), want[0].as_slice());
    assert_eq!(reader.rows().count(), 3);
}

const POINTS: &str = "id,a,b\n1,1,10\n2,2,20\n3,3,30\n4,4,40\n5,100,50\n6,101,60\n7,x,70\n";

#[test]
fn segment_reads_stdin_and_parquet_and_rejects_need_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("x.csv"), POINTS).unwrap();
    write_parquet(&d.join("x.parquet"), POINTS);
    let segment = |input: &str, out: &str, stdin: &[u8], code: i32| {
        let args = [
            "segment",
            input,
            "--features",
            "a,b",
            "--transform",
            "none",
            "--k",
            "2",
            "--seed",
            "7",
            "--out",
            out,
        ];
        crm(d, &args, stdin, code)
    };
    segment("x.csv", "csv.csv", b"", 0);
    let want = text_rows(&d.join("csv.csv"));
    let rejects = text_rows(&d.join("csv.rejects.csv"));
    assert_eq!(rejects[1][0], "8", "line 8 (`x`) is rejected: {rejects:?}");

    segment("x.parquet", "pq.parquet", b"", 0);
    assert_eq!(text_rows(&d.join("pq.parquet")), want);
    // The same row is the 7th of the Parquet file (which has no header line).
    let mut in_parquet = rejects.clone();
    in_parquet[1][0] = "7".into();
    assert_eq!(text_rows(&d.join("pq.rejects.parquet")), in_parquet);
    let types = parquet_types(&d.join("pq.parquet"));
    assert_eq!(types.last(), Some(&("cluster_name".to_owned(), DataType::Utf8)), "{types:?}");
    assert!(types.contains(&("cluster".to_owned(), DataType::Int64)), "{types:?}");

    segment("-", "stdin.csv", POINTS.as_bytes(), 0);
    assert_eq!(text_rows(&d.join("stdin.csv")), want);

    // Standard output holds one table: with a rejected row there is nowhere for the
    // rejects, so nothing is written and the run fails with exit 2.
    let out = segment("x.csv", "-", b"", 2);
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 rows were rejected"), "{err}");
    let clean: String = POINTS.lines().take(7).map(|l| format!("{l}\n")).collect();
    let out = segment("-", "-", clean.as_bytes(), 0);
    assert_eq!(csv_rows(&out.stdout), want);
}

#[test]
fn excel_merge_writes_parquet_with_types_and_reads_parquet_sources() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.csv"), "Nama,No HP,Plafon\nBudi,081234567890,15000000\n").unwrap();
    write_parquet(&d.join("b.parquet"), "Nama,No HP,Plafon\nSiti,081311112222,2500000\n");
    crm(d, &["excel", "merge", "a.csv", "b.parquet", "--out", "all.parquet"], b"", 0);
    let rows = text_rows(&d.join("all.parquet"));
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[1].contains(&"Budi".to_owned()) && rows[2].contains(&"Siti".to_owned()));
    let types = parquet_types(&d.join("all.parquet"));
    let type_of = |name: &str| types.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone());
    // Phones keep their leading zero as text (under their canonical name); the row numbers
    // are integers.
    assert_eq!(type_of("phone"), Some(DataType::Utf8), "{types:?}");
    assert_eq!(type_of("source_row"), Some(DataType::Int64), "{types:?}");
    let out = crm(d, &["excel", "merge", "a.csv", "--out", "-"], b"", 0);
    let stdout = csv_rows(&out.stdout);
    assert_eq!(stdout[0][..3], ["name", "phone", "plafon"], "{stdout:?}");
    assert_eq!(stdout[1][..3], ["Budi", "081234567890", "15000000"], "{stdout:?}");
}

#[test]
fn rfm_reads_stdin_and_writes_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tx = "customer,date,amount\nC1,2025-12-01,100\nC1,2025-12-20,50\nC2,2025-06-01,70\n";
    std::fs::write(d.join("tx.csv"), tx).unwrap();
    let rfm = |input: &str, out: &str, stdin: &[u8], code: i32| {
        let args = [
            "rfm",
            input,
            "--customer-col",
            "customer",
            "--date-col",
            "date",
            "--amount-col",
            "amount",
            "--as-of",
            "2026-01-01",
            "--bins",
            "2",
            "--out",
            out,
        ];
        crm(d, &args, stdin, code)
    };
    rfm("tx.csv", "rfm.csv", b"", 0);
    let want = std::fs::read(d.join("rfm.csv")).unwrap();
    let out = rfm("-", "-", tx.as_bytes(), 0);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), String::from_utf8(want).unwrap());
    let bad = format!("{tx}C3,not a date,10\n");
    let out = rfm("-", "-", bad.as_bytes(), 2);
    assert!(out.stdout.is_empty());
}

#[test]
fn an_unknown_output_extension_names_the_formats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.csv"), POINTS).unwrap();
    let args = ["segment", "x.csv", "--features", "a,b", "--k", "2", "--out", "x.json"];
    let out = crm(dir.path(), &args, b"", 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("must end in .xlsx, .csv or .parquet, or be -"), "{err}");
}
