//! The `crm` commands not covered by `cli.rs`, run as a user would on small hand-written
//! inputs whose outputs can be stated exactly: `mail`, `message`, `leads evaluate` and
//! `monitor`, `id validate --fail-on warning`, `segment --scale`, the `rfm` options and
//! `excel merge --alias` / `--sheet`. Every exit status is checked.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Fixtures shared with crm-excel's tests.
fn fixture(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crm-excel/tests/data").join(name);
    assert!(path.exists(), "missing fixture {}", path.display());
    path
}

/// Runs `crm` in `dir`, so relative paths are as a user in that folder types them.
#[track_caller]
fn crm_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crm")).current_dir(dir).args(args).output().expect("crm runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[track_caller]
fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `crm` in `dir` and checks its exit status, returning its stderr.
#[track_caller]
fn run(dir: &Path, args: &[&str], code: i32) -> String {
    let res = crm_in(dir, args);
    let err = stderr(&res);
    assert_eq!(res.status.code(), Some(code), "crm {}: {err}", args.join(" "));
    err
}

// ---------------------------------------------------------------------------------------
// crm mail

/// Four leads in three branches, two of which are in the directory.
fn mail_inputs(dir: &Path) {
    std::fs::write(
        dir.join("leads.csv"),
        "name,phone,branch\nBudi,081234567890,Bekasi\nSiti,081311112222,Bogor\n\
         Joko,081400000001,Bekasi\nAni,081500000002,Depok\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("directory.csv"),
        "branch,email\nBekasi,bekasi@acme.co.id\nBogor,bogor@acme.co.id\n",
    )
    .unwrap();
    let plan = [
        "mail",
        "plan",
        "leads.csv",
        "--directory",
        "directory.csv",
        "--from",
        "CRM <crm@acme.co.id>",
        "--outbox",
        "outbox",
        "--date",
        "2026-11-22",
        "--campaign",
        "C1",
    ];
    // A branch without a directory entry is a problem reported, not an error.
    let err = run(dir, &plan, 0);
    assert!(err.contains("planned 2 e-mails (3 leads) from 4 leads of leads.csv"), "{err}");
}

/// The `key` column of plan.csv, by branch.
fn plan_key(dir: &Path, branch: &str) -> String {
    let plan = read(&dir.join("outbox/plan.csv"));
    let line = plan.lines().find(|l| l.starts_with(&format!("{branch},"))).unwrap();
    line.split(',').nth(6).unwrap().to_owned()
}

/// The states of a send log, in order, as `branch:state`.
fn log_states(path: &Path) -> Vec<String> {
    read(path)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!("{}:{}", v["branch"].as_str().unwrap(), v["state"].as_str().unwrap())
        })
        .collect()
}

#[test]
fn mail_plan_writes_one_message_per_branch_and_the_problems() {
    let dir = tempfile::tempdir().unwrap();
    mail_inputs(dir.path());
    let outbox = dir.path().join("outbox");
    let mut files: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, ["Bekasi.eml", "Bogor.eml", "plan.csv", "problems.csv"]);
    let plan = read(&outbox.join("plan.csv"));
    let lines: Vec<&str> = plan.lines().collect();
    assert_eq!(lines[0], "branch,from,to,cc,rows,attachment,key,file");
    // The key is the campaign, the branch and a hash of the content.
    let without_key = |line: &str| {
        let mut fields: Vec<&str> = line.split(',').collect();
        let key = fields.remove(6);
        (fields.join(","), key.to_owned())
    };
    let (bekasi, bekasi_key) = without_key(lines[1]);
    let (bogor, bogor_key) = without_key(lines[2]);
    assert_eq!(bekasi, "Bekasi,crm@acme.co.id,bekasi@acme.co.id,,2,C1-Bekasi.xlsx,Bekasi.eml");
    assert_eq!(bogor, "Bogor,crm@acme.co.id,bogor@acme.co.id,,1,C1-Bogor.xlsx,Bogor.eml");
    assert!(bekasi_key.starts_with("C1/bekasi/") && bogor_key.starts_with("C1/bogor/"), "{plan}");
    assert_eq!(lines.len(), 3);
    assert_eq!(
        read(&outbox.join("problems.csv")),
        "kind,branch,detail\nno_entry,Depok,Depok: no directory entry\n"
    );
    let eml = read(&outbox.join("Bekasi.eml"));
    assert!(
        eml.contains("\nSubject: [C1] 2 leads untuk cabang Bekasi (2026-11-22)\r\n")
            || eml.contains("\nSubject: [C1] 2 leads untuk cabang Bekasi (2026-11-22)\n")
    );
    assert!(eml.contains("Date: Sun, 22 Nov 2026 01:00:00 +0000"), "the fixed date");
    assert!(eml.contains("To: bekasi@acme.co.id"));

    // The same plan again gives the same bytes and keys.
    let first = std::fs::read(outbox.join("Bekasi.eml")).unwrap();
    mail_inputs(dir.path());
    assert_eq!(std::fs::read(outbox.join("Bekasi.eml")).unwrap(), first);
    assert_eq!(plan_key(dir.path(), "Bekasi"), bekasi_key);
}

