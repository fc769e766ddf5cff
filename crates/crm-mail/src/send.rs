//! Sending an outbox through a transport with the send log: never twice.

use std::time::{Duration, Instant};

use crm_core::mask_email;

use crate::error::Error;
use crate::outbox::Plan;
use crate::sendlog::{SendLog, State};
use crate::transport::{SendError, Transport};

/// Retries and pacing.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendOptions {
    /// At most this many messages per minute (Exchange Online allows 30); `None`: no limit.
    pub per_minute: Option<u32>,
    /// Attempts after the first for transient failures.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// Send messages a previous run left in `sending` (the server may have accepted them:
    /// only after checking the recipients' mailboxes).
    pub resend_stuck: bool,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            per_minute: None,
            retries: 3,
            backoff: Duration::from_secs(2),
            resend_stuck: false,
        }
    }
}

/// What a run did.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Messages the server accepted in this run.
    pub sent: usize,
    /// Skipped: already sent by an earlier run.
    pub already_sent: usize,
    /// Left in `sending` by an earlier run and not sent again: check them by hand.
    pub stuck: Vec<String>,
    /// `(branch, reason)` of messages that failed in this run.
    pub failed: Vec<(String, String)>,
    /// Transient failures that were retried.
    pub retried: usize,
}

/// Sends every planned message not yet sent: each is logged `sending`, then `sent` or
/// `failed`; transient failures are retried with exponential backoff; messages already
/// `sent` are skipped; messages stuck in `sending` are reported, not re-sent (unless
/// [`SendOptions::resend_stuck`]).
///
/// Durability: a message's `sending` entry is on disk before the server can accept it (the
/// transport waits for the fsync before the message's terminator, see
/// [`Transport::send_committed`]); its `sent` entry reaches the disk with the next
/// message's fsync or at the end of the run. One fsync per message, overlapped with the
/// SMTP commands. After a crash, at most the message in flight and the one before it
/// show as stuck; none is ever sent twice without `resend_stuck`.
///
/// # Errors
/// [`Error::Io`] when the outbox or the log cannot be read or written (the run stops at
/// once: no message is sent without being logged).
pub fn send_plan(
    plan: &Plan,
    transport: &mut dyn Transport,
    log: &mut SendLog,
    options: &SendOptions,
) -> Result<RunSummary, Error> {
    let mut summary = RunSummary::default();
    let interval =
        options.per_minute.filter(|n| *n > 0).map(|n| Duration::from_secs_f64(60.0 / f64::from(n)));
    let mut last: Option<Instant> = None;
    for entry in &plan.entries {
        match log.state(&entry.key) {
            Some(State::Sent) => {
                summary.already_sent += 1;
                continue;
            }
            Some(State::Sending) if !options.resend_stuck => {
                summary.stuck.push(entry.branch.clone());
                continue;
            }
            _ => {}
        }
        let eml = plan.eml(entry)?;
        let recipients: Vec<String> = entry.to.iter().chain(&entry.cc).cloned().collect();
        let masked: Vec<String> = recipients.iter().map(|a| mask_email(a)).collect();
        let mut attempt = 0;
        loop {
            if let (Some(every), Some(at)) = (interval, last) {
                let next = at + every;
                let now = Instant::now();
                if next > now {
                    std::thread::sleep(next - now);
                }
            }
            log.append(&entry.key, &entry.branch, State::Sending, &masked.join(";"))?;
            // Made durable on another thread while the transport opens the transaction;
            // the transport waits for it before the server can accept the message.
            let handle = log.handle()?;
            let mut syncing = Some(std::thread::spawn(move || handle.sync_data()));
            let mut commit = || -> std::io::Result<()> {
                match syncing.take() {
                    Some(h) => h
                        .join()
                        .unwrap_or_else(|_| Err(std::io::Error::other("sync thread panicked"))),
                    None => Ok(()),
                }
            };
            last = Some(Instant::now());
            let result = transport.send_committed(&entry.from, &recipients, &eml, &mut commit);
            commit().map_err(|e| Error::Io { path: "send log".into(), source: e })?;
            match result {
                Ok(reply) => {
                    // Durable with the next message's sync or at the end of the run.
                    log.append(&entry.key, &entry.branch, State::Sent, &reply)?;
                    summary.sent += 1;
                    break;
                }
                Err(SendError::Transient(why)) if attempt < options.retries => {
                    attempt += 1;
                    summary.retried += 1;
                    // Not delivered (no 250 to DATA): back to a retryable state.
                    log.record(
                        &entry.key,
                        &entry.branch,
                        State::Failed,
                        &format!("retrying: {why}"),
                    )?;
                    std::thread::sleep(options.backoff * 2u32.saturating_pow(attempt - 1));
                }
                Err(e) => {
                    let why = match &e {
                        SendError::Transient(w) => {
                            format!("gave up after {} attempts: {w}", attempt + 1)
                        }
                        other => other.to_string(),
                    };
                    log.record(&entry.key, &entry.branch, State::Failed, &why)?;
                    summary.failed.push((entry.branch.clone(), why));
                    break;
                }
            }
        }
    }
    log.sync()?;
    Ok(summary)
}
