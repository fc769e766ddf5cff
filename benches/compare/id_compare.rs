//! The Rust side of `benches/compare/idvalidate.sh`: generates a file of NIKs and times
//! parsing them in-process, printing `<step> <seconds> <detail>` on stdout.
//!
//! Usage:
//!   id-compare gen OUT.txt N     N realistic NIKs (real districts, valid dates, both sexes),
//!                                one per line; 5% damaged (bad month, serial 0000, 15 digits)
//!   id-compare parse IN.txt      parses every line with `Nik::parse` (region lookup included),
//!                                best of 5 passes

use std::io::{BufRead, BufWriter, Write};
use std::time::Instant;

use crm_idvalidate::Nik;

#[path = "../data.rs"]
mod data;

fn main() {
    if let Err(e) = try_main() {
        eprintln!("id-compare: {e}");
        std::process::exit(2);
    }
}

fn try_main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg =
        |i: usize| args.get(i).map(String::as_str).ok_or("missing argument (see the file header)");
    match arg(0)? {
        "gen" => {
            let n: usize = arg(2)?.parse()?;
            let mut out = BufWriter::new(std::fs::File::create(arg(1)?)?);
            for nik in data::niks(n, 17) {
                writeln!(out, "{nik}")?;
            }
            out.flush()?;
            println!("gen 0 n={n}");
        }
        "parse" => {
            let lines: Vec<String> = std::io::BufReader::new(std::fs::File::open(arg(1)?)?)
                .lines()
                .collect::<Result<_, _>>()?;
            // Best of 5 passes: one pass over 1M numbers lasts ~50 ms, short enough for
            // scheduler noise to matter.
            let mut secs = f64::INFINITY;
            let mut valid = 0;
            for _ in 0..5 {
                let start = Instant::now();
                valid = lines.iter().filter(|l| Nik::parse(l).is_ok()).count();
                secs = secs.min(start.elapsed().as_secs_f64());
            }
            println!(
                "parse {secs:.4} n={} valid={valid} per_sec={:.0}",
                lines.len(),
                lines.len() as f64 / secs
            );
        }
        other => return Err(format!("unknown step {other:?} (see the file header)").into()),
    }
    Ok(())
}
