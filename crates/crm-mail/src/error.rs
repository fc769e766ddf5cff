//! Errors of the whole crate. Messages name the field, row or branch at fault and never
//! repeat an e-mail address or a customer's data unmasked.

/// The crate's `Result`: the error is an [`Error`] unless another is named.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A header value (subject, name, address, branch) holds a CR or LF: header injection.
    #[error("{field}: line breaks are not allowed in a header value")]
    HeaderInjection {
        /// The field.
        field: String,
    },
    /// A template does not parse or does not render.
    #[error("template {name}: {message}")]
    Template {
        /// The template's name.
        name: String,
        /// The engine's message.
        message: String,
    },
    /// An address failed validation.
    #[error("address {masked}: {problem}")]
    Address {
        /// The address, masked.
        masked: String,
        /// Why.
        problem: crate::address::AddressProblem,
    },
    /// A message could not be built.
    #[error("message for {branch}: {message}")]
    Message {
        /// The branch.
        branch: String,
        /// Why.
        message: String,
    },
    /// The outbox or the send log cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The outbox plan, the send log or a holiday calendar is malformed.
    #[error("{path}: line {line}: {message}")]
    Malformed {
        /// The file.
        path: String,
        /// The 1-based line of the file (the header is line 1).
        line: u64,
        /// Why.
        message: String,
    },
    /// A column the file must have is not in its header.
    #[error("no column named {name:?} (columns: {})", .available.join(", "))]
    MissingColumn {
        /// The column looked for.
        name: String,
        /// The file's columns, in order. A header that looks like personal data (an e-mail
        /// address, six or more digits: a file without a header row) is masked.
        available: Vec<String>,
    },
    /// A transport could not be set up (bad URL, unreadable certificate, ...).
    #[error("transport: {0}")]
    Transport(String),
    /// A parameter is out of range.
    #[error("invalid {name}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Why, with the value when it is not personal data.
        reason: String,
    },
}

impl Error {
    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }
}

/// [`Error::MissingColumn`] for `name`, listing `headers` (masked where they look like
/// personal data).
pub(crate) fn missing_column<S: AsRef<str>>(name: &str, headers: &[S]) -> Error {
    let available =
        headers.iter().map(|h| crm_core::mask_if_personal(h.as_ref()).into_owned()).collect();
    Error::MissingColumn { name: name.to_string(), available }
}

/// The position of `name` among `headers`, by crm-core's one rule
/// ([`crm_core::find_column`]: the exact name, then the normalised one).
pub(crate) fn find_column<S: AsRef<str>>(headers: &[S], name: &str) -> Option<usize> {
    crm_core::find_column(headers, name)
}

/// The 1-based line a CSV error is on (1 when it has no position).
pub(crate) fn csv_line(e: &csv::Error) -> u64 {
    e.position().map_or(1, csv::Position::line)
}

/// Refuses CR and LF in a header value.
pub(crate) fn no_line_breaks(field: &str, value: &str) -> Result<(), Error> {
    if value.contains(['\r', '\n']) {
        Err(Error::HeaderInjection { field: field.to_string() })
    } else {
        Ok(())
    }
}
