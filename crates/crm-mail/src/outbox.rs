//! The outbox: one `.eml` per branch plus `plan.csv`, written by planning and read by
//! sending. Files never leave the outbox folder, whatever the branch is called.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, csv_line, find_column, missing_column};
use crate::message::{BranchMessage, safe_file_name};

/// One planned e-mail, as `plan.csv` lists it.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

/// The columns of `plan.csv`, in the order [`Plan::write`] writes them. The format only
/// grows: [`Plan::load`] finds these by name and ignores columns it does not know.
pub const PLAN_HEADER: [&str; 8] =
    ["branch", "from", "to", "cc", "rows", "attachment", "key", "file"];

/// A planned outbox folder.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

    /// Reads `plan.csv` of an outbox folder. Columns are found by name (any order; columns
    /// a later version adds are ignored).
    ///
    /// # Errors
    /// [`Error::Io`]; [`Error::MissingColumn`] when a column of [`PLAN_HEADER`] is missing;
    /// [`Error::Malformed`] naming the line (a bad row count, a file outside the folder).
    /// The file check is on names: a `file` that is not a plain `.eml` name (a path, `..`,
    /// a leading dot, a character [`safe_file_name`] would replace) is refused, but a
    /// symbolic link inside the folder is followed like any file.
    pub fn load(dir: &Path) -> Result<Plan, Error> {
        let path = Plan::plan_path(dir);
        let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let bad = |line: u64, message: String| Error::Malformed {
            path: path.display().to_string(),
            line,
            message,
        };
        let header: Vec<String> =
            rdr.headers().map_err(|e| bad(1, e.to_string()))?.iter().map(str::to_string).collect();
        let mut col = [0usize; PLAN_HEADER.len()];
        for (c, name) in col.iter_mut().zip(PLAN_HEADER) {
            *c = find_column(&header, name).ok_or_else(|| missing_column(name, &header))?;
        }
        let [branch, from, to, cc, rows, attachment, key, file] = col;
        let mut entries = Vec::new();
        for r in rdr.records() {
            let r = r.map_err(|e| bad(csv_line(&e), e.to_string()))?;
            let line = r.position().map_or(0, csv::Position::line);
            let get = |c: usize| r.get(c).unwrap_or("");
            let list = |s: &str| -> Vec<String> {
                s.split(';').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
            };
            let file = get(file).to_string();
            if file.is_empty() || file != safe_file_name(&file) || !file.ends_with(".eml") {
                return Err(bad(
                    line,
                    "the file must be a plain .eml name inside the outbox".into(),
                ));
            }
            entries.push(PlanEntry {
                branch: get(branch).to_string(),
                from: get(from).to_string(),
                to: list(get(to)),
                cc: list(get(cc)),
                rows: get(rows).parse().map_err(|_| bad(line, "rows is not a number".into()))?,
                attachment: get(attachment).to_string(),
                key: get(key).to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &str =
        "Bekasi,crm@acme.co.id,a@acme.co.id;b@acme.co.id,,12,leads.xlsx,C1/bekasi/00ff,Bekasi.eml";

    fn load(plan_csv: &str) -> Result<Plan, Error> {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("plan.csv"), plan_csv).unwrap();
        Plan::load(dir.path())
    }

    #[test]
    fn the_plan_header_is_a_compatibility_promise() {
        assert_eq!(PLAN_HEADER.join(","), "branch,from,to,cc,rows,attachment,key,file");
    }

    #[test]
    fn columns_a_later_version_adds_are_ignored() {
        let plan = load(&format!("{},priority\n{ROW},high\n", PLAN_HEADER.join(","))).unwrap();
        let e = &plan.entries[0];
        assert_eq!((e.branch.as_str(), e.rows, e.file.as_str()), ("Bekasi", 12, "Bekasi.eml"));
        assert_eq!(e.to, ["a@acme.co.id", "b@acme.co.id"]);
    }

    #[test]
    fn a_missing_column_lists_the_columns() {
        let err = load("branch,from,to,cc,rows,attachment,file\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"no column named "key" (columns: branch, from, to, cc, rows, attachment, file)"#
        );
    }

    #[test]
    fn a_written_plan_loads_back_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let header = PLAN_HEADER.join(",");
        fs::write(dir.path().join("plan.csv"), format!("{header}\n{ROW}\n")).unwrap();
        let plan = Plan::load(dir.path()).unwrap();
        let copy = tempfile::tempdir().unwrap();
        Plan { dir: copy.path().to_path_buf(), ..plan.clone() }.save().unwrap();
        let again = Plan::load(copy.path()).unwrap();
        assert_eq!(again.entries, plan.entries);
        assert_eq!(
            fs::read_to_string(copy.path().join("plan.csv")).unwrap(),
            format!("{header}\n{ROW}\n")
        );
    }

    #[test]
    fn a_plan_cannot_name_a_file_outside_the_outbox() {
        let header = PLAN_HEADER.join(",");
        for file in [
            "../x.eml",
            "../../etc/x.eml",
            "/etc/x.eml",
            "/tmp/outbox/Bekasi.eml",
            "sub/x.eml",
            "..\\x.eml",
            "C:\\x.eml",
            ".x.eml",
            "..eml",
            " x.eml",
            "x.eml ",
            "x.txt",
            "x.eml/",
            "\"\"",
        ] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("plan.csv");
            let row = ROW.replace("Bekasi.eml", file);
            fs::write(&path, format!("{header}\n{ROW}\n{row}\n")).unwrap();
            let err = Plan::load(dir.path()).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "{}: line 3: the file must be a plain .eml name inside the outbox",
                    path.display()
                ),
                "{file}"
            );
        }
    }

    #[test]
    fn bad_rows_name_their_line() {
        let header = PLAN_HEADER.join(",");
        let err = load(&format!("{header}\n{ROW}\n{}\n", ROW.replace(",12,", ",x,"))).unwrap_err();
        let Error::Malformed { line, message, .. } = &err else { panic!("{err:?}") };
        assert_eq!((*line, message.as_str()), (3, "rows is not a number"));
        let err =
            load(&format!("{header}\n{}\n", ROW.replace("Bekasi.eml", "../x.eml"))).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("line 2: the file must be a plain .eml name inside the outbox"),
            "{err}"
        );
    }
}
