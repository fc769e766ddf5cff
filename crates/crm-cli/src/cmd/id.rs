//! `crm id nik` and `crm id kk`.

use std::io::{BufRead, BufWriter, Write};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use crm_idvalidate::{Code, Gender, Region, Status, check_kk, check_nik};
use serde_json::{Value, json};

use crate::args::IdArgs;

/// Which number the command checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Nik,
    Kk,
}

/// Parses `--as-of`, defaulting to today (the CLI may read the clock; the library never does).
pub(crate) fn as_of(arg: Option<&str>) -> anyhow::Result<NaiveDate> {
    match arg {
        // The shared date forms (crm-core), as in the files: 2026-11-22, 22/11/2026, ...
        Some(s) => crm_core::parse_date(s).map(NaiveDate::from).with_context(|| {
            format!("--as-of must be a date like 2026-11-22 or 22/11/2026, not {s:?}")
        }),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

pub(crate) fn run(args: &IdArgs, kind: Kind) -> anyhow::Result<()> {
    let as_of = as_of(args.as_of.as_deref())?;
    if args.numbers.iter().filter(|n| *n == "-").count() > 1 {
        bail!("`-` (standard input) can be given once");
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    for number in &args.numbers {
        if number == "-" {
            let stdin = std::io::stdin();
            for line in stdin.lock().lines() {
                let line = line.context("standard input")?;
                if line.trim().is_empty() {
                    continue;
                }
                write_one(&mut out, &line, kind, as_of, args.json)?;
            }
        } else {
            write_one(&mut out, number, kind, as_of, args.json)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn region_fields(region: Option<&Region>) -> [(&'static str, Value); 8] {
    let r = region;
    [
        ("province_code", r.map_or(Value::Null, |r| r.province_code().into())),
        ("regency_code", r.map_or(Value::Null, |r| r.regency_code().into())),
        ("district_code", r.map_or(Value::Null, |r| r.district_code().into())),
        ("province", r.map_or(Value::Null, |r| r.province().name().into())),
        ("regency", r.map_or(Value::Null, |r| r.regency_name().into())),
        ("district", r.and_then(Region::district_name).map_or(Value::Null, Into::into)),
        (
            "current_regency_code",
            r.and_then(Region::current_regency_code).map_or(Value::Null, Into::into),
        ),
        (
            "current_district_code",
            r.and_then(Region::current_district_code).map_or(Value::Null, Into::into),
        ),
    ]
}

fn write_one(
    out: &mut impl Write,
    input: &str,
    kind: Kind,
    as_of: NaiveDate,
    json: bool,
) -> anyhow::Result<()> {
    let (codes, status, region, date_field, date, gender, serial) = match kind {
        Kind::Nik => {
            let c = check_nik(input, as_of);
            let status = c.status();
            (
                c.codes,
                status,
                c.region,
                "birth_date",
                c.birth_date.map(|b| b.date()),
                c.gender,
                c.serial,
            )
        }
        Kind::Kk => {
            let c = check_kk(input, as_of);
            let status = c.status();
            (c.codes, status, c.region, "issue_date", c.issue_date, None, c.serial)
        }
    };
    let code_texts: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
    if json {
        let mut obj = serde_json::Map::new();
        obj.insert("input".into(), input.into());
        obj.insert("valid".into(), (status != Status::Error).into());
        obj.insert("status".into(), status.as_str().into());
        obj.insert("codes".into(), json!(code_texts));
        for (k, v) in region_fields(region.as_ref()) {
            obj.insert(k.into(), v);
        }
        obj.insert(date_field.into(), date.map_or(Value::Null, |d| d.to_string().into()));
        if kind == Kind::Nik {
            obj.insert("gender".into(), gender.map_or(Value::Null, |g| g.as_str().into()));
        }
        obj.insert("serial".into(), serial.map_or(Value::Null, |s| format!("{s:04}").into()));
        serde_json::to_writer(&mut *out, &Value::Object(obj))?;
        writeln!(out)?;
    } else {
        let mut facts = Vec::new();
        if let Some(r) = &region {
            match r.district_name() {
                Some(d) => facts.push(format!("{} / {d}", r.regency_name())),
                None => facts.push(r.regency_name().to_owned()),
            }
        }
        if let Some(g) = gender {
            facts.push(match g {
                Gender::Male => "male".to_owned(),
                Gender::Female => "female".to_owned(),
            });
        }
        if let Some(d) = date {
            facts.push(format!("{} {d}", if kind == Kind::Nik { "born" } else { "issued" }));
        }
        let problems: Vec<&str> = codes
            .iter()
            .filter(|c| c.severity() != crm_idvalidate::Severity::Info)
            .map(|c| Code::as_str(*c))
            .collect();
        writeln!(
            out,
            "{input}\t{status}\t{}\t{}",
            if problems.is_empty() { "-".to_owned() } else { problems.join(";") },
            facts.join(", ")
        )?;
    }
    Ok(())
}
