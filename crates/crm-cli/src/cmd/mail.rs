//! `crm mail plan|send` and `crm message render|autodebit`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cmd::write_csv;
use anyhow::{Context, bail};
use chrono::{NaiveDate, TimeZone, Weekday};
use crm_excel::{Cell, Table, XlsxWriter};
use crm_mail::{
    AddressPolicy, Attachment, BranchContext, BranchMessage, Calendar, Channel, Directory, Folder,
    Plan, Security, SendLog, SendOptions, Smtp, SmtpConfig, SummaryTable, Templates, TextTemplate,
    Transport, XLSX, autodebit_notices, branch_key, send_plan,
};

use crate::args::{
    AttachArg, AutodebitArgs, ChannelArg, MailPlanArgs, MailSendArgs, MessageRenderArgs,
};
use crate::cmd::campaign::{TextRows, read_text_table};
use crate::cmd::excel::write_with_rejects;
use crate::summary::thousands;

fn column(headers: &[String], name: &str, file: &Path, what: &str) -> anyhow::Result<usize> {
    find(headers, name).with_context(|| {
        format!(
            "{}: {what} {name:?}: no such column (columns: {})",
            file.display(),
            crm_excel::column_list(headers)
        )
    })
}

fn find(headers: &[String], name: &str) -> Option<usize> {
    crm_core::find_column(headers, name)
}

/// What planning produced.
pub(crate) struct PlanOutcome {
    pub(crate) messages: usize,
    pub(crate) problems: usize,
    pub(crate) unplanned_leads: usize,
}