#[test]
fn mail_send_into_a_folder_sends_each_message_once() {
    let dir = tempfile::tempdir().unwrap();
    mail_inputs(dir.path());
    let send = ["mail", "send", "--outbox", "outbox", "--folder", "sent", "--log", "log.jsonl"];
    let err = run(dir.path(), &send, 0);
    assert!(
        err.contains("sent 2 of 2 e-mails; 0 already sent before; 0 retried; 0 failed; 0 stuck"),
        "{err}"
    );
    // The messages are delivered byte for byte, in plan order.
    let sent = |n: u32| std::fs::read(dir.path().join(format!("sent/{n:06}.eml"))).unwrap();
    assert_eq!(sent(1), std::fs::read(dir.path().join("outbox/Bekasi.eml")).unwrap());
    assert_eq!(sent(2), std::fs::read(dir.path().join("outbox/Bogor.eml")).unwrap());
    let log = dir.path().join("log.jsonl");
    assert_eq!(log_states(&log), ["Bekasi:sending", "Bekasi:sent", "Bogor:sending", "Bogor:sent"]);
    assert!(!read(&log).contains("bekasi@acme.co.id"), "addresses are masked in the log");

    // A second run sends nothing.
    let err = run(dir.path(), &send, 0);
    assert!(err.contains("sent 0 of 2 e-mails; 2 already sent before"), "{err}");
    assert_eq!(log_states(&log).len(), 4);
}

/// A run that crashed between `sending` and `sent` leaves the message stuck: it is reported
/// with exit 1 and not sent again, unless `--resend-stuck` asks for it.
#[test]
fn mail_send_reports_a_stuck_message_with_exit_1_and_does_not_resend_it() {
    let dir = tempfile::tempdir().unwrap();
    mail_inputs(dir.path());
    let key = plan_key(dir.path(), "Bogor");
    std::fs::write(
        dir.path().join("log.jsonl"),
        format!(
            "{{\"at\":\"2026-11-22T01:00:00.000Z\",\"key\":\"{key}\",\"branch\":\"Bogor\",\
             \"state\":\"sending\",\"detail\":\"b***@acme.co.id\"}}\n"
        ),
    )
    .unwrap();
    let send = ["mail", "send", "--outbox", "outbox", "--folder", "sent", "--log", "log.jsonl"];
    let err = run(dir.path(), &send, 1);
    assert!(
        err.contains("sent 1 of 2 e-mails; 0 already sent before; 0 retried; 0 failed; 1 stuck")
    );
    assert!(err.contains("stuck: Bogor: an earlier run stopped while sending it"), "{err}");
    let sent: Vec<_> = std::fs::read_dir(dir.path().join("sent")).unwrap().collect();
    assert_eq!(sent.len(), 1, "only Bekasi's message");
    let log = dir.path().join("log.jsonl");
    assert_eq!(log_states(&log), ["Bogor:sending", "Bekasi:sending", "Bekasi:sent"]);

    let mut resend = send.to_vec();
    resend[5] = "resent";
    resend.push("--resend-stuck");
    let err = run(dir.path(), &resend, 0);
    assert!(
        err.contains("sent 1 of 2 e-mails; 1 already sent before; 0 retried; 0 failed; 0 stuck")
    );
    assert_eq!(
        std::fs::read(dir.path().join("resent/000001.eml")).unwrap(),
        std::fs::read(dir.path().join("outbox/Bogor.eml")).unwrap()
    );
}

