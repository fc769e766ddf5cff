//! Injection, traversal and masking.

use chrono::{DateTime, FixedOffset};
use crm_mail::{BranchContext, BranchMessage, Error, Plan, SummaryTable, Templates};

fn date() -> DateTime<FixedOffset> {
    "2026-11-22T08:00:00+07:00".parse().unwrap()
}

fn message(branch: &str, subject_tpl: &str) -> Result<BranchMessage, Error> {
    let t = Templates::new(crm_mail::BUILTIN_HTML, None, Some(subject_tpl))?;
    let content = t.render(&BranchContext {
        branch: branch.into(),
        campaign: "C1".into(),
        rows: 1,
        date: "2026-11-22".into(),
        table: SummaryTable {
            columns: vec!["name".into()],
            rows: vec![vec!["<script>alert(1)</script> & Co".into()]],
        },
        ..Default::default()
    })?;
    Ok(BranchMessage {
        campaign: "C1".into(),
        branch: branch.into(),
        from: "CRM <crm@acme.co.id>".into(),
        to: vec!["ops@acme.co.id".into()],
        cc: vec![],
        content,
        attachment: None,
        date: date(),
    })
}

#[test]
fn html_in_any_field_renders_as_text() {
    let m = message("<img src=x onerror=alert(1)>", "Leads {{ branch }}").unwrap();
    assert!(!m.content.html.contains("<script>"));
    assert!(m.content.html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
    assert!(m.content.html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!m.content.html.contains("<img"));
}

#[test]
fn line_breaks_in_headers_are_refused() {
    let e = message("Bekasi", "Leads {{ branch }}\nBcc: evil@example.com").unwrap_err();
    assert!(matches!(e, Error::HeaderInjection { .. }), "{e}");
    let e = message("Bekasi\r\nBcc: evil@example.com", "Leads").unwrap().to_eml(false).unwrap_err();
    assert!(matches!(e, Error::HeaderInjection { .. }), "{e}");
    let mut m = message("Bekasi", "Leads").unwrap();
    m.to = vec!["ops@acme.co.id\r\nBcc: x@y.z".into()];
    assert!(matches!(m.to_eml(false).unwrap_err(), Error::HeaderInjection { .. }));
}

#[test]
fn branch_names_cannot_leave_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let msgs: Vec<(BranchMessage, usize)> =
        ["../../etc/passwd", "..", "/abs/path", "CON", "a/b\\c"]
            .iter()
            .map(|b| (message(b, "Leads").unwrap(), 1))
            .collect();
    let plan = Plan::write(&outbox, &msgs, true).unwrap();
    for e in &plan.entries {
        let p = outbox.join(&e.file);
        assert_eq!(p.parent().unwrap(), outbox, "{}", e.file);
        assert!(p.exists());
        assert!(!e.file.contains('/') && !e.file.contains('\\') && !e.file.starts_with('.'));
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // Drafts carry X-Unsent: 1 for Outlook; what is sent does not.
    let raw = std::fs::read(outbox.join(&plan.entries[0].file)).unwrap();
    assert!(String::from_utf8_lossy(&raw).contains("X-Unsent: 1\r\n"));
    let sent = plan.eml(&plan.entries[0]).unwrap();
    assert!(!String::from_utf8_lossy(&sent).contains("X-Unsent"));
}

#[test]
fn the_same_plan_gives_the_same_bytes_and_key() {
    let a = message("Bekasi", "Leads").unwrap();
    let b = message("Bekasi", "Leads").unwrap();
    assert_eq!(a.to_eml(false).unwrap(), b.to_eml(false).unwrap());
    assert_eq!(a.key(), b.key());
    assert!(a.key().starts_with("C1/bekasi/"));
    let mut c = message("Bekasi", "Leads").unwrap();
    c.to.push("second@acme.co.id".into());
    assert_ne!(a.key(), c.key());
}
