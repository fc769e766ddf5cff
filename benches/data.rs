//! Seeded generators of benchmark inputs, shared by the criterion benches and the
//! `excel-compare` program that `benches/compare/` scripts run against the Python peers.

#![allow(dead_code)]

use crm_excel::{Cell, Table};

/// A small, fast, seeded generator (SplitMix64): the benches need reproducible data, not
/// statistical quality.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const NAMES: &[&str] =
    &["Budi", "Siti", "Agus", "Dewi", "Andi", "Rina", "Joko", "Sri", "Ahmad", "Nur"];
const CITIES: &[&str] = &["Bekasi", "Bogor", "Depok", "Tangerang", "Serang", "Karawang"];

/// The 10 columns of the lead table used by the write/read benchmarks.
pub(crate) const LEAD_COLUMNS: [&str; 10] =
    ["id", "name", "phone", "nik", "branch", "plafon", "tenor", "rate", "date", "email"];

/// One lead row: text, identifiers, integers, a float and a date.
pub(crate) fn lead_row(i: u64, rng: &mut Rng) -> Vec<Cell> {
    let name = format!("{} {}", NAMES[rng.below(10) as usize], NAMES[rng.below(10) as usize]);
    let date =
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(rng.below(300));
    vec![
        Cell::Int(i as i64 + 1),
        Cell::String(name),
        Cell::String(format!("08{:010}", rng.below(10_000_000_000))),
        Cell::String(format!("3201{:012}", rng.below(1_000_000_000_000))),
        Cell::String(CITIES[rng.below(6) as usize].to_owned()),
        Cell::Int((rng.below(300) as i64 + 10) * 100_000),
        Cell::Int([6, 12, 18, 24, 36][rng.below(5) as usize]),
        Cell::Float(rng.below(3000) as f64 / 100.0),
        Cell::Date(date),
        Cell::String(format!("user{}@example.co.id", rng.below(1_000_000))),
    ]
}

/// `n` realistic NIKs: real district codes, valid dates, both sexes; one in 20 damaged
/// (month 13, serial 0000, or 15 digits), for parse benchmarks here and in compare/.
pub(crate) fn niks(n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let ds = crm_idvalidate::districts();
    (0..n)
        .map(|i| {
            let d = &ds[rng.below(ds.len() as u64) as usize];
            let day = 1 + rng.below(28) + if rng.below(2) == 0 { 40 } else { 0 };
            let mut nik = format!(
                "{}{:02}{:02}{:02}{:04}",
                d.code(),
                day,
                1 + rng.below(12),
                rng.below(100),
                1 + rng.below(9999)
            );
            match i % 60 {
                0 => nik.replace_range(8..10, "13"),
                1 => nik.replace_range(12..16, "0000"),
                2 => nik.truncate(15),
                _ => {}
            }
            nik
        })
        .collect()
}

/// A lead table of `rows` rows.
pub(crate) fn leads_table(rows: usize, seed: u64) -> Table {
    let mut rng = Rng::new(seed);
    let mut table = Table::new(LEAD_COLUMNS.iter().map(|s| (*s).to_owned()).collect());
    for i in 0..rows {
        table.push_row(lead_row(i as u64, &mut rng)).unwrap();
    }
    table
}

/// A pipe-delimited export of `records` records of `columns` fields with a header; about 2%
/// of records are broken across two lines inside their third field (joined with a space, the
/// repair restores them exactly).
pub(crate) fn broken_export(records: usize, columns: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(records * columns * 9);
    write_broken_export(&mut out, records, columns, seed).unwrap();
    out
}

