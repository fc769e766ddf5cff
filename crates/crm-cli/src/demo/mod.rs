//! `crm demo`: generates realistic inputs from a seed and runs every capability on them.
//!
//! Branch lead workbooks (some password-protected, with differing headers, title rows,
//! duplicate leads across branches and a few malformed rows) are merged into one report and
//! split per branch; a registration export with records broken across lines is repaired.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{Days, NaiveDate};
use crm_excel::{Cell, EncryptOptions, XlsxWriter, encrypt};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod customers;
mod leads;
mod retail;

use crate::args::{
    AttachArg, AudienceArgs, AutodebitArgs, BacktestArgs, ChannelArg, DemoArgs, EncodingArg,
    FamilyArg, HeaderArgs, JoinArg, KeepArg, LeadsScoreArgs, LeadsTrainArgs, MailPlanArgs,
    MergeArgs, MessageRenderArgs, MethodArg, MonetaryArg, PasswordArgs, RepairArgs, ReturnsArg,
    RfmArgs, ScaleArg, SegmentArgs, SplitArg, SplitArgs, TransformArg, ValidateArgs,
};
use crate::cmd;
use crate::summary::thousands;

const FIRST_NAMES: &[&str] = &[
    "Budi", "Siti", "Agus", "Dewi", "Andi", "Rina", "Joko", "Sri", "Ahmad", "Nur", "Hendra",
    "Wati", "Eko", "Yuli", "Rudi", "Lestari", "Dedi", "Fitri", "Bambang", "Ayu", "Rizky", "Indah",
    "Fajar", "Putri", "Hadi", "Ratna",
];
const LAST_NAMES: &[&str] = &[
    "Santoso",
    "Rahayu",
    "Wijaya",
    "Saputra",
    "Hidayat",
    "Kurniawan",
    "Setiawan",
    "Lestari",
    "Pratama",
    "Nugroho",
    "Susanto",
    "Permana",
    "Siregar",
    "Nasution",
    "Simanjuntak",
    "Gunawan",
    "Hakim",
    "Maulana",
    "Firmansyah",
];
const PRODUCTS: &[&str] = &["Motor", "Elektronik", "Furnitur", "Gadget"];
const SOURCES: &[&str] = &["Walk-in", "Website", "Referral", "Pameran", "Telemarketing"];
const TENORS: &[i64] = &[6, 12, 18, 24, 36];
/// Regency codes of the branch areas (Kepmendagri), for plausible NIKs.
const REGENCIES: &[&str] = &["3216", "3201", "3276", "3603", "3604", "3215", "3275", "3671"];

/// A branch's file: its layout differs from the others like real branch files do.
struct Branch {
    name: &'static str,
    file: &'static str,
    password: Option<&'static str>,
    title: Option<&'static str>,
    /// Header text per canonical field, in the branch's column order; `None` drops a field.
    headers: &'static [(&'static str, Field)],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Phone,
    Nik,
    Branch,
    Product,
    Plafon,
    Tenor,
    Date,
    Email,
    Source,
}

const BRANCHES: &[Branch] = &[
    Branch {
        name: "Bekasi",
        file: "leads-cabang-bekasi.xlsx",
        password: Some("Bks#2026"),
        title: Some("DATA LEADS CABANG BEKASI - NOVEMBER 2026"),
        headers: &[
            ("Nama", Field::Name),
            ("No HP", Field::Phone),
            ("No KTP", Field::Nik),
            ("Cabang", Field::Branch),
            ("Produk", Field::Product),
            ("Plafon", Field::Plafon),
            ("Tenor", Field::Tenor),
            ("Tanggal", Field::Date),
            ("Email", Field::Email),
            ("Sumber", Field::Source),
        ],
    },
    Branch {
        name: "Bogor",
        file: "leads-cabang-bogor.xlsx",
        password: None,
        title: None,
        headers: &[
            ("NO_HP", Field::Phone),
            ("NAMA_LENGKAP", Field::Name),
            ("CABANG", Field::Branch),
            ("NIK", Field::Nik),
            ("PLAFON", Field::Plafon),
            ("TENOR", Field::Tenor),
            ("PRODUK", Field::Product),
            ("TGL", Field::Date),
            ("E-MAIL", Field::Email),
            ("SUMBER LEADS", Field::Source),
        ],
    },
    Branch {
        name: "Depok",
        file: "leads-cabang-depok.csv",
        password: None,
        title: None,
        headers: &[
            ("nama", Field::Name),
            ("handphone", Field::Phone),
            ("nik", Field::Nik),
            ("cabang", Field::Branch),
            ("produk", Field::Product),
            ("plafon", Field::Plafon),
            ("tenor", Field::Tenor),
            ("tanggal", Field::Date),
            ("email", Field::Email),
            ("sumber", Field::Source),
        ],
    },
    Branch {
        name: "Tangerang",
        file: "leads-cabang-tangerang.xlsx",
        password: Some("Tgr!2026"),
        title: Some("Leads Tangerang"),
        headers: &[
            ("Customer Name", Field::Name),
            ("Phone Number", Field::Phone),
            ("Branch", Field::Branch),
            ("Product", Field::Product),
            ("Plafon", Field::Plafon),
            ("Tenor", Field::Tenor),
            ("Date", Field::Date),
            ("Email", Field::Email),
            ("NIK", Field::Nik),
            ("Source", Field::Source),
        ],
    },
    Branch {
        name: "Serang",
        file: "leads-cabang-serang.xlsx",
        password: None,
        title: None,
        headers: &[
            ("Nama Konsumen", Field::Name),
            ("No. Telp", Field::Phone),
            ("Nomor KTP", Field::Nik),
            ("Kantor Cabang", Field::Branch),
            ("Jenis Produk", Field::Product),
            ("Plafon", Field::Plafon),
            ("Tenor", Field::Tenor),
            ("Tgl", Field::Date),
            ("Sumber", Field::Source),
        ],
    },
    Branch {
        name: "Karawang",
        file: "leads-cabang-karawang.xlsx",
        password: Some("Krw2026"),
        title: None,
        headers: &[
            ("Nama", Field::Name),
            ("WhatsApp", Field::Phone),
            ("NIK", Field::Nik),
            ("Cabang", Field::Branch),
            ("Produk", Field::Product),
            ("Plafon", Field::Plafon),
            ("Tenor", Field::Tenor),
            ("Tanggal", Field::Date),
            ("Email", Field::Email),
            ("Sumber", Field::Source),
        ],
    },
];