/// A message that cannot be delivered is logged `failed`, the run goes on, and exits 1.
#[test]
fn mail_send_exits_1_when_a_message_fails() {
    let dir = tempfile::tempdir().unwrap();
    mail_inputs(dir.path());
    // The folder transport cannot write its first file over a directory.
    std::fs::create_dir_all(dir.path().join("sent/000001.eml")).unwrap();
    let send = [
        "mail",
        "send",
        "--outbox",
        "outbox",
        "--folder",
        "sent",
        "--log",
        "log.jsonl",
        "--retries",
        "0",
    ];
    let err = run(dir.path(), &send, 1);
    assert!(
        err.contains("sent 1 of 2 e-mails; 0 already sent before; 0 retried; 1 failed"),
        "{err}"
    );
    assert!(err.contains("failed: Bekasi: gave up after 1 attempts: "), "{err}");
    let log = dir.path().join("log.jsonl");
    assert_eq!(
        log_states(&log),
        ["Bekasi:sending", "Bekasi:failed", "Bogor:sending", "Bogor:sent"]
    );
}

// ---------------------------------------------------------------------------------------
// crm message

#[test]
fn message_render_fills_the_template_and_rejects_what_it_cannot_send() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.txt"),
        "Halo {{ salutation }} {{ name }}, tagihan Anda {{ amount }} jatuh tempo {{ due }}.",
    )
    .unwrap();
    let long = "A".repeat(200);
    std::fs::write(
        dir.path().join("c.csv"),
        format!(
            "name,gender,amount,due\nBudi,L,Rp 150.000,2026-12-01\nSiti,P,Rp 200.000,2026-12-02\n\
             Ani,,Rp 1,2026-12-03\nJoko,L,,2026-12-04\n{long},P,1,2\n"
        ),
    )
    .unwrap();
    let args = [
        "message",
        "render",
        "--template",
        "t.txt",
        "--input",
        "c.csv",
        "--channel",
        "sms",
        "--out",
        "out.csv",
    ];
    let err = run(dir.path(), &args, 0);
    assert!(err.contains("rendered 3 texts of 5 rows (2 rejected)"), "{err}");
    assert_eq!(
        read(&dir.path().join("out.csv")),
        "name,gender,amount,due,text\n\
         Budi,L,Rp 150.000,2026-12-01,\"Halo Bapak Budi, tagihan Anda Rp 150.000 jatuh tempo 2026-12-01.\"\n\
         Siti,P,Rp 200.000,2026-12-02,\"Halo Ibu Siti, tagihan Anda Rp 200.000 jatuh tempo 2026-12-02.\"\n\
         Ani,,Rp 1,2026-12-03,\"Halo Bapak/Ibu Ani, tagihan Anda Rp 1 jatuh tempo 2026-12-03.\"\n"
    );
    assert_eq!(
        read(&dir.path().join("out.rejects.csv")),
        "row,reason\n5,missing amount\n6,\"240 characters, the channel allows 160\"\n"
    );
    // No template: an error.
    let mut missing = args.to_vec();
    missing[3] = "nope.txt";
    let err = run(dir.path(), &missing, 2);
    assert!(err.contains("nope.txt"), "{err}");
}

/// December 2026: the 5th and 6th are a Saturday and a Sunday, the 24th (cuti bersama) and
/// the 25th (Natal) holidays; the 31st is a Thursday.
#[test]
fn message_autodebit_moves_weekend_and_holiday_debits_to_the_previous_working_day() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("customers.csv"),
        "id,name,debit_day\n1,Budi,5\n2,Siti,6\n3,Ani,25\n4,Joko,31\n5,Rina,10\n6,Eko,x\n7,Dewi,\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("calendar.csv"),
        "date,name\n2026-12-25,Natal\n2026-12-24,Cuti bersama\n",
    )
    .unwrap();
    let args = [
        "message",
        "autodebit",
        "--customers",
        "customers.csv",
        "--calendar",
        "calendar.csv",
        "--month",
        "2026-12",
        "--out",
        "out.csv",
    ];
    let err = run(dir.path(), &args, 0);
    assert!(
        err.contains(
            "3 of 7 customers have their debit on a non-working day in 2026-12; 2 rejected"
        ),
        "{err}"
    );
    assert_eq!(
        read(&dir.path().join("out.csv")),
        "id,name,debit_day,scheduled_date,moved_to,reason\n\
         1,Budi,5,2026-12-05,2026-12-04,Sat\n\
         2,Siti,6,2026-12-06,2026-12-04,Sun\n\
         3,Ani,25,2026-12-25,2026-12-23,Natal\n"
    );
    assert_eq!(
        read(&dir.path().join("out.rejects.csv")),
        "row,reason\n7,debit day is not a whole number\n8,debit day is empty\n"
    );
    let mut bad = args.to_vec();
    bad[7] = "2026-13";
    run(dir.path(), &bad, 2);
}

