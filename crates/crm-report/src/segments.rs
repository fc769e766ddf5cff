//! The customer segmentation (K-Means) report.

use std::fmt::Write as _;

use crate::chart::{bars, line_chart};
use crate::{STYLE, escape};

/// The segmentation report: elbow and silhouette charts (with a k range), cluster sizes and
/// profiles in original units. No customer ids appear in it.
pub fn segments(
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
