//! Shared helpers of the integration tests: a small planned outbox and a transport that
//! records what it delivers.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use crm_mail::{BranchContext, BranchMessage, Plan, SendError, Templates, Transport};

/// The plan's fixed `Date:`.
pub(crate) fn date() -> DateTime<FixedOffset> {
    "2026-11-22T08:00:00+07:00".parse().unwrap()
}

/// Plans `n` branch e-mails of campaign `T1` into `dir/outbox`.
#[track_caller]
pub(crate) fn plan(dir: &Path, n: usize) -> Plan {
    plan_for(dir, "T1", n)
}

/// Plans `n` branch e-mails (`Cabang 000`, `Cabang 001`, ...) of `campaign` into
/// `dir/outbox`.
#[track_caller]
pub(crate) fn plan_for(dir: &Path, campaign: &str, n: usize) -> Plan {
    let templates = Templates::builtin();
    let messages: Vec<(BranchMessage, usize)> = (0..n)
        .map(|i| {
            let branch = format!("Cabang {i:03}");
            let content = templates
                .render(&BranchContext {
                    branch: branch.clone(),
                    campaign: campaign.into(),
                    rows: 3,
                    date: "2026-11-22".into(),
                    ..Default::default()
                })
                .unwrap();
            let msg = BranchMessage {
                campaign: campaign.into(),
                branch,
                from: "CRM <crm@acme.co.id>".into(),
                to: vec![format!("cabang{i:03}@acme.co.id")],
                cc: vec![],
                content,
                attachment: None,
                date: date(),
            };
            (msg, 3)
        })
        .collect();
    Plan::write(&dir.join("outbox"), &messages, false).unwrap()
}

/// The `Message-ID` header of a serialised message.
#[track_caller]
pub(crate) fn message_id(eml: &[u8]) -> String {
    let text = String::from_utf8_lossy(eml);
    text.lines().find_map(|l| l.strip_prefix("Message-ID: ")).unwrap().trim().to_string()
}

/// Delivers into memory: `delivered` holds the Message-ID of every accepted message, in
/// order. With `crash_after: Some(n)` it panics right after accepting its n-th message,
/// before returning the reply: a process killed after the server's `250` to DATA and
/// before `sent` is logged.
#[derive(Debug, Default)]
pub(crate) struct Memory {
    pub(crate) delivered: Vec<String>,
    pub(crate) crash_after: Option<usize>,
}

impl Transport for Memory {
    fn send(&mut self, _from: &str, _to: &[String], eml: &[u8]) -> Result<String, SendError> {
        self.delivered.push(message_id(eml));
        if self.crash_after == Some(self.delivered.len()) {
            panic!("simulated crash after the server accepted the message");
        }
        Ok("250 2.0.0 queued".into())
    }
}
