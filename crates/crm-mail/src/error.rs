//! Errors of the whole crate. Messages name the field, row or branch at fault and never
//! repeat an e-mail address or a customer's data unmasked.

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
    /// The outbox plan or the send log is malformed.
    #[error("{path}: line {line}: {message}")]
    Malformed {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// Why.
        message: String,
    },
    /// A transport could not be set up (bad URL, unreadable certificate, ...).
    #[error("transport: {0}")]
    Transport(String),
    /// An option is out of range.
    #[error("invalid {name}: {message}")]
    Option {
        /// The option.
        name: &'static str,
        /// Why.
        message: String,
    },
}

impl Error {
    pub(crate) fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Error {
        Error::Io { path: path.as_ref().display().to_string(), source }
    }
}

/// Refuses CR and LF in a header value.
pub(crate) fn no_line_breaks(field: &str, value: &str) -> Result<(), Error> {
    if value.contains(['\r', '\n']) {
        Err(Error::HeaderInjection { field: field.to_string() })
    } else {
        Ok(())
    }
}
