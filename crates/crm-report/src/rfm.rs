//! The RFM report.

use std::fmt::Write as _;

use crate::chart::bars;
use crate::{STYLE, escape};

/// The RFM report: segment sizes and revenue, R x F heat maps of customers and revenue, and
/// the thresholds of every score. Customer ids do not appear in it.
pub fn rfm(
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
