//! The send log: append-only JSON lines, fsynced after every line, keyed by message key.
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
    /// Opens (or creates) the log and reads every key's latest state. A torn last line (a
    /// crash while writing) is ignored; a malformed line elsewhere is an error.
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::Malformed`].
    pub fn open(path: &Path) -> Result<SendLog, Error> {
        let mut last = HashMap::new();
        if path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            let lines: Vec<&str> = text.split('\n').collect();
            for (i, line) in lines.iter().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<LogEntry>(line) {
                    Ok(e) => {
                        last.insert(e.key.clone(), e);
                    }
                    // The final line without its newline: written when the process died.
                    Err(_) if i == lines.len() - 1 => {}
                    Err(e) => {
                        return Err(Error::Malformed {
                            path: path.display().to_string(),
                            line: i as u64 + 1,
                            message: e.to_string(),
                        });
                    }
                }
            }
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        // Start on a fresh line if the last one was torn.
        let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        if len > 0 {
            let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            if text.last() != Some(&b'\n') {
                file.write_all(b"\n").map_err(|e| Error::io(path, e))?;
            }
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

    #[test]
    fn a_malformed_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("send-log.jsonl");
        std::fs::write(
            &path,
            "{\"at\":\"x\",\"key\":\"k\",\"branch\":\"b\",\"state\":\"sent\"}\nnope\n{}\n",
        )
        .unwrap();
        let Err(Error::Malformed { line, .. }) = SendLog::open(&path) else { panic!() };
        assert_eq!(line, 2);
    }
}
