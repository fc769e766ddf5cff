//! Campaign audiences from a member table: filter, exclude, de-duplicate, prioritise, cap
//! and split, with a count at every step and a reason for every member left out.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::error::Error;
use crate::intern::{Hasher, hasher};
use crate::text::{parse_amount, parse_date};

/// A member (customer) table: named text columns. The caller fills it from whatever it
/// reads (crm-excel in the `crm` CLI).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Members {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Members {
    /// An empty table with these columns.
    pub fn new(columns: Vec<String>) -> Members {
        Members { columns, rows: Vec::new() }
    }

    /// Adds a row; short rows are padded with empty cells.
    ///
    /// # Errors
    /// [`Error::Length`] when the row has more cells than there are columns.
    pub fn push(&mut self, mut row: Vec<String>) -> Result<(), Error> {
        if row.len() > self.columns.len() {
            return Err(Error::Length {
                what: "row cells vs columns",
                left: row.len(),
                right: self.columns.len(),
            });
        }
        row.resize(self.columns.len(), String::new());
        self.rows.push(row);
        Ok(())
    }

    /// The column names.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[String] {
        &self.rows[i]
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn index(&self, name: &str) -> Result<usize, Error> {
        crm_core::find_column(&self.columns, name).ok_or_else(|| Error::MissingColumn {
            name: name.to_string(),
            // A header row may be a data row: personal-looking names are masked.
            available: self
                .columns
                .iter()
                .map(|c| crm_core::mask_if_personal(c).into_owned())
                .collect(),
        })
    }
}

/// A comparison of a filter.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Condition {
    /// Equal, ignoring ASCII case and surrounding spaces.
    Eq(String),
    /// Not equal.
    Ne(String),
    /// One of the values (case-insensitive).
    In(Vec<String>),
    /// None of the values.
    NotIn(Vec<String>),
    /// Number greater than.
    Gt(f64),
    /// Number at least.
    Ge(f64),
    /// Number less than.
    Lt(f64),
    /// Number at most.
    Le(f64),
    /// A date within the last N days of the as-of date (`L12M` = within 365 days).
    WithinDays(u32),
    /// Empty cell.
    Empty,
    /// Non-empty cell.
    NotEmpty,
    /// An Indonesian mobile number (`08…`, `628…`, `+628…`, 10 to 13 digits as `08…`):
    /// reachable on WhatsApp / SMS.
    Phone,
    /// A plausible e-mail address (`local@domain.tld`).
    Email,
}

/// One `where` rule.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Filter {
    /// The column.
    pub column: String,
    /// The test.
    pub condition: Condition,
    /// The rule's text, for reports.
    pub text: String,
}

/// Sort direction of a priority key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Order {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// The selection rules of one audience. Parsed from text with [`AudienceSpec::parse`]:
///
/// ```text
/// # Gold/Platinum members in Serang or Bogor who bought in the last 12 months
/// where tier in Gold|Platinum
/// where coins > 9900
/// where domicile in Serang|Bogor
/// where last_transaction within 365 days
/// where whatsapp is phone
/// exclude member_id          # members already in another campaign this period
/// dedup member_id
/// priority email_opened asc  # non-openers first
/// priority score desc
/// cap 10000
/// split gender M|F           # blanks shared proportionally
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AudienceSpec {
    /// All must hold.
    pub filters: Vec<Filter>,
    /// Members whose value in this column is in the exclusion set are left out.
    pub exclude: Option<String>,
    /// Keep the first member (in priority order) per value of this column.
    pub dedup: Option<String>,
    /// Sort keys; numbers compare as numbers, blanks go last, input order breaks ties.
    pub priority: Vec<(String, Order)>,
    /// At most this many members.
    pub cap: Option<usize>,
    /// Split into one list per value of a column; blank (or unlisted) values are shared
    /// between the lists in proportion to their sizes.
    pub split: Option<(String, Vec<String>)>,
}

