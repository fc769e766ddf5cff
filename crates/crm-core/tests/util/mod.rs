//! Reading the test-vector files of `tests/data/`.

/// One case of a vector file: its line number, the decoded input and the expected columns.
pub(crate) struct Case {
    pub(crate) line: usize,
    pub(crate) input: String,
    pub(crate) expected: Vec<String>,
}

/// The cases of `tests/data/{name}`, comments and blank lines skipped.
#[track_caller]
pub(crate) fn cases(name: &str) -> Vec<Case> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases: Vec<Case> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let mut fields = l.split('\t');
            let input = decode(fields.next().unwrap());
            let expected: Vec<String> = fields.map(decode).collect();
            assert!(!expected.is_empty(), "{name}:{}: no expected value", i + 1);
            Case { line: i + 1, input, expected }
        })
        .collect();
    assert!(cases.len() >= 5, "{name} has only {} cases", cases.len());
    cases
}

/// `\s` space, `\t` tab, `\r` CR, `\n` LF, `\\` backslash; `<empty>` is "".
fn decode(field: &str) -> String {
    if field == "<empty>" {
        return String::new();
    }
    let mut out = String::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => out.push(' '),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            other => panic!("unknown escape \\{other:?} in {field:?}"),
        }
    }
    out
}
