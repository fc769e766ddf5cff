//! Customer texts for WhatsApp, SMS and push: placeholders, salutation by gender, length
//! limits per channel, and a report of rows that cannot be rendered.

use std::collections::{BTreeMap, BTreeSet};

use minijinja::{Environment, UndefinedBehavior, Value};

use crate::error::Error;

/// Where a text goes, and its length limit (characters).
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Channel {
    /// A WhatsApp template message body: 1,024 characters.
    WhatsApp,
    /// One SMS segment: 160 GSM-7 characters, or 70 when the text needs UCS-2 (any
    /// character outside GSM-7, e.g. an emoji).
    Sms,
    /// A push notification body: 240 characters (what lock screens show without cutting).
    Push,
}

const GSM7: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€";

impl Channel {
    /// The limit for `text`.
    pub fn limit(self, text: &str) -> usize {
        match self {
            Channel::WhatsApp => 1024,
            Channel::Push => 240,
            Channel::Sms if text.chars().all(|c| GSM7.contains(c)) => 160,
            Channel::Sms => 70,
        }
    }
}

/// The salutation for a gender value: `Bapak` (L, M, laki-laki, pria, male), `Ibu` (P, F,
/// perempuan, wanita, female), else `Bapak/Ibu`.
pub fn salutation(gender: &str) -> &'static str {
    match gender.trim().to_lowercase().as_str() {
        "l" | "m" | "laki-laki" | "laki laki" | "pria" | "male" => "Bapak",
        "p" | "f" | "w" | "perempuan" | "wanita" | "female" => "Ibu",
        _ => "Bapak/Ibu",
    }
}

/// Why a row's text was not produced. Values are never quoted (they are customer data).
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextProblem {
    /// Fields the template uses are absent, empty or a missing-value marker (`-`, `NA`,
    /// `N/A`, `null`, ...: [`crm_core::is_missing`]).
    #[error("missing {}", .0.join(", "))]
    Missing(Vec<String>),
    /// Longer than the channel allows.
    #[error("{length} characters, the channel allows {limit}")]
    TooLong {
        /// Characters.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// The template failed on this row.
    #[error("template: {0}")]
    Render(String),
}

/// A text template with `{{ field }}` placeholders (no HTML escaping: texts are plain).
/// `{{ salutation }}` is derived from the row's `gender` field when the row has none.
#[derive(Debug)]
pub struct TextTemplate {
    env: Environment<'static>,
    fields: BTreeSet<String>,
    channel: Channel,
}

/// The texts of a batch.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextBatch {
    /// `(row, text)` of every rendered row.
    pub texts: Vec<(u64, String)>,
    /// `(row, problem)` of every other row.
    pub problems: Vec<(u64, TextProblem)>,
}

impl TextTemplate {
    /// Compiles a template for a channel.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use crm_mail::{Channel, TextTemplate};
    /// let t = TextTemplate::new("Halo {{ salutation }} {{ name }}, cicilan Anda jatuh tempo {{ due }}.", Channel::Sms)?;
    /// let row: BTreeMap<String, String> =
    ///     [("name", "Siti"), ("gender", "P"), ("due", "5 Des")].map(|(k, v)| (k.to_string(), v.to_string())).into();
    /// assert_eq!(t.render(&row).unwrap(), "Halo Ibu Siti, cicilan Anda jatuh tempo 5 Des.");
    /// let mut no_due = row.clone();
    /// no_due.remove("due");
    /// assert_eq!(t.render(&no_due).unwrap_err().to_string(), "missing due");
    /// # Ok::<(), crm_mail::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Template`] when it does not compile.
    pub fn new(source: &str, channel: Channel) -> Result<TextTemplate, Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.add_template_owned("text", source.to_string())
            .map_err(|e| Error::Template { name: "text".into(), message: e.to_string() })?;
        let fields = env
            .get_template("text")
            .map_err(|e| Error::Template { name: "text".into(), message: e.to_string() })?
            .undeclared_variables(false)
            .into_iter()
            .collect();
        Ok(TextTemplate { env, fields, channel })
    }

    /// The fields the template uses (besides those it defines itself).
    pub fn fields(&self) -> impl Iterator<Item = &str> + '_ {
        self.fields.iter().map(String::as_str)
    }

    /// Renders one row (field → value).
    ///
    /// # Errors
    /// [`TextProblem`].
    pub fn render(&self, row: &BTreeMap<String, String>) -> Result<String, TextProblem> {
        let mut vars: BTreeMap<String, Value> =
            row.iter().map(|(k, v)| (k.clone(), Value::from(v.trim().to_string()))).collect();
        if !row.contains_key("salutation") {
            let s = salutation(row.get("gender").map_or("", String::as_str));
            vars.insert("salutation".into(), Value::from(s));
        }
        let missing: Vec<String> = self
            .fields
            .iter()
            .filter(|f| f.as_str() != "salutation" || row.contains_key("salutation"))
            .filter(|f| row.get(*f).is_none_or(|v| crm_core::is_missing(v)))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(TextProblem::Missing(missing));
        }
        let text = self
            .env
            .get_template("text")
            .and_then(|t| t.render(Value::from(vars)))
            .map_err(|e| TextProblem::Render(e.to_string()))?;
        let text = text.trim().to_string();
        let (length, limit) = (text.chars().count(), self.channel.limit(&text));
        if length > limit {
            return Err(TextProblem::TooLong { length, limit });
        }
        Ok(text)
    }

    /// Renders every row; each ends up in `texts` or in `problems`.
    pub fn render_all<'a>(
        &self,
        rows: impl IntoIterator<Item = (u64, &'a BTreeMap<String, String>)>,
    ) -> TextBatch {
        let mut batch = TextBatch::default();
        for (n, row) in rows {
            match self.render(row) {
                Ok(t) => batch.texts.push((n, t)),
                Err(p) => batch.problems.push((n, p)),
            }
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_value_markers_are_missing_fields() {
        let t = TextTemplate::new("Halo {{ name }}, jatuh tempo {{ due }}", Channel::Push).unwrap();
        let row = |due: &str| -> BTreeMap<String, String> {
            [("name", "Siti"), ("due", due)].map(|(k, v)| (k.to_string(), v.to_string())).into()
        };
        assert_eq!(t.render(&row("5 Des")).unwrap(), "Halo Siti, jatuh tempo 5 Des");
        for marker in ["", "-", "NA", "n/a", "null"] {
            assert_eq!(t.render(&row(marker)), Err(TextProblem::Missing(vec!["due".into()])));
        }
    }
}