impl AudienceSpec {
    /// Parses the line format shown on [`AudienceSpec`]; `#` starts a comment.
    ///
    /// # Errors
    /// [`Error::Audience`] naming the line.
    pub fn parse(text: &str) -> Result<AudienceSpec, Error> {
        let mut spec = AudienceSpec::default();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i as u64 + 1;
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let err = |message: &str| Error::Audience { line: line_no, message: message.into() };
            let (keyword, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = rest.trim();
            match keyword.to_ascii_lowercase().as_str() {
                "where" => {
                    let (column, cond) = rest
                        .split_once(char::is_whitespace)
                        .ok_or_else(|| err("expected `where COLUMN CONDITION`"))?;
                    let condition = parse_condition(cond.trim()).map_err(|m| err(&m))?;
                    spec.filters.push(Filter {
                        column: column.to_string(),
                        condition,
                        text: line.to_string(),
                    });
                }
                "exclude" if !rest.is_empty() => spec.exclude = Some(rest.to_string()),
                "dedup" if !rest.is_empty() => spec.dedup = Some(rest.to_string()),
                "priority" => {
                    let mut parts = rest.split_whitespace();
                    let column = parts.next().ok_or_else(|| err("expected a column"))?;
                    let order = match parts.next().map(str::to_ascii_lowercase).as_deref() {
                        None | Some("asc") => Order::Asc,
                        Some("desc") => Order::Desc,
                        Some(_) => return Err(err("order must be asc or desc")),
                    };
                    spec.priority.push((column.to_string(), order));
                }
                "cap" => {
                    let n = rest.replace(['_', ','], "");
                    spec.cap = Some(n.parse().map_err(|_| err("cap needs a whole number"))?);
                }
                "split" => {
                    let (column, values) = rest
                        .split_once(char::is_whitespace)
                        .ok_or_else(|| err("expected `split COLUMN A|B`"))?;
                    let values: Vec<String> =
                        values.split('|').map(|v| v.trim().to_string()).collect();
                    if values.len() < 2 || values.iter().any(String::is_empty) {
                        return Err(err("split needs at least two non-empty values, A|B"));
                    }
                    spec.split = Some((column.to_string(), values));
                }
                _ => {
                    return Err(err(
                        "expected where, exclude, dedup, priority, cap or split (with arguments)",
                    ));
                }
            }
        }
        Ok(spec)
    }
}

fn parse_condition(text: &str) -> Result<Condition, String> {
    let lower = text.to_ascii_lowercase();
    let list = |s: &str| s.split('|').map(|v| v.trim().to_string()).collect::<Vec<_>>();
    let number =
        |s: &str| parse_amount(&s.replace('_', "")).ok_or_else(|| format!("{s:?} is not a number"));
    Ok(match lower.as_str() {
        "is empty" => Condition::Empty,
        "is not empty" => Condition::NotEmpty,
        "is phone" => Condition::Phone,
        "is email" => Condition::Email,
        _ => {
            if let Some(v) = lower.strip_prefix("not in ") {
                Condition::NotIn(list(&text[text.len() - v.len()..]))
            } else if let Some(v) = lower.strip_prefix("in ") {
                Condition::In(list(&text[text.len() - v.len()..]))
            } else if let Some(v) = lower.strip_prefix("within ") {
                let days = v.trim().trim_end_matches("days").trim_end_matches("day").trim();
                Condition::WithinDays(days.parse().map_err(|_| "expected `within N days`")?)
            } else if let Some(v) = text.strip_prefix(">=") {
                Condition::Ge(number(v.trim())?)
            } else if let Some(v) = text.strip_prefix("<=") {
                Condition::Le(number(v.trim())?)
            } else if let Some(v) = text.strip_prefix("!=") {
                Condition::Ne(v.trim().to_string())
            } else if let Some(v) = text.strip_prefix('>') {
                Condition::Gt(number(v.trim())?)
            } else if let Some(v) = text.strip_prefix('<') {
                Condition::Lt(number(v.trim())?)
            } else if let Some(v) = text.strip_prefix('=') {
                Condition::Eq(v.trim().to_string())
            } else {
                return Err(format!(
                    "unknown condition {text:?} (use = != in, not in, > >= < <=, within N days, is empty, is not empty, is phone, is email)"
                ));
            }
        }
    })
}

