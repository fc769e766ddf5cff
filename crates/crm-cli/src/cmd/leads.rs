//! `crm leads train|score|evaluate|monitor`.

use std::path::Path;

use anyhow::{Context, bail};
use crm_excel::{Cell, Table};
use crm_leadscore::{
    FeatureSpec, Frame, LeadModel, Metrics, Problem, SplitKind, Targets, TrainOptions, TrainReport,
    psi_band,
};

use crate::args::{
    FamilyArg, LeadsEvaluateArgs, LeadsMonitorArgs, LeadsScoreArgs, LeadsTrainArgs, SplitArg,
};
use crate::cmd::campaign::read_text_table;
use crate::cmd::excel::write_with_rejects;
use crate::summary::thousands;

/// A file read as text and typed: headers, cells, file row numbers, the frame, and the
/// values that did not fit their column's type (rows 1-based in `cells`).
struct Loaded {
    headers: Vec<String>,
    cells: Vec<Vec<String>>,
    numbers: Vec<u64>,
    frame: Frame,
    bad: Vec<Problem>,
}

/// The index into `cells` of a problem's row.
fn problem_index(p: &Problem) -> usize {
    p.row() as usize - 1
}

/// What is wrong with a row, for a rejects table (no row number: the table has it).
fn problem_reason(p: &Problem) -> String {
    match p {
        Problem::BadValue { column, expected, reason, .. } => {
            format!("{column}: {reason} (the model reads it as {expected})")
        }
        other => other.to_string(),
    }
}

fn load_frame(
    path: &Path,
    types: &[(String, crm_leadscore::ColumnType)],
) -> anyhow::Result<Loaded> {
    let (headers, rows) = read_text_table(path)?;
    let numbers: Vec<u64> = rows.iter().map(|(n, _)| *n).collect();
    let cells: Vec<Vec<String>> = rows.into_iter().map(|(_, r)| r).collect();
    let (frame, bad) = Frame::from_text(&headers, &cells, types);
    Ok(Loaded { headers, cells, numbers, frame, bad })
}

fn load_model(path: &Path) -> anyhow::Result<LeadModel> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    LeadModel::from_json(&text).with_context(|| path.display().to_string())
}

fn metrics_line(name: &str, m: &Metrics) -> String {
    format!(
        "  {name:<26} AUC {:.4}  PR-AUC {:.4}  KS {:.3}  log loss {:.4}  precision {:.3} recall {:.3} F1 {:.3} at {:.3}",
        m.roc_auc,
        m.average_precision,
        m.ks,
        m.log_loss,
        m.precision,
        m.recall,
        m.f1,
        m.confusion.threshold
    )
}

pub(crate) struct TrainOutcome {
    pub(crate) report: TrainReport,
}

