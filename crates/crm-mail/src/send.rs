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
    /// At most this many messages per minute (Exchange Online allows 30); `None` or 0: no
    /// limit. The starts of two attempts (retries included) are at least `60 / n` seconds
    /// apart, counted from the start of the previous attempt: the first message does not
    /// wait, and time spent sending or backing off counts towards the wait.
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
/// Pacing ([`SendOptions::per_minute`]) and backoff sleep on the real clock; the crate's
/// unit tests run the same loop on a virtual clock, so neither is checked by timing.
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
    send_plan_with(plan, transport, log, options, &mut RealClock(Instant::now()))
}

/// The time a run sees: the real clock in [`send_plan`], a virtual one in the tests, so that
/// pacing and backoff are checked without waiting or timing anything.
trait Clock {
    /// Time since the run started.
    fn now(&self) -> Duration;
    /// Waits `d`.
    fn sleep(&mut self, d: Duration);
}

struct RealClock(Instant);

impl Clock for RealClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }

    fn sleep(&mut self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// The least time between the starts of two attempts at `per_minute` (`None`: no limit).
fn interval(per_minute: Option<u32>) -> Option<Duration> {
    per_minute.filter(|n| *n > 0).map(|n| Duration::from_secs_f64(60.0 / f64::from(n)))
}

/// How long to wait at `now` before the next attempt, when the previous one started at
/// `last` (`None`: this is the first).
fn pacing(interval: Option<Duration>, last: Option<Duration>, now: Duration) -> Duration {
    match (interval, last) {
        (Some(every), Some(at)) => (at + every).saturating_sub(now),
        _ => Duration::ZERO,
    }
}

fn send_plan_with(
    plan: &Plan,
    transport: &mut dyn Transport,
    log: &mut SendLog,
    options: &SendOptions,
    clock: &mut dyn Clock,
) -> Result<RunSummary, Error> {
    let mut summary = RunSummary::default();
    let interval = interval(options.per_minute);
    let mut last: Option<Duration> = None;
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
            let wait = pacing(interval, last, clock.now());
            if !wait.is_zero() {
                clock.sleep(wait);
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
            last = Some(clock.now());
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
                    clock.sleep(options.backoff * 2u32.saturating_pow(attempt - 1));
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

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::*;
    use crate::outbox::PlanEntry;

    /// Virtual time: `sleep` records the wait and moves the clock; the transport moves it
    /// too, by the time each send takes.
    struct Virtual {
        now: Rc<Cell<Duration>>,
        sleeps: Vec<Duration>,
    }

    impl Clock for Virtual {
        fn now(&self) -> Duration {
            self.now.get()
        }

        fn sleep(&mut self, d: Duration) {
            self.sleeps.push(d);
            self.now.set(self.now.get() + d);
        }
    }

    /// Takes `takes` per send and fails the first `fail_first` sends with a 4xx.
    struct Slow {
        now: Rc<Cell<Duration>>,
        takes: Duration,
        fail_first: usize,
        starts: Vec<Duration>,
    }

    impl Transport for Slow {
        fn send(&mut self, _: &str, _: &[String], _: &[u8]) -> Result<String, SendError> {
            self.starts.push(self.now.get());
            self.now.set(self.now.get() + self.takes);
            if self.fail_first > 0 {
                self.fail_first -= 1;
                return Err(SendError::Transient("421 try later".into()));
            }
            Ok("250 ok".into())
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Runs `n` messages with `options`, each send taking `takes`; returns the sleeps and
    /// the start of every attempt, in virtual time.
    fn run(n: usize, takes: Duration, fail_first: usize, options: &SendOptions) -> Timeline {
        let dir = tempfile::tempdir().unwrap();
        let entries = (0..n)
            .map(|i| {
                let file = format!("{i}.eml");
                std::fs::write(dir.path().join(&file), "Subject: x\r\n\r\nx\r\n").unwrap();
                PlanEntry {
                    branch: format!("B{i}"),
                    from: "crm@acme.co.id".into(),
                    to: vec!["a@acme.co.id".into()],
                    cc: vec![],
                    rows: 1,
                    attachment: String::new(),
                    key: format!("C1/b{i}/00"),
                    file,
                }
            })
            .collect();
        let plan = Plan { dir: dir.path().to_path_buf(), entries };
        let mut log = SendLog::open(&dir.path().join("log.jsonl")).unwrap();
        let now = Rc::new(Cell::new(Duration::ZERO));
        let mut clock = Virtual { now: now.clone(), sleeps: vec![] };
        let mut transport = Slow { now, takes, fail_first, starts: vec![] };
        let summary = send_plan_with(&plan, &mut transport, &mut log, options, &mut clock).unwrap();
        assert_eq!(summary.sent, n, "{summary:?}");
        Timeline { sleeps: clock.sleeps, starts: transport.starts }
    }

    struct Timeline {
        sleeps: Vec<Duration>,
        starts: Vec<Duration>,
    }

    #[test]
    fn the_limit_is_the_time_between_attempt_starts() {
        assert_eq!(interval(Some(30)), Some(Duration::from_secs(2)));
        assert_eq!(interval(Some(7)), Some(Duration::from_secs_f64(60.0 / 7.0)));
        assert_eq!(interval(Some(0)), None);
        assert_eq!(interval(None), None);
    }

    #[test]
    fn pacing_waits_only_what_is_left_of_the_interval() {
        let every = Some(Duration::from_secs(2));
        for (interval, last, now, wait) in [
            (every, None, ms(0), ms(0)),
            (every, Some(ms(0)), ms(0), ms(2000)),
            (every, Some(ms(0)), ms(500), ms(1500)),
            (every, Some(ms(1000)), ms(3000), ms(0)),
            (every, Some(ms(1000)), ms(9000), ms(0)),
            (None, Some(ms(0)), ms(0), ms(0)),
        ] {
            assert_eq!(pacing(interval, last, now), wait, "{last:?} {now:?}");
        }
    }

    #[test]
    fn a_run_at_30_per_minute_starts_a_message_every_2_seconds() {
        let options = SendOptions { per_minute: Some(30), ..Default::default() };
        let t = run(4, ms(500), 0, &options);
        assert_eq!(t.sleeps, [ms(1500); 3]);
        assert_eq!(t.starts, [ms(0), ms(2000), ms(4000), ms(6000)]);
    }

    #[test]
    fn without_a_limit_a_run_never_waits() {
        for per_minute in [None, Some(0)] {
            let t = run(3, ms(500), 0, &SendOptions { per_minute, ..Default::default() });
            assert!(t.sleeps.is_empty(), "{per_minute:?}: {:?}", t.sleeps);
            assert_eq!(t.starts, [ms(0), ms(500), ms(1000)]);
        }
    }

    /// A retry is an attempt: the backoff counts towards the interval, and the next
    /// message is paced from the retry's start.
    #[test]
    fn retries_are_paced_like_messages() {
        let options = SendOptions { per_minute: Some(60), backoff: ms(2000), ..Default::default() };
        let t = run(2, ms(500), 1, &options);
        assert_eq!(t.sleeps, [ms(2000), ms(500)]);
        assert_eq!(t.starts, [ms(0), ms(2500), ms(3500)]);
        // Backoff doubles per retry of the same message.
        let options = SendOptions { backoff: ms(100), ..Default::default() };
        let t = run(1, ms(0), 3, &options);
        assert_eq!(t.sleeps, [ms(100), ms(200), ms(400)]);
    }
}
