//! `crm audience` and `crm backtest`: campaign lists and what past campaigns achieved.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::cmd::write_table;
use anyhow::{Context, bail};
use crm_excel::{Cell, ReaderBuilder, Table, XlsxWriter, safe_file_stem};
use crm_rfm::{AudienceSpec, MemberStatus, Members, backtest, select_audience};

use crate::args::{AudienceArgs, BacktestArgs};
use crate::cmd::excel::{OutKind, out_kind};
use crate::summary::thousands;

/// Rows of text, each with its row number in the file.
pub(crate) type TextRows = Vec<(u64, Vec<String>)>;

/// A whole table as text (dates as `YYYY-MM-DD`, date-times with a time of day as
/// `YYYY-MM-DD HH:MM:SS`, which every date reader here accepts): the header and the rows.
pub(crate) fn read_text_table(path: &Path) -> anyhow::Result<(Vec<String>, TextRows)> {
    let mut reader = crate::cmd::open(path, ReaderBuilder::new().infer_types(false))?;
    let headers = reader.headers().to_vec();
    let mut rows = Vec::new();
    // Rows with values beyond the last header: the values have no column, so they are
    // reported (never dropped silently); the rows themselves are kept.
    let mut ragged: Vec<u64> = Vec::new();
    for row in reader.rows() {
        let row = row?;
        if !row.stray_cells().is_empty() {
            ragged.push(row.number());
        }
        let number = row.number();
        let cells = row
            .into_cells()
            .into_iter()
            .map(|c| match c {
                Cell::String(s) => s,
                Cell::Date(d) => d.to_string(),
                Cell::DateTime(dt) if dt.time() == chrono::NaiveTime::MIN => dt.date().to_string(),
                other => other.to_text().into_owned(),
            })
            .collect();
        rows.push((number, cells));
    }
    if !ragged.is_empty() {
        let listed: Vec<String> = ragged.iter().take(10).map(u64::to_string).collect();
        let more = if ragged.len() > 10 {
            format!(" and {} more", ragged.len() - 10)
        } else {
            String::new()
        };
        eprintln!(
            "{}: {} rows have values beyond the {} columns of the header, which are ignored (rows {}{more})",
            path.display(),
            ragged.len(),
            headers.len(),
            listed.join(", ")
        );
    }
    Ok((headers, rows))
}

fn column(headers: &[String], name: &str, file: &Path, flag: &str) -> anyhow::Result<usize> {
    crm_core::find_column(headers, name).with_context(|| {
        format!(
            "{}: {flag} {name:?}: no such column (columns: {})",
            file.display(),
            crm_excel::column_list(headers)
        )
    })
}

pub(crate) struct AudienceOutcome {
    pub(crate) selected: usize,
    pub(crate) groups: Vec<(String, usize)>,
}