/// The creation time written into generated workbooks, so a seed gives the same bytes.
pub(crate) fn demo_time() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 1).and_then(|d| d.and_hms_opt(8, 0, 0)).unwrap_or_default()
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// One generated lead.
#[derive(Clone)]
struct Lead {
    name: String,
    phone: String,
    nik: String,
    branch: &'static str,
    product: &'static str,
    plafon: i64,
    tenor: i64,
    date: NaiveDate,
    email: Option<String>,
    source: &'static str,
}

fn lead(rng: &mut ChaCha8Rng, branch: &'static str) -> Lead {
    let first = pick(rng, FIRST_NAMES);
    let last = pick(rng, LAST_NAMES);
    let phone = format!(
        "08{}{}",
        pick(rng, &["11", "12", "13", "21", "22", "52", "57", "77", "78", "95", "96"]),
        {
            let len = rng.random_range(7..=9);
            (0..len).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect::<String>()
        }
    );
    let female = rng.random_bool(0.5);
    let day = rng.random_range(1..=28u32) + if female { 40 } else { 0 };
    let nik = format!(
        "{}{:02}{:02}{:02}{:02}{:04}",
        pick(rng, REGENCIES),
        rng.random_range(1..=20),
        day,
        rng.random_range(1..=12),
        rng.random_range(60..=99u32),
        rng.random_range(1..=3000)
    );
    let email = rng.random_bool(0.7).then(|| {
        format!(
            "{}.{}{}@{}",
            first.to_lowercase(),
            last.to_lowercase(),
            rng.random_range(1..100),
            pick(rng, &["gmail.com", "yahoo.co.id", "outlook.com"])
        )
    });
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
    Lead {
        name: format!("{first} {last}"),
        phone,
        nik,
        branch,
        product: pick(rng, PRODUCTS),
        plafon: rng.random_range(20..=300) * 100_000,
        tenor: pick(rng, TENORS),
        date: start.checked_add_days(Days::new(rng.random_range(0..80))).unwrap_or(start),
        email,
        source: pick(rng, SOURCES),
    }
}

/// The phone as a branch might have typed it.
fn phone_variant(rng: &mut ChaCha8Rng, phone: &str) -> Cell {
    let national = &phone[1..];
    match rng.random_range(0..6) {
        0 => Cell::String(format!("+62 {}-{}-{}", &national[..3], &national[3..7], &national[7..])),
        1 => Cell::String(format!("62{national}")),
        2 => Cell::String(format!("{}-{}-{}", &phone[..4], &phone[4..8], &phone[8..])),
        // Typed into a number cell: Excel drops the leading zero.
        3 => national.parse::<i64>().map_or_else(|_| Cell::String(phone.to_owned()), Cell::Int),
        _ => Cell::String(phone.to_owned()),
    }
}

fn cell_for(field: Field, lead: &Lead, rng: &mut ChaCha8Rng, vary_phone: bool) -> Cell {
    match field {
        Field::Name => Cell::String(lead.name.clone()),
        Field::Phone if vary_phone => phone_variant(rng, &lead.phone),
        Field::Phone => Cell::String(lead.phone.clone()),
        Field::Nik => Cell::String(lead.nik.clone()),
        Field::Branch => Cell::String(lead.branch.to_owned()),
        Field::Product => Cell::String(lead.product.to_owned()),
        Field::Plafon => Cell::Int(lead.plafon),
        Field::Tenor => Cell::Int(lead.tenor),
        Field::Date => Cell::Date(lead.date),
        Field::Email => lead.email.clone().map_or(Cell::Empty, Cell::String),
        Field::Source => Cell::String(lead.source.to_owned()),
    }
}

