//! The lead-scoring report.

use std::fmt::Write as _;

use crate::chart::{line_chart, roc_chart};
use crate::{STYLE, escape};

/// The lead-scoring report: per stage the candidates, test metrics, ROC curve and gains
/// (capture) chart, deciles and top inputs; the two-stage comparison. No lead data.
pub fn leads(report: &crm_leadscore::TrainReport, input: &str) -> String {
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
