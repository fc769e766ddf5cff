//! `crm segment`: K-Means clustering of customers, and assignment to a saved model.

use std::path::Path;

use anyhow::{Context, bail};
use crm_excel::{Cell, Table};
use crm_kmeans::{
    ClusterProfile, Clustering, FeatureMatrix, KMeans, KSelection, Model, Pipeline, RowReject,
    Scaling, Transform, choose_k,
};

use crate::args::{PredictArgs, ScaleArg, SegmentArgs, TransformArg};
use crate::cmd::campaign::{TextRows, read_text_table};
use crate::cmd::excel::{out_kind, write_with_rejects};
use crate::summary::thousands;

/// Rows used for silhouettes (sampled with the seed above this).
const SILHOUETTE_SAMPLE: usize = 10_000;

/// The numeric features of every row (crm-kmeans's [`FeatureMatrix`]): rows with a
/// missing or non-numeric feature are its rejects.
fn features(
    headers: &[String],
    rows: &TextRows,
    names: &[String],
    transform: Transform,
    file: &Path,
) -> anyhow::Result<FeatureMatrix> {
    let rows = rows.iter().map(|(n, r)| (*n, r.as_slice()));
    FeatureMatrix::from_text(headers, rows, names, transform)
        .with_context(|| file.display().to_string())
}

pub(crate) struct SegmentOutcome {
    pub(crate) k: usize,
    pub(crate) rows: usize,
    pub(crate) profiles: Vec<ClusterProfile>,
}

pub(crate) fn run(args: &SegmentArgs) -> anyhow::Result<SegmentOutcome> {
    let (Some(input), Some(out)) = (&args.input, &args.out) else {
        bail!("crm segment needs IN and --out (or `crm segment predict`)");
    };
    out_kind(out)?; // a bad extension fails before the work
    let (headers, rows) = read_text_table(input)?;
    let transform = match args.transform {
        TransformArg::Log1p => Transform::Log1p,
        TransformArg::None => Transform::None,
    };
    let f = features(&headers, &rows, &args.features, transform, input)?;
    if f.x.nrows() == 0 {
        bail!(
            "{}: no row has numeric values in every feature ({} rows rejected)",
            input.display(),
            f.rejects.len()
        );
    }
    let scaling = match args.scale {
        ScaleArg::Standard => Scaling::Standard,
        ScaleArg::Robust => Scaling::Robust,
        ScaleArg::Minmax => Scaling::MinMax,
        ScaleArg::None => Scaling::None,
    };
    let params = KMeans::params(args.k.unwrap_or(2)).n_runs(args.n_init).seed(args.seed);
    let mut selection: Option<KSelection> = None;
    let k = match (&args.k, &args.k_range) {
        (Some(k), _) => *k,
        (None, Some(range)) => {
            let ks = parse_range(range)?;
            // Choose k on the same preprocessing the final fit uses.
            let scaled =
                crm_kmeans::Scaler::fit(f.x.view(), transform, scaling, Some(&args.features))?
                    .transform(f.x.view(), Some(&args.features))?;
            let sel = choose_k(scaled.view(), &params, &ks, SILHOUETTE_SAMPLE, args.seed)
                .with_context(|| input.display().to_string())?;
            print_selection(&sel);
            let k = sel.recommended;
            selection = Some(sel);
            k
        }
        (None, None) => bail!("give --k N or --k-range A..B"),
    };
    let mut pipeline =
        Pipeline::new(k).transform(transform).scaling(scaling).kmeans(params.with_n_clusters(k));
    if !args.names.is_empty() {
        pipeline = pipeline.names(args.names.clone());
    }
    let seg =
        pipeline.fit(f.x.view(), &args.features).with_context(|| input.display().to_string())?;

    let data = labelled_table(&headers, rows, &f.used, &seg.labels, &seg.model.names)?;
    let profiles = profiles_table(&seg, &args.features);
    write_outputs(out, &data, &f.rejects, &[("Profiles", &profiles)], selection.as_ref())?;
    if let Some(path) = &args.model_out {
        std::fs::write(path, seg.model.to_json()).with_context(|| path.display().to_string())?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.report {
        let html = crm_report::segments(
            &seg,
            selection.as_ref(),
            &args.features,
            &input.display().to_string(),
        );
        std::fs::write(path, html).with_context(|| path.display().to_string())?;
        eprintln!("wrote {}", path.display());
    }
    eprintln!(
        "clustered {} rows of {} into k = {k}: inertia {:.4} after {} iterations{} ({} rows rejected)",
        thousands(f.x.nrows() as u64),
        input.display(),
        seg.inertia,
        seg.n_iter,
        if seg.converged { "" } else { " (not converged: raise the iteration cap)" },
        f.rejects.len()
    );
    for p in &seg.profiles {
        let centre: Vec<String> = p.centroid.iter().map(|v| format!("{v:.1}")).collect();
        eprintln!(
            "  {} {:<20} {:>9} ({:>5.1}%)  centre {}",
            p.cluster,
            p.name,
            thousands(p.size as u64),
            100.0 * p.share,
            centre.join(" / ")
        );
    }
    eprintln!("wrote {}", out.display());
    Ok(SegmentOutcome { k, rows: f.x.nrows(), profiles: seg.profiles })
}

fn parse_range(text: &str) -> anyhow::Result<Vec<usize>> {
    let (a, b) = text
        .split_once("..")
        .with_context(|| format!("--k-range {text:?}: expected A..B, e.g. 2..10"))?;
    let a: usize = a.trim().parse().with_context(|| format!("--k-range {text:?}"))?;
    let b: usize =
        b.trim().trim_start_matches('=').parse().with_context(|| format!("--k-range {text:?}"))?;
    if a < 1 || b < a {
        bail!("--k-range {text:?}: needs 1 <= A <= B");
    }
    Ok((a..=b).collect())
}

fn print_selection(sel: &KSelection) {
    eprintln!(
        "  {:>3} {:>14} {:>6} {:>10} {:>10} {:>8} {:>12}",
        "k", "inertia", "iter", "silhouette", "simplified", "DB", "CH"
    );
    let opt = |v: Option<f64>, p: usize| v.map_or("-".to_string(), |v| format!("{v:.p$}"));
    for r in &sel.table {
        eprintln!(
            "  {:>3} {:>14.3} {:>6} {:>10} {:>10} {:>8} {:>12}",
            r.k,
            r.inertia,
            r.n_iter,
            opt(r.silhouette, 4),
            opt(r.simplified_silhouette, 4),
            opt(r.davies_bouldin, 3),
            opt(r.calinski_harabasz, 1)
        );
    }
    eprintln!("  recommended k = {}: {}", sel.recommended, sel.reason);
}

fn labelled_table(
    headers: &[String],
    rows: TextRows,
    used: &[usize],
    labels: &[usize],
    names: &[String],
) -> anyhow::Result<Table> {
    let mut columns = headers.to_vec();
    columns.push("cluster".into());
    columns.push("cluster_name".into());
    let mut t = Table::new(columns);
    // The rows are moved into the table (used is ascending): no cell is copied.
    let mut rows: Vec<Option<Vec<String>>> = rows.into_iter().map(|(_, r)| Some(r)).collect();
    for (&i, &l) in used.iter().zip(labels) {
        let row = rows[i].take().unwrap_or_default();
        let mut cells: Vec<Cell> = row.into_iter().take(headers.len()).map(Cell::String).collect();
        cells.resize(headers.len(), Cell::Empty);
        cells.push(Cell::Int(l as i64));
        cells.push(Cell::from(names[l].as_str()));
        t.push_row(cells)?;
    }
    Ok(t)
}

fn profiles_table(seg: &Clustering, features: &[String]) -> Table {
    let mut columns: Vec<String> = ["cluster", "name", "size", "share"].map(String::from).to_vec();
    for f in features {
        columns.push(format!("{f}_mean"));
        columns.push(format!("{f}_median"));
        columns.push(format!("{f}_centre"));
    }
    let mut t = Table::new(columns);
    for p in &seg.profiles {
        let mut cells = vec![
            Cell::Int(p.cluster as i64),
            Cell::from(p.name.as_str()),
            Cell::Int(p.size as i64),
            Cell::Float(p.share),
        ];
        for j in 0..features.len() {
            cells.push(Cell::Float(p.mean[j]));
            cells.push(Cell::Float(p.median[j]));
            cells.push(Cell::Float(p.centroid[j]));
        }
        let _ = t.push_row(cells);
    }
    t
}

fn selection_table(sel: &KSelection) -> Table {
    let cols = [
        "k",
        "inertia",
        "n_iter",
        "silhouette",
        "simplified_silhouette",
        "davies_bouldin",
        "calinski_harabasz",
        "note",
    ];
    let mut t = Table::new(cols.map(String::from).to_vec());
    let opt = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Float);
    for r in &sel.table {
        let note = if r.k == sel.recommended { sel.reason.as_str() } else { "" };
        let _ = t.push_row(vec![
            Cell::Int(r.k as i64),
            Cell::Float(r.inertia),
            Cell::Int(r.n_iter as i64),
            opt(r.silhouette),
            opt(r.simplified_silhouette),
            opt(r.davies_bouldin),
            opt(r.calinski_harabasz),
            Cell::from(note),
        ]);
    }
    t
}

