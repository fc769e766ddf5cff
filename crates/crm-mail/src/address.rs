//! E-mail address checks stricter than RFC 5322 parsers (lettre accepts `x@localhost` and
//! `user@exa_mple.com`), and masking for logs.

/// Why an address was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressProblem {
    /// The cell is empty.
    #[error("empty")]
    Empty,
    /// Not `local@domain`, or characters that are not allowed.
    #[error("not an e-mail address")]
    Syntax,
    /// The domain has no dot (`localhost`, `intranet`).
    #[error("domain without a dot")]
    NoDot,
    /// A domain label has an underscore or starts/ends with a hyphen.
    #[error("invalid domain name")]
    BadDomain,
    /// The domain is not in the allowed list.
    #[error("domain not allowed")]
    DomainNotAllowed,
    /// Longer than 254 characters (or the local part than 64).
    #[error("too long")]
    TooLong,
    /// Line breaks (header injection).
    #[error("contains a line break")]
    LineBreak,
}

/// Which addresses are accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// When not empty, only these domains (and their subdomains), lower case.
    pub allowed_domains: Vec<String>,
}

impl AddressPolicy {
    /// Accepts only addresses at these domains (and their subdomains).
    pub fn allow_domains<I: IntoIterator<Item = S>, S: Into<String>>(domains: I) -> Self {
        AddressPolicy {
            allowed_domains: domains.into_iter().map(|d| d.into().trim().to_lowercase()).collect(),
        }
    }

    /// Checks one address and returns it normalised (trimmed, domain in lower case).
    ///
    /// ```
    /// use crm_mail::{AddressPolicy, AddressProblem};
    /// let policy = AddressPolicy::default();
    /// assert_eq!(policy.check(" Budi.S@Acme.co.id ").unwrap(), "Budi.S@acme.co.id");
    /// assert_eq!(policy.check("ops@localhost"), Err(AddressProblem::NoDot));
    /// assert_eq!(policy.check("ops@exa_mple.com"), Err(AddressProblem::BadDomain));
    /// assert_eq!(policy.check("a b@x.co"), Err(AddressProblem::Syntax));
    /// ```
    pub fn check(&self, address: &str) -> Result<String, AddressProblem> {
        if address.contains(['\r', '\n']) {
            return Err(AddressProblem::LineBreak);
        }
        let a = address.trim();
        if a.is_empty() {
            return Err(AddressProblem::Empty);
        }
        if a.len() > 254 {
            return Err(AddressProblem::TooLong);
        }
        let (local, domain) = a.rsplit_once('@').ok_or(AddressProblem::Syntax)?;
        if local.is_empty() || domain.is_empty() {
            return Err(AddressProblem::Syntax);
        }
        if local.len() > 64 {
            return Err(AddressProblem::TooLong);
        }
        let local_ok =
            local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
                && !local.starts_with('.')
                && !local.ends_with('.')
                && !local.contains("..");
        if !local_ok {
            return Err(AddressProblem::Syntax);
        }
        let domain = domain.to_lowercase();
        if !domain.contains('.') {
            return Err(AddressProblem::NoDot);
        }
        for label in domain.split('.') {
            let valid = !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !valid {
                return Err(if label.contains('_') || !label.is_empty() {
                    AddressProblem::BadDomain
                } else {
                    AddressProblem::Syntax
                });
            }
        }
        if domain.rsplit('.').next().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit())) {
            return Err(AddressProblem::BadDomain);
        }
        if !self.allowed_domains.is_empty()
            && !self
                .allowed_domains
                .iter()
                .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
        {
            return Err(AddressProblem::DomainNotAllowed);
        }
        Ok(format!("{local}@{domain}"))
    }
}

/// Masks an address for logs and reports: first letter of the local part, then `***`.
///
/// ```
/// assert_eq!(crm_mail::mask_email("budi.santoso@acme.co.id"), "b***@acme.co.id");
/// assert_eq!(crm_mail::mask_email("not an address"), "n***");
/// ```
pub fn mask_email(address: &str) -> String {
    let a = address.trim();
    let first: String = a.chars().take(1).filter(|c| !c.is_control()).collect();
    match a.rsplit_once('@') {
        Some((_, domain)) if !domain.contains(['\r', '\n']) => format!("{first}***@{domain}"),
        _ => format!("{first}***"),
    }
}
