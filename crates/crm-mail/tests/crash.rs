//! The double-send window without a server: a crash after the transport accepted a
//! message and before `sent` reached the log.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crm_mail::{SendLog, SendOptions, State, send_plan};

use crate::util::{Memory, message_id, plan};

/// The message in flight when the process died was delivered, but the log only says
/// `sending`: a re-run reports it stuck and does not send it; only `resend_stuck` does,
/// once.
#[test]
fn a_message_delivered_before_the_crash_is_stuck_not_sent_again() {
    let work = tempfile::tempdir().unwrap();
    let plan = plan(work.path(), 5);
    let ids: Vec<String> = plan.entries.iter().map(|e| message_id(&plan.eml(e).unwrap())).collect();
    let log_path = work.path().join("log.jsonl");

    let mut first = Memory { crash_after: Some(3), ..Default::default() };
    let crashed = catch_unwind(AssertUnwindSafe(|| {
        let mut log = SendLog::open(&log_path).unwrap();
        send_plan(&plan, &mut first, &mut log, &SendOptions::default())
    }));
    assert!(crashed.is_err(), "the transport crashed the run");
    assert_eq!(first.delivered, ids[..3]);

    let mut log = SendLog::open(&log_path).unwrap();
    let states: Vec<_> = plan.entries.iter().map(|e| log.state(&e.key)).collect();
    assert_eq!(states, [Some(State::Sent), Some(State::Sent), Some(State::Sending), None, None]);

    let mut second = Memory::default();
    let s = send_plan(&plan, &mut second, &mut log, &SendOptions::default()).unwrap();
    assert_eq!(s.stuck, [plan.entries[2].branch.clone()], "{s:?}");
    assert_eq!((s.sent, s.already_sent, s.failed.len()), (2, 2, 0), "{s:?}");
    assert_eq!(second.delivered, ids[3..], "the stuck message is not sent again");
    assert_eq!(log.state(&plan.entries[2].key), Some(State::Sending));

    // Still stuck on every plain re-run.
    let mut third = Memory::default();
    let s = send_plan(&plan, &mut third, &mut log, &SendOptions::default()).unwrap();
    assert_eq!((s.sent, s.already_sent, s.stuck.len()), (0, 4, 1), "{s:?}");
    assert!(third.delivered.is_empty());

    // Checked by hand: it did not arrive, so send it, once.
    let mut resend = Memory::default();
    let options = SendOptions { resend_stuck: true, ..Default::default() };
    let s = send_plan(&plan, &mut resend, &mut log, &options).unwrap();
    assert_eq!((s.sent, s.already_sent, s.stuck.len()), (1, 4, 0), "{s:?}");
    assert_eq!(resend.delivered, [ids[2].clone()]);
    let s = send_plan(&plan, &mut resend, &mut log, &options).unwrap();
    assert_eq!((s.sent, s.already_sent), (0, 5), "{s:?}");
    assert_eq!(resend.delivered.len(), 1);
}

/// A power cut can also lose the previous message's `sent` line (it reaches the disk with
/// the next message's fsync): both messages are stuck, neither is sent again.
#[test]
fn a_lost_sent_line_leaves_the_message_stuck_too() {
    let work = tempfile::tempdir().unwrap();
    let plan = plan(work.path(), 3);
    let log_path = work.path().join("log.jsonl");
    let mut first = Memory { crash_after: Some(2), ..Default::default() };
    let crashed = catch_unwind(AssertUnwindSafe(|| {
        let mut log = SendLog::open(&log_path).unwrap();
        send_plan(&plan, &mut first, &mut log, &SendOptions::default())
    }));
    assert!(crashed.is_err());
    let text = std::fs::read_to_string(&log_path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "sending, sent, sending: {text}");
    assert!(lines[1].contains(r#""state":"sent""#), "{text}");
    std::fs::write(&log_path, format!("{}\n{}\n", lines[0], lines[2])).unwrap();

    let mut log = SendLog::open(&log_path).unwrap();
    let mut second = Memory::default();
    let s = send_plan(&plan, &mut second, &mut log, &SendOptions::default()).unwrap();
    let branches: Vec<&str> = plan.entries[..2].iter().map(|e| e.branch.as_str()).collect();
    assert_eq!(s.stuck, branches, "{s:?}");
    assert_eq!(s.sent, 1);
    assert_eq!(second.delivered, [message_id(&plan.eml(&plan.entries[2]).unwrap())]);
}