fn write_outputs(
    out: &Path,
    data: &Table,
    rejects: &[RowReject],
    extra: &[(&str, &Table)],
    selection: Option<&KSelection>,
) -> anyhow::Result<()> {
    let mut rej = Table::new(vec!["row".into(), "reason".into()]);
    for r in rejects {
        rej.push_row(vec![Cell::Int(r.row as i64), Cell::String(r.to_string())])?;
    }
    let selection = selection.map(selection_table);
    let mut sheets: Vec<(&str, &Table)> = vec![("Data", data)];
    sheets.extend_from_slice(extra);
    if let Some(t) = &selection {
        sheets.push(("Selection", t));
    }
    write_with_rejects(out, &sheets, &rej)
}

pub(crate) fn predict(args: &PredictArgs) -> anyhow::Result<usize> {
    out_kind(&args.out)?;
    let text =
        std::fs::read_to_string(&args.model).with_context(|| args.model.display().to_string())?;
    let model = Model::from_json(&text).with_context(|| args.model.display().to_string())?;
    let (headers, rows) = read_text_table(&args.input)?;
    let f = features(&headers, &rows, &model.features, model.scaler.transform, &args.input)?;
    let labels = model
        .predict(&model.features, f.x.view())
        .with_context(|| args.input.display().to_string())?;
    let data = labelled_table(&headers, rows, &f.used, &labels, &model.names)?;
    write_outputs(&args.out, &data, &f.rejects, &[], None)?;
    let mut counts = vec![0usize; model.k()];
    for &l in &labels {
        counts[l] += 1;
    }
    eprintln!(
        "assigned {} rows of {} to {} clusters ({} rows rejected)",
        thousands(labels.len() as u64),
        args.input.display(),
        model.k(),
        f.rejects.len()
    );
    for (name, n) in model.names.iter().zip(counts) {
        eprintln!("  {name:<20} {}", thousands(n as u64));
    }
    eprintln!("wrote {}", args.out.display());
    Ok(labels.len())
}
