//! The Rust side of `benches/compare/excel.sh`: writes, reads, encrypts and decrypts the same
//! files the Python peers handle, and generates the broken text export, printing the seconds
//! each step took (`<step> <seconds> <detail>`) on stdout.
//!
//! Usage:
//!   excel-compare write OUT.xlsx ROWS        10-column lead table, constant memory
//!   excel-compare read IN.xlsx               every cell of the first sheet
//!   excel-compare encrypt IN.xlsx OUT.xlsx PASSWORD
//!   excel-compare decrypt IN.xlsx PASSWORD OUT.xlsx
//!   excel-compare gen-txt OUT.txt RECORDS    30-column pipe export, ~2% records broken

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use crm_excel::{EncryptOptions, ReaderBuilder, XlsxWriter, decrypt, encrypt};

#[path = "../data.rs"]
mod data;

fn main() {
    if let Err(e) = try_main() {
        eprintln!("excel-compare: {e}");
        std::process::exit(2);
    }
}

fn try_main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg =
        |i: usize| args.get(i).map(String::as_str).ok_or("missing argument (see the file header)");
    match arg(0)? {
        "write" => {
            let rows: u64 = arg(2)?.parse()?;
            let start = Instant::now();
            let headers: Vec<String> = data::LEAD_COLUMNS.iter().map(|s| (*s).to_owned()).collect();
            let mut xlsx = XlsxWriter::new();
            xlsx.begin_sheet("Data", &headers)?;
            let mut rng = data::Rng::new(1);
            for i in 0..rows {
                xlsx.write_row(&data::lead_row(i, &mut rng))?;
            }
            let stats = xlsx.save(arg(1)?)?;
            println!("write {:.3} rows={}", start.elapsed().as_secs_f64(), stats.rows);
        }
        "read" => {
            let start = Instant::now();
            let mut reader = ReaderBuilder::new().from_path(arg(1)?)?;
            let mut cells = 0usize;
            for row in reader.rows() {
                cells += row?.cells().iter().filter(|c| !c.is_empty()).count();
            }
            println!("read {:.3} cells={cells}", start.elapsed().as_secs_f64());
        }
        "encrypt" => {
            let zip = std::fs::read(arg(1)?)?;
            let start = Instant::now();
            let locked = encrypt(&zip, arg(3)?, &EncryptOptions::new())?;
            std::fs::write(arg(2)?, &locked)?;
            println!("encrypt {:.3} bytes={}", start.elapsed().as_secs_f64(), locked.len());
        }
        "decrypt" => {
            let start = Instant::now();
            let bytes = std::fs::read(arg(1)?)?;
            let read = start.elapsed().as_secs_f64();
            let zip = decrypt(&bytes, arg(2)?)?;
            let decrypted = start.elapsed().as_secs_f64() - read;
            std::fs::write(arg(3)?, &zip)?;
            let total = start.elapsed().as_secs_f64();
            println!(
                "decrypt {total:.3} bytes={} read={read:.3} decrypt={decrypted:.3} write={:.3}",
                zip.len(),
                total - read - decrypted
            );
        }
        "gen-txt" => {
            let records: usize = arg(2)?.parse()?;
            let start = Instant::now();
            let mut out = BufWriter::with_capacity(1 << 20, File::create(arg(1)?)?);
            data::write_broken_export(&mut out, records, 30, 7)?;
            out.flush()?;
            println!("gen-txt {:.3} records={records}", start.elapsed().as_secs_f64());
        }
        other => return Err(format!("unknown step {other:?} (see the file header)").into()),
    }
    Ok(())
}