pub(crate) fn audience(args: &AudienceArgs) -> anyhow::Result<AudienceOutcome> {
    let kind = out_kind(&args.out)?;
    let as_of = crate::cmd::id::as_of(args.as_of.as_deref())?;
    let text =
        std::fs::read_to_string(&args.rules).with_context(|| args.rules.display().to_string())?;
    let spec = AudienceSpec::parse(&text).with_context(|| args.rules.display().to_string())?;
    let (headers, rows) = read_text_table(&args.input)?;
    let mut members = Members::new(headers.clone());
    let mut numbers = Vec::with_capacity(rows.len());
    for (number, mut cells) in rows {
        // The reader gives one cell per header; read_text_table reported values beyond it.
        cells.truncate(headers.len());
        members.push(cells)?;
        numbers.push(number);
    }
    if !args.excludes.is_empty() && spec.exclude.is_none() {
        bail!("--exclude files given but the rules have no `exclude COLUMN` line");
    }
    let mut exclusions = HashSet::new();
    for path in &args.excludes {
        let (h, rows) = read_text_table(path)?;
        // The rule's column, by name: never a guess at another column.
        let name = spec.exclude.as_deref().unwrap_or_default();
        let c = column(&h, name, path, "--exclude file: the rule `exclude`")?;
        exclusions.extend(rows.into_iter().filter_map(|(_, r)| r.get(c).cloned()));
    }
    let a = select_audience(&members, &spec, as_of, &exclusions)
        .with_context(|| args.input.display().to_string())?;

    let out_cols: Vec<usize> = if args.columns.is_empty() {
        (0..headers.len()).collect()
    } else {
        args.columns
            .iter()
            .map(|c| column(&headers, c, &args.input, "--columns"))
            .collect::<anyhow::Result<_>>()?
    };
    let table_of = |rows: &[usize]| -> anyhow::Result<Table> {
        let mut t = Table::new(out_cols.iter().map(|&c| headers[c].clone()).collect());
        for &i in rows {
            let r = members.row(i);
            t.push_row(out_cols.iter().map(|&c| Cell::from(r[c].as_str())).collect())?;
        }
        Ok(t)
    };
    let lists: Vec<(String, Table)> = if a.groups.is_empty() {
        vec![("audience".to_string(), table_of(&a.selected)?)]
    } else {
        a.groups
            .iter()
            .map(|g| Ok((g.value.clone(), table_of(&g.rows)?)))
            .collect::<anyhow::Result<_>>()?
    };

    // Every member's fate.
    let mut status = Table::new(["row", "status", "detail"].map(String::from).to_vec());
    for (i, s) in a.status.iter().enumerate() {
        let (what, detail) = match *s {
            MemberStatus::Selected => continue,
            MemberStatus::Filtered(k) => ("filtered", spec.filters[k].text.clone()),
            MemberStatus::Excluded => ("excluded", "in another campaign".to_string()),
            MemberStatus::Duplicate(kept) => ("duplicate", format!("of row {}", numbers[kept])),
            MemberStatus::OverCap => ("over cap", String::new()),
            _ => ("left out", String::new()),
        };
        status.push_row(vec![
            Cell::Int(numbers[i] as i64),
            Cell::from(what),
            Cell::String(detail),
        ])?;
    }
    let mut steps = Table::new(["step", "members"].map(String::from).to_vec());
    let st = a.steps;
    for (name, n) in [
        ("input", st.input),
        ("matched every filter", st.matched),
        ("excluded (other campaigns)", st.excluded),
        ("duplicates", st.duplicates),
        ("over the cap", st.over_cap),
        ("selected", st.selected),
    ] {
        steps.push_row(vec![Cell::from(name), Cell::Int(n as i64)])?;
    }
    for (f, n) in spec.filters.iter().zip(&a.filtered_by) {
        steps.push_row(vec![Cell::String(format!("failed: {}", f.text)), Cell::Int(*n as i64)])?;
    }
    for g in &a.groups {
        steps.push_row(vec![
            Cell::String(format!("list {} (blank values shared in: {})", g.value, g.shared)),
            Cell::Int(g.rows.len() as i64),
        ])?;
    }

    match kind {
        OutKind::Xlsx => {
            let mut sheets: Vec<(&str, &Table)> =
                lists.iter().map(|(name, t)| (name.as_str(), t)).collect();
            sheets.push(("Steps", &steps));
            sheets.push(("Left out", &status));
            let mut xlsx = XlsxWriter::new();
            xlsx.write_tables(&sheets)?;
            xlsx.save(&args.out)?;
            eprintln!("wrote {}", args.out.display());
        }
        OutKind::Table => {
            if args.out.as_os_str() == "-" {
                bail!(
                    "an audience is several tables (lists, steps, status): give a .csv, .parquet \
                     or .xlsx file for --out, not -"
                );
            }
            let stem =
                args.out.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let ext =
                args.out.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
            let sibling = |suffix: &str| args.out.with_file_name(format!("{stem}{suffix}.{ext}"));
            let mut paths: Vec<PathBuf> = Vec::new();
            if a.groups.is_empty() {
                paths.push(args.out.clone());
            } else {
                for (name, _) in &lists {
                    paths.push(sibling(&format!("-{}", safe_file_stem(name))));
                }
            }
            paths.push(sibling(".steps"));
            paths.push(sibling(".status"));
            let tables = lists.iter().map(|(_, t)| t).chain([&steps, &status]);
            for (path, t) in paths.iter().zip(tables) {
                write_table(path, t)?;
                eprintln!("wrote {}", path.display());
            }
        }
    }
    eprintln!(
        "audience of {}: {} members, {} matched, {} excluded, {} duplicates, {} over the cap, {} selected",
        args.input.display(),
        thousands(st.input as u64),
        thousands(st.matched as u64),
        thousands(st.excluded as u64),
        thousands(st.duplicates as u64),
        thousands(st.over_cap as u64),
        thousands(st.selected as u64)
    );
    for g in &a.groups {
        eprintln!("  {}: {} ({} shared in)", g.value, thousands(g.rows.len() as u64), g.shared);
    }
    Ok(AudienceOutcome {
        selected: st.selected,
        groups: a.groups.iter().map(|g| (g.value.clone(), g.rows.len())).collect(),
    })
}

