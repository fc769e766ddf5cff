//! Named segments from score boxes: ordered rules, first match wins, the rest are
//! [`OTHERS`].

use crm_core::segment::{
    ABOUT_TO_SLEEP, AT_RISK, CANT_LOSE_THEM, CHAMPIONS, HIBERNATING, LOST, LOYAL_CUSTOMERS,
    NEED_ATTENTION, NEW_CUSTOMERS, POTENTIAL_LOYALISTS, PROMISING,
};
use std::ops::RangeInclusive;

use crate::error::Error;
use crate::features::Features;
use crate::score::{RfmScore, Scores};

/// The segment of customers no rule matches.
pub const OTHERS: &str = "Others";

/// One rule: a name and an inclusive score range per dimension.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Rule {
    /// Segment name.
    pub name: String,
    /// Recency scores matched.
    pub r: RangeInclusive<u8>,
    /// Frequency scores matched.
    pub f: RangeInclusive<u8>,
    /// Monetary scores matched.
    pub m: RangeInclusive<u8>,
}

impl Rule {
    /// A rule from its name and ranges.
    pub fn new(
        name: impl Into<String>,
        r: RangeInclusive<u8>,
        f: RangeInclusive<u8>,
        m: RangeInclusive<u8>,
    ) -> Rule {
        Rule { name: name.into(), r, f, m }
    }

    /// Whether `score` is inside the box.
    pub fn matches(&self, score: RfmScore) -> bool {
        self.r.contains(&score.r) && self.f.contains(&score.f) && self.m.contains(&score.m)
    }
}

/// An ordered list of rules; a customer gets the first rule that matches, else
/// [`OTHERS`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentRules {
    rules: Vec<Rule>,
}

const ANY: RangeInclusive<u8> = 1..=u8::MAX;

impl SegmentRules {
    /// Rules in priority order.
    ///
    /// # Errors
    /// [`Error::Rule`] when a name is empty or equals [`OTHERS`], a range is empty or
    /// starts at 0, or two rules share a name.
    pub fn new(rules: Vec<Rule>) -> Result<SegmentRules, Error> {
        for (i, rule) in rules.iter().enumerate() {
            let bad = |message: String| Err(Error::Rule { line: i as u64 + 1, message });
            if rule.name.trim().is_empty() || rule.name == OTHERS {
                return bad(format!("segment name {:?} is reserved or empty", rule.name));
            }
            for (dim, range) in [("r", &rule.r), ("f", &rule.f), ("m", &rule.m)] {
                if range.is_empty() || *range.start() == 0 {
                    return bad(format!("{dim} range {range:?} is empty or starts at 0"));
                }
            }
            if rules[..i].iter().any(|r| r.name == rule.name) {
                return bad(format!("segment {:?} is defined twice", rule.name));
            }
        }
        Ok(SegmentRules { rules })
    }

    /// The table of the R `rfm` package's vignette (5 bins), the rule set most analysts
    /// copy: Champions, Potential Loyalists, Loyal Customers, Promising, New Customers,
    /// Can't Lose Them, At Risk, Need Attention, About To Sleep, Lost (the vignette's
    /// "Potential Loyalist" is spelled as in [`crm_core::segment`], the names every crate
    /// uses). Ten score cells match
    /// no rule and fall to [`OTHERS`] (see [`SegmentRules::coverage`]).
    pub fn r_rfm() -> SegmentRules {
        let rows: [(&str, [u8; 6]); 10] = [
            (CHAMPIONS, [5, 5, 5, 5, 5, 5]),
            (POTENTIAL_LOYALISTS, [3, 5, 3, 5, 2, 5]),
            (LOYAL_CUSTOMERS, [2, 4, 2, 4, 2, 4]),
            (PROMISING, [3, 4, 1, 3, 3, 5]),
            (NEW_CUSTOMERS, [4, 5, 1, 3, 1, 5]),
            (CANT_LOSE_THEM, [1, 2, 3, 4, 4, 5]),
            (AT_RISK, [1, 2, 2, 5, 4, 5]),
            (NEED_ATTENTION, [1, 3, 3, 5, 3, 5]),
            (ABOUT_TO_SLEEP, [2, 3, 1, 3, 1, 4]),
            (LOST, [1, 1, 1, 5, 1, 5]),
        ];
        let rules = rows
            .iter()
            .map(|(name, b)| Rule::new(*name, b[0]..=b[1], b[2]..=b[3], b[4]..=b[5]))
            .collect();
        SegmentRules { rules }
    }

