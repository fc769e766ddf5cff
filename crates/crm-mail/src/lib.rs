//! Per-branch lead distribution by e-mail that never sends twice, and customer texts.
//!
//! * [`Directory`]: branch → To/Cc recipients from rows the caller reads (or a whole table,
//!   columns found by name: [`Directory::from_table`]), checked by an
//!   [`AddressPolicy`] stricter than RFC parsers (no `localhost`, no `_` in domains,
//!   optional allowed domains), with a [`Problem`] report: branches in the data without an
//!   entry or without a valid recipient, invalid and duplicate addresses (masked).
//! * [`Templates`]: HTML + plain-text bodies and a subject from minijinja templates users
//!   can edit; HTML escaping is always on for the HTML body (a customer name
//!   `<script>` stays text), the branch's [`SummaryTable`] is rendered by the crate, and
//!   the built-in templates are compiled by the build script, so a broken default fails
//!   the build.
//! * [`BranchMessage`]: one e-mail per branch with its attachment, serialised
//!   deterministically (fixed date, boundaries from the key); its [`key`](BranchMessage::key)
//!   (`campaign/branch/content-hash`) and Message-ID are stable across runs. CR/LF in any
//!   header value is refused ([`Error::HeaderInjection`]).
//! * [`Plan`]: the outbox folder, one `.eml` per branch (optionally `X-Unsent: 1` drafts
//!   Outlook opens for review) plus `plan.csv`; file names cannot leave the folder.
//! * [`send_plan`] through a [`Transport`] ([`Smtp`]: rustls, STARTTLS or implicit TLS,
//!   AUTH PLAIN / LOGIN, one reused connection with `TCP_NODELAY`; [`Folder`]; or your own) with a
//!   [`SendLog`]: append-only, fsynced JSON lines; a re-run sends only what is not `sent`,
//!   reports messages stuck in `sending` instead of re-sending them, retries transient
//!   (4xx, connection) failures with backoff, records permanent (5xx) ones, and paces to a
//!   per-minute limit.
//! * [`TextTemplate`]: WhatsApp / SMS / push texts with placeholders, [`salutation`] by
//!   gender and per-[`Channel`] length limits; [`autodebit_notices`] lists customers whose
//!   debit date falls on a weekend or holiday of a [`Calendar`], with the previous working
//!   day.
//!
//! Logs and errors show addresses masked ([`mask_email`]): `b***@acme.co.id`.
//!
//! # Example
//! ```
//! use chrono::{DateTime, FixedOffset};
//! use crm_mail::{AddressPolicy, BranchContext, BranchMessage, Directory, DirectoryRow,
//!     Folder, Plan, SendLog, SendOptions, Templates, send_plan};
//!
//! let dir = Directory::from_rows(
//!     vec![DirectoryRow { row: 2, branch: "Bekasi".into(), email: "bekasi@acme.co.id".into(), ..Default::default() }],
//!     &AddressPolicy::default(),
//! );
//! let to = dir.get("bekasi").unwrap().to.clone();
//! let content = Templates::builtin().render(&BranchContext {
//!     branch: "Bekasi".into(), campaign: "NOV-26".into(), rows: 12, date: "2026-11-22".into(),
//!     ..Default::default()
//! })?;
//! let date: DateTime<FixedOffset> = "2026-11-22T08:00:00+07:00".parse().unwrap();
//! let msg = BranchMessage {
//!     campaign: "NOV-26".into(), branch: "Bekasi".into(), from: "CRM <crm@acme.co.id>".into(),
//!     to, cc: vec![], content, attachment: None, date,
//! };
//! let work = tempfile::tempdir().unwrap();
//! let plan = Plan::write(&work.path().join("outbox"), &[(msg, 12)], false)?;
//! let mut log = SendLog::open(&work.path().join("send-log.jsonl"))?;
//! let mut folder = Folder::new(work.path().join("sent"))?;
//! let first = send_plan(&plan, &mut folder, &mut log, &SendOptions::default())?;
//! let again = send_plan(&plan, &mut folder, &mut log, &SendOptions::default())?;
//! assert_eq!((first.sent, again.sent, again.already_sent), (1, 0, 1));
//! # Ok::<(), crm_mail::Error>(())
//! ```
//!
//! # Crate features
//! * **serde** - derives `Serialize` and `Deserialize` for the params and inputs
//!   ([`SendOptions`], [`AddressPolicy`], [`DirectoryRow`], [`Calendar`], [`BranchContext`],
//!   [`SummaryTable`], [`Channel`], [`Security`]) and the results ([`Recipients`], [`Rendered`],
//!   [`BranchMessage`], [`Attachment`], [`Plan`], [`PlanEntry`], [`RunSummary`],
//!   [`DebitNotice`], [`TextBatch`], [`TextProblem`]), and `Serialize` for the report
//!   [`Problem`] (tagged by its [`kind`](Problem::kind), its [`AddressProblem`] as
//!   [`AddressProblem::kind`]). [`Channel`] and [`Security`] serialise as lower-case names
//!   (`"whatsapp"`, `"starttls"`), dates as `YYYY-MM-DD`. [`SmtpConfig`] is left out: it
//!   holds the password. Off by default. serde and serde_json are dependencies either way:
//!   [`LogEntry`] and [`State`] are the send log's JSON lines.
//!
//! # Dependencies
//! crm-core (e-mail syntax, masking, HTML escaping, dates), lettre (MIME messages), rustls
//! on ring with webpki-roots (TLS without OpenSSL; the SMTP client is this crate's own,
//! because lettre 0.11's waits 40 ms per message on Nagle's algorithm), base64 (AUTH),
//! minijinja (runtime templates), sha2 (keys), csv (plan files), chrono, serde and
//! serde_json (the log).

mod address;
mod autodebit;
mod directory;
mod error;
mod message;
mod outbox;
mod render;
mod send;
mod sendlog;
mod smtp;
mod texts;
mod transport;

pub use crate::address::{AddressPolicy, AddressProblem};
pub use crate::autodebit::{Calendar, DebitNotice, DebitRejects, autodebit_notices};
pub use crate::directory::{Directory, DirectoryRow, Problem, Recipients, branch_key};
pub use crate::error::{Error, Result};
pub use crate::message::{Attachment, BranchMessage, XLSX, safe_file_name};
pub use crate::outbox::{PLAN_HEADER, Plan, PlanEntry};
pub use crate::render::{
    BUILTIN_HTML, BUILTIN_SUBJECT, BUILTIN_TEXT, BranchContext, Rendered, SummaryTable, Templates,
};
pub use crate::send::{RunSummary, SendOptions, send_plan};
pub use crate::sendlog::{LogEntry, SendLog, State};
pub use crate::texts::{Channel, TextBatch, TextProblem, TextTemplate, salutation};
pub use crate::transport::{Folder, Security, SendError, Smtp, SmtpConfig, Transport};
/// crm-core's e-mail syntax verdict, inside [`AddressProblem::Invalid`].
pub use crm_core::EmailError;
/// Escapes text for HTML (crm-core's rule, which the HTML bodies and tables use).
pub use crm_core::escape_html;
/// Masks an address for logs and reports, `b***@acme.co.id` (crm-core's one masking rule).
pub use crm_core::mask_email;
