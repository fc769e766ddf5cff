//! The outbox: one `.eml` per branch plus `plan.csv`, written by planning and read by
//! sending. Files never leave the outbox folder, whatever the branch is called.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::message::{BranchMessage, safe_file_name};

/// One planned e-mail, as `plan.csv` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanEntry {
    /// The branch.
    pub branch: String,
    /// The envelope sender (address only).
    pub from: String,
    /// "To" addresses.
    pub to: Vec<String>,
    /// "Cc" addresses.
    pub cc: Vec<String>,
    /// Leads in the message.
    pub rows: usize,
    /// The attachment's file name (empty without one).
    pub attachment: String,
    /// The idempotency key.
    pub key: String,
    /// The `.eml` file, relative to the outbox.
    pub file: String,
}

/// The columns of `plan.csv`.
pub const PLAN_HEADER: [&str; 8] =
    ["branch", "from", "to", "cc", "rows", "attachment", "key", "file"];

/// A planned outbox folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The outbox folder.
    pub dir: PathBuf,
    /// Its e-mails, in plan order.
    pub entries: Vec<PlanEntry>,
}

fn address_only(from: &str) -> String {
    match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => from[a + 1..b].trim().to_string(),
        _ => from.trim().to_string(),
    }
}

impl Plan {
    /// Writes every message into `dir` (created if missing) as `<branch>.eml` (made safe
    /// and unique) and `plan.csv`. `rows` gives each message's lead count.
    ///
    /// # Errors
    /// [`Error::Io`], and the errors of [`BranchMessage::to_eml`].
    pub fn write(
        dir: &Path,
        messages: &[(BranchMessage, usize)],
        drafts: bool,
    ) -> Result<Plan, Error> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut entries = Vec::with_capacity(messages.len());
        let mut used = std::collections::HashSet::new();
        for (m, rows) in messages {
            let stem = safe_file_name(&m.branch);
            let mut file = format!("{stem}.eml");
            let mut n = 2;
            while !used.insert(file.to_lowercase()) {
                file = format!("{stem}-{n}.eml");
                n += 1;
            }
            let bytes = m.to_eml(drafts)?;
            let path = dir.join(&file);
            fs::write(&path, &bytes).map_err(|e| Error::io(&path, e))?;
            entries.push(PlanEntry {
                branch: m.branch.clone(),
                from: address_only(&m.from),
                to: m.to.clone(),
                cc: m.cc.clone(),
                rows: *rows,
                attachment: m
                    .attachment
                    .as_ref()
                    .map(|a| safe_file_name(&a.name))
                    .unwrap_or_default(),
                key: m.key(),
                file,
            });
        }
        let plan = Plan { dir: dir.to_path_buf(), entries };
        plan.save()?;
        Ok(plan)
    }

    fn plan_path(dir: &Path) -> PathBuf {
        dir.join("plan.csv")
    }

    fn save(&self) -> Result<(), Error> {
        let path = Plan::plan_path(&self.dir);
        let io = |e: std::io::Error| Error::io(&path, e);
        let mut w = csv::Writer::from_writer(Vec::new());
        let csv_err = |e: csv::Error| Error::io(&path, std::io::Error::other(e));
        w.write_record(PLAN_HEADER).map_err(csv_err)?;
        for e in &self.entries {
            w.write_record([
                e.branch.as_str(),
                &e.from,
                &e.to.join(";"),
                &e.cc.join(";"),
                &e.rows.to_string(),
                &e.attachment,
                &e.key,
                &e.file,
            ])
            .map_err(csv_err)?;
        }
        let bytes = w.into_inner().map_err(|e| io(std::io::Error::other(e.to_string())))?;
        let mut f = fs::File::create(&path).map_err(io)?;
        f.write_all(&bytes).map_err(io)?;
        f.sync_all().map_err(io)
    }

    /// Reads `plan.csv` of an outbox folder.
    ///
    /// # Errors
    /// [`Error::Io`]; [`Error::Malformed`] naming the line (wrong columns, a file outside
    /// the folder).
    pub fn load(dir: &Path) -> Result<Plan, Error> {
        let path = Plan::plan_path(dir);
        let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let bad = |line: usize, message: String| Error::Malformed {
            path: path.display().to_string(),
            line,
            message,
        };
        let header: Vec<String> =
            rdr.headers().map_err(|e| bad(1, e.to_string()))?.iter().map(str::to_string).collect();
        if header != PLAN_HEADER {
            return Err(bad(1, format!("expected the columns {}", PLAN_HEADER.join(","))));
        }
        let mut entries = Vec::new();
        for (i, r) in rdr.records().enumerate() {
            let line = i + 2;
            let r = r.map_err(|e| bad(line, e.to_string()))?;
            let list = |s: &str| -> Vec<String> {
                s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
            };
            let file = r[7].to_string();
            if file.is_empty() || file != safe_file_name(&file) || !file.ends_with(".eml") {
                return Err(bad(
                    line,
                    "the file must be a plain .eml name inside the outbox".into(),
                ));
            }
            entries.push(PlanEntry {
                branch: r[0].to_string(),
                from: r[1].to_string(),
                to: list(&r[2]),
                cc: list(&r[3]),
                rows: r[4].parse().map_err(|_| bad(line, "rows is not a number".into()))?,
                attachment: r[5].to_string(),
                key: r[6].to_string(),
                file,
            });
        }
        Ok(Plan { dir: dir.to_path_buf(), entries })
    }

    /// The bytes to send for an entry: its `.eml` without the `X-Unsent` draft marker.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn eml(&self, entry: &PlanEntry) -> Result<Vec<u8>, Error> {
        let path = self.dir.join(&entry.file);
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        Ok(strip_draft_marker(bytes))
    }
}

/// Removes the `X-Unsent: 1` header line (only in the header block).
fn strip_draft_marker(bytes: Vec<u8>) -> Vec<u8> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(bytes.len());
    let needle = b"X-Unsent: 1\r\n";
    match bytes[..end].windows(needle.len()).position(|w| w == needle) {
        Some(p) if p == 0 || bytes[p - 1] == b'\n' => {
            let mut out = bytes[..p].to_vec();
            out.extend_from_slice(&bytes[p + needle.len()..]);
            out
        }
        _ => bytes,
    }
}
