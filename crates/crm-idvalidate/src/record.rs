//! Whole customer records: every field checked, fields checked against each other, and
//! batches validated in parallel with a summary for dashboards.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::birthplace::{BirthplaceMatcher, MatchKind, PlaceMatch};
use crate::code::{Code, Severity, Status};
use crate::kk::check_kk;
use crate::name::check_name;
use crate::nik::{Gender, check_nik, years_between};
use crm_core::mask;

/// A field of a customer record.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The NIK.
    Nik,
    /// The KK (family card) number.
    Kk,
    /// The customer's name.
    Name,
    /// The birthplace.
    Birthplace,
    /// The recorded birth date.
    BirthDate,
    /// The recorded gender.
    Gender,
    /// The batch as a whole.
    Batch,
}

impl Field {
    /// `"nik"`, `"kk"`, `"name"`, `"birthplace"`, `"birth_date"`, `"gender"` or `"batch"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Nik => "nik",
            Field::Kk => "kk",
            Field::Name => "name",
            Field::Birthplace => "birthplace",
            Field::BirthDate => "birth_date",
            Field::Gender => "gender",
            Field::Batch => "batch",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about a record: the field, the code and a message that never contains the
/// personal data unmasked.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The field concerned.
    pub field: Field,
    /// The code.
    pub code: Code,
    /// A one-line explanation (NIK and KK masked as `3201********0001`).
    pub message: String,
}

impl Finding {
    /// The code's severity.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// The fields of one record, as text. A value [`crm_core::is_missing`] calls missing (empty,
/// `-`, `NA`, `N/A`, `null`, ...) counts as an empty cell: a NIK, KK, birth date or gender
/// is then not checked, a name is `NAME_MISSING` and a birthplace `BIRTHPLACE_MISSING`.
///
/// Deserialising (feature `serde`) borrows the text from the input, so the input must
/// outlive the record (and, for JSON, strings must be free of escapes); absent fields are
/// `None` / `false`.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record<'a> {
    /// The NIK.
    #[cfg_attr(feature = "serde", serde(borrow))]
    pub nik: Option<&'a str>,
    /// The KK number.
    #[cfg_attr(feature = "serde", serde(borrow))]
    pub kk: Option<&'a str>,
    /// The name.
    #[cfg_attr(feature = "serde", serde(borrow))]
    pub name: Option<&'a str>,
    /// The birthplace.
    #[cfg_attr(feature = "serde", serde(borrow))]
    pub birthplace: Option<&'a str>,
    /// The recorded birth date, in any form [`crm_core::parse_date`] reads: `YYYY-MM-DD`,
    /// `YYYY/MM/DD`, `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY` or `YYYYMMDD` (one-digit day
    /// and month when separated), optionally followed by a time of day.
    #[cfg_attr(feature = "serde", serde(borrow))]
    pub birth_date: Option<&'a str>,
    /// The recorded gender: L/P, M/F, Laki-laki/Perempuan, Pria/Wanita (any case).
    #[cfg_attr(feature = "serde", serde(borrow))]
    pub gender: Option<&'a str>,
    /// Whether the NIK was read from a number cell of a spreadsheet (rather than text), which
    /// makes a final 0 suspicious: Excel keeps 15 significant digits.
    pub nik_was_number: bool,
}

/// The verdict on one record.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq)]
pub struct RecordResult {
    /// The worst severity among the findings.
    pub status: Status,
    /// Every finding, by field then code.
    pub findings: Vec<Finding>,
    /// The birth date in the NIK, when it has one.
    pub nik_birth_date: Option<NaiveDate>,
    /// The sex in the NIK, when it has one.
    pub nik_gender: Option<Gender>,
    /// The name in its normal form (upper case, single spaces).
    pub name_normalized: Option<String>,
    /// The birthplace match, when the record has a birthplace field.
    pub birthplace: Option<PlaceMatch>,
}

impl RecordResult {
    /// The codes of the findings, in order.
    pub fn codes(&self) -> Vec<Code> {
        self.findings.iter().map(|f| f.code).collect()
    }
}