    /// The widely copied R×F map (5 bins; monetary ignored) that partitions all 25 R×F
    /// cells: Hibernating, At Risk, Can't Lose Them, About To Sleep, Need Attention, Loyal
    /// Customers, Promising, New Customers, Potential Loyalists, Champions.
    pub fn rf_map() -> SegmentRules {
        let rows: [(&str, [u8; 4]); 10] = [
            (HIBERNATING, [1, 2, 1, 2]),
            (AT_RISK, [1, 2, 3, 4]),
            (CANT_LOSE_THEM, [1, 2, 5, 5]),
            (ABOUT_TO_SLEEP, [3, 3, 1, 2]),
            (NEED_ATTENTION, [3, 3, 3, 3]),
            (LOYAL_CUSTOMERS, [3, 4, 4, 5]),
            (PROMISING, [4, 4, 1, 1]),
            (NEW_CUSTOMERS, [5, 5, 1, 1]),
            (POTENTIAL_LOYALISTS, [4, 5, 2, 3]),
            (CHAMPIONS, [5, 5, 4, 5]),
        ];
        let rules =
            rows.iter().map(|(name, b)| Rule::new(*name, b[0]..=b[1], b[2]..=b[3], ANY)).collect();
        SegmentRules { rules }
    }

    /// Parses rules from CSV text with a header `segment,r,f,m` (extra columns such as a
    /// description are ignored). Each score cell is a single score (`5`), a range (`3-5`),
    /// or `*` / empty for any score. Lines starting with `#` are comments.
    ///
    /// ```
    /// use crm_rfm::SegmentRules;
    /// let rules = SegmentRules::parse_csv("segment,r,f,m\nBest,5,4-5,*\nSleeping,1-2,*,*\n")?;
    /// assert_eq!(rules.rules().len(), 2);
    /// # Ok::<(), crm_rfm::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Rule`] naming the line.
    pub fn parse_csv(text: &str) -> Result<SegmentRules, Error> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i as u64 + 1, l.trim()))
            .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
        let Some((hline, header)) = lines.next() else {
            return Err(Error::Rule { line: 1, message: "no header".into() });
        };
        let cols: Vec<String> = header.split(',').map(|c| c.trim().to_lowercase()).collect();
        let find = |name: &str| {
            cols.iter().position(|c| c == name).ok_or_else(|| Error::Rule {
                line: hline,
                message: format!("header needs columns segment,r,f,m; {name:?} is missing"),
            })
        };
        let idx = [find("segment")?, find("r")?, find("f")?, find("m")?];
        let mut rules = Vec::new();
        for (line, l) in lines {
            let cells: Vec<&str> = l.split(',').map(str::trim).collect();
            let cell = |k: usize| cells.get(idx[k]).copied().unwrap_or("");
            let range = |k: usize| {
                parse_range(cell(k)).ok_or_else(|| Error::Rule {
                    line,
                    message: format!("bad score range {:?} (use 5, 3-5 or *)", cell(k)),
                })
            };
            rules.push(Rule::new(cell(0), range(1)?, range(2)?, range(3)?));
        }
        SegmentRules::new(rules).map_err(|e| match e {
            // Renumber from rule position to text line.
            Error::Rule { line, message } => Error::Rule { line: line + hline, message },
            other => other,
        })
    }

    /// The rules, in priority order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Segment names in rule order, then [`OTHERS`].
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.rules.iter().map(|r| r.name.as_str()).chain([OTHERS])
    }

    /// The index (into [`rules`](Self::rules)) of the first rule matching `score`; `None`
    /// means [`OTHERS`].
    pub fn classify(&self, score: RfmScore) -> Option<usize> {
        self.rules.iter().position(|r| r.matches(score))
    }

    /// The segment name of `score`.
    pub fn name_of(&self, score: RfmScore) -> &str {
        self.classify(score).map_or(OTHERS, |i| self.rules[i].name.as_str())
    }

    /// Segments every customer: a rule index per customer, [`OTHERS`] as `rules().len()`.
    pub fn assign(&self, scores: &Scores) -> Segments<'_> {
        let [rn, fn_, mn] = scores.bins();
        // A lookup table over every score cell: one byte per customer to classify.
        let cell = |r: u8, f: u8, m: u8| {
            (usize::from(r) - 1) * usize::from(fn_) * usize::from(mn)
                + (usize::from(f) - 1) * usize::from(mn)
                + usize::from(m)
                - 1
        };
        let mut table = vec![0u16; usize::from(rn) * usize::from(fn_) * usize::from(mn)];
        for r in 1..=rn {
            for f in 1..=fn_ {
                for m in 1..=mn {
                    table[cell(r, f, m)] =
                        self.classify(RfmScore { r, f, m }).map_or(self.rules.len(), |i| i) as u16;
                }
            }
        }
        let ids = (0..scores.len())
            .map(|i| table[cell(scores.r()[i], scores.f()[i], scores.m()[i])])
            .collect();
        Segments { rules: self, ids }
    }

    /// Which score cells (for `bins` scores per dimension: R, F, M) fall to [`OTHERS`],
    /// and how much of each rule's box earlier rules take.
    pub fn coverage(&self, bins: [u8; 3]) -> Coverage {
        let mut others = Vec::new();
        let mut rules: Vec<RuleCoverage> = self
            .rules
            .iter()
            .map(|r| RuleCoverage {
                name: r.name.clone(),
                cells: 0,
                won: 0,
                shadowed_by: Vec::new(),
                outside: false,
            })
            .collect();
        for r in 1..=bins[0] {
            for f in 1..=bins[1] {
                for m in 1..=bins[2] {
                    let s = RfmScore { r, f, m };
                    let mut winner = None;
                    for (i, rule) in self.rules.iter().enumerate() {
                        if !rule.matches(s) {
                            continue;
                        }
                        rules[i].cells += 1;
                        match winner {
                            None => {
                                winner = Some(i);
                                rules[i].won += 1;
                            }
                            Some(w) => {
                                let name = self.rules[w].name.clone();
                                if !rules[i].shadowed_by.contains(&name) {
                                    rules[i].shadowed_by.push(name);
                                }
                            }
                        }
                    }
                    if winner.is_none() {
                        others.push(s);
                    }
                }
            }
        }
        for (cov, rule) in rules.iter_mut().zip(&self.rules) {
            cov.outside =
                *rule.r.start() > bins[0] || *rule.f.start() > bins[1] || *rule.m.start() > bins[2];
        }
        Coverage { bins, others, rules }
    }
}

