//! E-mail address syntax, stricter than RFC 5322 parsers where CRM data needs it.
//!
//! Addresses typed into branch forms are checked before a message is planned to them.
//! General parsers (lettre, `email_address`) accept `x@localhost` and `user@exa_mple.com`,
//! which no mail relay of the companies this is for delivers to.

use std::fmt;

/// Why a text is not an e-mail address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmailError {
    /// Empty or only whitespace.
    Empty,
    /// Not `local@domain`, or a character the local part does not allow.
    Syntax,
    /// The domain has no dot (`localhost`, `intranet`).
    NoDot,
    /// A domain label has an underscore, starts or ends with a hyphen, or the top-level
    /// domain is numeric.
    BadDomain,
    /// Longer than 254 characters, the local part longer than 64 or a label than 63.
    TooLong,
    /// A line break (header injection).
    LineBreak,
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmailError::Empty => "empty",
            EmailError::Syntax => "not an e-mail address",
            EmailError::NoDot => "domain without a dot",
            EmailError::BadDomain => "invalid domain name",
            EmailError::TooLong => "too long",
            EmailError::LineBreak => "contains a line break",
        })
    }
}

impl std::error::Error for EmailError {}

/// Checks an address and returns it normalised: trimmed, the domain in lower case (the
/// local part keeps its case: servers may treat it as case-sensitive).
///
/// The local part takes ASCII letters, digits and ``!#$%&'*+-/=?^_`{|}~.``, with no
/// leading, trailing or doubled dot (no quoted local parts). The domain has at least two
/// labels of letters, digits and inner hyphens, and a top-level domain that is not all
/// digits. Internationalised (non-ASCII) addresses are refused.
///
/// # Errors
/// [`EmailError`] names the rule the address breaks.
///
/// ```
/// use crm_core::{check_email, EmailError};
/// assert_eq!(check_email(" Budi.S@Acme.co.id ").unwrap(), "Budi.S@acme.co.id");
/// assert_eq!(check_email("ops@localhost"), Err(EmailError::NoDot));
/// assert_eq!(check_email("ops@exa_mple.com"), Err(EmailError::BadDomain));
/// assert_eq!(check_email("a b@x.co"), Err(EmailError::Syntax));
/// ```
pub fn check_email(address: &str) -> Result<String, EmailError> {
    if address.contains(['\r', '\n']) {
        return Err(EmailError::LineBreak);
    }
    let a = address.trim();
    if a.is_empty() {
        return Err(EmailError::Empty);
    }
    if a.len() > 254 {
        return Err(EmailError::TooLong);
    }
    let (local, domain) = a.rsplit_once('@').ok_or(EmailError::Syntax)?;
    if local.is_empty() || domain.is_empty() {
        return Err(EmailError::Syntax);
    }
    if local.len() > 64 {
        return Err(EmailError::TooLong);
    }
    let local_ok =
        local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
    if !local_ok {
        return Err(EmailError::Syntax);
    }
    let domain = domain.to_ascii_lowercase();
    if !domain.contains('.') {
        return Err(if domain.contains(|c: char| !c.is_ascii_alphanumeric() && c != '-') {
            EmailError::Syntax
        } else {
            EmailError::NoDot
        });
    }
    for label in domain.split('.') {
        if label.len() > 63 {
            return Err(EmailError::TooLong);
        }
        let valid = !label.is_empty()
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !valid {
            return Err(
                if label.is_empty()
                    || label.contains(|c: char| !c.is_ascii() || c == '@' || c.is_whitespace())
                {
                    EmailError::Syntax
                } else {
                    EmailError::BadDomain
                },
            );
        }
    }
    if domain.rsplit('.').next().is_some_and(|tld| tld.bytes().all(|c| c.is_ascii_digit())) {
        return Err(EmailError::BadDomain);
    }
    Ok(format!("{local}@{domain}"))
}

/// Whether [`check_email`] accepts the address.
///
/// ```
/// assert!(crm_core::is_email("budi@acme.co.id"));
/// assert!(!crm_core::is_email("budi@acme"));
/// ```
pub fn is_email(address: &str) -> bool {
    check_email(address).is_ok()
}
