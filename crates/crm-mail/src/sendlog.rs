//! The send log: append-only JSON lines, fsynced after every line, keyed by message key
//! (opening it removes a torn last line, see [`SendLog::open`]).
//! A message is `sending` before the SMTP transaction and `sent` or `failed` after it; a
//! key still `sending` when a run starts means the previous run stopped in between.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Where a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// The SMTP transaction was started; the outcome is unknown until `sent` / `failed`.
    Sending,
    /// The server accepted it.
    Sent,
    /// It was refused or could not be delivered after the retries.
    Failed,
}

/// One line of the log. Recipients appear only masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// UTC time, RFC 3339.
    pub at: String,
    /// The message key.
    pub key: String,
    /// The branch.
    pub branch: String,
    /// The new state.
    pub state: State,
    /// Server reply or failure reason (addresses masked).
    #[serde(default)]
    pub detail: String,
}

/// An open send log.
#[derive(Debug)]
pub struct SendLog {
    path: PathBuf,
    file: File,
    last: HashMap<String, LogEntry>,
}

impl SendLog {
    /// Opens (or creates) the log and reads every key's latest state.
    ///
    /// What follows the last newline was being written when a process died. If it is a
    /// whole entry (only the newline was lost) it counts and a newline is added; otherwise
    /// (a torn line: cut mid-entry, mid-character, or zeros after a power cut) it is removed,
    /// so the next entry starts on a fresh line and the log stays readable by later runs.
    /// Removing it loses nothing: an entry is torn only if the crash came before its fsync,
    /// so a torn `sending` was never waited for by the transport, and a torn `sent` or
    /// `failed` leaves the key at `sending` (reported as stuck).
    ///
    /// # Errors
    /// [`Error::Io`]; [`Error::Malformed`] naming the line for a line that is not an entry
    /// anywhere before the last newline.
    pub fn open(path: &Path) -> Result<SendLog, Error> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io(path, e)),
        };
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let mut last = HashMap::new();
        for (i, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let entry = serde_json::from_slice::<LogEntry>(line).map_err(|e| Error::Malformed {
                path: path.display().to_string(),
                line: i as u64 + 1,
                message: e.to_string(),
            })?;
            last.insert(entry.key.clone(), entry);
        }
        let tail = &bytes[complete..];
        let whole_tail = match serde_json::from_slice::<LogEntry>(tail) {
            Ok(entry) => {
                last.insert(entry.key.clone(), entry);
                true
            }
            Err(_) => false,
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        let io = |e| Error::io(path, e);
        if whole_tail {
            file.write_all(b"\n").map_err(io)?;
        } else if !tail.is_empty() {
            file.set_len(complete as u64).map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        Ok(SendLog { path: path.to_path_buf(), file, last })
    }

    /// The latest state of a key.
    pub fn state(&self, key: &str) -> Option<State> {
        self.last.get(key).map(|e| e.state)
    }

    /// The latest entry of a key.
    pub fn entry(&self, key: &str) -> Option<&LogEntry> {
        self.last.get(key)
    }

    /// Appends a state change and fsyncs it before returning.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn record(
        &mut self,
        key: &str,
        branch: &str,
        state: State,
        detail: &str,
    ) -> Result<(), Error> {
        self.append(key, branch, state, detail)?;
        self.sync()
    }

    /// Makes everything appended so far durable (fdatasync).
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn sync(&mut self) -> Result<(), Error> {
        self.file.sync_data().map_err(|e| Error::io(&self.path, e))
    }

    /// A second handle on the log file, to make it durable from another thread while the
    /// SMTP transaction starts (see [`send_plan`](crate::send_plan)).
    pub(crate) fn handle(&self) -> Result<File, Error> {
        self.file.try_clone().map_err(|e| Error::io(&self.path, e))
    }

    /// Appends a state change without waiting for the disk.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn append(
        &mut self,
        key: &str,
        branch: &str,
        state: State,
        detail: &str,
    ) -> Result<(), Error> {
        let entry = LogEntry {
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            key: key.to_string(),
            branch: branch.to_string(),
            state,
            detail: detail.to_string(),
        };
        let mut line = serde_json::to_string(&entry).expect("log entries serialise");
        line.push('\n');
        self.file.write_all(line.as_bytes()).map_err(|e| Error::io(&self.path, e))?;
        self.last.insert(entry.key.clone(), entry);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_keeps_its_format() {
        // The log is read back by later versions: its fields only grow.
        let entry = LogEntry {
            at: "2026-11-22T01:00:00.000Z".into(),
            key: "C1/bekasi/00ff".into(),
            branch: "Bekasi".into(),
            state: State::Sending,
            detail: "b***@acme.co.id".into(),
        };
        let line = serde_json::to_string(&entry).unwrap();
        assert_eq!(
            line,
            r#"{"at":"2026-11-22T01:00:00.000Z","key":"C1/bekasi/00ff","branch":"Bekasi","state":"sending","detail":"b***@acme.co.id"}"#
        );
        let old = r#"{"at":"x","key":"k","branch":"b","state":"sent"}"#;
        assert_eq!(serde_json::from_str::<LogEntry>(old).unwrap().detail, "");
    }

    const SENT_K1: &str = r#"{"at":"x","key":"k1","branch":"Bekasi","state":"sent"}"#;

    #[test]
    fn a_malformed_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("send-log.jsonl");
        std::fs::write(&path, format!("{SENT_K1}\nnope\n{SENT_K1}\n")).unwrap();
        let err = SendLog::open(&path).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: line 2: expected ident at line 1 column 2", path.display())
        );
        // A complete line that is not an entry, even the last one (it ends with its newline).
        std::fs::write(&path, format!("{SENT_K1}\n{{}}\n")).unwrap();
        let Err(Error::Malformed { line, .. }) = SendLog::open(&path) else { panic!() };
        assert_eq!(line, 2);
    }

    /// The bytes a crash leaves after the last complete line: cut mid-JSON, cut inside a
    /// multi-byte character, or zeros (a file extended but never written, after a power cut).
    #[test]
    fn a_torn_last_line_is_ignored_and_the_log_stays_readable() {
        let torn: [&[u8]; 3] = [
            br#"{"at":"y","key":"k2","branch":"Bek"#,
            "{\"at\":\"y\",\"key\":\"k2\",\"branch\":\"Cabang \u{2013}"
                .as_bytes()
                .split_last()
                .unwrap()
                .1,
            &[0; 12],
        ];
        for tail in torn {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("send-log.jsonl");
            let mut bytes = format!("{SENT_K1}\n").into_bytes();
            bytes.extend_from_slice(tail);
            std::fs::write(&path, &bytes).unwrap();

            let mut log = SendLog::open(&path).unwrap();
            assert_eq!((log.state("k1"), log.state("k2")), (Some(State::Sent), None));
            log.record("k3", "Bogor", State::Sending, "").unwrap();
            drop(log);
            // The torn bytes are gone and the new entry is a line of its own.
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            assert_eq!(lines.len(), 2, "{text:?}");
            assert_eq!(lines[0], format!("{SENT_K1}\n"));
            let entry: LogEntry = serde_json::from_str(lines[1].trim_end()).unwrap();
            assert_eq!((entry.key.as_str(), entry.state), ("k3", State::Sending));
            assert!(text.ends_with('\n'));

            // ...so the run after the next one can read it too.
            let log = SendLog::open(&path).unwrap();
            assert_eq!(
                (log.state("k1"), log.state("k3")),
                (Some(State::Sent), Some(State::Sending))
            );
        }
    }

    /// A last line that only lost its newline is a whole entry: it counts, and the next
    /// entry goes on a line of its own.
    #[test]
    fn a_last_line_without_its_newline_still_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("send-log.jsonl");
        std::fs::write(&path, SENT_K1).unwrap();
        let mut log = SendLog::open(&path).unwrap();
        assert_eq!(log.state("k1"), Some(State::Sent));
        log.record("k3", "Bogor", State::Sending, "").unwrap();
        drop(log);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(&format!("{SENT_K1}\n{{")), "{text:?}");
        assert_eq!(SendLog::open(&path).unwrap().state("k3"), Some(State::Sending));
    }
}
