//! Inline SVG charts: bars, lines, a ROC curve.

use std::fmt::Write as _;

use crate::escape;

/// A horizontal bar chart of labelled values (SVG).
pub(crate) fn bars(html: &mut String, label: &str, rows: &[(String, f64, String)], color: &str) {
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

/// A line chart of (x, y) points with a highlighted x (SVG).
pub(crate) fn line_chart(html: &mut String, label: &str, points: &[(f64, f64)], mark: Option<f64>) {
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
pub(crate) fn roc_chart(html: &mut String, label: &str, points: &[(f64, f64)]) {
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