pub(crate) fn plan(args: &MailPlanArgs) -> anyhow::Result<PlanOutcome> {
    let date = match &args.date {
        Some(d) => crm_core::parse_date(d)
            .map(NaiveDate::from)
            .with_context(|| format!("--date {d:?}: expected a date like 2026-11-22"))?,
        None => chrono::Local::now().date_naive(),
    };
    // Western Indonesia time (WIB), 08:00, so the Date header and the file bytes are fixed.
    let wib = chrono::FixedOffset::east_opt(7 * 3600).expect("valid offset");
    let stamp = wib
        .from_local_datetime(&date.and_hms_opt(8, 0, 0).expect("valid time"))
        .single()
        .expect("fixed offsets are unambiguous");

    let read = |p: &PathBuf| std::fs::read_to_string(p).with_context(|| p.display().to_string());
    let html = match &args.template {
        Some(p) => read(p)?,
        None => crm_mail::BUILTIN_HTML.to_string(),
    };
    let text = args.text_template.as_ref().map(read).transpose()?;
    let templates = Templates::new(&html, text.as_deref(), args.subject.as_deref())?;

    let (headers, rows) = read_text_table(&args.input)?;
    let bcol = column(&headers, &args.branch_col, &args.input, "--branch-col")?;
    let scol = args
        .summary_col
        .as_deref()
        .map(|c| column(&headers, c, &args.input, "--summary-col"))
        .transpose()?;

    let (dh, drows) = read_text_table(&args.directory)?;
    let policy = if args.allowed_domains.is_empty() {
        AddressPolicy::default()
    } else {
        AddressPolicy::allow_domains(args.allowed_domains.clone())
    };
    let directory = Directory::from_table(&dh, drows, &policy)
        .with_context(|| args.directory.display().to_string())?;

    // Leads per branch, in order of first appearance; rows without a branch are counted.
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, (String, Vec<usize>)> = HashMap::new();
    let mut no_branch = 0usize;
    for (i, (_, r)) in rows.iter().enumerate() {
        let b = r.get(bcol).map_or("", |s| s.trim());
        if b.is_empty() {
            no_branch += 1;
            continue;
        }
        let key = branch_key(b);
        groups
            .entry(key.clone())
            .or_insert_with(|| {
                order.push(key.clone());
                (b.to_string(), Vec::new())
            })
            .1
            .push(i);
    }
    let names: Vec<&str> = order.iter().map(|k| groups[k].0.as_str()).collect();
    let problems = directory.problems_for(names.iter().copied());

    let mut messages = Vec::new();
    let mut unplanned = no_branch;
    for key in &order {
        let (branch, members) = &groups[key];
        let Some(rec) = directory.get(branch).filter(|r| !r.to.is_empty()) else {
            unplanned += members.len();
            continue;
        };
        let table = summary(&headers, &rows, members, scol);
        let content = templates
            .render(&BranchContext {
                branch: rec.branch.clone(),
                area: rec.area.clone(),
                campaign: args.campaign.clone(),
                rows: members.len(),
                date: date.to_string(),
                table,
                fields: BTreeMap::new(),
            })
            .with_context(|| format!("branch {branch}"))?;
        let attachment = match args.attach {
            AttachArg::None => None,
            kind => {
                Some(attachment(&headers, &rows, members, kind, &args.campaign, &rec.branch, date)?)
            }
        };
        messages.push((
            BranchMessage {
                campaign: args.campaign.clone(),
                branch: rec.branch.clone(),
                from: args.from.clone(),
                to: rec.to.clone(),
                cc: rec.cc.clone(),
                content,
                attachment,
                date: stamp,
            },
            members.len(),
        ));
    }
    let plan = Plan::write(&args.outbox, &messages, args.drafts)?;
    let problems_path = args.outbox.join("problems.csv");
    let mut w = csv::Writer::from_path(&problems_path)
        .with_context(|| problems_path.display().to_string())?;
    w.write_record(["kind", "branch", "detail"])?;
    for p in &problems {
        w.write_record([p.kind(), p.branch(), &p.describe()])?;
    }
    if no_branch > 0 {
        w.write_record([
            "no_branch_in_data",
            "",
            &format!("{no_branch} leads without a branch value"),
        ])?;
    }
    w.flush()?;
    let leads: usize = plan.entries.iter().map(|e| e.rows).sum();
    eprintln!(
        "planned {} e-mails ({} leads) from {} leads of {} in {}",
        thousands(plan.entries.len() as u64),
        thousands(leads as u64),
        thousands(rows.len() as u64),
        args.input.display(),
        args.outbox.display()
    );
    if unplanned > 0 || !problems.is_empty() {
        eprintln!(
            "  {} leads not planned; {} problems (problems.csv):",
            thousands(unplanned as u64),
            problems.len()
        );
        for p in problems.iter().take(8) {
            eprintln!("  {}", p.describe());
        }
    }
    eprintln!("wrote {}", args.outbox.join("plan.csv").display());
    Ok(PlanOutcome {
        messages: plan.entries.len(),
        problems: problems.len(),
        unplanned_leads: unplanned,
    })
}

fn summary(
    headers: &[String],
    rows: &TextRows,
    members: &[usize],
    scol: Option<usize>,
) -> SummaryTable {
    match scol {
        Some(c) => {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for &i in members {
                *counts.entry(rows[i].1.get(c).cloned().unwrap_or_default()).or_default() += 1;
            }
            SummaryTable {
                columns: vec![headers[c].clone(), "leads".into()],
                rows: counts.into_iter().map(|(k, n)| vec![k, n.to_string()]).collect(),
            }
        }
        None => {
            let n = headers.len().min(6);
            SummaryTable {
                columns: headers[..n].to_vec(),
                rows: members
                    .iter()
                    .take(10)
                    .map(|&i| rows[i].1.iter().take(n).cloned().collect())
                    .collect(),
            }
        }
    }
}

