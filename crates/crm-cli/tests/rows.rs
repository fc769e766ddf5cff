//! `crm` never guesses silently: filters compare numbers as branch files write them, a
//! missing column is an error, CSV meant for Excel cannot carry formulas, ragged rows are
//! reported (issue 13).

use std::path::Path;
use std::process::{Command, Output};

#[track_caller]
fn crm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crm")).args(args).output().expect("crm runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const LEADS: &str = "\
nama,plafon,catatan
Budi,15.000.000,\"=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\"
Sari,\"12,5\",+cmd|' /C calc'!A0
Agus,abc,@SUM(1+1)
Dewi,Rp 12.500.000,-5000
Eko,9000000,biasa
";

#[test]
fn where_compares_numbers_as_branch_files_write_them_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads.csv");
    std::fs::write(&input, LEADS).unwrap();
    let out = dir.path().join("out.csv");
    let res =
        crm(&["excel", "merge", s(&input), "--where", "plafon >= 10000000", "--out", s(&out)]);
    let err = stderr(&res);
    assert_eq!(res.status.code(), Some(0), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let names: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    // 15.000.000 and Rp 12.500.000 pass; 12,5 and 9000000 are smaller; abc is not a number.
    assert_eq!(names, ["Budi", "Dewi"], "{text}");
    assert!(err.contains("filtered out: 3 (plafon >= 10000000)"), "{err}");
    assert!(
        err.contains("1 of them not a number or date where `plafon >= 10000000` compares one"),
        "{err}"
    );
}

#[test]
fn a_malformed_operator_exits_2_naming_the_expression() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads.csv");
    std::fs::write(&input, LEADS).unwrap();
    let out = dir.path().join("out.csv");
    for (expr, why) in
        [("plafon >== 10000000", "malformed operator"), ("nama > M", "compare numbers or dates")]
    {
        let res = crm(&["excel", "merge", s(&input), "--where", expr, "--out", s(&out)]);
        assert_eq!(res.status.code(), Some(2), "{expr}");
        let err = stderr(&res);
        assert!(err.contains(&format!("invalid filter {expr:?}: ")) && err.contains(why), "{err}");
    }
}

#[test]
fn csv_outputs_neutralise_formulas_unless_raw_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("leads.csv");
    std::fs::write(&input, LEADS).unwrap();
    let out = dir.path().join("out.csv");
    let res = crm(&["excel", "merge", s(&input), "--out", s(&out)]);
    assert!(res.status.success(), "{}", stderr(&res));
    let safe = std::fs::read_to_string(&out).unwrap();
    assert!(safe.contains(r#""'=HYPERLINK(""http://x"",""klik"")""#), "{safe}");
    assert!(safe.contains("'+cmd|' /C calc'!A0"), "{safe}");
    assert!(safe.contains("'@SUM(1+1)"), "{safe}");
    // A negative number stays a number.
    assert!(safe.contains(",-5000,"), "{safe}");

    let res = crm(&["excel", "merge", s(&input), "--out", s(&out), "--raw-csv"]);
    assert!(res.status.success(), "{}", stderr(&res));
    let raw = std::fs::read_to_string(&out).unwrap();
    assert!(raw.contains(r#""=HYPERLINK(""http://x"",""klik"")""#), "{raw}");
    assert!(!raw.contains("'@SUM"), "{raw}");

    // The help says which is the default.
    let help = String::from_utf8(crm(&["excel", "merge", "--help"]).stdout).unwrap();
    assert!(help.contains("--raw-csv") && help.contains("CSV injection"), "{help}");
}

#[test]
fn audience_exclude_file_without_the_rule_column_is_an_error_not_a_guess() {
    let dir = tempfile::tempdir().unwrap();
    let members = dir.path().join("members.csv");
    std::fs::write(&members, "member_id,tier\n1,Gold\n2,Gold\n").unwrap();
    let rules = dir.path().join("rules.txt");
    std::fs::write(&rules, "where tier = gold\nexclude member_id\n").unwrap();
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "phone,name\n1,x\n").unwrap();
    let out = dir.path().join("aud.csv");
    let res = crm(&[
        "audience",
        s(&members),
        "--rules",
        s(&rules),
        "--exclude",
        s(&other),
        "--out",
        s(&out),
    ]);
    assert_eq!(res.status.code(), Some(2));
    let err = stderr(&res);
    assert!(err.contains("other.csv") && err.contains("\"member_id\": no such column"), "{err}");
    assert!(err.contains("phone, name") || err.contains("\"phone\", \"name\""), "{err}");
    assert!(!out.exists());
}

#[test]
fn ragged_member_rows_are_reported_with_their_row_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let members = dir.path().join("members.csv");
    std::fs::write(&members, "member_id,tier\n1,Gold\n2,Gold,extra\n3,Silver\n").unwrap();
    let rules = dir.path().join("rules.txt");
    std::fs::write(&rules, "where tier = gold\n").unwrap();
    let out = dir.path().join("aud.csv");
    let res = crm(&["audience", s(&members), "--rules", s(&rules), "--out", s(&out)]);
    let err = stderr(&res);
    assert!(res.status.success(), "{err}");
    assert!(
        err.contains(
            "1 rows have values beyond the 2 columns of the header, which are ignored (rows 3)"
        ),
        "{err}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text, "member_id,tier\n1,Gold\n2,Gold\n");
}