pub(crate) fn train(args: &LeadsTrainArgs) -> anyhow::Result<TrainOutcome> {
    let Loaded { frame, bad, numbers, .. } = load_frame(&args.input, &[])?;
    // Values that do not fit their column (an ambiguous `1.250` in a numeric column) are
    // trained on as missing: say how many, and where the first is.
    if let Some(first) = bad.first() {
        eprintln!(
            "{}: {} values read as missing, they do not fit their column's type (first: row {}: {})",
            args.input.display(),
            bad.len(),
            numbers[problem_index(first)],
            problem_reason(first)
        );
    }
    let targets = match (&args.target, &args.contact_target, &args.booking_target) {
        (Some(t), _, _) => Targets::Single { target: t.clone(), positive: args.positive.clone() },
        (None, Some(c), Some(b)) => Targets::TwoStage {
            contact: c.clone(),
            contact_positive: args.positive.clone(),
            booking: b.clone(),
            booking_positive: args.positive.clone(),
        },
        _ => bail!("give --target COL, or --contact-target COL with --booking-target COL"),
    };
    let mut opts = TrainOptions::new(targets);
    opts.features = FeatureSpec {
        exclude: args.excludes.clone(),
        leakage: args.leakage.clone(),
        ..Default::default()
    };
    opts.families = match args.model {
        FamilyArg::Logistic => vec!["logistic".into()],
        FamilyArg::Forest => vec!["forest".into()],
        FamilyArg::Boosted => vec!["boosted".into()],
        FamilyArg::Best => vec!["logistic".into(), "forest".into(), "boosted".into()],
    };
    opts.tune = args.tune.max(1);
    opts.cv_folds = args.cv.map_or(0, usize::from);
    opts.balanced = args.balanced;
    opts.seed = args.seed;
    opts.split = match args.split {
        SplitArg::Random => SplitKind::Random,
        SplitArg::Time => {
            SplitKind::Time(args.date_col.clone().context("--split time needs --date-col")?)
        }
    };
    if let Some(d) = &args.date_col
        && !args.excludes.contains(d)
        && args.split == SplitArg::Time
    {
        opts.features.exclude.push(d.clone());
    }
    let (model, report) =
        LeadModel::train(&frame, &opts).with_context(|| args.input.display().to_string())?;
    std::fs::write(&args.model_out, model.to_json())
        .with_context(|| args.model_out.display().to_string())?;
    eprintln!(
        "trained on {} leads, tested on {} ({} without a target left out)",
        thousands(report.rows.0 as u64),
        thousands(report.rows.1 as u64),
        report.missing_target
    );
    for s in &report.stages {
        match args.cv {
            Some(k) => eprintln!("stage {}: candidates ({k}-fold cross-validated AUC):", s.name),
            None => eprintln!("stage {}: candidates (validation AUC):", s.name),
        }
        for c in &s.candidates {
            let spread = if c.fold_aucs.len() > 1 {
                format!(" ± {:.4}", c.fold_sd())
            } else {
                String::new()
            };
            eprintln!(
                "  {:<10} {:.4}{spread}  ({:.2} s)",
                c.spec.family(),
                c.validation_auc,
                c.fit_seconds
            );
        }
        eprintln!("{}", metrics_line(&format!("{} ({}), test", s.name, s.chosen), &s.test));
        let calib: Vec<String> = s
            .calibration
            .iter()
            .map(|b| {
                format!(
                    "{:.1}-{:.1}: {:.3}/{:.3} (n={})",
                    b.from, b.to, b.predicted, b.observed, b.count
                )
            })
            .collect();
        eprintln!("  calibration (predicted/observed): {}", calib.join(", "));
        let top: Vec<String> =
            s.importance.iter().take(5).map(|(n, _, p)| format!("{n} {p:.3}")).collect();
        eprintln!("  top inputs (permutation AUC drop): {}", top.join(", "));
    }
    if let Some(m) = &report.final_metrics {
        eprintln!("{}", metrics_line("final P1 x P2 vs booking", m));
    }
    if let Some(m) = &report.single_stage {
        eprintln!("{}", metrics_line("single-stage booking model", m));
    }
    for s in &report.suspicious {
        eprintln!(
            "  warning: input {:?} alone gives AUC {:.3}: a leak? declare it with --leakage",
            s.feature, s.auc
        );
    }
    for (c, why) in &report.dropped {
        eprintln!("  dropped column {c:?}: {why}");
    }
    if let Some(path) = &args.report {
        std::fs::write(path, crm_report::leads(&report, &args.input.display().to_string()))
            .with_context(|| path.display().to_string())?;
        eprintln!("wrote {}", path.display());
    }
    eprintln!("wrote {}", args.model_out.display());
    Ok(TrainOutcome { report })
}

