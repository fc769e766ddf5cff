//! The demo's retail data: a transaction history with the skew real shops see (most
//! customers buy once or twice, a few buy every month, many drift away), the member table
//! of the loyalty programme, another campaign's list, and who came to a past event.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Days, NaiveDate};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::{FIRST_NAMES as FIRST, LAST_NAMES as LAST, pick};

/// The history runs from here to [`END`].
pub(crate) const START: NaiveDate = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// The last day of the history, the as-of date of the demo's RFM.
pub(crate) const END: NaiveDate = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
/// The past event the backtest looks at: segments as of the day before it.
pub(crate) const EVENT: NaiveDate = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();

const CITIES: &[&str] = &["Serang", "Bogor", "Jakarta", "Bekasi", "Tangerang", "Depok", "Cilegon"];

/// What was generated.
pub(crate) struct Retail {
    pub(crate) lines: usize,
    pub(crate) returns: usize,
    pub(crate) bad_rows: usize,
    pub(crate) members: usize,
    pub(crate) invited: usize,
}

/// A standard exponential draw.
fn exp1(rng: &mut ChaCha8Rng) -> f64 {
    -(1.0 - rng.random::<f64>()).ln()
}

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>();
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Writes `transactions.csv`, `members.csv`, `other-campaign.csv` and `event-attendance.csv`
/// into `dir`.
pub(crate) fn write(dir: &Path, customers: usize, rng: &mut ChaCha8Rng) -> anyhow::Result<Retail> {
    let span = (END - START).num_days() as f64;
    let mut tx = BufWriter::new(File::create(dir.join("transactions.csv"))?);
    writeln!(tx, "customer_id,invoice_id,date,amount,store")?;
    let mut members = BufWriter::new(File::create(dir.join("members.csv"))?);
    writeln!(
        members,
        "member_id,name,gender,tier,coins,domicile,email,whatsapp,email_opened,last_transaction"
    )?;
    let mut attendance = BufWriter::new(File::create(dir.join("event-attendance.csv"))?);
    writeln!(attendance, "customer_id,attended")?;
    let mut other = BufWriter::new(File::create(dir.join("other-campaign.csv"))?);
    writeln!(other, "member_id")?;

    let mut out = Retail { lines: 0, returns: 0, bad_rows: 0, members: 0, invited: 0 };
    let mut invoice = 0u64;
    // Leads: registered members who never bought (10% extra).
    let total = customers + customers / 10;
    for c in 0..total {
        let id = format!("M{:06}", c + 1);
        let buyer = c < customers;
        // Engagement: purchases per 30 days, log-normal (a long tail of heavy buyers).
        let rate = (normal(rng) * 1.1 - 1.6).exp();
        let start = rng.random::<f64>() * span * 0.9;
        // Lifetime before drifting away: exponential, mean a year (heavy buyers stay longer).
        let life = exp1(rng) * 365.0 * (1.0 + rate);
        let stop = (start + life).min(span);
        let mut t = start;
        let mut last: Option<NaiveDate> = None;
        let mut spent = 0.0;
        let mut bought_before_event = false;
        let mut first = true;
        while buyer && (first || t <= stop) {
            let date = START + Days::new(t as u64);
            invoice += 1;
            let lines = 1 + (exp1(rng) * 0.8) as usize;
            let store = pick(rng, CITIES);
            for _ in 0..lines {
                let amount = ((normal(rng) * 0.9 + 11.8).exp() / 500.0).round() * 500.0;
                spent += amount;
                writeln!(tx, "{id},INV{invoice:08},{date},{amount:.0},{store}")?;
                out.lines += 1;
            }
            if rng.random_bool(0.01) {
                // A return of part of the basket, a few days later.
                let back = date + Days::new(rng.random_range(1..10));
                if back <= END {
                    let part = (spent.min(400_000.0) * 0.25 / 500.0).round() * 500.0;
                    writeln!(tx, "{id},RET{invoice:08},{back},-{part:.0},{store}")?;
                    out.lines += 1;
                    out.returns += 1;
                }
            }
            bought_before_event |= date < EVENT;
            last = Some(date);
            first = false;
            t += exp1(rng) * 30.0 / rate;
        }
        // Members: every customer and lead; tier follows spending.
        let female = rng.random_bool(0.55);
        let gender = if rng.random_bool(0.1) {
            ""
        } else if female {
            "F"
        } else {
            "M"
        };
        let tier = if spent > 10_000_000.0 {
            "Platinum"
        } else if spent > 2_500_000.0 {
            "Gold"
        } else {
            "Silver"
        };
        let coins = (spent / 250.0) as u64 + rng.random_range(0..2_000);
        let name = format!("{} {}", pick(rng, FIRST), pick(rng, LAST));
        let email = if rng.random_bool(0.15) {
            String::new()
        } else {
            format!("{}.{}@example.co.id", name.replace(' ', ".").to_lowercase(), c + 1)
        };
        let phone = match rng.random_range(0..20) {
            0 => String::new(),
            1 => format!("021-{}", rng.random_range(5_000_000..9_999_999)),
            2 => format!(
                "+62 812-{:04}-{:04}",
                rng.random_range(0..10_000),
                rng.random_range(0..10_000)
            ),
            _ => format!("08{}{:08}", rng.random_range(11..99), rng.random_range(0..100_000_000)),
        };
        let opened = u8::from(rng.random_bool(0.35));
        let last_text = last.map(|d| d.to_string()).unwrap_or_default();
        writeln!(
            members,
            "{id},{name},{gender},{tier},{coins},{},{email},{phone},{opened},{last_text}",
            pick(rng, CITIES)
        )?;
        out.members += 1;
        if rng.random_bool(0.05) {
            writeln!(other, "{id}")?;
        }
        // The event: every customer who had bought before it was invited; engaged customers
        // who were still active came more often.
        if bought_before_event {
            let active = (EVENT - START).num_days() as f64 <= stop;
            let logit = -2.2 + 0.9 * (1.0 + 12.0 * rate).ln() + if active { 0.8 } else { -1.2 };
            let p = 1.0 / (1.0 + (-logit).exp());
            writeln!(attendance, "{id},{}", u8::from(rng.random_bool(p)))?;
            out.invited += 1;
        }
    }
    // Rows a real export carries: a date typed wrongly and an empty amount.
    writeln!(tx, "M000001,INV99999998,31/02/2026,150000,Serang")?;
    writeln!(tx, "M000002,INV99999999,2026-03-03,,Bogor")?;
    out.bad_rows = 2;
    for w in [&mut tx, &mut members, &mut attendance, &mut other] {
        w.flush()?;
    }
    Ok(out)
}

/// The campaign rules of the demo's audience (workflow 3 of the domain notes).
pub(crate) const AUDIENCE_RULES: &str = "\
# Gold/Platinum members in Serang, Bogor or Tangerang with more than 9,900 coins who bought
# in the last 12 months and can be reached on WhatsApp; not in the other campaign running
# this month; members who do not open e-mails first, then by coins; at most 2,000, split
# into the men's-day and women's-day lists (blank genders shared proportionally).
where tier in Gold|Platinum
where coins > 9900
where domicile in Serang|Bogor|Tangerang
where last_transaction within 365 days
where whatsapp is phone
exclude member_id
dedup member_id
priority email_opened asc
priority coins desc
cap 2000
split gender M|F
";