impl Condition {
    fn holds(&self, value: &str, as_of: NaiveDate) -> bool {
        let v = value.trim();
        let num = || parse_amount(v);
        match self {
            Condition::Eq(x) => v.eq_ignore_ascii_case(x),
            Condition::Ne(x) => !v.eq_ignore_ascii_case(x),
            Condition::In(xs) => xs.iter().any(|x| v.eq_ignore_ascii_case(x)),
            Condition::NotIn(xs) => !xs.iter().any(|x| v.eq_ignore_ascii_case(x)),
            Condition::Gt(x) => num().is_some_and(|n| n > *x),
            Condition::Ge(x) => num().is_some_and(|n| n >= *x),
            Condition::Lt(x) => num().is_some_and(|n| n < *x),
            Condition::Le(x) => num().is_some_and(|n| n <= *x),
            Condition::WithinDays(days) => parse_date(v)
                .is_some_and(|d| d <= as_of && (as_of - d).num_days() < i64::from(*days)),
            Condition::Empty => v.is_empty(),
            Condition::NotEmpty => !v.is_empty(),
            Condition::Phone => crm_core::normalize_mobile(v).is_some(),
            Condition::Email => crm_core::is_email(v),
        }
    }
}

/// What happened to one member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum MemberStatus {
    /// In the audience.
    Selected,
    /// Failed the filter with this index in [`AudienceSpec::filters`].
    Filtered(usize),
    /// In the exclusion set.
    Excluded,
    /// A duplicate of the member on this row (0-based), which was kept.
    Duplicate(usize),
    /// Matched, but beyond the cap.
    OverCap,
}

/// Counts after every step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AudienceSteps {
    /// Members given.
    pub input: usize,
    /// Passing every filter.
    pub matched: usize,
    /// Of those, in the exclusion set.
    pub excluded: usize,
    /// Of the rest, duplicates.
    pub duplicates: usize,
    /// Of the rest, beyond the cap.
    pub over_cap: usize,
    /// In the audience.
    pub selected: usize,
}

/// A selected audience.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Audience {
    /// Row indices of the selected members, in priority order.
    pub selected: Vec<usize>,
    /// With `split`: per group value, its row indices (priority order), and how many of
    /// them had a blank or unlisted value and were shared in.
    pub groups: Vec<SplitGroup>,
    /// Every input row's fate, by row index.
    pub status: Vec<MemberStatus>,
    /// Counts per step.
    pub steps: AudienceSteps,
    /// Members failing each filter (the first failing filter counts), in filter order.
    pub filtered_by: Vec<usize>,
}

/// One list of a split audience.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SplitGroup {
    /// The value (e.g. `M`).
    pub value: String,
    /// Row indices, in priority order.
    pub rows: Vec<usize>,
    /// Of those, members with a blank or unlisted value shared into this list.
    pub shared: usize,
}