pub(crate) fn backtest_cmd(args: &BacktestArgs) -> anyhow::Result<crm_rfm::Backtest> {
    let kind = out_kind(&args.out)?;
    let (sh, srows) = read_text_table(&args.input)?;
    let sc = column(&sh, &args.customer_col, &args.input, "--customer-col")?;
    let sg = column(&sh, &args.segment_col, &args.input, "--segment-col")?;
    let (oh, orows) = read_text_table(&args.outcome_file)?;
    let oc = column(&oh, &args.customer_col, &args.outcome_file, "--customer-col")?;
    let ov = args
        .outcome_col
        .as_deref()
        .map(|c| column(&oh, c, &args.outcome_file, "--outcome-col"))
        .transpose()?;
    let mut outcome: HashMap<String, bool> = HashMap::new();
    // Rows that say nothing: no customer id, or no outcome value (counted and reported).
    let (mut blank_ids, mut blank_outcomes) = (0u64, 0u64);
    for (number, r) in &orows {
        let id = r.get(oc).map(|s| s.trim().to_string()).unwrap_or_default();
        if id.is_empty() {
            blank_ids += 1;
            continue;
        }
        let positive = match ov {
            None => true,
            Some(c) => {
                let v = r.get(c).map_or("", String::as_str);
                if crm_core::is_missing(v) {
                    // No answer recorded: not evidence of a positive outcome.
                    blank_outcomes += 1;
                    false
                } else {
                    crm_core::parse_bool(v).with_context(|| {
                        format!(
                            "{}: row {number}: outcome {:?} is not a yes/no value (1/0, true/false, yes/no, ya/tidak, hadir/tidak hadir)",
                            args.outcome_file.display(),
                            crate::summary::excerpt(v)
                        )
                    })?
                }
            }
        };
        let e = outcome.entry(id).or_insert(false);
        *e |= positive;
    }
    if blank_ids + blank_outcomes > 0 {
        eprintln!(
            "{}: {} rows without a customer id skipped; {} rows without an outcome value read as no outcome",
            args.outcome_file.display(),
            thousands(blank_ids),
            thousands(blank_outcomes)
        );
    }
    let mut seen = HashSet::new();
    let mut pairs: Vec<(&str, bool)> = Vec::with_capacity(srows.len());
    for (_, r) in &srows {
        let id = r.get(sc).map_or("", |s| s.trim());
        let segment = r.get(sg).map_or("", String::as_str);
        seen.insert(id);
        pairs.push((segment, outcome.get(id).copied().unwrap_or(false)));
    }
    let unknown = outcome.keys().filter(|k| !seen.contains(k.as_str())).count();
    let bt = backtest(pairs).with_context(|| args.input.display().to_string())?;

    let cols = [
        "segment",
        "customers",
        "positives",
        "rate",
        "ci95_low",
        "ci95_high",
        "lift",
        "random_expected",
        "p_vs_random",
        "cum_customers_share",
        "cum_positives_share",
    ];
    let mut t = Table::new(cols.map(String::from).to_vec());
    for (s, c) in bt.segments.iter().zip(&bt.capture) {
        t.push_row(vec![
            Cell::from(s.segment.as_str()),
            Cell::Int(s.customers as i64),
            Cell::Int(s.positives as i64),
            Cell::Float(s.rate),
            Cell::Float(s.ci95.0),
            Cell::Float(s.ci95.1),
            s.lift.map_or(Cell::Empty, Cell::Float),
            Cell::Float(s.random_expected),
            Cell::Float(s.p_vs_random),
            Cell::Float(c.customers_share),
            Cell::Float(c.positives_share),
        ])?;
    }
    match kind {
        OutKind::Table => write_table(&args.out, &t)?,
        OutKind::Xlsx => {
            let mut xlsx = XlsxWriter::new();
            xlsx.write_table("Backtest", &t)?;
            xlsx.save(&args.out)?;
        }
    }
    eprintln!(
        "backtest of {}: {} customers, {} positive ({:.1}%)",
        args.input.display(),
        thousands(bt.customers as u64),
        thousands(bt.positives as u64),
        100.0 * bt.rate
    );
    if unknown > 0 {
        eprintln!("  note: {unknown} customers in the outcome file are not in the segments file");
    }
    eprintln!(
        "  {:<22} {:>9} {:>7} {:>15} {:>6} {:>9}",
        "segment", "customers", "rate", "95% CI", "lift", "p(random)"
    );
    for s in &bt.segments {
        eprintln!(
            "  {:<22} {:>9} {:>6.1}% {:>6.1}%-{:>5.1}% {:>6} {:>9.3}",
            s.segment,
            thousands(s.customers as u64),
            100.0 * s.rate,
            100.0 * s.ci95.0,
            100.0 * s.ci95.1,
            s.lift.map_or("-".to_string(), |l| format!("{l:.2}")),
            s.p_vs_random
        );
    }
    eprintln!("wrote {}", args.out.display());
    Ok(bt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_date_times_keep_their_time_of_day() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads.xlsx");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 5, 4).unwrap();
        let mut t = crm_excel::Table::new(vec!["arrived".into()]);
        t.push_row(vec![Cell::DateTime(day.and_hms_opt(9, 30, 0).unwrap())]).unwrap();
        t.push_row(vec![Cell::DateTime(day.and_hms_opt(0, 0, 0).unwrap())]).unwrap();
        let mut xlsx = crm_excel::XlsxWriter::new();
        xlsx.write_table("Leads", &t).unwrap();
        xlsx.save(&path).unwrap();
        let (_, rows) = read_text_table(&path).unwrap();
        let texts: Vec<&str> = rows.iter().map(|(_, r)| r[0].as_str()).collect();
        assert_eq!(texts, ["2026-05-04 09:30:00", "2026-05-04"]);
    }
}
