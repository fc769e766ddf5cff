//! The identity validation report.

use std::fmt::Write as _;

use crm_idvalidate::{BatchResult, Code, Field, Status};

use crate::{STYLE, escape};

/// The validation report: counts by status (with a bar chart), the field x code heat map,
/// and counts by code with severities. No personal data appears in it.
pub fn validation(batch: &BatchResult, input: &str, as_of: &str) -> String {
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
