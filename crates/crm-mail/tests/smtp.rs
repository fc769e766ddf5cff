//! crm-mail against a real SMTP server on loopback (aiosmtpd, `tests/smtp_server.py`) with
//! STARTTLS and AUTH: exactly-once delivery, byte for byte; resuming after a dropped
//! connection; 4xx retried, 5xx recorded.
//!
//! These tests need Python with the pinned packages of `tests/requirements-smtp.txt`; they
//! are ignored by a plain `cargo test`. `bash scripts/test.sh` installs the server into a
//! virtual environment and runs them with `CRM_SMTP_PYTHON` pointing at it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use crm_mail::{
    Attachment, BranchContext, BranchMessage, Plan, Security, SendError, SendLog, SendOptions,
    Smtp, SmtpConfig, State, SummaryTable, Templates, Transport, XLSX, send_plan,
};

/// A running `smtp_server.py`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    dir: PathBuf,
    cert: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(work: &Path, args: &[&str]) -> Server {
        let python = std::env::var("CRM_SMTP_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py");
        let dir = work.join("maildir");
        let port_file = work.join("port");
        let cert = work.join("ca.pem");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg("--dir")
            .arg(&dir)
            .arg("--port-file")
            .arg(&port_file)
            .arg("--cert-out")
            .arg(&cert)
            .args(["--max-seconds", "300", "--exit-on-stdin-eof"])
            .args(args)
            .stdin(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {python} {}: {e}", script.display()));
        let started = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(&port_file)
                && let Ok(port) = text.trim().parse()
            {
                return Server { child, port, dir, cert };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the SMTP server exited ({status}); is aiosmtpd installed for {python}?");
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the SMTP server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `received.jsonl`: one JSON object per accepted message.
    fn received(&self) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(self.dir.join("received.jsonl")).unwrap_or_default();
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn date() -> DateTime<FixedOffset> {
    "2026-11-22T08:00:00+07:00".parse().unwrap()
}

/// A small real xlsx with a branch's leads.
fn xlsx(branch: usize) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_row(0, 0, ["name", "phone", "plafon"]).unwrap();
    for r in 1..=20u32 {
        ws.write_row(
            r,
            0,
            [
                format!("Lead {branch}-{r}"),
                format!("0812{branch:04}{r:04}"),
                format!("{}", 1_000_000 * r),
            ],
        )
        .unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn plan(dir: &Path, n: usize, bad_every: Option<usize>) -> Plan {
    let templates = Templates::builtin();
    let messages: Vec<(BranchMessage, usize)> = (0..n)
        .map(|i| {
            let branch = format!("Cabang {i:03}");
            let content = templates
                .render(&BranchContext {
                    branch: branch.clone(),
                    campaign: "T1".into(),
                    rows: 20,
                    date: "2026-11-22".into(),
                    table: SummaryTable {
                        columns: vec!["leads".into()],
                        rows: vec![vec!["20".into()]],
                    },
                    ..Default::default()
                })
                .unwrap();
            let to = match bad_every {
                Some(k) if i % k == k - 1 => format!("nouser{i}@example.co.id"),
                _ => format!("cabang{i:03}@example.co.id"),
            };
            let msg = BranchMessage {
                campaign: "T1".into(),
                branch,
                from: "CRM <crm@example.co.id>".into(),
                to: vec![to],
                cc: vec!["rm@example.co.id".into()],
                content,
                attachment: Some(Attachment {
                    name: format!("leads-{i:03}.xlsx"),
                    content_type: XLSX.into(),
                    bytes: xlsx(i),
                }),
                date: date(),
            };
            (msg, 20)
        })
        .collect();
    Plan::write(&dir.join("outbox"), &messages, false).unwrap()
}

fn message_id(eml: &[u8]) -> String {
    let text = String::from_utf8_lossy(eml);
    text.lines().find_map(|l| l.strip_prefix("Message-ID: ")).unwrap().trim().to_string()
}

fn smtp(server: &Server, security: Security, auth: bool) -> Smtp {
    let mut config =
        SmtpConfig::from_url(&format!("smtp://localhost:{}", server.port), security).unwrap();
    if security != Security::None {
        config.ca_pem = Some(std::fs::read(&server.cert).unwrap());
    }
    if auth {
        config.credentials = Some(("crm".into(), "s3cret".into()));
    }
    config.timeout = Duration::from_secs(20);
    Smtp::new(&config).unwrap()
}

fn fast(retries: u32) -> SendOptions {
    SendOptions { retries, backoff: Duration::from_millis(20), ..Default::default() }
}

#[test]
#[ignore = "needs the SMTP test server: run `bash scripts/test.sh`"]
fn five_hundred_branch_emails_arrive_exactly_once_byte_for_byte() {
    let work = tempfile::tempdir().unwrap();
    let server = Server::start(
        work.path(),
        &["--tls", "starttls", "--auth", "crm:s3cret", "--require-auth"],
    );
    let plan = plan(work.path(), 500, None);
    let mut log = SendLog::open(&work.path().join("log.jsonl")).unwrap();
    let mut transport = smtp(&server, Security::StartTls, true);
    let summary = send_plan(&plan, &mut transport, &mut log, &fast(3)).unwrap();
    assert_eq!((summary.sent, summary.failed.len()), (500, 0), "{summary:?}");

    let received = server.received();
    assert_eq!(received.len(), 500);
    assert!(received.iter().all(|r| r["dup"] == 0 && r["tls"] == true && r["auth_user"] == "crm"));
    let by_id: HashMap<String, &serde_json::Value> =
        received.iter().map(|r| (r["message_id"].as_str().unwrap().to_string(), r)).collect();
    for e in &plan.entries {
        let sent = plan.eml(e).unwrap();
        let r =
            by_id.get(&message_id(&sent)).unwrap_or_else(|| panic!("{} not received", e.branch));
        let stored = std::fs::read(server.dir.join(r["file"].as_str().unwrap())).unwrap();
        if stored != sent {
            let at = stored
                .iter()
                .zip(&sent)
                .position(|(a, b)| a != b)
                .unwrap_or(stored.len().min(sent.len()));
            let show = |b: &[u8]| {
                String::from_utf8_lossy(&b[at.saturating_sub(40)..(at + 40).min(b.len())])
                    .into_owned()
            };
            panic!(
                "{}: bytes differ at {at} (stored {} bytes, sent {}):\nstored: {:?}\nsent:   {:?}",
                e.branch,
                stored.len(),
                sent.len(),
                show(&stored),
                show(&sent)
            );
        }
        assert_eq!(log.state(&e.key), Some(State::Sent));
    }

    // A second run sends nothing.
    let again = send_plan(&plan, &mut transport, &mut log, &fast(3)).unwrap();
    assert_eq!((again.sent, again.already_sent), (0, 500));
    assert_eq!(server.received().len(), 500);
}

#[test]
#[ignore = "needs the SMTP test server: run `bash scripts/test.sh`"]
fn a_connection_dropped_by_the_server_costs_nothing() {
    let work = tempfile::tempdir().unwrap();
    let server = Server::start(work.path(), &["--tls", "none", "--drop-after", "60"]);
    let plan = plan(work.path(), 150, None);
    let mut log = SendLog::open(&work.path().join("log.jsonl")).unwrap();
    let mut transport = smtp(&server, Security::None, false);
    let s = send_plan(&plan, &mut transport, &mut log, &fast(3)).unwrap();
    assert_eq!((s.sent, s.failed.len()), (150, 0), "{s:?}");
    let received = server.received();
    assert_eq!(received.len(), 150, "every message exactly once");
    assert!(received.iter().all(|r| r["dup"] == 0));
    let connections: std::collections::BTreeSet<u64> =
        received.iter().map(|r| r["connection"].as_u64().unwrap()).collect();
    assert!(connections.len() >= 2, "the drop forced a second connection");
}

/// Dies (panics) in the middle of the n-th send, after the log says `sending`: what a
/// killed process leaves behind.
struct CrashAt<T> {
    inner: T,
    left: usize,
}

impl<T: Transport> Transport for CrashAt<T> {
    fn send(&mut self, from: &str, to: &[String], eml: &[u8]) -> Result<String, SendError> {
        if self.left == 0 {
            panic!("simulated crash");
        }
        self.left -= 1;
        self.inner.send(from, to, eml)
    }
}

#[test]
#[ignore = "needs the SMTP test server: run `bash scripts/test.sh`"]
fn after_a_crash_a_rerun_sends_the_rest_once_and_reports_the_one_in_flight() {
    let work = tempfile::tempdir().unwrap();
    let server = Server::start(
        work.path(),
        &["--tls", "starttls", "--auth", "crm:s3cret", "--require-auth"],
    );
    let plan = plan(work.path(), 120, None);
    let log_path = work.path().join("log.jsonl");
    let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut log = SendLog::open(&log_path).unwrap();
        let mut transport = CrashAt { inner: smtp(&server, Security::StartTls, true), left: 45 };
        send_plan(&plan, &mut transport, &mut log, &fast(3))
    }));
    assert!(crashed.is_err());
    assert_eq!(server.received().len(), 45);

    let mut log = SendLog::open(&log_path).unwrap();
    let mut transport = smtp(&server, Security::StartTls, true);
    let second = send_plan(&plan, &mut transport, &mut log, &fast(3)).unwrap();
    assert_eq!(second.already_sent, 45);
    assert_eq!(second.stuck, [plan.entries[45].branch.clone()], "{second:?}");
    assert_eq!(second.sent, 74);
    // Checked by hand: it did not arrive, so send it.
    let third =
        send_plan(&plan, &mut transport, &mut log, &SendOptions { resend_stuck: true, ..fast(3) })
            .unwrap();
    assert_eq!((third.sent, third.already_sent), (1, 119));
    let received = server.received();
    assert_eq!(received.len(), 120, "every message exactly once");
    assert!(received.iter().all(|r| r["dup"] == 0));
}

#[test]
#[ignore = "needs the SMTP test server: run `bash scripts/test.sh`"]
fn temporary_failures_are_retried_and_permanent_ones_recorded() {
    let work = tempfile::tempdir().unwrap();
    let server = Server::start(
        work.path(),
        &[
            "--tls",
            "implicit",
            "--auth",
            "crm:s3cret",
            "--tempfail-every",
            "7",
            "--reject-rcpt",
            "nouser",
        ],
    );
    let plan = plan(work.path(), 40, Some(10));
    let mut log = SendLog::open(&work.path().join("log.jsonl")).unwrap();
    let mut transport = smtp(&server, Security::Tls, true);
    let s = send_plan(&plan, &mut transport, &mut log, &fast(3)).unwrap();
    assert_eq!(s.failed.len(), 4, "{s:?}");
    assert!(s.failed.iter().all(|(_, why)| why.contains("550")), "{s:?}");
    assert!(s.retried >= 4, "{s:?}");
    assert_eq!(s.sent, 36);
    let received = server.received();
    assert_eq!(received.len(), 36);
    assert!(received.iter().all(|r| r["dup"] == 0));
    // The log never shows a recipient unmasked.
    let text = std::fs::read_to_string(work.path().join("log.jsonl")).unwrap();
    assert!(!text.contains("cabang0") && !text.contains("nouser"), "{text}");
    assert!(text.contains("c***@example.co.id"));
}