/// What the generator put into the branch files, to print next to what the merge found.
struct Planted {
    leads: usize,
    cross_branch_duplicates: usize,
    ragged_rows: usize,
    blank_rows: usize,
}

/// Writes the branch files into `dir` and their passwords into `password_file`.
fn write_branch_files(
    dir: &Path,
    password_file: &Path,
    rows: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Planted> {
    let per_branch = (rows / BRANCHES.len()).max(1);
    let mut planted =
        Planted { leads: 0, cross_branch_duplicates: 0, ragged_rows: 0, blank_rows: 0 };
    let all: Vec<Vec<Lead>> =
        BRANCHES.iter().map(|b| (0..per_branch).map(|_| lead(rng, b.name)).collect()).collect();
    let mut passwords = String::from("file,password\n");
    for (bi, branch) in BRANCHES.iter().enumerate() {
        let mut leads = all[bi].clone();
        // About 4% of leads also registered at the neighbouring branch, phone typed differently.
        let neighbour = &all[(bi + 1) % BRANCHES.len()];
        for l in neighbour {
            if !rng.random_bool(0.04) {
                continue;
            }
            let mut dup = l.clone();
            if rng.random_bool(0.5) {
                dup.email = None;
            }
            leads.push(dup);
            planted.cross_branch_duplicates += 1;
        }
        planted.leads += leads.len();
        let headers: Vec<String> = branch.headers.iter().map(|(h, _)| (*h).to_owned()).collect();
        let mut rows_out: Vec<Vec<Cell>> = Vec::with_capacity(leads.len() + 4);
        for l in &leads {
            rows_out.push(branch.headers.iter().map(|(_, f)| cell_for(*f, l, rng, true)).collect());
        }
        // Malformed rows: a value typed past the last column, and blank rows.
        for _ in 0..2 {
            let at = rng.random_range(0..rows_out.len());
            let mut row = rows_out[at].clone();
            row.push(Cell::from("catatan: hubungi lagi"));
            rows_out.insert(at, row);
            planted.ragged_rows += 1;
            planted.leads += 1;
        }
        if bi == 0 {
            // Untrusted text that Excel would run as a formula if it were written as one.
            rows_out[0][0] = Cell::from("=HYPERLINK(\"http://example.invalid\",\"klik\")");
        }
        let path = dir.join(branch.file);
        if branch.file.ends_with(".csv") {
            // Workbooks have no blank rows (they are simply absent); text exports do.
            let at = rng.random_range(0..rows_out.len());
            rows_out.insert(at, vec![Cell::Empty; headers.len()]);
            planted.blank_rows += 1;
        }
        if branch.file.ends_with(".csv") {
            write_semicolon_csv(&path, &headers, &rows_out)?;
        } else {
            let bytes = branch_workbook(branch, &headers, &rows_out)?;
            let bytes = match branch.password {
                Some(pw) => {
                    passwords.push_str(&format!("{},{pw}\n", branch.file));
                    // A fixed seed keeps the demo byte-for-byte reproducible.
                    encrypt(&bytes, pw, &EncryptOptions::new().seed(Some(rng.random())))?
                }
                None => bytes,
            };
            fs::write(&path, bytes).with_context(|| path.display().to_string())?;
        }
    }
    fs::write(password_file, passwords).with_context(|| password_file.display().to_string())?;
    Ok(planted)
}

/// A branch workbook as branches make them: optional title rows above the header.
fn branch_workbook(
    branch: &Branch,
    headers: &[String],
    rows: &[Vec<Cell>],
) -> anyhow::Result<Vec<u8>> {
    let mut xlsx = XlsxWriter::new();
    xlsx.constant_memory(false).created(demo_time());
    // One spare column, so ragged rows keep their extra value.
    let width = headers.len() + 1;
    let mut first_row = match branch.title {
        Some(title) => vec![title.to_owned()],
        None => headers.to_vec(),
    };
    first_row.resize(width, String::new());
    xlsx.begin_sheet("Leads", &first_row)?;
    if branch.title.is_some() {
        xlsx.write_row(&[])?;
        xlsx.write_row(&headers.iter().map(|h| Cell::String(h.clone())).collect::<Vec<_>>())?;
    }
    for row in rows {
        xlsx.write_row(row)?;
    }
    xlsx.end_sheet()?;
    Ok(xlsx.save_to_buffer()?)
}

fn write_semicolon_csv(path: &Path, headers: &[String], rows: &[Vec<Cell>]) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| path.display().to_string())?;
    let mut csv =
        csv::WriterBuilder::new().delimiter(b';').flexible(true).from_writer(BufWriter::new(file));
    csv.write_record(headers)?;
    for row in rows {
        csv.write_record(row.iter().map(|c| match c {
            // Indonesian date format, as a branch's CSV export would have it.
            Cell::Date(d) => d.format("%d/%m/%Y").to_string(),
            other => other.to_string(),
        }))?;
    }
    csv.flush()?;
    Ok(())
}