/// Writes [`broken_export`] to any writer (for files of several GB).
pub(crate) fn write_broken_export<W: std::io::Write>(
    out: &mut W,
    records: usize,
    columns: usize,
    seed: u64,
) -> std::io::Result<()> {
    let mut rng = Rng::new(seed);
    let header: Vec<String> = (1..=columns).map(|c| format!("col_{c}")).collect();
    writeln!(out, "{}", header.join("|"))?;
    let mut line = String::with_capacity(columns * 12);
    for i in 0..records {
        line.clear();
        for c in 0..columns {
            if c > 0 {
                line.push('|');
            }
            match c {
                0 => line.push_str(&format!("R{i:09}")),
                2 => line.push_str(&format!(
                    "Jl. {} No. {}",
                    NAMES[rng.below(10) as usize],
                    rng.below(200)
                )),
                3 => line.push_str(&format!("08{:010}", rng.below(10_000_000_000))),
                _ => line.push_str(&format!("v{}", rng.below(100_000))),
            }
        }
        if rng.below(50) == 0 {
            // Break inside field 3, replacing the space before "No." with a line break.
            if let Some(at) = line.find(" No.") {
                line.replace_range(at..at + 1, "\n");
            }
        }
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// One transaction line of the RFM benchmarks.
pub(crate) struct TxLine {
    pub(crate) customer: String,
    pub(crate) invoice: String,
    pub(crate) date: chrono::NaiveDate,
    pub(crate) amount: f64,
}

/// `lines` invoice lines of `customers` customers, in date order (customers interleaved as
/// in a POS export): every customer buys at least once, extra invoices go to customers with
/// skewed weights (a quarter of the customers get three quarters of the repeat invoices),
/// 1-6 lines per invoice, dates over 2023-2025, amounts of 10,000-5,000,000 with cents.
///
/// The id strings are allocated in row order, as a reader of the file allocates them: the
/// lines are drawn per invoice, sorted by date, and only then given their strings. (Drawn
/// with their strings and then sorted, the ids lie scattered over the heap, and every line
/// costs two cache misses to whatever reads them: `Features::from_slice` takes over twice
/// as long on such a layout.)
pub(crate) fn transactions(lines: usize, customers: usize, seed: u64) -> Vec<TxLine> {
    let mut rng = Rng::new(seed);
    let day0 = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    // (day, customer, invoice, cents)
    let mut drawn: Vec<(u64, usize, u64, u64)> = Vec::with_capacity(lines);
    let mut invoice = 0u64;
    let mut first = 0usize;
    while drawn.len() < lines {
        invoice += 1;
        let customer = if first < customers {
            first += 1;
            first - 1
        } else if rng.below(4) < 3 {
            rng.below((customers / 4).max(1) as u64) as usize
        } else {
            rng.below(customers as u64) as usize
        };
        let day = rng.below(1096);
        let n = 1 + rng.below(6) as usize;
        for _ in 0..n.min(lines - drawn.len()) {
            let cents = 1_000_000 + rng.below(499_000_000);
            drawn.push((day, customer, invoice, cents));
        }
    }
    // Stable: the lines of an invoice stay together.
    drawn.sort_by_key(|t| t.0);
    drawn
        .into_iter()
        .map(|(day, customer, invoice, cents)| TxLine {
            customer: format!("C{:07}", customer + 1),
            invoice: format!("INV{invoice:09}"),
            date: day0 + chrono::Days::new(day),
            amount: cents as f64 / 100.0,
        })
        .collect()
}

/// `n` points in 3-D around 8 centres (uniform in -10..10, as make_blobs), spread 1.0 per
/// coordinate (sum of uniforms, close to Gaussian).
pub(crate) fn blobs(n: usize, seed: u64) -> ndarray::Array2<f64> {
    let mut rng = Rng::new(seed);
    let mut unit = || (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    let centres: Vec<[f64; 3]> = (0..8)
        .map(|_| [unit() * 20.0 - 10.0, unit() * 20.0 - 10.0, unit() * 20.0 - 10.0])
        .collect();
    let mut v = Vec::with_capacity(n * 3);
    for i in 0..n {
        let c = centres[i % 8];
        for x in c {
            // Sum of 4 uniforms: variance 4/12, scaled to 1.
            v.push(x + (unit() + unit() + unit() + unit() - 2.0) * 1.732_050_8);
        }
    }
    ndarray::Array2::from_shape_vec((n, 3), v).expect("n x 3")
}