fn parse_range(s: &str) -> Option<RangeInclusive<u8>> {
    let s = s.trim();
    if s.is_empty() || s == "*" {
        return Some(ANY);
    }
    match s.split_once('-') {
        Some((a, b)) => Some(a.trim().parse().ok()?..=b.trim().parse().ok()?),
        None => {
            let v: u8 = s.parse().ok()?;
            Some(v..=v)
        }
    }
}

/// How rules cover the score cube.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Coverage {
    /// Scores per dimension (R, F, M) that were checked.
    pub bins: [u8; 3],
    /// Score cells no rule matches: those customers become [`OTHERS`].
    pub others: Vec<RfmScore>,
    /// Per rule, in order.
    pub rules: Vec<RuleCoverage>,
}

/// How much of one rule's box is reachable.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RuleCoverage {
    /// The segment.
    pub name: String,
    /// Cells inside the rule's box.
    pub cells: usize,
    /// Cells this rule actually gets (no earlier rule matches them).
    pub won: usize,
    /// Earlier rules that take some of its cells.
    pub shadowed_by: Vec<String>,
    /// The box lies outside the score range (e.g. a 5-bin rule used with 3 bins).
    pub outside: bool,
}

impl RuleCoverage {
    /// The rule can never match: every cell is taken by earlier rules (or out of range).
    pub fn is_dead(&self) -> bool {
        self.won == 0
    }
}