fn attachment(
    headers: &[String],
    rows: &TextRows,
    members: &[usize],
    kind: AttachArg,
    campaign: &str,
    branch: &str,
    date: NaiveDate,
) -> anyhow::Result<Attachment> {
    let mut t = Table::new(headers.to_vec());
    for &i in members {
        let mut cells: Vec<Cell> =
            rows[i].1.iter().take(headers.len()).map(|s| Cell::from(s.as_str())).collect();
        cells.resize(headers.len(), Cell::Empty);
        t.push_row(cells)?;
    }
    let stem = crm_mail::safe_file_name(&format!("{campaign}-{branch}"));
    Ok(match kind {
        AttachArg::Csv => {
            let mut bytes = Vec::new();
            write_csv(&t, &mut bytes)?;
            Attachment { name: format!("{stem}.csv"), content_type: "text/csv".into(), bytes }
        }
        _ => {
            let mut x = XlsxWriter::new();
            x.created(date.and_hms_opt(8, 0, 0).expect("valid time"));
            x.write_table("Leads", &t)?;
            Attachment {
                name: format!("{stem}.xlsx"),
                content_type: XLSX.into(),
                bytes: x.save_to_buffer()?,
            }
        }
    })
}

pub(crate) fn send(args: &MailSendArgs) -> anyhow::Result<bool> {
    let plan = Plan::load(&args.outbox)?;
    let mut log = SendLog::open(&args.log)?;
    let mut transport: Box<dyn Transport> = match (&args.smtp, &args.folder) {
        (Some(url), _) => {
            let security = if args.tls {
                Security::Tls
            } else if args.starttls {
                Security::StartTls
            } else {
                Security::None
            };
            let mut config = SmtpConfig::from_url(url, security)?;
            if let Some(user) = &args.user {
                let var = args.password_env.as_deref().unwrap_or_default();
                let password = std::env::var(var)
                    .with_context(|| format!("--password-env {var}: the variable is not set"))?;
                config.credentials = Some((user.clone(), password));
            }
            if let Some(path) = &args.ca_cert {
                config.ca_pem =
                    Some(std::fs::read(path).with_context(|| path.display().to_string())?);
            }
            Box::new(Smtp::new(&config)?)
        }
        (None, Some(dir)) => Box::new(Folder::new(dir.clone())?),
        (None, None) => bail!("give --smtp URL or --folder DIR"),
    };
    let options = SendOptions {
        per_minute: args.rate,
        retries: args.retries,
        backoff: Duration::from_millis(args.backoff_ms),
        resend_stuck: args.resend_stuck,
    };
    let s = send_plan(&plan, transport.as_mut(), &mut log, &options)?;
    eprintln!(
        "sent {} of {} e-mails; {} already sent before; {} retried; {} failed; {} stuck",
        s.sent,
        plan.entries.len(),
        s.already_sent,
        s.retried,
        s.failed.len(),
        s.stuck.len()
    );
    for (branch, why) in &s.failed {
        eprintln!("  failed: {branch}: {why}");
    }
    for branch in &s.stuck {
        eprintln!(
            "  stuck: {branch}: an earlier run stopped while sending it; check whether it arrived, then re-run with --resend-stuck if not"
        );
    }
    eprintln!("log: {}", args.log.display());
    Ok(s.failed.is_empty() && s.stuck.is_empty())
}