/// Counts over a batch, for reports and heat maps.
///
/// Serialised (feature `serde`), the maps are objects keyed by the status, code and field
/// names; `by_field_code` is nested, field then code: `{"nik": {"NIK_LENGTH": 3}}`.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records.
    pub records: usize,
    /// Records by status.
    pub by_status: BTreeMap<Status, usize>,
    /// Findings by code.
    pub by_code: BTreeMap<Code, usize>,
    /// Findings by field.
    pub by_field: BTreeMap<Field, usize>,
    /// Findings by field and code (the heat map).
    #[cfg_attr(feature = "serde", serde(with = "crate::serde_impl::by_field_code"))]
    pub by_field_code: BTreeMap<(Field, Code), usize>,
}

/// The results of a batch (in input order) and their summary.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq)]
pub struct BatchResult {
    /// One result per input record, in input order.
    pub results: Vec<RecordResult>,
    /// Batch-level findings (NIK duplicates are also on their records).
    pub batch_findings: Vec<Finding>,
    /// The counts.
    pub summary: Summary,
}

/// Validates customer records: each field, and the fields against each other (NIK birth date
/// and sex against the recorded ones, KK against NIK).
///
/// ```
/// use chrono::NaiveDate;
/// use crm_idvalidate::{Code, Record, RecordValidator, Status};
/// let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
/// let validator = RecordValidator::new(as_of);
/// let record = Record {
///     nik: Some("3204114609970001"),
///     name: Some("Siti Rahayu"),
///     birthplace: Some("Kab. Bandung"),
///     birth_date: Some("09/06/1997"), // day and month swapped
///     gender: Some("P"),
///     ..Record::default()
/// };
/// let result = validator.validate(&record);
/// assert_eq!(result.status, Status::Warning);
/// assert_eq!(result.codes(), [Code::NikDobSwapped]);
/// assert_eq!(result.birthplace.unwrap().place.unwrap().name, "Kabupaten Bandung");
/// ```
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq)]
pub struct RecordValidator {
    as_of: NaiveDate,
    birthplaces: BirthplaceMatcher,
    min_age: i32,
    max_age: i32,
}

impl RecordValidator {
    /// A validator computing ages and centuries at `as_of`, with the default birthplace
    /// threshold (85) and plausible ages 17 (KTP age) to 100.
    pub fn new(as_of: NaiveDate) -> RecordValidator {
        RecordValidator { as_of, birthplaces: BirthplaceMatcher::new(), min_age: 17, max_age: 100 }
    }

    /// The birthplace matcher (its threshold). Default: [`BirthplaceMatcher::new`].
    #[must_use]
    pub fn birthplaces(mut self, matcher: BirthplaceMatcher) -> RecordValidator {
        self.birthplaces = matcher;
        self
    }

    /// The plausible age range at `as_of`. Default: 17 to 100.
    #[must_use]
    pub fn ages(mut self, min: i32, max: i32) -> RecordValidator {
        self.min_age = min;
        self.max_age = max;
        self
    }

    /// Validates one record.
    pub fn validate(&self, record: &Record<'_>) -> RecordResult {
        let place = given(record.birthplace).map(|b| self.birthplaces.find(b));
        self.validate_with(record, place)
    }