// ---------------------------------------------------------------------------------------
// crm leads evaluate / monitor

/// 600 leads whose booking follows income and source (as in cli.rs), and a logistic
/// pipeline trained on them.
fn leads_and_model(dir: &Path) {
    let mut text = String::from("id,source,income,status,contacted,booked\n");
    for i in 0..600 {
        let source = ["walk-in", "web", "referral"][i % 3];
        let income = 2_000_000 + (i * 37_000) % 9_000_000;
        let contacted = (source != "web" && i % 7 != 0) || i % 4 == 0;
        let booked = contacted && income > 6_000_000 && i % 3 != 1;
        let status = if contacted { "connected" } else { "no answer" };
        text.push_str(&format!(
            "L{i},{source},{income},{status},{},{}\n",
            if contacted { "ya" } else { "tidak" },
            if booked { "ya" } else { "tidak" }
        ));
    }
    std::fs::write(dir.join("leads.csv"), text).unwrap();
    let train = [
        "leads",
        "train",
        "leads.csv",
        "--contact-target",
        "contacted",
        "--booking-target",
        "booked",
        "--positive",
        "ya",
        "--exclude",
        "id",
        "--leakage",
        "status",
        "--model",
        "logistic",
        "--model-out",
        "model.json",
    ];
    run(dir, &train, 0);
}

/// ROC AUC by pairs, ties counting a half: the definition, independent of the library's.
fn auc(scores: &[(f64, bool)]) -> f64 {
    let (pos, neg): (Vec<_>, Vec<_>) = scores.iter().partition(|(_, y)| *y);
    let mut sum = 0.0;
    for (p, _) in &pos {
        for (n, _) in &neg {
            sum += if p > n {
                1.0
            } else if p == n {
                0.5
            } else {
                0.0
            };
        }
    }
    sum / (pos.len() * neg.len()) as f64
}