fn write_table(out: &Path, table: &Table, rejects: &Table) -> anyhow::Result<()> {
    write_with_rejects(out, &[("Data", table)], rejects)?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

pub(crate) fn render(args: &MessageRenderArgs) -> anyhow::Result<usize> {
    let source = std::fs::read_to_string(&args.template)
        .with_context(|| args.template.display().to_string())?;
    let channel = match args.channel {
        ChannelArg::Whatsapp => Channel::WhatsApp,
        ChannelArg::Sms => Channel::Sms,
        ChannelArg::Push => Channel::Push,
    };
    let template =
        TextTemplate::new(&source, channel).with_context(|| args.template.display().to_string())?;
    let (headers, rows) = read_text_table(&args.input)?;
    let maps: Vec<BTreeMap<String, String>> = rows
        .iter()
        .map(|(_, r)| headers.iter().cloned().zip(r.iter().cloned()).collect())
        .collect();
    let batch = template.render_all(rows.iter().map(|(n, _)| *n).zip(maps.iter()));
    let by_row: HashMap<u64, &String> = batch.texts.iter().map(|(n, t)| (*n, t)).collect();
    let mut columns = headers.clone();
    columns.push("text".into());
    let mut t = Table::new(columns);
    for (n, r) in &rows {
        if let Some(text) = by_row.get(n) {
            let mut cells: Vec<Cell> =
                r.iter().take(headers.len()).map(|s| Cell::from(s.as_str())).collect();
            cells.resize(headers.len(), Cell::Empty);
            cells.push(Cell::from(text.as_str()));
            t.push_row(cells)?;
        }
    }
    let mut rej = Table::new(vec!["row".into(), "reason".into()]);
    for (n, p) in &batch.problems {
        rej.push_row(vec![Cell::Int(*n as i64), Cell::String(p.to_string())])?;
    }
    write_table(&args.out, &t, &rej)?;
    eprintln!(
        "rendered {} texts of {} rows ({} rejected)",
        thousands(batch.texts.len() as u64),
        thousands(rows.len() as u64),
        batch.problems.len()
    );
    Ok(batch.texts.len())
}

fn weekday(s: &str) -> anyhow::Result<Weekday> {
    Ok(match s.trim().to_lowercase().as_str() {
        "mon" | "senin" => Weekday::Mon,
        "tue" | "selasa" => Weekday::Tue,
        "wed" | "rabu" => Weekday::Wed,
        "thu" | "kamis" => Weekday::Thu,
        "fri" | "jumat" => Weekday::Fri,
        "sat" | "sabtu" => Weekday::Sat,
        "sun" | "minggu" => Weekday::Sun,
        other => bail!("--weekend: {other:?} is not a day (mon..sun)"),
    })
}

pub(crate) fn autodebit(args: &AutodebitArgs) -> anyhow::Result<usize> {
    let (y, m) = args
        .month
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .with_context(|| format!("--month {:?}: expected YYYY-MM", args.month))?;
    let text = std::fs::read_to_string(&args.calendar)
        .with_context(|| args.calendar.display().to_string())?;
    let weekend = args
        .weekend
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| weekday(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let calendar =
        Calendar::from_csv(&text, &args.calendar.display().to_string())?.weekend(weekend);
    let (headers, rows) = read_text_table(&args.customers)?;
    let c = column(&headers, &args.day_col, &args.customers, "--day-col")?;
    let mut rejects: Vec<(u64, String)> = Vec::new();
    let mut days = Vec::new();
    for (n, r) in &rows {
        let v = r.get(c).map_or("", |s| s.trim());
        match v.parse::<f64>() {
            Ok(d) if d.fract() == 0.0 && (0.0..=255.0).contains(&d) => days.push((*n, d as u32)),
            _ => rejects.push((
                *n,
                format!(
                    "debit day is {}",
                    if v.is_empty() { "empty" } else { "not a whole number" }
                ),
            )),
        }
    }
    let (notices, more) = autodebit_notices(days, y, m, &calendar)?;
    rejects.extend(more);
    let by_row: HashMap<u64, usize> = rows.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
    let mut columns = headers.clone();
    for col in ["scheduled_date", "moved_to", "reason"] {
        columns.push(col.into());
    }
    let mut t = Table::new(columns);
    for nt in &notices {
        let r = &rows[by_row[&nt.row]].1;
        let mut cells: Vec<Cell> =
            r.iter().take(headers.len()).map(|s| Cell::from(s.as_str())).collect();
        cells.resize(headers.len(), Cell::Empty);
        cells.push(Cell::Date(nt.scheduled));
        cells.push(Cell::Date(nt.moved_to));
        cells.push(Cell::String(nt.reason.clone()));
        t.push_row(cells)?;
    }
    let mut rej = Table::new(vec!["row".into(), "reason".into()]);
    for (n, why) in &rejects {
        rej.push_row(vec![Cell::Int(*n as i64), Cell::String(why.clone())])?;
    }
    write_table(&args.out, &t, &rej)?;
    eprintln!(
        "{} of {} customers have their debit on a non-working day in {}; {} rejected",
        thousands(notices.len() as u64),
        thousands(rows.len() as u64),
        args.month,
        rejects.len()
    );
    Ok(notices.len())
}