    fn validate_with(&self, record: &Record<'_>, place: Option<PlaceMatch>) -> RecordResult {
        let mut findings = Vec::new();
        let mut push = |field: Field, code: Code, message: String| {
            findings.push(Finding { field, code, message })
        };
        fn present(v: Option<&str>) -> Option<&str> {
            v.filter(|v| !crm_core::is_missing(v)).map(str::trim)
        }
        let mut nik_birth_date = None;
        let mut nik_gender = None;
        if let Some(nik) = present(record.nik) {
            let c = check_nik(nik, self.as_of);
            let shown = c.nik.as_ref().map_or_else(|| mask(nik), |n| n.masked());
            for code in &c.codes {
                push(Field::Nik, *code, format!("NIK {shown}: {}", describe(*code)));
            }
            if record.nik_was_number && nik.trim().len() == 16 && nik.trim().ends_with('0') {
                push(
                    Field::Nik,
                    Code::NikExcelTruncated,
                    format!("NIK {shown}: a number cell ending in 0; Excel keeps 15 digits"),
                );
            }
            nik_birth_date = c.birth_date.map(|b| b.date());
            nik_gender = c.gender;
            if let Some(born) = nik_birth_date {
                let age = years_between(born, self.as_of);
                if age < self.min_age || age > self.max_age {
                    push(
                        Field::Nik,
                        Code::NikAgeImplausible,
                        format!("NIK {shown}: age {age} at {}", self.as_of),
                    );
                }
            }
        }
        if let Some(kk) = present(record.kk) {
            let c = check_kk(kk, self.as_of);
            let shown = mask(kk);
            for code in &c.codes {
                push(Field::Kk, *code, format!("KK {shown}: {}", describe(*code)));
            }
            let digits = |s: &str| crate::digits::normalize(s).ok().map(|d| d.ascii);
            if let (Some(k), Some(n)) = (digits(kk), record.nik.and_then(digits))
                && k == n
            {
                push(Field::Kk, Code::KkEqualsNik, format!("KK {shown}: equals the NIK"));
            }
        }
        let name_normalized = given(record.name).map(|name| {
            let c = check_name(name);
            for code in &c.codes {
                push(Field::Name, *code, describe(*code).to_owned());
            }
            c.normalized
        });
        if let Some(m) = &place {
            match m.kind {
                MatchKind::Missing => {
                    push(Field::Birthplace, Code::BirthplaceMissing, "no birthplace".into())
                }
                MatchKind::Unknown => push(
                    Field::Birthplace,
                    Code::BirthplaceUnknown,
                    format!(
                        "no official place name scores {:.0} or more (best {:.0})",
                        self.birthplaces_threshold(),
                        m.score
                    ),
                ),
                MatchKind::Alias | MatchKind::OldSpelling | MatchKind::Fuzzy => {
                    let name = m.place.map_or("", |p| p.name);
                    push(
                        Field::Birthplace,
                        Code::BirthplaceCorrected,
                        format!("read as {name} (score {:.0})", m.score),
                    );
                }
                _ => {}
            }
        }
        if let Some(text) = present(record.birth_date) {
            match crm_core::parse_date(text).map(NaiveDate::from) {
                None => push(
                    Field::BirthDate,
                    Code::BirthDateInvalid,
                    "not a date (YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY or YYYYMMDD)"
                        .into(),
                ),
                Some(recorded) => {
                    if let Some(from_nik) = nik_birth_date
                        && from_nik != recorded
                    {
                        let swapped = NaiveDate::from_ymd_opt(
                            chrono::Datelike::year(&recorded),
                            chrono::Datelike::day(&recorded),
                            chrono::Datelike::month(&recorded),
                        );
                        if swapped == Some(from_nik) {
                            push(Field::Nik, Code::NikDobSwapped, "the NIK date is the recorded birth date with day and month swapped".into());
                        } else {
                            push(
                                Field::Nik,
                                Code::NikDobMismatch,
                                "the NIK date differs from the recorded birth date".into(),
                            );
                        }
                    }
                }
            }
        }
        if let Some(text) = present(record.gender) {
            match parse_gender(text) {
                None => push(
                    Field::Gender,
                    Code::GenderInvalid,
                    "not L/P, M/F, Laki-laki/Perempuan, Pria/Wanita".into(),
                ),
                Some(recorded) => {
                    if let Some(from_nik) = nik_gender
                        && from_nik != recorded
                    {
                        push(
                            Field::Nik,
                            Code::NikGenderMismatch,
                            format!("the NIK says {}", from_nik.as_str()),
                        );
                    }
                }
            }
        }
        findings.sort_by_key(|f| (f.field, f.code));
        let codes: Vec<Code> = findings.iter().map(|f| f.code).collect();
        RecordResult {
            status: Status::of(&codes),
            findings,
            nik_birth_date,
            nik_gender,
            name_normalized,
            birthplace: place,
        }
    }

    fn birthplaces_threshold(&self) -> f64 {
        self.birthplaces.min_score()
    }