/// `crm leads evaluate` gives the metrics of the scores `crm leads score` writes: the AUC of
/// the final score against the booking, computed here from the scored file.
#[test]
fn leads_evaluate_gives_the_metrics_of_the_scored_file() {
    let dir = tempfile::tempdir().unwrap();
    leads_and_model(dir.path());
    let err = run(
        dir.path(),
        &["leads", "evaluate", "leads.csv", "--model", "model.json", "--out", "metrics.json"],
        0,
    );
    assert!(err.contains("final score"), "{err}");
    run(dir.path(), &["leads", "score", "leads.csv", "--model", "model.json", "--out", "s.csv"], 0);

    let scored = read(&dir.path().join("s.csv"));
    let mut lines = scored.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (score, booked) = (col("score"), col("booked"));
    let pairs: Vec<(f64, bool)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[score].parse().unwrap(), f[booked] == "ya")
        })
        .collect();
    let positives = pairs.iter().filter(|(_, y)| *y).count();

    let metrics: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("metrics.json"))).unwrap();
    let m = &metrics["metrics"];
    assert_eq!(m["n"], 600);
    assert_eq!(m["positives"].as_u64(), Some(positives as u64));
    let roc_auc = m["roc_auc"].as_f64().unwrap();
    assert!((roc_auc - auc(&pairs)).abs() < 1e-12, "{roc_auc} vs {}", auc(&pairs));
    let c = &m["confusion"];
    let count = |k: &str| c[k].as_u64().unwrap();
    assert_eq!(count("tp") + count("fn_"), positives as u64);
    assert_eq!(count("tp") + count("fn_") + count("fp") + count("tn"), 600);
    let deciles = metrics["deciles"].as_array().unwrap();
    assert_eq!(deciles.len(), 10);
    let sum = |k: &str| deciles.iter().map(|d| d[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!((sum("count"), sum("positives")), (600, positives as u64));

    // Unlabelled leads cannot be evaluated.
    std::fs::write(dir.path().join("new.csv"), "id,source,income,status\nL1,web,5000000,x\n")
        .unwrap();
    run(
        dir.path(),
        &["leads", "evaluate", "new.csv", "--model", "model.json", "--out", "m2.json"],
        2,
    );
}

/// The score PSI line and the per-input lines of `crm leads monitor`, `name -> label`.
fn psi_labels(err: &str) -> Vec<(String, String)> {
    err.lines()
        .filter_map(|l| {
            let l = l
                .trim()
                .strip_prefix("score PSI ")
                .map_or(l.trim().to_owned(), |r| format!("score {r}"));
            let (name, rest) = l.split_once(' ')?;
            let label = rest.rsplit_once('(')?.1.strip_suffix(')')?;
            Some((name.to_owned(), label.to_owned()))
        })
        .collect()
}

#[test]
fn leads_monitor_finds_a_shifted_batch_unstable() {
    let dir = tempfile::tempdir().unwrap();
    leads_and_model(dir.path());
    // The PSI table goes to standard output.
    let monitor = |file: &str| {
        let res = crm_in(dir.path(), &["leads", "monitor", file, "--model", "model.json"]);
        assert_eq!(res.status.code(), Some(0), "{}", stderr(&res));
        String::from_utf8(res.stdout).unwrap()
    };
    let same = psi_labels(&monitor("leads.csv"));
    assert_eq!(same.len(), 5, "{same:?}");
    assert!(same.iter().all(|(_, label)| label == "stable"), "{same:?}");

    // Half the batch, all from the web, with three times the income.
    let leads = read(&dir.path().join("leads.csv"));
    let mut shifted = String::from("id,source,income,status,contacted,booked\n");
    for line in leads.lines().skip(1).take(300) {
        let f: Vec<&str> = line.split(',').collect();
        let income: u64 = f[2].parse().unwrap();
        shifted.push_str(&format!("{},web,{},{},{},{}\n", f[0], income * 3, f[3], f[4], f[5]));
    }
    std::fs::write(dir.path().join("shifted.csv"), shifted).unwrap();
    let moved = psi_labels(&monitor("shifted.csv"));
    assert_eq!(moved.len(), 5, "{moved:?}");
    assert!(moved.iter().all(|(_, label)| label == "significant"), "{moved:?}");
    assert!(
        moved.iter().any(|(name, _)| name == "score") && moved.iter().any(|(n, _)| n == "income")
    );

    // A batch without a model input: exit 2.
    std::fs::write(dir.path().join("other.csv"), "id,source\nL1,web\n").unwrap();
    run(dir.path(), &["leads", "monitor", "other.csv", "--model", "model.json"], 2);
}

// ---------------------------------------------------------------------------------------
// crm id validate --fail-on warning

#[test]
fn id_validate_fail_on_warning_exits_1_on_a_warning_and_0_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let header = "Nama,NIK,Tempat Lahir,Tgl Lahir,Jenis Kelamin\n";
    let siti = "Siti Rahayu,3204114609970001,Kab. Bandung,06/09/1997,P\n";
    let budi = "Budi Santoso,3204110609970002,Kab. Bandung,06/09/1997,L\n";
    std::fs::write(dir.path().join("valid.csv"), format!("{header}{siti}{budi}")).unwrap();
    // Budi's NIK on another person's record: both get the NIK_DUPLICATE warning.
    let other = "Budi Susanto,3204110609970002,Kab. Bandung,06/09/1997,L\n";
    std::fs::write(dir.path().join("dup.csv"), format!("{header}{siti}{budi}{other}")).unwrap();
    let validate = |file: &str, fail_on: Option<&str>, code: i32| {
        let mut args = vec!["id", "validate", file, "--out", "out.csv", "--as-of", "2026-11-22"];
        if let Some(level) = fail_on {
            args.extend(["--fail-on", level]);
        }
        run(dir.path(), &args, code)
    };
    let err = validate("valid.csv", Some("warning"), 0);
    assert!(err.contains("validated 2 records of valid.csv: 2 valid, 0 warning, 0 error"), "{err}");
    let err = validate("dup.csv", Some("warning"), 1);
    assert!(err.contains("validated 3 records of dup.csv: 1 valid, 2 warning, 0 error"), "{err}");
    let out = read(&dir.path().join("out.csv"));
    let statuses: Vec<&str> = out.lines().skip(1).map(|l| l.split(',').nth(5).unwrap()).collect();
    assert_eq!(statuses, ["valid", "warning", "warning"], "the output is written before exit 1");
    validate("dup.csv", Some("error"), 0);
    validate("dup.csv", None, 0);
}