/// Selects an audience: filters → exclusions → priority order → de-duplication → cap →
/// split. `exclusions` are values of the `exclude` column to leave out (e.g. member ids
/// of other campaigns in the same period); `as_of` anchors `within N days`.
///
/// # Errors
/// [`Error::MissingColumn`] when a rule names a column the table lacks.
pub fn select_audience(
    members: &Members,
    spec: &AudienceSpec,
    as_of: NaiveDate,
    exclusions: &HashSet<String>,
) -> Result<Audience, Error> {
    let filters: Vec<(usize, &Filter)> = spec
        .filters
        .iter()
        .map(|f| Ok((members.index(&f.column)?, f)))
        .collect::<Result<_, Error>>()?;
    let exclude = spec.exclude.as_deref().map(|c| members.index(c)).transpose()?;
    let dedup = spec.dedup.as_deref().map(|c| members.index(c)).transpose()?;
    let priority: Vec<(usize, Order)> = spec
        .priority
        .iter()
        .map(|(c, o)| Ok((members.index(c)?, *o)))
        .collect::<Result<_, Error>>()?;
    let split = spec.split.as_ref().map(|(c, v)| Ok((members.index(c)?, v))).transpose()?;
    let exclusions: HashSet<String, Hasher> = {
        let mut s = HashSet::with_hasher(hasher());
        s.extend(exclusions.iter().map(|e| e.trim().to_lowercase()));
        s
    };

    let n = members.len();
    let mut status = vec![MemberStatus::Selected; n];
    let mut filtered_by = vec![0usize; filters.len()];
    let mut steps = AudienceSteps { input: n, ..Default::default() };
    let mut candidates = Vec::new();
    for (i, row) in members.rows.iter().enumerate() {
        if let Some(k) = filters.iter().position(|(c, f)| !f.condition.holds(&row[*c], as_of)) {
            status[i] = MemberStatus::Filtered(k);
            filtered_by[k] += 1;
            continue;
        }
        steps.matched += 1;
        if let Some(c) = exclude
            && exclusions.contains(&row[c].trim().to_lowercase())
        {
            status[i] = MemberStatus::Excluded;
            steps.excluded += 1;
            continue;
        }
        candidates.push(i);
    }
    // Stable sort: input order breaks ties.
    candidates.sort_by(|&a, &b| {
        for &(c, order) in &priority {
            let ord = compare_cells(&members.rows[a][c], &members.rows[b][c], order);
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    });
    let mut selected = Vec::with_capacity(candidates.len());
    let mut first_of: HashMap<String, usize, Hasher> = HashMap::with_hasher(hasher());
    for i in candidates {
        if let Some(c) = dedup {
            let key = members.rows[i][c].trim().to_lowercase();
            if !key.is_empty() {
                if let Some(&kept) = first_of.get(&key) {
                    status[i] = MemberStatus::Duplicate(kept);
                    steps.duplicates += 1;
                    continue;
                }
                first_of.insert(key, i);
            }
        }
        if spec.cap.is_some_and(|cap| selected.len() >= cap) {
            status[i] = MemberStatus::OverCap;
            steps.over_cap += 1;
            continue;
        }
        selected.push(i);
    }
    steps.selected = selected.len();
    let groups = match split {
        Some((c, values)) => split_groups(members, &selected, c, values),
        None => Vec::new(),
    };
    Ok(Audience { selected, groups, status, steps, filtered_by })
}

fn compare_cells(a: &str, b: &str, order: Order) -> Ordering {
    let (a, b) = (a.trim(), b.trim());
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater, // blanks last, whatever the order
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let ord = match (parse_amount(a), parse_amount(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => a.to_lowercase().cmp(&b.to_lowercase()),
    };
    if order == Order::Desc { ord.reverse() } else { ord }
}

/// Splits `selected` by `values` of column `c`; members with another value are shared in
/// proportion to the groups' sizes (largest remainder), in priority order, always to the
/// group furthest below its quota.
fn split_groups(
    members: &Members,
    selected: &[usize],
    c: usize,
    values: &[String],
) -> Vec<SplitGroup> {
    let mut groups: Vec<SplitGroup> = values
        .iter()
        .map(|v| SplitGroup { value: v.clone(), rows: Vec::new(), shared: 0 })
        .collect();
    let mut blanks = Vec::new();
    for &i in selected {
        let v = members.rows[i][c].trim();
        match values.iter().position(|x| x.eq_ignore_ascii_case(v)) {
            Some(g) => groups[g].rows.push(i),
            None => blanks.push(i),
        }
    }
    let sizes: Vec<usize> = groups.iter().map(|g| g.rows.len()).collect();
    let total: usize = sizes.iter().sum();
    let b = blanks.len();
    // Quotas by largest remainder (equal shares when every value is blank).
    let weights: Vec<f64> = if total == 0 {
        vec![1.0; groups.len()]
    } else {
        sizes.iter().map(|&s| s as f64).collect()
    };
    let wsum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| b as f64 * w / wsum).collect();
    let mut quota: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&x, &y| {
        (exact[y] - exact[y].floor()).total_cmp(&(exact[x] - exact[x].floor())).then(x.cmp(&y))
    });
    let short = b - quota.iter().sum::<usize>();
    for &g in order.iter().take(short) {
        quota[g] += 1;
    }
    // Interleave: each blank goes to the group with the largest unfilled share of its quota.
    let mut given = vec![0usize; groups.len()];
    for i in blanks {
        let g = (0..groups.len())
            .filter(|&g| given[g] < quota[g])
            .max_by(|&x, &y| {
                let fx = (quota[x] - given[x]) as f64 / quota[x] as f64;
                let fy = (quota[y] - given[y]) as f64 / quota[y] as f64;
                fx.total_cmp(&fy).then(y.cmp(&x))
            })
            .expect("quotas add up to the blanks");
        given[g] += 1;
        groups[g].rows.push(i);
        groups[g].shared += 1;
    }
    // Back to priority order within each group.
    let rank: HashMap<usize, usize, Hasher> = {
        let mut m = HashMap::with_hasher(hasher());
        m.extend(selected.iter().enumerate().map(|(r, &i)| (i, r)));
        m
    };
    for g in &mut groups {
        g.rows.sort_by_key(|i| rank[i]);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members() -> Members {
        let mut m = Members::new(
            ["id", "tier", "coins", "gender", "opened", "last_tx", "wa"].map(String::from).to_vec(),
        );
        let rows = [
            ["1", "Gold", "12000", "M", "1", "2025-12-01", "0812-3456-7890"],
            ["2", "Silver", "50000", "F", "0", "2025-12-01", "081234567891"],
            ["3", "Platinum", "9900", "F", "0", "2025-11-01", "+62 812 3456 7892"],
            ["4", "gold", "20000", "", "0", "2024-01-01", "081234567893"],
            ["5", "Gold", "30000", "", "0", "2025-10-01", "6281234567894"],
            ["6", "Platinum", "15000", "F", "1", "2025-09-01", "12345"],
            ["7", "Gold", "10000", "M", "0", "2025-08-01", "081234567895"],
            ["7", "Gold", "10000", "M", "0", "2025-08-01", "081234567895"],
            ["8", "Gold", "11000", "", "1", "2025-07-01", "081234567896"],
        ];
        for r in rows {
            m.push(r.map(String::from).to_vec()).unwrap();
        }
        m
    }

    #[test]
    fn every_member_is_accounted_for() {
        let spec = AudienceSpec::parse(
            "where tier in Gold|Platinum\nwhere coins > 9900\nwhere last_tx within 365 days\n\
             where wa is phone\nexclude id\ndedup id\npriority opened asc\npriority coins desc\n\
             cap 4\nsplit gender M|F\n",
        )
        .unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let excl: HashSet<String> = ["8".to_string()].into();
        let a = select_audience(&members(), &spec, as_of, &excl).unwrap();
        // 2: Silver; 3: coins not > 9900; 4: too old; 6: bad phone.
        assert_eq!(a.filtered_by, [1, 1, 1, 1]);
        assert_eq!(a.steps.matched, 5); // 1, 5, 7, 7, 8
        assert_eq!(a.steps.excluded, 1);
        assert_eq!(a.steps.duplicates, 1);
        // Non-openers first by coins desc: 5 (30000), 7 (10000); then openers: 1.
        assert_eq!(a.selected, [4, 6, 0]);
        assert_eq!(a.status[7], MemberStatus::Duplicate(6));
        assert_eq!(
            a.steps.selected + a.steps.duplicates + a.steps.excluded + a.steps.over_cap,
            a.steps.matched
        );
        // Both known genders are M, so the blank goes to M.
        assert_eq!(a.groups[0].rows, [4, 6, 0]);
        assert_eq!(a.groups[0].shared, 1);
    }

    #[test]
    fn blanks_are_shared_in_proportion() {
        let mut m = Members::new(vec!["g".into()]);
        for v in ["M", "M", "M", "F", "", "", "", ""] {
            m.push(vec![v.into()]).unwrap();
        }
        let spec = AudienceSpec::parse("split g M|F").unwrap();
        let a = select_audience(&m, &spec, NaiveDate::MIN, &HashSet::new()).unwrap();
        assert_eq!((a.groups[0].rows.len(), a.groups[1].rows.len()), (6, 2));
        assert_eq!((a.groups[0].shared, a.groups[1].shared), (3, 1));
    }

    #[test]
    fn bad_rules_name_the_line() {
        let err = AudienceSpec::parse("cap 10\nwhere coins >> 5").unwrap_err();
        assert!(matches!(err, Error::Audience { line: 2, .. }), "{err}");
        assert_eq!(
            crm_core::normalize_mobile("+62 812-3456-7890").as_deref(),
            Some("081234567890")
        );
    }
}
