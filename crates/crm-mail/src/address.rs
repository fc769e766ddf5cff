//! Which addresses a campaign may send to: crm-core's e-mail syntax ([`crm_core::check_email`],
//! stricter than RFC 5322 parsers: lettre accepts `x@localhost` and `user@exa_mple.com`) plus
//! an optional list of allowed domains.

use crm_core::EmailError;

/// Why an address was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressProblem {
    /// The address breaks an e-mail syntax rule (empty, no `@`, a domain without a dot, a
    /// line break, ...): [`crm_core::check_email`]'s verdict.
    #[error(transparent)]
    Invalid(#[from] EmailError),
    /// The domain is not in the allowed list.
    #[error("domain not allowed")]
    DomainNotAllowed,
}

impl AddressProblem {
    /// A stable name for reports: `empty`, `syntax`, `no_dot`, `bad_domain`, `too_long`,
    /// `line_break` (crm-core's rules), `domain_not_allowed`, or `invalid` for a rule
    /// crm-core may add later. With the `serde` feature this is the serialised form.
    pub fn kind(&self) -> &'static str {
        match self {
            AddressProblem::Invalid(e) => match e {
                EmailError::Empty => "empty",
                EmailError::Syntax => "syntax",
                EmailError::NoDot => "no_dot",
                EmailError::BadDomain => "bad_domain",
                EmailError::TooLong => "too_long",
                EmailError::LineBreak => "line_break",
                _ => "invalid",
            },
            AddressProblem::DomainNotAllowed => "domain_not_allowed",
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for AddressProblem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.kind())
    }
}

/// Which addresses are accepted.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// When not empty, only these domains (and their subdomains); compared ignoring case and
    /// surrounding spaces.
    pub allowed_domains: Vec<String>,
}

impl AddressPolicy {
    /// Accepts only addresses at these domains (and their subdomains).
    pub fn allow_domains<I: IntoIterator<Item = S>, S: Into<String>>(domains: I) -> Self {
        AddressPolicy {
            allowed_domains: domains.into_iter().map(|d| d.into().trim().to_lowercase()).collect(),
        }
    }

    /// Checks one address with [`crm_core::check_email`], then against the allowed
    /// domains, and returns it normalised (trimmed, domain in lower case).
    ///
    /// ```
    /// use crm_mail::{AddressPolicy, AddressProblem, EmailError};
    /// let policy = AddressPolicy::default();
    /// assert_eq!(policy.check(" Budi.S@Acme.co.id ").unwrap(), "Budi.S@acme.co.id");
    /// assert_eq!(policy.check("ops@localhost"), Err(AddressProblem::Invalid(EmailError::NoDot)));
    /// assert_eq!(policy.check("ops@exa_mple.com"), Err(EmailError::BadDomain.into()));
    /// assert_eq!(policy.check("a b@x.co").unwrap_err().to_string(), "not an e-mail address");
    /// let acme = AddressPolicy::allow_domains(["acme.co.id"]);
    /// assert!(acme.check("ops@jkt.acme.co.id").is_ok());
    /// assert_eq!(acme.check("ops@gmail.com"), Err(AddressProblem::DomainNotAllowed));
    /// ```
    ///
    /// # Errors
    /// [`AddressProblem::Invalid`] with the syntax rule the address breaks;
    /// [`AddressProblem::DomainNotAllowed`] for a domain outside the allowed list.
    pub fn check(&self, address: &str) -> Result<String, AddressProblem> {
        let address = crm_core::check_email(address)?;
        let domain = address.rsplit_once('@').map_or("", |(_, d)| d);
        // `domain` is lower case already; the list is too when built by `allow_domains`,
        // but not necessarily when it is a struct literal or was deserialised.
        let allowed = |d: &String| {
            let d = d.trim().to_lowercase();
            domain == d || domain.strip_suffix(&d).is_some_and(|rest| rest.ends_with('.'))
        };
        if !self.allowed_domains.is_empty() && !self.allowed_domains.iter().any(allowed) {
            return Err(AddressProblem::DomainNotAllowed);
        }
        Ok(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! refused {
        ($name:ident, $policy:expr, $address:expr, $problem:expr) => {
            #[test]
            fn $name() {
                assert_eq!($policy.check($address), Err($problem));
            }
        };
    }

    refused!(empty, AddressPolicy::default(), "  ", AddressProblem::Invalid(EmailError::Empty));
    refused!(no_at, AddressPolicy::default(), "ops.acme.co.id", EmailError::Syntax.into());
    refused!(localhost, AddressPolicy::default(), "ops@localhost", EmailError::NoDot.into());
    refused!(
        underscore,
        AddressPolicy::default(),
        "ops@exa_mple.com",
        EmailError::BadDomain.into()
    );
    refused!(
        line_break,
        AddressPolicy::default(),
        "ops@acme.co.id\r\nBcc: x@y.z",
        EmailError::LineBreak.into()
    );
    refused!(
        other_domain,
        AddressPolicy::allow_domains(["acme.co.id"]),
        "ops@evilacme.co.id",
        AddressProblem::DomainNotAllowed
    );

    #[test]
    fn problems_have_stable_kinds() {
        let kinds: Vec<&str> = ["", "x", "x@localhost", "x@a_b.co", "x@y.co\n"]
            .iter()
            .map(|a| AddressPolicy::default().check(a).unwrap_err().kind())
            .collect();
        assert_eq!(kinds, ["empty", "syntax", "no_dot", "bad_domain", "line_break"]);
        assert_eq!(AddressProblem::DomainNotAllowed.kind(), "domain_not_allowed");
    }

    #[test]
    fn only_allowed_domains_and_their_subdomains_pass() {
        let p = AddressPolicy::allow_domains(["acme.co.id", "Mitra.CO.ID "]);
        for (address, ok) in [
            ("ops@acme.co.id", true),
            ("ops@jkt.acme.co.id", true),
            ("ops@a.b.acme.co.id", true),
            ("ops@ACME.CO.ID", true),
            ("ops@Jkt.Mitra.co.id", true),
            ("ops@acme.co.id.evil.com", false),
            ("ops@evilacme.co.id", false),
            ("ops@evil-acme.co.id", false),
            ("ops@acme.co", false),
            ("ops@co.id", false),
            ("ops@mitra.co.id.acme.com", false),
            ("acme.co.id@evil.com", false),
        ] {
            assert_eq!(p.check(address).is_ok(), ok, "{address}");
            if !ok {
                assert_eq!(p.check(address), Err(AddressProblem::DomainNotAllowed), "{address}");
            }
        }
    }

    /// The list can also come from a struct literal or a deserialised config, where nothing
    /// lower-cases it.
    #[test]
    fn allowed_domains_match_whatever_their_case() {
        let p = AddressPolicy { allowed_domains: vec!["ACME.co.id".into(), " mitra.co.id".into()] };
        assert_eq!(p.check("ops@jkt.acme.CO.id").unwrap(), "ops@jkt.acme.co.id");
        assert_eq!(p.check("ops@mitra.co.id").unwrap(), "ops@mitra.co.id");
        assert_eq!(p.check("ops@evilacme.co.id"), Err(AddressProblem::DomainNotAllowed));
    }

    #[test]
    fn subdomains_of_allowed_domains_pass() {
        let p = AddressPolicy::allow_domains([" ACME.co.id "]);
        assert_eq!(p.check("Ops@JKT.Acme.co.id").unwrap(), "Ops@jkt.acme.co.id");
        assert_eq!(p.check("ops@acme.co.id").unwrap(), "ops@acme.co.id");
    }
}
