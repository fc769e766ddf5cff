//! Branch e-mails from templates: HTML with auto-escaping that is always on, a plain-text
//! alternative, a subject; customer texts use the same engine without HTML escaping.

use std::collections::BTreeMap;

use crm_core::escape_html;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::error::{Error, no_line_breaks};

const HTML: &str = "body.html";
const TEXT: &str = "body.txt";
const SUBJECT: &str = "subject.txt";

/// The built-in HTML body (checked at compile time by the build script).
pub const BUILTIN_HTML: &str = include_str!("../templates/branch.html");
/// The built-in plain-text body.
pub const BUILTIN_TEXT: &str = include_str!("../templates/branch.txt");
/// The built-in subject.
pub const BUILTIN_SUBJECT: &str = include_str!("../templates/subject.txt");

/// A small table for the e-mail body (e.g. leads per product), rendered by the crate: in
/// HTML every cell is escaped; in text the columns are aligned.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SummaryTable {
    /// Column headers.
    pub columns: Vec<String>,
    /// Rows of cells (short rows are padded).
    pub rows: Vec<Vec<String>>,
}

impl SummaryTable {
    /// The table as HTML with inline styles (Outlook ignores style sheets); cells escaped.
    pub fn to_html(&self) -> String {
        let mut h = String::from(
            "<table cellpadding=\"4\" cellspacing=\"0\" style=\"border-collapse:collapse;border:1px solid #999\">\n<tr>",
        );
        for c in &self.columns {
            h.push_str(&format!(
                "<th style=\"border:1px solid #999;background:#eee;text-align:left\">{}</th>",
                escape_html(c)
            ));
        }
        h.push_str("</tr>\n");
        for r in &self.rows {
            h.push_str("<tr>");
            for i in 0..self.columns.len().max(r.len()) {
                let v = r.get(i).map_or("", String::as_str);
                h.push_str(&format!("<td style=\"border:1px solid #999\">{}</td>", escape_html(v)));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>");
        h
    }

    /// The table as aligned plain text.
    pub fn to_text(&self) -> String {
        let n = self.columns.len().max(self.rows.iter().map(Vec::len).max().unwrap_or(0));
        let cell = |r: &Vec<String>, i: usize| r.get(i).cloned().unwrap_or_default();
        let mut width = vec![0usize; n];
        for r in std::iter::once(&self.columns).chain(&self.rows) {
            for (i, w) in width.iter_mut().enumerate() {
                *w = (*w).max(cell(r, i).chars().count());
            }
        }
        let mut out = String::new();
        for r in std::iter::once(&self.columns).chain(&self.rows) {
            let line: Vec<String> =
                (0..n).map(|i| format!("{:<w$}", cell(r, i), w = width[i])).collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}

/// What the templates of one branch e-mail see: `branch`, `area`, `campaign`, `rows`,
/// `date`, `table`, plus the campaign's own `fields` (each also as a top-level name).
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BranchContext {
    /// The branch.
    pub branch: String,
    /// Its area.
    pub area: String,
    /// The campaign id or name.
    pub campaign: String,
    /// Number of leads.
    pub rows: usize,
    /// The date shown (e.g. `2026-11-22`).
    pub date: String,
    /// The branch's summary table.
    pub table: SummaryTable,
    /// Extra campaign fields.
    pub fields: BTreeMap<String, String>,
}

/// A rendered branch e-mail.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The subject (one line).
    pub subject: String,
    /// The HTML body.
    pub html: String,
    /// The plain-text body.
    pub text: String,
}

/// The three templates of a branch e-mail. HTML auto-escaping is tied to the body's role,
/// not to a file name, so it cannot be switched off by renaming a file; only an explicit
/// `|safe` in a template marks text as markup. Undefined variables are errors.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// The built-in templates (Indonesian).
    pub fn builtin() -> Templates {
        Templates::new(BUILTIN_HTML, Some(BUILTIN_TEXT), Some(BUILTIN_SUBJECT))
            .expect("built-in templates are checked by the build script")
    }

    /// Templates from text (e.g. files users edit); `None` takes the built-in one.
    ///
    /// # Errors
    /// [`Error::Template`] naming the template that does not compile.
    pub fn new(html: &str, text: Option<&str>, subject: Option<&str>) -> Result<Templates, Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name == HTML { AutoEscape::Html } else { AutoEscape::None }
        });
        let add = |env: &mut Environment<'static>, name: &'static str, src: &str| {
            env.add_template_owned(name, src.to_string())
                .map_err(|e| Error::Template { name: name.to_string(), message: e.to_string() })
        };
        add(&mut env, HTML, html)?;
        add(&mut env, TEXT, text.unwrap_or(BUILTIN_TEXT))?;
        add(&mut env, SUBJECT, subject.unwrap_or(BUILTIN_SUBJECT))?;
        Ok(Templates { env })
    }

    /// Renders the subject and both bodies.
    ///
    /// ```
    /// use crm_mail::{BranchContext, SummaryTable, Templates};
    /// let t = Templates::new("<p>{{ branch }}: {{ rows }}</p>{{ table }}", None, Some("Leads {{ branch }}"))?;
    /// let ctx = BranchContext {
    ///     branch: "Bekasi <script>".into(),
    ///     rows: 2,
    ///     table: SummaryTable { columns: vec!["name".into()], rows: vec![vec!["<b>Budi</b>".into()]] },
    ///     ..Default::default()
    /// };
    /// let r = t.render(&ctx)?;
    /// assert!(r.html.starts_with("<p>Bekasi &lt;script&gt;: 2</p>"));
    /// assert!(r.html.contains("&lt;b&gt;Budi&lt;/b&gt;"));
    /// assert_eq!(r.subject, "Leads Bekasi <script>");
    /// # Ok::<(), crm_mail::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Template`] when rendering fails (e.g. an undefined variable);
    /// [`Error::HeaderInjection`] when the subject has a line break.
    pub fn render(&self, ctx: &BranchContext) -> Result<Rendered, Error> {
        let mut base: BTreeMap<String, Value> =
            ctx.fields.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect();
        let fields: BTreeMap<String, Value> =
            ctx.fields.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect();
        base.insert("fields".into(), Value::from(fields));
        for (k, v) in [
            ("branch", &ctx.branch),
            ("area", &ctx.area),
            ("campaign", &ctx.campaign),
            ("date", &ctx.date),
        ] {
            base.insert(k.into(), Value::from(v.clone()));
        }
        base.insert("rows".into(), Value::from(ctx.rows));
        let render = |name: &str, table: Value| -> Result<String, Error> {
            let mut vars = base.clone();
            vars.insert("table".into(), table);
            let tmpl = self.env.get_template(name).map_err(|e| tmpl_err(name, e))?;
            tmpl.render(Value::from(vars)).map_err(|e| tmpl_err(name, e))
        };
        let html = render(HTML, Value::from_safe_string(ctx.table.to_html()))?;
        let text = render(TEXT, Value::from(ctx.table.to_text()))?;
        let subject = render(SUBJECT, Value::from(""))?.trim().to_string();
        no_line_breaks("subject", &subject)?;
        Ok(Rendered { subject, html, text })
    }
}

fn tmpl_err(name: &str, e: minijinja::Error) -> Error {
    Error::Template { name: name.to_string(), message: e.to_string() }
}