pub(crate) fn score(args: &LeadsScoreArgs) -> anyhow::Result<usize> {
    let model = load_model(&args.model)?;
    let Loaded { headers, cells, numbers, frame, bad } =
        load_frame(&args.input, &model.input_types())?;
    // Rows with a value that does not fit the model's column type cannot be scored.
    let mut reasons: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for p in &bad {
        reasons.entry(problem_index(p)).or_default().push(problem_reason(p));
    }
    let good: Vec<usize> = (0..frame.rows()).filter(|i| !reasons.contains_key(i)).collect();
    let scored =
        model.score(&frame.select(&good)).with_context(|| args.input.display().to_string())?;
    let two = scored.stages.len() == 2;
    let mut columns = headers.clone();
    if two {
        columns.push("p_contact".into());
        columns.push("p_booking".into());
    }
    columns.extend(["score", "decile", "tier"].map(String::from));
    let mut order: Vec<usize> = (0..good.len()).collect();
    if args.sort {
        order.sort_by(|&a, &b| scored.score[b].total_cmp(&scored.score[a]));
    }
    let mut t = Table::new(columns);
    // Each input row is moved into the output (no cell is copied); the frame goes first.
    let n_rows = frame.rows();
    drop(frame);
    let mut cells: Vec<Option<Vec<String>>> = cells.into_iter().map(Some).collect();
    for &k in &order {
        let i = good[k];
        let input = cells[i].take().unwrap_or_default();
        let mut row: Vec<Cell> = input.into_iter().take(headers.len()).map(Cell::String).collect();
        row.resize(headers.len(), Cell::Empty);
        if two {
            row.push(Cell::Float(scored.stages[0][k]));
            row.push(Cell::Float(scored.stages[1][k]));
        }
        row.push(Cell::Float(scored.score[k]));
        row.push(Cell::Int(scored.decile[k] as i64));
        row.push(Cell::String(scored.tier[k].to_string()));
        t.push_row(row)?;
    }
    let mut rej = Table::new(vec!["row".into(), "reason".into()]);
    for (i, why) in &reasons {
        rej.push_row(vec![Cell::Int(numbers[*i] as i64), Cell::String(why.join("; "))])?;
    }
    write_with_rejects(&args.out, &[("Scores", &t)], &rej)?;
    let tiers = ['A', 'B', 'C', 'D'].map(|c| scored.tier.iter().filter(|t| **t == c).count());
    eprintln!(
        "scored {} of {} leads ({} rejected); tiers A {} / B {} / C {} / D {}",
        thousands(good.len() as u64),
        thousands(n_rows as u64),
        reasons.len(),
        tiers[0],
        tiers[1],
        tiers[2],
        tiers[3]
    );
    eprintln!("wrote {}", args.out.display());
    Ok(good.len())
}

pub(crate) fn evaluate(args: &LeadsEvaluateArgs) -> anyhow::Result<()> {
    let model = load_model(&args.model)?;
    let loaded = load_frame(&args.input, &model.input_types())?;
    let Loaded { frame, bad, numbers, .. } = loaded;
    if let Some(first) = bad.first() {
        bail!(
            "{}: {} values do not fit the model's column types (first: row {}: {})",
            args.input.display(),
            bad.len(),
            numbers[problem_index(first)],
            problem_reason(first)
        );
    }
    let (m, d) = model.evaluate(&frame).with_context(|| args.input.display().to_string())?;
    eprintln!("{}", metrics_line("final score", &m));
    let json = serde_json::json!({ "metrics": m, "deciles": d });
    std::fs::write(&args.out, serde_json::to_string_pretty(&json)?)
        .with_context(|| args.out.display().to_string())?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

pub(crate) fn monitor(args: &LeadsMonitorArgs) -> anyhow::Result<()> {
    let model = load_model(&args.model)?;
    let Loaded { frame, bad, numbers, .. } = load_frame(&args.input, &model.input_types())?;
    // Rows with a value of the wrong type are left out of the drift figures, and counted.
    let skipped: std::collections::BTreeSet<usize> = bad.iter().map(problem_index).collect();
    if let Some(first) = bad.first() {
        eprintln!(
            "{}: {} rows left out, their values do not fit the model's column types (first: row {}: {})",
            args.input.display(),
            skipped.len(),
            numbers[problem_index(first)],
            problem_reason(first)
        );
    }
    let good: Vec<usize> = (0..frame.rows()).filter(|i| !skipped.contains(i)).collect();
    let m =
        model.monitor(&frame.select(&good)).with_context(|| args.input.display().to_string())?;
    println!("score PSI {:.4} ({})", m.score_psi, psi_band(m.score_psi));
    for (name, v) in m.inputs.iter().take(15) {
        println!("  {name:<32} {v:.4} ({})", psi_band(*v));
    }
    Ok(())
}