/// What the export generator planted.
struct ExportPlan {
    records: usize,
    broken: usize,
    unrecoverable: usize,
}

const EXPORT_COLUMNS: usize = 30;

/// A super-app registration export: 30 pipe-delimited columns, some records broken across
/// lines by line breaks typed into the address, a few damaged beyond repair.
fn write_export(path: &Path, records: usize, rng: &mut ChaCha8Rng) -> anyhow::Result<ExportPlan> {
    let file = File::create(path).with_context(|| path.display().to_string())?;
    let mut out = BufWriter::new(file);
    let headers = [
        "reg_id",
        "reg_time",
        "name",
        "gender",
        "birth_date",
        "phone",
        "email",
        "nik",
        "address",
        "village",
        "district",
        "city",
        "province",
        "postal_code",
        "occupation",
        "income_band",
        "device",
        "os",
        "app_version",
        "channel",
        "referral_code",
        "promo_code",
        "kyc_status",
        "kyc_time",
        "first_login",
        "last_login",
        "points",
        "tier",
        "consent_marketing",
        "area",
    ];
    writeln!(out, "{}", headers.join("|"))?;
    let mut plan = ExportPlan { records: 0, broken: 0, unrecoverable: 0 };
    for i in 0..records {
        let branch = pick(rng, &["Bekasi", "Bogor", "Depok", "Tangerang", "Serang", "Karawang"]);
        let l = lead(rng, branch);
        let address = format!(
            "Jl. {} No. {} RT {:03}/RW {:03}",
            pick(rng, LAST_NAMES),
            rng.random_range(1..200),
            rng.random_range(1..20),
            rng.random_range(1..15)
        );
        let mut fields: Vec<String> = vec![
            format!("R{:09}", i + 1),
            format!(
                "{} {:02}:{:02}:{:02}",
                l.date,
                rng.random_range(0..24),
                rng.random_range(0..60),
                rng.random_range(0..60)
            ),
            l.name.clone(),
            pick(rng, &["L", "P"]).to_string(),
            format!(
                "19{}-{:02}-{:02}",
                rng.random_range(60..99),
                rng.random_range(1..13),
                rng.random_range(1..29)
            ),
            l.phone.clone(),
            l.email.clone().unwrap_or_default(),
            l.nik.clone(),
            address,
            format!("Desa {}", pick(rng, LAST_NAMES)),
            format!("Kec. {}", pick(rng, LAST_NAMES)),
            l.branch.to_owned(),
            "Jawa Barat".to_owned(),
            format!("{}", rng.random_range(16000..18000)),
            pick(rng, &["Karyawan", "Wiraswasta", "Pelajar", "Ibu Rumah Tangga", "PNS"])
                .to_string(),
            pick(rng, &["<3jt", "3-5jt", "5-10jt", ">10jt"]).to_string(),
            pick(rng, &["Samsung A15", "Xiaomi Redmi 13", "Oppo A78", "iPhone 13", "Vivo Y36"])
                .to_string(),
            pick(rng, &["Android 14", "Android 13", "iOS 17"]).to_string(),
            format!("5.{}.{}", rng.random_range(0..9), rng.random_range(0..20)),
            pick(rng, &["organic", "ads", "referral"]).to_string(),
            String::new(),
            String::new(),
            pick(rng, &["verified", "pending", "rejected"]).to_string(),
            String::new(),
            l.date.to_string(),
            l.date.to_string(),
            format!("{}", rng.random_range(0..50_000)),
            pick(rng, &["Silver", "Gold", "Platinum"]).to_string(),
            pick(rng, &["Y", "N"]).to_string(),
            l.branch.to_owned(),
        ];
        debug_assert_eq!(fields.len(), EXPORT_COLUMNS);
        if rng.random_bool(0.001) {
            // A legacy system wrote this record in Windows-1252.
            fields[2] = format!("{} Caf\u{e9}", fields[2]);
        }
        let line = fields.join("|");
        let roll = rng.random::<f64>();
        if roll < 0.02 {
            // A line break typed into the address, sometimes two.
            let addr_start = fields[..8].iter().map(|f| f.len() + 1).sum::<usize>();
            let cut = addr_start + fields[8].find(" No.").unwrap_or(3);
            let (a, b) = line.split_at(cut);
            if rng.random_bool(0.3) {
                let rt = b.find(" RT").unwrap_or(1);
                writeln!(out, "{a}\n{}\n{}", &b[1..rt], &b[rt + 1..])?;
            } else {
                writeln!(out, "{a}\n{}", &b[1..])?;
            }
            plan.broken += 1;
        } else if roll < 0.0205 {
            // Truncated by a crashed export: the record ends early.
            let cut = line.match_indices('|').nth(12).map_or(line.len(), |(i, _)| i);
            writeln!(out, "{}", &line[..cut])?;
            plan.unrecoverable += 1;
            continue;
        } else if fields[2].ends_with('\u{e9}') {
            let mut bytes = line.replace('\u{e9}', "\u{1}").into_bytes();
            for b in &mut bytes {
                if *b == 1 {
                    *b = 0xE9;
                }
            }
            out.write_all(&bytes)?;
            out.write_all(b"\n")?;
        } else {
            writeln!(out, "{line}")?;
        }
        plan.records += 1;
    }
    out.flush()?;
    Ok(plan)
}

