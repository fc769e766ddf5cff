//! The demo's customer file for identity validation: realistic records with the error rates
//! field teams see (typos in birthplaces, swapped dates, wrong gender, Excel-truncated NIKs,
//! placeholders, pre-2022 Papua codes).

use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};
use crm_excel::{Cell, XlsxWriter};
use crm_idvalidate::{districts, regencies};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::{FIRST_NAMES as FIRST, LAST_NAMES as LAST, pick};

/// What the generator planted, to print next to what validation found.
pub(crate) struct Planted {
    pub(crate) birthplace_typos: usize,
    pub(crate) swapped_dates: usize,
    pub(crate) wrong_gender: usize,
    pub(crate) truncated: usize,
    pub(crate) placeholders: usize,
    pub(crate) historical: usize,
}

/// Former Papua district codes (before the 2022 split) that old NIKs still carry.
const PAPUA_OLD: &[&str] = &["910101", "910201", "910301", "910401"];
/// Old or colloquial birthplace spellings that map to official names.
const VARIANTS: &[&str] =
    &["Djakarta", "Bandoeng", "Ujung Pandang", "Jogja", "Soerabaja", "Buitenzorg"];

/// A typo: a letter dropped or doubled.
fn typo(rng: &mut ChaCha8Rng, name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let at = rng.random_range(1..chars.len().max(2));
    let mut out: String = chars[..at].iter().collect();
    if rng.random_bool(0.5) {
        out.push(chars[at.min(chars.len() - 1)]);
    }
    out.extend(&chars[at.min(chars.len())..]);
    if out == name { format!("{name}{}", chars[chars.len() - 1]) } else { out }
}

/// Writes `rows` customer records to an xlsx file with NIKs stored as text, except the
/// Excel-truncated ones, stored as numbers that lost their 16th digit.
pub(crate) fn write(
    path: &Path,
    rows: usize,
    rng: &mut ChaCha8Rng,
    created: chrono::NaiveDateTime,
) -> anyhow::Result<Planted> {
    let mut p = Planted {
        birthplace_typos: 0,
        swapped_dates: 0,
        wrong_gender: 0,
        truncated: 0,
        placeholders: 0,
        historical: 0,
    };
    let places: Vec<String> = regencies()
        .iter()
        .map(|r| {
            r.name()
                .trim_start_matches("Kabupaten ")
                .trim_start_matches("Kota Administrasi ")
                .trim_start_matches("Kota ")
                .to_owned()
        })
        .collect();
    let ds = districts();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default();
    let headers: Vec<String> =
        ["Nama", "NIK", "No KK", "Tempat Lahir", "Tgl Lahir", "Jenis Kelamin", "Cabang"]
            .map(String::from)
            .to_vec();
    let mut xlsx = XlsxWriter::new();
    xlsx.created(created);
    xlsx.begin_sheet("Nasabah", &headers)?;
    for _ in 0..rows {
        let female = rng.random_bool(0.5);
        let name = format!("{} {}", pick(rng, FIRST), pick(rng, LAST));
        let born = as_of - Days::new(rng.random_range(18 * 365..70 * 365));
        let district = if rng.random_bool(0.005) {
            p.historical += 1;
            pick(rng, PAPUA_OLD).to_owned()
        } else {
            ds[rng.random_range(0..ds.len())].code().to_owned()
        };
        let day = born.day() + if female { 40 } else { 0 };
        let mut nik = format!(
            "{district}{day:02}{:02}{:02}{:04}",
            born.month(),
            born.year() % 100,
            rng.random_range(1..10_000)
        );
        let kk = format!(
            "{district}{:02}{:02}{:02}{:04}",
            rng.random_range(1..29),
            rng.random_range(1..13),
            rng.random_range(5..25),
            rng.random_range(1..10_000)
        );
        let mut nik_cell = Cell::String(nik.clone());
        let roll = rng.random::<f64>();
        if roll < 0.003 {
            nik =
                pick(rng, &["0000000000000000", "1234567890123456", "9999999999999999"]).to_owned();
            nik_cell = Cell::String(nik.clone());
            p.placeholders += 1;
        } else if roll < 0.013 {
            // Typed into a number cell: Excel keeps 15 significant digits.
            nik.replace_range(15..16, "0");
            nik_cell = nik.parse::<i64>().map_or(Cell::String(nik.clone()), Cell::Int);
            p.truncated += 1;
        }
        let mut place = places[rng.random_range(0..places.len())].clone();
        let roll = rng.random::<f64>();
        if roll < 0.04 {
            place = typo(rng, &place);
            p.birthplace_typos += 1;
        } else if roll < 0.06 {
            place = pick(rng, VARIANTS).to_owned();
        } else if roll < 0.07 {
            place = format!("KAB. {}", place.to_uppercase());
        }
        let mut recorded = born;
        if born.day() <= 12 && born.day() != born.month() && rng.random_bool(0.03) {
            recorded =
                NaiveDate::from_ymd_opt(born.year(), born.day(), born.month()).unwrap_or(born);
            p.swapped_dates += 1;
        }
        let mut gender_female = female;
        if rng.random_bool(0.02) {
            gender_female = !female;
            p.wrong_gender += 1;
        }
        let row = vec![
            Cell::String(if rng.random_bool(0.01) { pick(rng, FIRST).to_owned() } else { name }),
            nik_cell,
            Cell::String(kk),
            Cell::String(place),
            Cell::String(recorded.format("%d/%m/%Y").to_string()),
            Cell::from(if gender_female { "P" } else { "L" }),
            Cell::from(pick(rng, &["Bekasi", "Bogor", "Depok", "Tangerang", "Serang", "Karawang"])),
        ];
        xlsx.write_row(&row)?;
    }
    xlsx.save(path)?;
    Ok(p)
}