    /// Validates a batch in parallel: results in input order, NIKs shared by different people
    /// flagged on each record, Excel truncation of the 16th digit detected, and a summary.
    /// `progress` is called with the number of records done so far (from worker threads).
    pub fn validate_batch(
        &self,
        records: &[Record<'_>],
        progress: impl Fn(usize) + Sync,
    ) -> BatchResult {
        // Birthplaces repeat heavily: match each distinct text once.
        let distinct: HashSet<&str> = records.iter().filter_map(|r| given(r.birthplace)).collect();
        let distinct: Vec<&str> = distinct.into_iter().collect();
        let places: HashMap<&str, PlaceMatch> =
            distinct.par_iter().map(|b| (*b, self.birthplaces.find(b))).collect();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let mut results: Vec<RecordResult> = records
            .par_iter()
            .map(|r| {
                let result =
                    self.validate_with(r, given(r.birthplace).and_then(|b| places.get(b).cloned()));
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(4096) || n == records.len() {
                    progress(n);
                }
                result
            })
            .collect();
        let mut batch_findings = Vec::new();
        self.flag_duplicates(records, &mut results);
        if let Some(f) = excel_truncation(records) {
            batch_findings.push(f);
        }
        let mut summary = Summary { records: records.len(), ..Summary::default() };
        for r in &results {
            *summary.by_status.entry(r.status).or_default() += 1;
            for f in &r.findings {
                *summary.by_code.entry(f.code).or_default() += 1;
                *summary.by_field.entry(f.field).or_default() += 1;
                *summary.by_field_code.entry((f.field, f.code)).or_default() += 1;
            }
        }
        for f in &batch_findings {
            *summary.by_code.entry(f.code).or_default() += 1;
            *summary.by_field.entry(f.field).or_default() += 1;
            *summary.by_field_code.entry((f.field, f.code)).or_default() += 1;
        }
        BatchResult { results, batch_findings, summary }
    }

    /// Flags a NIK that appears with different names or birth dates.
    fn flag_duplicates(&self, records: &[Record<'_>], results: &mut [RecordResult]) {
        // Keyed by the 16 digits as a number: cheaper to hash than text; only NIKs without an
        // error can be one person's.
        let mut by_nik: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, (r, result)) in records.iter().zip(results.iter()).enumerate() {
            let Some(digits) = r.nik.and_then(|n| crate::digits::normalize(n).ok()) else {
                continue;
            };
            if result
                .findings
                .iter()
                .any(|f| f.field == Field::Nik && f.severity() == Severity::Error)
            {
                continue;
            }
            let key = digits.ascii.iter().fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0'));
            by_nik.entry(key).or_default().push(i);
        }
        for (key, rows) in by_nik.into_iter().filter(|(_, rows)| rows.len() > 1) {
            let nik = format!("{key:016}");
            let people: HashSet<(Option<&String>, Option<&str>)> = rows
                .iter()
                .map(|&i| {
                    (results[i].name_normalized.as_ref(), records[i].birth_date.map(str::trim))
                })
                .collect();
            if people.len() > 1 {
                for &i in &rows {
                    let others = rows.len() - 1;
                    results[i].findings.push(Finding {
                        field: Field::Nik,
                        code: Code::NikDuplicate,
                        message: format!(
                            "NIK {} is also on {others} other record(s) of another person",
                            mask(&nik)
                        ),
                    });
                    results[i].findings.sort_by_key(|f| (f.field, f.code));
                    let codes = results[i].codes();
                    results[i].status = Status::of(&codes);
                }
            }
        }
    }
}

/// A column's value, with crm-core's missing-value markers as an empty cell.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(|v| if crm_core::is_missing(v) { "" } else { v })
}