pub(crate) fn run(args: &DemoArgs) -> anyhow::Result<()> {
    let root = &args.out;
    let branches_dir = root.join("input").join("branches");
    let exports_dir = root.join("input").join("exports");
    let out_dir = root.join("output");
    for d in [&branches_dir, &exports_dir, &out_dir] {
        fs::create_dir_all(d).with_context(|| d.display().to_string())?;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    eprintln!(
        "== crm demo (seed {}, {} leads) in {}",
        args.seed,
        thousands(args.rows as u64),
        root.display()
    );

    eprintln!("\n-- generating {} branch lead files in {}", BRANCHES.len(), branches_dir.display());
    let password_file = root.join("input").join("branch-passwords.csv");
    let planted = write_branch_files(&branches_dir, &password_file, args.rows, &mut rng)?;
    eprintln!(
        "   {} lead rows, {} leads repeated at a second branch, {} ragged rows, {} blank line, {} files encrypted",
        thousands(planted.leads as u64),
        planted.cross_branch_duplicates,
        planted.ragged_rows,
        planted.blank_rows,
        BRANCHES.iter().filter(|b| b.password.is_some()).count()
    );

    eprintln!("\n-- crm excel merge (passwords per file, key phone, plafon >= Rp 2.500.000)");
    let merged_path = out_dir.join("leads-merged.xlsx");
    let merge = cmd::excel::merge(&MergeArgs {
        inputs: vec![branches_dir.clone()],
        out: merged_path.clone(),
        passwords: PasswordArgs {
            passwords: Vec::new(),
            password_file: Some(password_file.clone()),
        },
        header: HeaderArgs::default(),
        keys: vec!["phone".into()],
        normalize_phones: vec!["phone".into()],
        keep: KeepArg::MostComplete,
        alias: None,
        filters: vec!["plafon >= 2500000".into()],
        sheet: None,
        all_sheets: false,
        duplicates_out: Some(out_dir.join("leads-duplicates.csv")),
        rejects_out: Some(out_dir.join("leads-rejected.csv")),
    })?;

    eprintln!("\n-- crm excel split --by branch");
    let split_dir = out_dir.join("per-branch");
    let split = cmd::excel::split(&SplitArgs {
        input: merged_path.clone(),
        by: "branch".into(),
        out_dir: split_dir.clone(),
        sheet: Some("Data".into()),
        passwords: PasswordArgs { passwords: Vec::new(), password_file: None },
        header: HeaderArgs::default(),
    })?;

    let n_records = (args.rows * 4).max(100);
    let export_path = exports_dir.join("registrations.txt");
    eprintln!(
        "\n-- generating a broken 30-column registration export ({} records)",
        thousands(n_records as u64)
    );
    let plan = write_export(&export_path, n_records, &mut rng)?;
    eprintln!(
        "   {} records written whole or broken across lines ({} broken), {} truncated beyond repair",
        thousands(plan.records as u64),
        thousands(plan.broken as u64),
        plan.unrecoverable
    );

    eprintln!("\n-- crm txt repair --columns {EXPORT_COLUMNS}");
    let repaired_path = out_dir.join("registrations-repaired.csv");
    let rejects_path = out_dir.join("registrations-rejects.csv");
    let stats = cmd::txt::repair(&RepairArgs {
        input: export_path.clone(),
        columns: EXPORT_COLUMNS,
        delimiter: "|".into(),
        no_header: false,
        no_quotes: false,
        join: JoinArg::Space,
        encoding: EncodingArg::Auto,
        out: repaired_path.clone(),
        rejects: rejects_path.clone(),
    })?;

    let n_customers = (args.rows * 8).max(100);
    let customers_path = root.join("input").join("customers.xlsx");
    eprintln!(
        "\n-- generating {} customer records for identity validation",
        thousands(n_customers as u64)
    );
    let planted = customers::write(&customers_path, n_customers, &mut rng, demo_time())?;
    eprintln!(
        "   planted: {} birthplace typos, {} swapped birth dates, {} wrong genders, {} Excel-truncated NIKs, {} placeholders, {} pre-2022 Papua codes",
        planted.birthplace_typos,
        planted.swapped_dates,
        planted.wrong_gender,
        planted.truncated,
        planted.placeholders,
        planted.historical
    );
    eprintln!("\n-- crm id validate (as of 2026-11-01)");
    let validated_path = out_dir.join("customers-validated.xlsx");
    let validation = cmd::validate::run(&ValidateArgs {
        input: customers_path,
        out: validated_path.clone(),
        sheet: None,
        passwords: PasswordArgs { passwords: Vec::new(), password_file: None },
        nik_col: None,
        kk_col: None,
        name_col: None,
        birthplace_col: None,
        birthdate_col: None,
        gender_col: None,
        as_of: Some("2026-11-01".into()),
        threshold: 85.0,
        fail_on: None,
        report: Some(out_dir.join("customers-report.html")),
    })?;

    let n_shoppers = (args.rows * 5).max(500);
    let input_dir = root.join("input");
    eprintln!(
        "\n-- generating a retail transaction history ({} customers, {} to {}), members, a past event",
        thousands(n_shoppers as u64),
        retail::START,
        retail::END
    );
    let shop = retail::write(&input_dir, n_shoppers, &mut rng)?;
    eprintln!(
        "   {} invoice lines ({} returns, {} malformed rows), {} members, {} invited to the event of {}",
        thousands(shop.lines as u64),
        shop.returns,
        shop.bad_rows,
        thousands(shop.members as u64),
        thousands(shop.invited as u64),
        retail::EVENT
    );
    let rfm_args = |as_of: NaiveDate, out: PathBuf, report: Option<PathBuf>| RfmArgs {
        input: input_dir.join("transactions.csv"),
        customer_col: "customer_id".into(),
        date_col: "date".into(),
        amount_col: "amount".into(),
        invoice_col: Some("invoice_id".into()),
        as_of: as_of.to_string(),
        bins: 5,
        method: MethodArg::Quantile,
        frequency: None,
        monetary: MonetaryArg::Total,
        returns: ReturnsArg::Net,
        segments: "r-rfm".into(),
        out,
        report,
        sheet: None,
        by: Vec::new(),
    };
    eprintln!("\n-- crm rfm (as of {}, distinct invoices, returns netted)", retail::END);
    let rfm_path = out_dir.join("rfm-customers.xlsx");
    let rfm_report = out_dir.join("rfm-report.html");
    let rfm = cmd::rfm::run(&rfm_args(retail::END, rfm_path.clone(), Some(rfm_report.clone())))?;

    eprintln!("\n-- crm segment: K-Means on log1p + standardised R, F, M (k chosen from 2..8)");
    let rfm_csv = out_dir.join("rfm-customers.csv");
    cmd::rfm::run(&rfm_args(retail::END, rfm_csv.clone(), None))?;
    let clusters_path = out_dir.join("customer-clusters.xlsx");
    let model_path = out_dir.join("cluster-model.json");
    let clusters_report = out_dir.join("clusters-report.html");
    let segments = cmd::segment::run(&SegmentArgs {
        input: Some(rfm_csv.clone()),
        features: ["recency_days", "frequency", "monetary"].map(String::from).to_vec(),
        transform: TransformArg::Log1p,
        scale: ScaleArg::Standard,
        k: None,
        k_range: Some("2..8".into()),
        n_init: 10,
        seed: args.seed,
        names: Vec::new(),
        out: Some(clusters_path.clone()),
        model_out: Some(model_path.clone()),
        report: Some(clusters_report.clone()),
    })?;

    let before = retail::EVENT - Days::new(1);
    eprintln!("\n-- crm rfm as of {before}, the day before the event, for the backtest");
    let past_path = out_dir.join("rfm-before-event.csv");
    cmd::rfm::run(&rfm_args(before, past_path.clone(), None))?;
    eprintln!("\n-- crm backtest: did the segments predict who came to the event?");
    let backtest_path = out_dir.join("event-backtest.xlsx");
    let bt = cmd::campaign::backtest_cmd(&BacktestArgs {
        input: past_path.clone(),
        outcome_file: input_dir.join("event-attendance.csv"),
        customer_col: "customer_id".into(),
        segment_col: "segment".into(),
        outcome_col: Some("attended".into()),
        out: backtest_path.clone(),
    })?;

    eprintln!("\n-- crm audience (rules in input/audience-rules.txt)");
    let rules_path = input_dir.join("audience-rules.txt");
    fs::write(&rules_path, retail::AUDIENCE_RULES)
        .with_context(|| rules_path.display().to_string())?;
    let audience_path = out_dir.join("audience.xlsx");
    let audience = cmd::campaign::audience(&AudienceArgs {
        input: input_dir.join("members.csv"),
        rules: rules_path,
        excludes: vec![input_dir.join("other-campaign.csv")],
        as_of: Some(retail::END.to_string()),
        columns: ["member_id", "name", "gender", "email", "whatsapp"].map(String::from).to_vec(),
        out: audience_path.clone(),
    })?;

    let n_leads = (args.rows * 2).max(1_000);
    eprintln!(
        "\n-- generating {} telesales leads with call outcomes, and {} new leads to score",
        thousands(n_leads as u64),
        thousands((n_leads / 4) as u64)
    );
    let history = input_dir.join("telesales-history.csv");
    let (contacted, booked) = leads::write(&history, n_leads, true, &mut rng)?;
    let fresh = input_dir.join("new-leads.csv");
    leads::write(&fresh, n_leads / 4, false, &mut rng)?;
    eprintln!(
        "   {} contacted ({:.1}%), {} booked ({:.1}%); call_status and call_seconds are filled after the call",
        thousands(contacted as u64),
        100.0 * contacted as f64 / n_leads as f64,
        thousands(booked as u64),
        100.0 * booked as f64 / n_leads as f64
    );
    eprintln!(
        "\n-- crm leads train: two stages, P(contact) x P(booking | contact), best of three families"
    );
    let lead_model = out_dir.join("lead-model.json");
    let lead_report = out_dir.join("lead-scoring-report.html");
    let trained = cmd::leads::train(&LeadsTrainArgs {
        input: history,
        target: None,
        contact_target: Some("contacted".into()),
        booking_target: Some("booked".into()),
        positive: Some("ya".into()),
        excludes: ["lead_id", "name", "phone"].map(String::from).to_vec(),
        leakage: ["call_status", "call_seconds"].map(String::from).to_vec(),
        date_col: None,
        split: SplitArg::Random,
        model: FamilyArg::Best,
        tune: 1,
        cv: Some(3),
        balanced: false,
        seed: args.seed,
        model_out: lead_model.clone(),
        report: Some(lead_report.clone()),
    })?;
    eprintln!("\n-- crm leads score: the call list, best first");
    let call_list = out_dir.join("call-list.xlsx");
    cmd::leads::score(&LeadsScoreArgs {
        input: fresh,
        model: lead_model.clone(),
        out: call_list.clone(),
        sort: true,
    })?;

    eprintln!("\n-- crm mail plan: each branch its part of the call list, attached (no network)");
    let directory_path = input_dir.join("branch-directory.csv");
    write_directory(&directory_path)?;
    let outbox = out_dir.join("outbox");
    let mailing = cmd::mail::plan(&MailPlanArgs {
        input: call_list.clone(),
        branch_col: "branch".into(),
        directory: directory_path,
        template: None,
        text_template: None,
        subject: None,
        campaign: "LEADS-2026-11".into(),
        from: "Tim CRM <crm@multifinance.example.co.id>".into(),
        attach: AttachArg::Xlsx,
        summary_col: Some("tier".into()),
        allowed_domains: vec!["multifinance.example.co.id".into()],
        date: Some("2026-11-01".into()),
        drafts: true,
        outbox: outbox.clone(),
    })?;

    eprintln!("\n-- crm message render: the WhatsApp text for the audience");
    let wa_template = input_dir.join("whatsapp.txt");
    fs::write(
        &wa_template,
        "Halo {{ salutation }} {{ name }}, terima kasih telah menjadi member {{ tier }}. \
         Tunjukkan pesan ini di toko kami untuk voucher Hari Belanja. Info: 1500-123.\n",
    )
    .with_context(|| wa_template.display().to_string())?;
    let texts_path = out_dir.join("whatsapp-texts.csv");
    let texts = cmd::mail::render(&MessageRenderArgs {
        template: wa_template,
        input: input_dir.join("members.csv"),
        channel: ChannelArg::Whatsapp,
        out: texts_path.clone(),
    })?;

    eprintln!("\n-- crm message autodebit (December 2026, fixed-date national holidays)");
    let calendar = input_dir.join("holidays-2026.csv");
    fs::write(
        &calendar,
        "date,name\n2026-01-01,Tahun Baru Masehi\n2026-05-01,Hari Buruh\n2026-06-01,Hari Lahir Pancasila\n\
         2026-08-17,Hari Kemerdekaan RI\n2026-12-25,Hari Raya Natal\n",
    )
    .with_context(|| calendar.display().to_string())?;
    let debit_customers = input_dir.join("autodebit-customers.csv");
    write_debit_customers(&debit_customers, n_shoppers.min(5_000), &mut rng)?;
    let notices_path = out_dir.join("autodebit-notices-2026-12.csv");
    let notices = cmd::mail::autodebit(&AutodebitArgs {
        customers: debit_customers,
        day_col: "debit_day".into(),
        calendar,
        month: "2026-12".into(),
        weekend: vec!["sat".into(), "sun".into()],
        out: notices_path.clone(),
    })?;

    eprintln!("\n== done. Where to look:");
    let show = |p: &PathBuf, what: &str| eprintln!("   {:<52} {what}", p.display());
    show(
        &merged_path,
        &format!(
            "{} clean leads from {} sources (Data, Summary, Duplicates, Rejected)",
            thousands(merge.rows as u64),
            merge.sources
        ),
    );
    show(
        &out_dir.join("leads-duplicates.csv"),
        &format!("{} duplicates removed, with the row kept for each", merge.duplicates),
    );
    show(
        &out_dir.join("leads-rejected.csv"),
        &format!("{} malformed rows, with reasons", merge.rejected),
    );
    show(&split_dir, &format!("{} per-branch workbooks", split.files.len()));
    show(
        &repaired_path,
        &format!(
            "{} records ({} repaired)",
            thousands(stats.intact + stats.repaired),
            thousands(stats.repaired)
        ),
    );
    show(&rejects_path, &format!("{} unrecoverable line groups", stats.rejected));
    show(
        &validated_path,
        &format!(
            "{} customers: {} with errors, {} with warnings (Data, Summary, Errors)",
            thousands(validation.records as u64),
            thousands(validation.errors as u64),
            thousands(validation.warnings as u64)
        ),
    );
    show(
        &out_dir.join("customers-report.html"),
        "validation report: status chart, field x code heat map",
    );
    show(
        &rfm_path,
        &format!(
            "{} customers with R/F/M scores and segments (Customers, Thresholds, Segments, Coverage, Rejects)",
            thousands(rfm.features.len() as u64)
        ),
    );
    show(&rfm_report, "RFM report: segment sizes and revenue, R x F heat maps");
    let sizes: Vec<String> = segments
        .profiles
        .iter()
        .map(|p| format!("{} {}", p.name, thousands(p.size as u64)))
        .collect();
    show(
        &clusters_path,
        &format!(
            "{} customers in k = {} clusters: {}",
            thousands(segments.rows as u64),
            segments.k,
            sizes.join(", ")
        ),
    );
    show(&model_path, "the saved model (crm segment predict assigns new customers)");
    show(&clusters_report, "clustering report: elbow, silhouette, profiles");
    let best = bt.segments.first().map_or(String::new(), |s| {
        format!(
            "; best: {} at {:.1}% vs {:.1}% overall",
            s.segment,
            100.0 * s.rate,
            100.0 * bt.rate
        )
    });
    show(&backtest_path, &format!("event attendance by segment{best}"));
    let lists: Vec<String> =
        audience.groups.iter().map(|(g, n)| format!("{g} {}", thousands(*n as u64))).collect();
    show(
        &audience_path,
        &format!(
            "{} members for the campaign ({}), with every step counted",
            thousands(audience.selected as u64),
            lists.join(", ")
        ),
    );
    show(
        &outbox,
        &format!(
            "{} branch e-mails (.eml drafts for Outlook) + plan.csv; {} leads held back, {} problems in problems.csv",
            mailing.messages,
            thousands(mailing.unplanned_leads as u64),
            mailing.problems
        ),
    );
    let final_auc = trained.report.final_metrics.as_ref().map_or(0.0, |m| m.roc_auc);
    let single_auc = trained.report.single_stage.as_ref().map_or(0.0, |m| m.roc_auc);
    show(
        &lead_model,
        &format!(
            "two-stage lead model: test AUC {final_auc:.3} for P1 x P2 (single-stage model: {single_auc:.3})"
        ),
    );
    show(&lead_report, "lead-scoring report: metrics, gains chart, deciles, importances");
    show(&call_list, "new leads scored, sorted best first, with decile and tier A-D");
    show(&texts_path, &format!("{} WhatsApp texts (rejects beside it)", thousands(texts as u64)));
    show(
        &notices_path,
        &format!(
            "{} customers whose December debit falls on a weekend or holiday",
            thousands(notices as u64)
        ),
    );
    Ok(())
}

/// The branch directory of the demo: one branch has a typo'd address, one is missing,
/// one has a copy recipient.
fn write_directory(path: &Path) -> anyhow::Result<()> {
    let text = "branch,email,cc,area\n\
        Bekasi,cabang.bekasi@multifinance.example.co.id,rm.jabar@multifinance.example.co.id,Jawa Barat\n\
        Bogor,cabang.bogor@multifinance.example.co.id,,Jawa Barat\n\
        Depok,cabang.depok@multifinance.example.co,,Jawa Barat\n\
        Tangerang,cabang.tangerang@multifinance.example.co.id,,Banten\n\
        Serang,cabang.serang@multifinance.example.co.id,,Banten\n";
    fs::write(path, text).with_context(|| path.display().to_string())
}

/// Customers with an auto-debit day (1-28 mostly, some 29-31).
fn write_debit_customers(path: &Path, n: usize, rng: &mut ChaCha8Rng) -> anyhow::Result<()> {
    let mut w = BufWriter::new(File::create(path).with_context(|| path.display().to_string())?);
    writeln!(w, "customer_id,name,debit_day")?;
    for i in 0..n {
        let day = if rng.random_bool(0.05) {
            rng.random_range(29..=31)
        } else {
            rng.random_range(1..=28)
        };
        writeln!(w, "M{:06},{} {},{day}", i + 1, pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES))?;
    }
    w.flush()?;
    Ok(())
}
