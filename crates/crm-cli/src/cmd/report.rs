//! Self-contained HTML reports (inline CSS and SVG, no scripts, readable offline).

use std::fmt::Write as _;

use crm_idvalidate::{BatchResult, Code, Field, Status};

/// Escapes text for HTML element content and attribute values ([`crm_core::escape_html`]).
pub(crate) fn escape(text: &str) -> String {
    crm_core::escape_html(text).into_owned()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}\
th{background:#f2f2f2}td.l,th.l{text-align:left}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}\
.muted{color:#666}";

/// The validation report: counts by status (with a bar chart), the field x code heat map,
/// and counts by code with severities. No personal data appears in it.
pub(crate) fn validation(batch: &BatchResult, input: &str, as_of: &str) -> String {
    let s = &batch.summary;
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Identity validation report</title>\
         <style>{STYLE}</style></head><body><h1>Identity validation: {}</h1>\
         <p class=\"muted\">{} records, checked as of {}.</p>",
        escape(input),
        s.records,
        escape(as_of)
    );

    // Status bar chart.
    html.push_str("<h2>Records by status</h2>");
    let statuses =
        [(Status::Valid, "#2e7d32"), (Status::Warning, "#f9a825"), (Status::Error, "#c62828")];
    let max = statuses
        .iter()
        .map(|(st, _)| s.by_status.get(st).copied().unwrap_or(0))
        .max()
        .unwrap_or(0)
        .max(1);
    let _ = write!(
        html,
        "<svg width=\"520\" height=\"{}\" role=\"img\" aria-label=\"records by status\">",
        34 * 3
    );
    for (i, (status, color)) in statuses.iter().enumerate() {
        let n = s.by_status.get(status).copied().unwrap_or(0);
        let width = 360 * n / max;
        let y = 34 * i;
        let _ = write!(
            html,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"80\" y=\"{}\" width=\"{width}\" height=\"24\" fill=\"{color}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\">{n}</text>",
            y + 17,
            status.as_str(),
            y + 2,
            84 + width,
            y + 17
        );
    }
    html.push_str("</svg>");

    // Heat map: fields down, codes across, cell shade by count.
    html.push_str("<h2>Findings by field and code</h2>");
    let fields: Vec<Field> = s.by_field.keys().copied().collect();
    let codes: Vec<Code> = s.by_code.keys().copied().collect();
    let peak = s.by_field_code.values().copied().max().unwrap_or(0).max(1);
    html.push_str("<table><tr><th class=\"l\">field</th>");
    for code in &codes {
        let _ = write!(html, "<th title=\"{}\">{}</th>", code.severity(), escape(code.as_str()));
    }
    html.push_str("</tr>");
    for field in &fields {
        let _ = write!(html, "<tr><th class=\"l\">{}</th>", field.as_str());
        for code in &codes {
            match s.by_field_code.get(&(*field, *code)) {
                Some(&n) => {
                    // Shade from white to deep red by share of the largest cell.
                    let alpha = 0.15 + 0.85 * n as f64 / peak as f64;
                    let _ = write!(
                        html,
                        "<td style=\"background:rgba(198,40,40,{alpha:.2})\">{n}</td>"
                    );
                }
                None => html.push_str("<td></td>"),
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</table>");

    // Codes.
    html.push_str("<h2>Findings by code</h2><table><tr><th class=\"l\">code</th><th class=\"l\">severity</th><th>count</th></tr>");
    for (code, n) in &s.by_code {
        let _ = write!(
            html,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{n}</td></tr>",
            escape(code.as_str()),
            code.severity()
        );
    }
    html.push_str("</table>");
    for f in &batch.batch_findings {
        let _ = write!(html, "<p><b>{}</b>: {}</p>", escape(f.code.as_str()), escape(&f.message));
    }
    html.push_str("</body></html>\n");
    html
}

/// A horizontal bar chart of labelled values (SVG).
fn bars(html: &mut String, label: &str, rows: &[(String, f64, String)], color: &str) {
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let _ = write!(
        html,
        "<svg width=\"640\" height=\"{}\" role=\"img\" aria-label=\"{}\">",
        28 * rows.len(),
        escape(label)
    );
    for (i, (name, v, text)) in rows.iter().enumerate() {
        let width = (360.0 * v / max).round();
        let y = 28 * i;
        let _ = write!(
            html,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"170\" y=\"{}\" width=\"{width}\" height=\"20\" fill=\"{color}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\">{}</text>",
            y + 15,
            escape(name),
            y + 2,
            174.0 + width,
            y + 15,
            escape(text)
        );
    }
    html.push_str("</svg>");
}

/// The RFM report: segment sizes and revenue, R x F heat maps of customers and revenue, and
/// the thresholds of every score. Customer ids do not appear in it.
pub(crate) fn rfm(
    features: &crm_rfm::Features,
    scores: &crm_rfm::Scores,
    segments: &crm_rfm::Segments<'_>,
    input: &str,
) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>RFM report</title>\
         <style>{STYLE}</style></head><body><h1>RFM segments: {}</h1>\
         <p class=\"muted\">{} customers, as of {}.</p>",
        escape(input),
        features.len(),
        features.as_of()
    );
    let summary = segments.summary(features);
    let total_revenue: f64 = summary.iter().map(|s| s.revenue).sum();
    html.push_str("<h2>Customers by segment</h2>");
    let rows: Vec<(String, f64, String)> = summary
        .iter()
        .map(|s| {
            let text = format!("{} ({:.1}%)", s.customers, 100.0 * s.share);
            (s.segment.clone(), s.customers as f64, text)
        })
        .collect();
    bars(&mut html, "customers by segment", &rows, "#1565c0");
    html.push_str("<h2>Revenue by segment</h2>");
    let rows: Vec<(String, f64, String)> = summary
        .iter()
        .map(|s| {
            let share = if total_revenue == 0.0 { 0.0 } else { 100.0 * s.revenue / total_revenue };
            (s.segment.clone(), s.revenue.max(0.0), format!("{:.0} ({share:.1}%)", s.revenue))
        })
        .collect();
    bars(&mut html, "revenue by segment", &rows, "#2e7d32");

    // R x F heat maps.
    let [rn, fn_, _] = scores.bins();
    let (rn, fn_) = (usize::from(rn), usize::from(fn_));
    let mut count = vec![0usize; rn * fn_];
    let mut revenue = vec![0f64; rn * fn_];
    for i in 0..scores.len() {
        let s = scores.get(i);
        let cell = (usize::from(s.r) - 1) * fn_ + usize::from(s.f) - 1;
        count[cell] += 1;
        revenue[cell] += features.monetary()[i];
    }
    for (title, values, color) in [
        (
            "Customers by R and F score",
            count.iter().map(|&c| c as f64).collect::<Vec<_>>(),
            "21,101,192",
        ),
        ("Revenue by R and F score", revenue, "46,125,50"),
    ] {
        let peak = values.iter().copied().fold(0.0, f64::max).max(f64::MIN_POSITIVE);
        let _ = write!(html, "<h2>{title}</h2><table><tr><th>R \\ F</th>");
        for f in 1..=fn_ {
            let _ = write!(html, "<th>{f}</th>");
        }
        html.push_str("</tr>");
        for r in (1..=rn).rev() {
            let _ = write!(html, "<tr><th>{r}</th>");
            for f in 1..=fn_ {
                let v = values[(r - 1) * fn_ + f - 1];
                let alpha = if v <= 0.0 { 0.0 } else { 0.1 + 0.9 * v / peak };
                let _ =
                    write!(html, "<td style=\"background:rgba({color},{alpha:.2})\">{v:.0}</td>");
            }
            html.push_str("</tr>");
        }
        html.push_str("</table>");
    }

    html.push_str("<h2>Score thresholds</h2><table><tr><th class=\"l\">dimension</th><th>score</th><th>above</th><th>up to</th><th>customers</th><th>min</th><th>max</th></tr>");
    let num = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
    for th in scores.thresholds() {
        for b in &th.bins {
            let _ = write!(
                html,
                "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                th.dimension.as_str(),
                b.score,
                num(b.above),
                num(b.up_to),
                b.customers,
                num(b.min),
                num(b.max)
            );
        }
    }
    html.push_str("</table></body></html>\n");
    html
}

/// A line chart of (x, y) points with a highlighted x (SVG).
fn line_chart(html: &mut String, label: &str, points: &[(f64, f64)], mark: Option<f64>) {
    let (w, h, pad) = (520.0, 260.0, 48.0);
    if points.is_empty() {
        return;
    }
    let (x0, x1) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let sx = |x: f64| pad + (w - 2.0 * pad) * if x1 > x0 { (x - x0) / (x1 - x0) } else { 0.5 };
    let sy = |y: f64| h - pad - (h - 2.0 * pad) * if y1 > y0 { (y - y0) / (y1 - y0) } else { 0.5 };
    let _ = write!(
        html,
        "<svg width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\"><rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#fafafa\"/>",
        escape(label)
    );
    let path: Vec<String> =
        points.iter().map(|p| format!("{:.1},{:.1}", sx(p.0), sy(p.1))).collect();
    let _ = write!(
        html,
        "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"{}\"/>",
        path.join(" ")
    );
    for p in points {
        let fill = if Some(p.0) == mark { "#c62828" } else { "#1565c0" };
        let r = if Some(p.0) == mark { 6 } else { 3 };
        let _ = write!(
            html,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\" fill=\"{fill}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            sx(p.0),
            sy(p.1),
            sx(p.0),
            h - pad + 16.0,
            p.0
        );
    }
    let _ = write!(
        html,
        "<text x=\"4\" y=\"{:.1}\" font-size=\"11\">{y1:.3}</text><text x=\"4\" y=\"{:.1}\" font-size=\"11\">{y0:.3}</text></svg>",
        sy(y1) + 4.0,
        sy(y0) + 4.0
    );
}

/// A ROC curve on fixed 0-1 axes, with the diagonal of a random ranking.
fn roc_chart(html: &mut String, label: &str, points: &[(f64, f64)]) {
    let (side, pad) = (300.0, 40.0);
    let s = |v: f64| pad + (side - 2.0 * pad) * v;
    let sy = |v: f64| side - pad - (side - 2.0 * pad) * v;
    let path: Vec<String> =
        points.iter().map(|p| format!("{:.1},{:.1}", s(p.0), sy(p.1))).collect();
    let _ = write!(
        html,
        "<svg width=\"{side}\" height=\"{side}\" role=\"img\" aria-label=\"{}\"><rect x=\"0\" y=\"0\" width=\"{side}\" height=\"{side}\" fill=\"#fafafa\"/>\
         <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"4\"/>\
         <polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"{}\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">false positive rate</text>\
         <text x=\"12\" y=\"{:.1}\" font-size=\"11\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">true positive rate</text></svg>",
        escape(label),
        s(0.0),
        sy(0.0),
        s(1.0),
        sy(1.0),
        path.join(" "),
        side / 2.0,
        side - 10.0,
        side / 2.0,
        side / 2.0
    );
}

/// The segmentation report: elbow and silhouette charts (with a k range), cluster sizes and
/// profiles in original units. No customer ids appear in it.
pub(crate) fn segments(
    seg: &crm_kmeans::Clustering,
    selection: Option<&crm_kmeans::KSelection>,
    features: &[String],
    input: &str,
) -> String {
    let mut html = String::new();
    let n: usize = seg.profiles.iter().map(|p| p.size).sum();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Customer segments</title>\
         <style>{STYLE}</style></head><body><h1>Customer segments: {}</h1>\
         <p class=\"muted\">{n} customers, k = {}, features {}, inertia {:.3}.</p>",
        escape(input),
        seg.profiles.len(),
        escape(&features.join(", ")),
        seg.inertia
    );
    if let Some(sel) = selection {
        let mark = Some(sel.recommended as f64);
        html.push_str("<h2>Elbow: inertia by k</h2>");
        let pts: Vec<(f64, f64)> = sel.table.iter().map(|r| (r.k as f64, r.inertia)).collect();
        line_chart(&mut html, "inertia by k", &pts, mark);
        html.push_str("<h2>Silhouette by k</h2>");
        let pts: Vec<(f64, f64)> =
            sel.table.iter().filter_map(|r| r.silhouette.map(|s| (r.k as f64, s))).collect();
        line_chart(&mut html, "silhouette by k", &pts, mark);
        let _ =
            write!(html, "<p>Recommended k = {}: {}.</p>", sel.recommended, escape(&sel.reason));
    }
    html.push_str("<h2>Cluster sizes</h2>");
    let rows: Vec<(String, f64, String)> = seg
        .profiles
        .iter()
        .map(|p| (p.name.clone(), p.size as f64, format!("{} ({:.1}%)", p.size, 100.0 * p.share)))
        .collect();
    bars(&mut html, "cluster sizes", &rows, "#6a1b9a");
    html.push_str("<h2>Profiles (original units)</h2><table><tr><th>cluster</th><th class=\"l\">name</th><th>size</th>");
    for f in features {
        let _ = write!(html, "<th>{0} mean</th><th>{0} median</th>", escape(f));
    }
    html.push_str("</tr>");
    for p in &seg.profiles {
        let _ = write!(
            html,
            "<tr><td>{}</td><td class=\"l\">{}</td><td>{}</td>",
            p.cluster,
            escape(&p.name),
            p.size
        );
        for j in 0..features.len() {
            let _ = write!(html, "<td>{:.2}</td><td>{:.2}</td>", p.mean[j], p.median[j]);
        }
        html.push_str("</tr>");
    }
    html.push_str("</table></body></html>\n");
    html
}

/// The lead-scoring report: per stage the candidates, test metrics, ROC curve and gains
/// (capture) chart, deciles and top inputs; the two-stage comparison. No lead data.
pub(crate) fn leads(report: &crm_leadscore::TrainReport, input: &str) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lead scoring</title>\
         <style>{STYLE}</style></head><body><h1>Lead scoring: {}</h1><p class=\"muted\">{} training and {} test leads.</p>",
        escape(input),
        report.rows.0,
        report.rows.1
    );
    let metrics_row = |name: &str, m: &crm_leadscore::Metrics| {
        format!(
            "<tr><td class=\"l\">{}</td><td>{:.4}</td><td>{:.4}</td><td>{:.3}</td><td>{:.4}</td><td>{:.3}</td><td>{:.3}</td><td>{:.3}</td></tr>",
            escape(name),
            m.roc_auc,
            m.average_precision,
            m.ks,
            m.log_loss,
            m.confusion.threshold,
            m.precision,
            m.recall
        )
    };
    html.push_str("<h2>Test metrics</h2><table><tr><th class=\"l\">model</th><th>ROC-AUC</th><th>PR-AUC</th><th>KS</th><th>log loss</th><th>threshold</th><th>precision</th><th>recall</th></tr>");
    for s in &report.stages {
        html.push_str(&metrics_row(&format!("stage {} ({})", s.name, s.chosen), &s.test));
    }
    if let Some(m) = &report.final_metrics {
        html.push_str(&metrics_row("final P1 x P2", m));
    }
    if let Some(m) = &report.single_stage {
        html.push_str(&metrics_row("single-stage booking", m));
    }
    html.push_str("</table>");
    let deciles = if report.final_deciles.is_empty() {
        &report.stages[0].deciles
    } else {
        &report.final_deciles
    };
    html.push_str("<h2>Gains: share of positives captured by calling the best deciles first</h2>");
    let mut pts = vec![(0.0, 0.0)];
    pts.extend(deciles.iter().map(|d| (d.decile as f64, d.capture)));
    line_chart(&mut html, "cumulative capture by decile", &pts, None);
    html.push_str("<h2>Deciles</h2><table><tr><th>decile</th><th>leads</th><th>positives</th><th>rate</th><th>lift</th><th>capture</th></tr>");
    for d in deciles {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.3}</td><td>{:.2}</td><td>{:.3}</td></tr>",
            d.decile, d.count, d.positives, d.rate, d.lift, d.capture
        );
    }
    html.push_str("</table>");
    for s in &report.stages {
        let _ = write!(
            html,
            "<h2>Stage {}: candidates and inputs</h2><table><tr><th class=\"l\">family</th><th>validation AUC</th><th>folds</th><th>fold sd</th><th>fit s</th></tr>",
            escape(&s.name)
        );
        for c in &s.candidates {
            let _ = write!(
                html,
                "<tr><td class=\"l\">{}</td><td>{:.4}</td><td>{}</td><td>{:.4}</td><td>{:.2}</td></tr>",
                c.spec.family(),
                c.validation_auc,
                c.fold_aucs.len(),
                c.fold_sd(),
                c.fit_seconds
            );
        }
        html.push_str("</table>");
        let _ = write!(html, "<h3>ROC curve (test, AUC {:.4})</h3>", s.test.roc_auc);
        roc_chart(&mut html, &format!("ROC curve of stage {}", s.name), &s.roc);
        html.push_str("<h3>Calibration (test)</h3><table><tr><th>predicted from</th><th>to</th><th>leads</th><th>mean predicted</th><th>observed rate</th></tr>");
        for b in &s.calibration {
            let _ = write!(
                html,
                "<tr><td>{:.1}</td><td>{:.1}</td><td>{}</td><td>{:.4}</td><td>{:.4}</td></tr>",
                b.from, b.to, b.count, b.predicted, b.observed
            );
        }
        html.push_str("</table><table><tr><th class=\"l\">input</th><th>model importance</th><th>permutation (AUC drop)</th></tr>");
        for (n, own, perm) in s.importance.iter().take(15) {
            let _ = write!(
                html,
                "<tr><td class=\"l\">{}</td><td>{own:.4}</td><td>{perm:.4}</td></tr>",
                escape(n)
            );
        }
        html.push_str("</table>");
    }
    for s in &report.suspicious {
        let _ = write!(
            html,
            "<p><b>Possible leak</b>: {} alone gives AUC {:.3}.</p>",
            escape(&s.feature),
            s.auc
        );
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#x27;x&#x27;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