// ---------------------------------------------------------------------------------------
// crm segment --scale

/// The model's scaler and centres, and the labels, for robust and min-max scaling of six
/// rows whose values can be checked by hand (numpy's linear quantiles for the robust one).
#[test]
fn segment_scale_robust_and_minmax_save_their_scalers_and_cluster_accordingly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.csv"),
        "id,a,b\n1,1,10\n2,2,20\n3,3,30\n4,4,40\n5,100,50\n6,101,60\n",
    )
    .unwrap();
    let rows = [[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0], [100.0, 50.0], [101.0, 60.0]];
    // a: median (3 + 4) / 2, IQR 76 - 2.25; b: median 35, IQR 47.5 - 22.5.
    let cases = [
        ("robust", "robust", [3.5, 35.0], [73.75, 25.0]),
        ("minmax", "min_max", [1.0, 10.0], [100.0, 50.0]),
    ];
    for (flag, name, center, scale) in cases {
        let out = format!("{flag}.csv");
        let model = format!("{flag}.json");
        let args = [
            "segment",
            "x.csv",
            "--features",
            "a,b",
            "--transform",
            "none",
            "--scale",
            flag,
            "--k",
            "2",
            "--out",
            &out,
            "--model-out",
            &model,
        ];
        run(dir.path(), &args, 0);
        let m: serde_json::Value = serde_json::from_str(&read(&dir.path().join(&model))).unwrap();
        let floats = |v: &serde_json::Value| -> Vec<f64> {
            v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
        };
        assert_eq!(m["scaler"]["scaling"], name, "{flag}");
        assert_eq!(floats(&m["scaler"]["center"]), center, "{flag}");
        assert_eq!(floats(&m["scaler"]["scale"]), scale, "{flag}");

        // The two large rows are cluster 0 (best), the four small ones cluster 1, and each
        // centre is the mean of its rows scaled.
        let labels: Vec<String> = read(&dir.path().join(&out))
            .lines()
            .skip(1)
            .map(|l| l.split(',').skip(3).collect::<Vec<_>>().join(","))
            .collect();
        let (lost, champions) = ("1,Lost", "0,Champions");
        assert_eq!(labels, [lost, lost, lost, lost, champions, champions], "{flag}");
        let scaled = |r: &[f64; 2], j: usize| (r[j] - center[j]) / scale[j];
        let mean = |members: &[[f64; 2]], j: usize| {
            members.iter().map(|r| scaled(r, j)).sum::<f64>() / members.len() as f64
        };
        let centroids = m["centroids"].as_array().unwrap();
        for (c, members) in [(0, &rows[4..]), (1, &rows[..4])] {
            let got = floats(&centroids[c]);
            for j in 0..2 {
                assert!((got[j] - mean(members, j)).abs() < 1e-12, "{flag} centre {c}: {got:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// crm rfm options

/// A's three purchase rows on 10 January (two of them one invoice) and a return on
/// 1 February; B's two purchases; C's one. As of 1 March 2026.
#[test]
fn rfm_frequency_monetary_returns_and_invoice_options() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tx.csv"),
        "cust,inv,date,amount\nA,I1,2026-01-10,100\nA,I1,2026-01-10,50\nA,I2,2026-01-10,30\n\
         A,I3,2026-02-01,-20\nB,I4,2026-01-05,200\nB,I5,2026-01-20,100\nC,I6,2026-02-10,10\n",
    )
    .unwrap();
    let rfm = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "rfm",
            "tx.csv",
            "--customer-col",
            "cust",
            "--date-col",
            "date",
            "--amount-col",
            "amount",
            "--as-of",
            "2026-03-01",
            "--out",
            "o.csv",
        ];
        args.extend(extra);
        run(dir.path(), &args, 0);
        // customer_id, recency_days, frequency, monetary
        read(&dir.path().join("o.csv"))
            .lines()
            .skip(1)
            .map(|l| l.split(',').take(4).collect::<Vec<_>>().join(","))
            .collect()
    };
    let b_c = ["B,40,2,300", "C,19,1,10"];
    let with = |a: &str| [a, b_c[0], b_c[1]].map(String::from).to_vec();
    // Rows are purchases; the return is netted from monetary.
    assert_eq!(rfm(&[]), with("A,50,3,160"));
    assert_eq!(rfm(&["--invoice-col", "inv"]), with("A,50,2,160"));
    assert_eq!(rfm(&["--invoice-col", "inv", "--frequency", "rows"]), with("A,50,3,160"));
    assert_eq!(rfm(&["--frequency", "days"]), with("A,50,1,160"));
    assert_eq!(rfm(&["--returns", "ignore"]), with("A,50,3,180"));
    // A return counted as a purchase is A's latest: 28 days before the as-of date.
    assert_eq!(rfm(&["--returns", "as-purchase"]), with("A,28,4,160"));
    assert_eq!(
        rfm(&["--monetary", "mean"]),
        ["A,50,3,53.333333333333336", "B,40,2,150", "C,19,1,10"]
    );
    assert_eq!(
        rfm(&["--monetary", "mean", "--invoice-col", "inv"]),
        ["A,50,2,80", "B,40,2,150", "C,19,1,10"]
    );

    let base = [
        "rfm",
        "tx.csv",
        "--customer-col",
        "cust",
        "--date-col",
        "date",
        "--amount-col",
        "amount",
        "--as-of",
        "2026-03-01",
        "--out",
        "o.csv",
    ];
    let mut args = base.to_vec();
    args.extend(["--frequency", "invoices"]);
    let err = run(dir.path(), &args, 2);
    assert!(err.contains("--frequency invoices needs --invoice-col"), "{err}");
    let mut args = base.to_vec();
    args.extend(["--invoice-col", "nope"]);
    let err = run(dir.path(), &args, 2);
    assert!(err.contains("--invoice-col \"nope\": no such column"), "{err}");
}

