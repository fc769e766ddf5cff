//! One e-mail per branch, as deterministic RFC 5322 bytes: the same plan gives the same
//! bytes, the same key and the same Message-ID.

use chrono::{DateTime, FixedOffset};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment as LettreAttachment, Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};

use crate::error::{Error, no_line_breaks};
use crate::render::Rendered;

/// An attachment's bytes and how to name it.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The file name shown to the recipient (made safe: see [`safe_file_name`]).
    pub name: String,
    /// The MIME type, e.g.
    /// `application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`.
    pub content_type: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// The MIME type of xlsx files.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A branch's e-mail before it is serialised.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchMessage {
    /// The campaign id (part of the key).
    pub campaign: String,
    /// The branch.
    pub branch: String,
    /// The sender, `Name <address>` or an address.
    pub from: String,
    /// "To" addresses.
    pub to: Vec<String>,
    /// "Cc" addresses.
    pub cc: Vec<String>,
    /// Subject and bodies.
    pub content: Rendered,
    /// The attachment, if any.
    pub attachment: Option<Attachment>,
    /// The `Date:` header (fixed by the plan, so files are reproducible).
    pub date: DateTime<FixedOffset>,
}

/// Makes a file name safe for every OS and for mail clients: letters, digits, `-`, `_`,
/// `.` and spaces kept, everything else `_`; no leading dot; at most 120 characters.
///
/// ```
/// assert_eq!(crm_mail::safe_file_name("../Cabang Bekasi/2026"), "__Cabang Bekasi_2026");
/// ```
pub fn safe_file_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || "-_. ".contains(c) { c } else { '_' })
        .collect();
    while out.contains("..") {
        out = out.replace("..", "_");
    }
    let out = out.trim_start_matches(['.', ' ']).trim_end().to_string();
    let out: String = out.chars().take(120).collect();
    if out.is_empty() { "file".to_string() } else { out }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl BranchMessage {
    fn content_hash(&self) -> String {
        let mut h = Sha256::new();
        for part in [&self.content.subject, &self.content.html, &self.content.text] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        for list in [&self.to, &self.cc] {
            h.update(list.join(",").to_lowercase().as_bytes());
            h.update([0]);
        }
        if let Some(a) = &self.attachment {
            h.update(a.name.as_bytes());
            h.update([0]);
            h.update(&a.bytes);
        }
        hex(&h.finalize()[..8])
    }

    /// The idempotency key: `campaign/branch/content-hash` (branch as matched: trimmed,
    /// lower case). A changed list, body or recipient gives a new key.
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.campaign.trim(),
            crate::directory::branch_key(&self.branch),
            self.content_hash()
        )
    }

    /// The Message-ID derived from the key: `<hash@sender-domain>`.
    pub fn message_id(&self) -> String {
        let domain = self
            .from
            .rsplit_once('@')
            .map(|(_, d)| d.trim_end_matches('>').to_string())
            .unwrap_or_else(|| "crm.invalid".into());
        let h = Sha256::digest(self.key().as_bytes());
        format!("<{}@{}>", hex(&h[..16]), domain)
    }

    /// The e-mail as RFC 5322 bytes: `multipart/mixed` of (`multipart/alternative` text +
    /// HTML) and the attachment, MIME boundaries derived from the key. `draft` adds
    /// `X-Unsent: 1`, which makes Outlook open the `.eml` as an unsent draft.
    ///
    /// # Errors
    /// [`Error::HeaderInjection`] for line breaks in the sender, a recipient, the branch or
    /// the attachment name; [`Error::Message`] for addresses lettre cannot parse.
    pub fn to_eml(&self, draft: bool) -> Result<Vec<u8>, Error> {
        no_line_breaks("from", &self.from)?;
        no_line_breaks("branch", &self.branch)?;
        no_line_breaks("subject", &self.content.subject)?;
        for a in self.to.iter().chain(&self.cc) {
            no_line_breaks("recipient", a)?;
        }
        let bad = |what: &str, e: &dyn std::fmt::Display| Error::Message {
            branch: self.branch.clone(),
            message: format!("{what}: {e}"),
        };
        let from: Mailbox = self.from.parse().map_err(|e| bad("sender", &e))?;
        let mut b = lettre::Message::builder()
            .from(from)
            .subject(self.content.subject.clone())
            .message_id(Some(self.message_id()))
            .date(std::time::SystemTime::from(self.date));
        if self.to.is_empty() {
            return Err(bad("recipients", &"no To address"));
        }
        for a in &self.to {
            b = b.to(a.parse::<Mailbox>().map_err(|e| bad("recipient", &e))?);
        }
        for a in &self.cc {
            b = b.cc(a.parse::<Mailbox>().map_err(|e| bad("cc", &e))?);
        }
        if draft {
            b = b.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-Unsent"),
                "1".into(),
            ));
        }
        let seed = Sha256::digest(self.key().as_bytes());
        let boundary = |tag: &str| format!("=_crm_{tag}_{}", hex(&seed[..12]));
        let alternative = MultiPart::alternative()
            .boundary(boundary("alt"))
            .singlepart(SinglePart::plain(self.content.text.clone()))
            .singlepart(SinglePart::html(self.content.html.clone()));
        let message = match &self.attachment {
            None => b.multipart(alternative),
            Some(a) => {
                no_line_breaks("attachment name", &a.name)?;
                let ct =
                    ContentType::parse(&a.content_type).map_err(|e| bad("content type", &e))?;
                let part = LettreAttachment::new(safe_file_name(&a.name)).body(a.bytes.clone(), ct);
                b.multipart(
                    MultiPart::mixed()
                        .boundary(boundary("mix"))
                        .multipart(alternative)
                        .singlepart(part),
                )
            }
        }
        .map_err(|e| bad("message", &e))?;
        Ok(message.formatted())
    }
}
