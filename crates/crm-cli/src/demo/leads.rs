//! The demo's telesales leads: applicants with a known two-stage structure (whether a lead
//! can be reached depends on its source, the hour it came in and the contact data it left;
//! whether a reached lead books depends on income, product and the loan asked for), the
//! call outcome columns filled after the call (leakage), and a fresh batch to score.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Days, NaiveDate};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::{FIRST_NAMES, LAST_NAMES, PRODUCTS, SOURCES, pick};

/// The branches leads come from (the same as the branch workbooks').
const BRANCHES: &[&str] = &["Bekasi", "Bogor", "Depok", "Tangerang", "Serang", "Karawang"];

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Writes `n` leads; with `outcomes`, the contacted / booked columns and the post-call
/// columns (call_status, call_seconds) are filled in.
pub(crate) fn write(
    path: &Path,
    n: usize,
    outcomes: bool,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<(usize, usize)> {
    let mut w = BufWriter::new(File::create(path)?);
    write!(
        w,
        "lead_id,name,phone,branch,product,source,age,income,plafon,tenor,submitted,has_email"
    )?;
    if outcomes {
        write!(w, ",contacted,booked,call_status,call_seconds")?;
    }
    writeln!(w)?;
    let start = NaiveDate::from_ymd_opt(2026, 5, 1).expect("valid date");
    let (mut contacted_n, mut booked_n) = (0, 0);
    for i in 0..n {
        let source = pick(rng, SOURCES);
        let product = pick(rng, PRODUCTS);
        let age: i64 = rng.random_range(20..60);
        let income = (rng.random_range(25..150) as f64 * 100_000.0).round();
        let plafon = (income * rng.random_range(1.0..8.0) / 100_000.0).round() * 100_000.0;
        let tenor = [6, 12, 18, 24, 36][rng.random_range(0..5)];
        let hour: i64 = rng.random_range(6..23);
        let has_email = rng.random_bool(0.6);
        let submitted = start + Days::new(rng.random_range(0..150));
        let z1 =
            -0.3 + match source {
                "Referral" => 1.0,
                "Walk-in" => 0.7,
                "Website" => -0.9,
                _ => 0.0,
            } + if (9..17).contains(&hour) { 0.6 } else { -0.4 }
                + if has_email { 0.4 } else { 0.0 }
                - 0.015 * (age - 35) as f64;
        let contacted = rng.random_bool(sigmoid(z1));
        let z2 = -1.6 + 1.0 * (income / 10_000_000.0) + if product == "Motor" { 0.7 } else { 0.0 }
            - 0.25 * (plafon / income)
            + if source == "Walk-in" { 0.5 } else { 0.0 };
        let booked = contacted && rng.random_bool(sigmoid(z2));
        contacted_n += usize::from(contacted);
        booked_n += usize::from(booked);
        write!(
            w,
            "L{:06},{} {},08{}{:08},{},{product},{source},{age},{income:.0},{plafon:.0},{tenor},{submitted} {hour:02}:{:02},{}",
            i + 1,
            pick(rng, FIRST_NAMES),
            pick(rng, LAST_NAMES),
            rng.random_range(11..99),
            rng.random_range(0..100_000_000),
            pick(rng, BRANCHES),
            (i * 37) % 60,
            if has_email { "ya" } else { "tidak" }
        )?;
        if outcomes {
            let status = if contacted { "terhubung" } else { "tidak diangkat" };
            let seconds = if contacted { rng.random_range(40..900) } else { 0 };
            let booked_text = if contacted { if booked { "ya" } else { "tidak" } } else { "" };
            write!(
                w,
                ",{},{booked_text},{status},{seconds}",
                if contacted { "ya" } else { "tidak" }
            )?;
        }
        writeln!(w)?;
    }
    w.flush()?;
    Ok((contacted_n, booked_n))
}