// ---------------------------------------------------------------------------------------
// crm excel merge --alias / --sheet

#[test]
fn excel_merge_alias_file_renames_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("alias.csv"), "alias,column\nPlafon,loan_limit\nAktif,active\n")
        .unwrap();
    let bekasi = fixture("branches/leads-bekasi.xlsx");
    let bogor = fixture("branches/leads-bogor.csv");
    let args = ["excel", "merge", s(&bekasi), s(&bogor), "--alias", "alias.csv", "--out", "m.csv"];
    let err = run(dir.path(), &args, 0);
    assert!(err.contains("leads-bogor.csv: 3 rows; missing columns: nik, active"), "{err}");
    let merged = read(&dir.path().join("m.csv"));
    assert_eq!(
        merged.lines().next().unwrap(),
        "name,phone,nik,loan_limit,birth_date,email,active,source_file,source_sheet,source_row"
    );
    assert_eq!(merged.lines().count(), 1 + 4 + 3);

    std::fs::write(dir.path().join("bad.csv"), "alias\nx\n").unwrap();
    let args = ["excel", "merge", s(&bogor), "--alias", "bad.csv", "--out", "b.csv"];
    let err = run(dir.path(), &args, 2);
    assert!(
        err.contains("bad.csv: invalid alias file: expected the header `alias,column`"),
        "{err}"
    );
}

#[test]
fn excel_merge_sheet_reads_that_sheet_of_every_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let two = fixture("branches/two-sheets.xlsx");
    let bogor = fixture("branches/leads-bogor.csv");
    // The sheet of the workbook; the CSV file is read as it is.
    let args = ["excel", "merge", s(&two), s(&bogor), "--sheet", "Leads", "--out", "s.csv"];
    let err = run(dir.path(), &args, 0);
    assert!(err.contains("two-sheets.xlsx [Leads]: 1 rows"), "{err}");
    let merged = read(&dir.path().join("s.csv"));
    let lines: Vec<&str> = merged.lines().collect();
    assert_eq!(lines[0], "name,phone,plafon,birth_date,email,source_file,source_sheet,source_row");
    assert_eq!(lines[1], "Eko,0811,,,,two-sheets.xlsx,Leads,2");
    assert_eq!(lines.len(), 1 + 1 + 3);

    // A workbook without the sheet: exit 2, naming the workbook.
    let args = ["excel", "merge", s(&bogor), s(&two), "--sheet", "Nope", "--out", "n.csv"];
    let err = run(dir.path(), &args, 2);
    assert!(
        err.contains("two-sheets.xlsx: no sheet named \"Nope\" (sheets: Ringkasan, Leads)"),
        "{err}"
    );
}