/// More than half of at least 100 well-formed NIKs ending in 0 (about a tenth is expected):
/// Excel keeps 15 significant digits, so numbers stored as numbers lose the 16th.
fn excel_truncation(records: &[Record<'_>]) -> Option<Finding> {
    let last_digits: Vec<u8> = records
        .iter()
        .filter_map(|r| r.nik)
        .map(str::trim)
        .filter(|n| n.len() == 16 && n.bytes().all(|b| b.is_ascii_digit()))
        .map(|n| n.as_bytes()[15])
        .collect();
    let zeros = last_digits.iter().filter(|&&d| d == b'0').count();
    (last_digits.len() >= 100 && zeros * 2 > last_digits.len()).then(|| Finding {
        field: Field::Batch,
        code: Code::BatchExcelTruncationSuspected,
        message: format!(
            "{zeros} of {} NIKs end in 0; Excel keeps 15 digits, so store NIKs as text",
            last_digits.len()
        ),
    })
}

/// A recorded gender in the spellings Indonesian forms use.
pub(crate) fn parse_gender(text: &str) -> Option<Gender> {
    match text.trim().to_lowercase().as_str() {
        "l" | "lk" | "laki-laki" | "laki laki" | "pria" | "m" | "male" | "1" => Some(Gender::Male),
        "p" | "pr" | "perempuan" | "wanita" | "f" | "female" | "2" => Some(Gender::Female),
        _ => None,
    }
}

/// A short explanation of a code, for finding messages.
fn describe(code: Code) -> &'static str {
    match code {
        Code::NikReformatted | Code::KkReformatted => "spaces, dots or dashes removed",
        Code::NikExcelNotation | Code::KkExcelNotation => "Excel scientific notation, digits lost",
        Code::NikNonDigit | Code::KkNonDigit => "contains a character that is not a digit",
        Code::NikLength | Code::KkLength => "not 16 digits",
        Code::NikPlaceholder | Code::KkPlaceholder => "placeholder number",
        Code::NikTemporary => "temporary number (date 000000)",
        Code::NikProvinceUnknown | Code::KkProvinceUnknown => "unknown province code",
        Code::NikRegencyUnknown | Code::KkRegencyUnknown => "unknown regency code",
        Code::NikRegencyHistorical | Code::KkRegencyHistorical => "former regency code",
        Code::NikDistrictUnknown | Code::KkDistrictUnknown => "unknown district code",
        Code::NikDistrictHistorical | Code::KkDistrictHistorical => "former district code",
        Code::NikDayInvalid => "invalid day",
        Code::NikMonthInvalid => "invalid month",
        Code::NikDateInvalid | Code::KkDateInvalid => {
            "not a real date, or after the reference date"
        }
        Code::NikSerialZero | Code::KkSerialZero => "serial 0000",
        Code::NikCenturyAmbiguous => "birth year fits both centuries; the later was chosen",
        Code::KkLooksLikeNik => "a woman's NIK date, not a family card date",
        Code::KkIssueYearOld => "issue year in the 1900s",
        Code::NameMissing => "no name",
        Code::NameDigits => "digits in the name",
        Code::NameInvalidChar => "characters other than letters, spaces, ' - . ,",
        Code::NameNonLatin => "accented or non-Latin letters",
        Code::NameTooLong => "longer than 60 characters",
        Code::NameTooShort => "fewer than two letters",
        Code::NameRepeated => "the same letter four or more times in a row",
        Code::NameOneWord => "one word only",
        _ => "see the code's documentation",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn codes(record: Record<'_>) -> Vec<Code> {
        RecordValidator::new(as_of()).validate(&record).codes()
    }

    #[test]
    fn consistent_record_is_valid() {
        let r = Record {
            nik: Some("3204114609970001"),
            kk: Some("3204110101150003"),
            name: Some("Siti Rahayu"),
            birthplace: Some("Bandung"),
            birth_date: Some("1997-09-06"),
            gender: Some("Perempuan"),
            nik_was_number: false,
        };
        assert_eq!(codes(r), []);
    }

    #[test]
    fn cross_field_mismatches() {
        let base = Record { nik: Some("3204110609970001"), ..Record::default() };
        assert_eq!(codes(Record { gender: Some("P"), ..base }), [Code::NikGenderMismatch]);
        assert_eq!(
            codes(Record { birth_date: Some("1997-09-07"), ..base }),
            [Code::NikDobMismatch]
        );
        assert_eq!(codes(Record { birth_date: Some("1997-06-09"), ..base }), [Code::NikDobSwapped]);
        assert_eq!(
            codes(Record { kk: Some("3204110609970001"), ..base }),
            [Code::KkIssueYearOld, Code::KkEqualsNik]
        );
        let woman = Record { nik: Some("3204114609970001"), ..Record::default() };
        assert_eq!(
            codes(Record { kk: Some("3204 1146 0997 0001"), ..woman }),
            [Code::KkReformatted, Code::KkLooksLikeNik, Code::KkEqualsNik]
        );
        assert_eq!(codes(Record { gender: Some("X"), ..base }), [Code::GenderInvalid]);
        assert_eq!(codes(Record { birth_date: Some("kemarin"), ..base }), [Code::BirthDateInvalid]);
    }

    #[test]
    fn missing_value_markers_are_empty_cells() {
        for marker in ["", " ", "-", "NA", "N/A", "null", "None", "NaN"] {
            let r = Record {
                nik: Some(marker),
                kk: Some(marker),
                name: Some(marker),
                birthplace: Some(marker),
                birth_date: Some(marker),
                gender: Some(marker),
                nik_was_number: false,
            };
            assert_eq!(codes(r), [Code::NameMissing, Code::BirthplaceMissing], "{marker:?}");
        }
    }

    #[test]
    fn nik_from_a_number_cell_ending_in_zero_is_suspect() {
        let r = Record { nik: Some("3204110609970010"), nik_was_number: true, ..Record::default() };
        assert_eq!(codes(r), [Code::NikExcelTruncated]);
        assert_eq!(codes(Record { nik_was_number: false, ..r }), []);
    }

    /// Recorded birth dates are read by crm-core's one date parser.
    #[test]
    fn recorded_dates_in_crm_core_forms() {
        // Born 6 September 1997: the recorded date agrees, or it is no date at all.
        let base = Record { nik: Some("3204110609970001"), ..Record::default() };
        for text in [
            "1997-09-06",
            "1997/09/06",
            "06/09/1997",
            "6/9/1997",
            "06-09-1997",
            "06.09.1997",
            "19970906",
            " 1997-09-06 00:00:00",
            "1997-09-06T08:00",
        ] {
            assert_eq!(codes(Record { birth_date: Some(text), ..base }), [], "{text}");
        }
        for text in
            ["09-06", "31/02/1997", "06/09/97", "kemarin", "1997-09-06-01", "1997-09-06 pagi"]
        {
            assert_eq!(
                codes(Record { birth_date: Some(text), ..base }),
                [Code::BirthDateInvalid],
                "{text}"
            );
        }
    }

    #[test]
    fn implausible_age() {
        // Born 2015: 11 years old at as_of.
        assert_eq!(
            codes(Record { nik: Some("3204110609150001"), ..Record::default() }),
            [Code::NikAgeImplausible]
        );
    }

    #[test]
    fn messages_mask_the_number() {
        let r = RecordValidator::new(as_of())
            .validate(&Record { nik: Some("3204110609970000"), ..Record::default() });
        assert_eq!(r.findings[0].message, "NIK 3204********0000: serial 0000");
    }

    #[test]
    fn batch_flags_duplicates_and_truncation_and_keeps_order() {
        let mut records = vec![
            Record {
                nik: Some("3204110609970001"),
                name: Some("Budi Santoso"),
                ..Record::default()
            },
            Record {
                nik: Some("3204110609970001"),
                name: Some("Agus Wijaya"),
                ..Record::default()
            },
            Record {
                nik: Some("3204110609970001"),
                name: Some("BUDI  santoso"),
                ..Record::default()
            },
        ];
        let truncated: Vec<String> =
            (0..120).map(|i| format!("3204110609{:02}{:03}0", 60 + i % 30, i)).collect();
        records.extend(truncated.iter().map(|n| Record { nik: Some(n), ..Record::default() }));
        let done = std::sync::atomic::AtomicUsize::new(0);
        let batch = RecordValidator::new(as_of())
            .validate_batch(&records, |n| done.store(n, std::sync::atomic::Ordering::Relaxed));
        assert_eq!(done.into_inner(), records.len());
        assert_eq!(batch.results.len(), records.len());
        assert_eq!(batch.results[1].codes(), [Code::NikDuplicate]);
        assert_eq!(batch.batch_findings[0].code, Code::BatchExcelTruncationSuspected);
        assert_eq!(batch.summary.by_code[&Code::NikDuplicate], 3);
        assert_eq!(batch.summary.records, 123);
    }
}
