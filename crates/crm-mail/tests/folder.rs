//! The `Folder` transport: runs into the same pickup folder never overwrite each other.

use std::path::Path;

use crm_mail::{Folder, SendLog, SendOptions, State, Transport, send_plan};

use crate::util::{plan, plan_for};

fn eml_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Two campaigns sent into one pickup folder: the second run used to start again at
/// `000001.eml` and overwrite what the first had delivered (and logged `sent`).
#[test]
fn two_runs_into_the_same_folder_keep_every_message() {
    let work = tempfile::tempdir().unwrap();
    let sent = work.path().join("sent");
    let first = plan_for(&work.path().join("a"), "NOV-26", 2);
    let second = plan_for(&work.path().join("b"), "DES-26", 3);
    for (p, log) in [(&first, "a.jsonl"), (&second, "b.jsonl")] {
        let mut log = SendLog::open(&work.path().join(log)).unwrap();
        let s = send_plan(p, &mut Folder::new(&sent).unwrap(), &mut log, &SendOptions::default())
            .unwrap();
        assert_eq!(s.sent, p.entries.len(), "{s:?}");
    }
    assert_eq!(
        eml_files(&sent),
        ["000001.eml", "000002.eml", "000003.eml", "000004.eml", "000005.eml"]
    );
    let planned = first.entries.iter().map(|e| first.eml(e).unwrap());
    let planned: Vec<Vec<u8>> =
        planned.chain(second.entries.iter().map(|e| second.eml(e).unwrap())).collect();
    for (n, bytes) in planned.iter().enumerate() {
        let file = sent.join(format!("{:06}.eml", n + 1));
        assert_eq!(&std::fs::read(&file).unwrap(), bytes, "{}", file.display());
    }
}

#[test]
fn numbering_continues_after_the_highest_numbered_file() {
    let work = tempfile::tempdir().unwrap();
    let sent = work.path().join("sent");
    std::fs::create_dir_all(&sent).unwrap();
    for name in ["000007.eml", "notes.eml", "000099.txt", "12a.eml"] {
        std::fs::write(sent.join(name), "old").unwrap();
    }
    let mut folder = Folder::new(&sent).unwrap();
    let reply = folder.send("crm@acme.co.id", &["a@acme.co.id".into()], b"new").unwrap();
    assert_eq!(reply, format!("written {}", sent.join("000008.eml").display()));
    assert_eq!(std::fs::read(sent.join("000008.eml")).unwrap(), b"new");
    for name in ["000007.eml", "notes.eml", "000099.txt", "12a.eml"] {
        assert_eq!(std::fs::read(sent.join(name)).unwrap(), b"old", "{name}");
    }
}

/// Something other than a file at the next number (here a directory; in practice a file
/// another process wrote meanwhile) fails that message; nothing is overwritten, and the
/// retry takes the next number.
#[test]
fn a_name_already_taken_fails_the_message_instead_of_overwriting() {
    let work = tempfile::tempdir().unwrap();
    let sent = work.path().join("sent");
    std::fs::create_dir_all(sent.join("000001.eml")).unwrap();
    let mut folder = Folder::new(&sent).unwrap();
    let err = folder.send("crm@acme.co.id", &["a@acme.co.id".into()], b"x").unwrap_err();
    assert!(matches!(err, crm_mail::SendError::Transient(_)), "{err:?}");
    assert!(sent.join("000001.eml").is_dir());
    // Another process writes the next number after this one listed the folder.
    std::fs::write(sent.join("000002.eml"), "theirs").unwrap();
    let err = folder.send("crm@acme.co.id", &["a@acme.co.id".into()], b"ours").unwrap_err();
    assert!(err.to_string().contains("000002.eml"), "{err}");
    assert_eq!(std::fs::read(sent.join("000002.eml")).unwrap(), b"theirs");
    std::fs::remove_file(sent.join("000002.eml")).unwrap();

    // Through send_plan: with one retry the message lands at the next number.
    let p = plan(work.path(), 1);
    let mut log = SendLog::open(&work.path().join("log.jsonl")).unwrap();
    let mut folder = Folder::new(&sent).unwrap();
    let options =
        SendOptions { retries: 1, backoff: std::time::Duration::ZERO, ..Default::default() };
    let s = send_plan(&p, &mut folder, &mut log, &options).unwrap();
    assert_eq!((s.sent, s.retried), (1, 1), "{s:?}");
    assert_eq!(log.state(&p.entries[0].key), Some(State::Sent));
    assert_eq!(std::fs::read(sent.join("000002.eml")).unwrap(), p.eml(&p.entries[0]).unwrap());
}