/// The segment of every customer.
#[derive(Clone, Debug)]
pub struct Segments<'r> {
    rules: &'r SegmentRules,
    ids: Vec<u16>,
}

impl<'r> Segments<'r> {
    /// Customer `i`'s segment name.
    pub fn name(&self, i: usize) -> &'r str {
        let k = usize::from(self.ids[i]);
        self.rules.rules.get(k).map_or(OTHERS, |r| r.name.as_str())
    }

    /// Customer `i`'s segment index: a rule index, or `rules().len()` for [`OTHERS`].
    pub fn index(&self, i: usize) -> usize {
        usize::from(self.ids[i])
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Per segment (rule order, then [`OTHERS`]): customers, share, purchases, revenue,
    /// average order value and median recency, frequency and monetary value.
    ///
    /// # Panics
    /// If `features` is not the table these segments were computed from (length differs).
    pub fn summary(&self, features: &Features) -> Vec<SegmentSummary> {
        assert_eq!(features.len(), self.len(), "segments and features differ in length");
        let k = self.rules.rules.len() + 1;
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (i, &s) in self.ids.iter().enumerate() {
            groups[usize::from(s)].push(i);
        }
        let total = self.len().max(1) as f64;
        groups
            .iter()
            .enumerate()
            .map(|(s, members)| {
                let name = self.rules.rules.get(s).map_or(OTHERS, |r| r.name.as_str());
                let purchases: u64 =
                    members.iter().map(|&i| u64::from(features.frequency()[i])).sum();
                let revenue: f64 = members.iter().map(|&i| features.monetary()[i]).sum();
                let col = |f: &dyn Fn(usize) -> f64| {
                    median(&mut members.iter().map(|&i| f(i)).collect::<Vec<_>>())
                };
                SegmentSummary {
                    segment: name.to_string(),
                    customers: members.len(),
                    share: members.len() as f64 / total,
                    purchases,
                    revenue,
                    average_order_value: if purchases == 0 {
                        None
                    } else {
                        Some(revenue / purchases as f64)
                    },
                    median_recency_days: col(&|i| f64::from(features.recency_days()[i])),
                    median_frequency: col(&|i| f64::from(features.frequency()[i])),
                    median_monetary: col(&|i| features.monetary()[i]),
                }
            })
            .collect()
    }
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

/// One segment's figures.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SegmentSummary {
    /// The segment.
    pub segment: String,
    /// Customers in it.
    pub customers: usize,
    /// Share of all customers (0..=1).
    pub share: f64,
    /// Sum of their frequency.
    pub purchases: u64,
    /// Sum of their monetary value.
    pub revenue: f64,
    /// Revenue / purchases (`None` for an empty segment).
    pub average_order_value: Option<f64>,
    /// Median recency (days); `None` for an empty segment.
    pub median_recency_days: Option<f64>,
    /// Median frequency.
    pub median_frequency: Option<f64>,
    /// Median monetary value.
    pub median_monetary: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_rfm_coverage_matches_the_research_notes() {
        let cov = SegmentRules::r_rfm().coverage([5, 5, 5]);
        let others: Vec<String> = cov.others.iter().map(|s| s.to_string()).collect();
        assert_eq!(others, ["215", "241", "251", "252", "341", "351", "441", "451", "541", "551"]);
        assert_eq!(cov.rules[0].won, 1);
        assert_eq!(cov.rules[1].won, 35);
        let need_attention = &cov.rules[7];
        assert_eq!(need_attention.cells - need_attention.won, 23);
    }

    #[test]
    fn rf_map_partitions_the_rf_square() {
        let rules = SegmentRules::rf_map();
        let cov = rules.coverage([5, 5, 5]);
        assert!(cov.others.is_empty());
        assert!(cov.rules.iter().all(|r| r.shadowed_by.is_empty()));
        assert_eq!(cov.rules.iter().map(|r| r.won).sum::<usize>(), 125);
    }
}
