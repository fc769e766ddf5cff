//! Birthplaces: free text matched to official place names.
//!
//! A KTP birthplace is whatever the officer typed: `KAB. BANDUNG`, `Bandoeng`, `BDG`,
//! `Kebayoran Baru`, `Djakarta`, `Bandunng`. [`BirthplaceMatcher::find`] normalises the text,
//! looks it up among regency and city names, 433 sourced aliases (renames, colonial names,
//! abbreviations, spelling variants) and district names, then tries the pre-1972 spelling
//! (DJ→J, TJ→C, OE→U, ...) and finally fuzzy-matches with rapidfuzz's normalised Indel
//! similarity. Results depend only on the input, so callers can cache them per distinct
//! string (birthplaces repeat heavily across 300,000 rows).

use std::collections::HashMap;
use std::sync::OnceLock;

use rapidfuzz::fuzz::{Args, RatioBatchComparator};

use crate::region::{self, districts, provinces, regencies};

/// The level of an official place.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PlaceLevel {
    /// A province (`JAKARTA`, `DKI`).
    Province,
    /// A regency or city.
    Regency,
    /// A district (kecamatan).
    District,
}

/// An official place a birthplace was matched to.
///
/// Deserialising (feature `serde`) looks the place up by `level` and `code` in the embedded
/// tables; an unknown one is an error.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    /// Province, regency or district.
    pub level: PlaceLevel,
    /// Its Kemendagri code (2, 4 or 6 digits).
    pub code: &'static str,
    /// Its official name.
    pub name: &'static str,
}

impl Place {
    /// The official place of this level and code, from the embedded tables.
    #[cfg(feature = "serde")]
    pub(crate) fn official(level: PlaceLevel, code: &str) -> Option<Place> {
        let (code, name) = match level {
            PlaceLevel::Province => region::province(code).map(|p| (p.code(), p.name()))?,
            PlaceLevel::Regency => region::regency(code).map(|r| (r.code(), r.name()))?,
            PlaceLevel::District => region::district(code).map(|d| (d.code(), d.name()))?,
        };
        Some(Place { level, code, name })
    }
}

/// How a birthplace was matched.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MatchKind {
    /// The normalised text is an official name.
    Exact,
    /// The normalised text is a known alias (rename, colonial name, abbreviation, variant).
    Alias,
    /// The text in today's spelling (pre-1972 `DJ`, `TJ`, `OE`, ...) is a name or alias.
    OldSpelling,
    /// The closest official name scored at least the threshold.
    Fuzzy,
    /// Nothing scored the threshold (a typo too far, a foreign place, a village).
    Unknown,
    /// The text was empty.
    Missing,
}

/// The result of matching one birthplace.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceMatch {
    /// The text after normalisation (upper case, prefixes such as `KAB.` removed).
    pub normalized: String,
    /// How it matched.
    pub kind: MatchKind,
    /// The place, unless [`MatchKind::Unknown`] or [`MatchKind::Missing`].
    pub place: Option<Place>,
    /// Similarity 0-100 of the normalised text to the matched name (100 for exact, alias and
    /// old-spelling matches); for an unknown place, the best score found.
    pub score: f64,
}

/// Matches birthplaces to official names. Cheap to clone and share between threads.
///
/// ```
/// use crm_idvalidate::{BirthplaceMatcher, MatchKind};
/// let matcher = BirthplaceMatcher::new();
/// let m = matcher.find("Kab. Bandung");
/// assert_eq!((m.kind, m.place.unwrap().code), (MatchKind::Exact, "3204"));
/// assert_eq!(matcher.find("DJAKARTA").kind, MatchKind::OldSpelling);
/// let typo = matcher.find("Bandunng");
/// assert_eq!((typo.kind, typo.place.unwrap().name), (MatchKind::Fuzzy, "Kota Bandung"));
/// assert_eq!(matcher.find("Amsterdam").kind, MatchKind::Unknown);
/// ```
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq)]
pub struct BirthplaceMatcher {
    #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::serde_impl::threshold"))]
    threshold: f64,
}

impl Default for BirthplaceMatcher {
    fn default() -> BirthplaceMatcher {
        BirthplaceMatcher::new()
    }
}

/// Regency name prefixes that birthplaces carry or drop freely.
const PREFIXES: &[&str] = &[
    "KABUPATEN ADMINISTRASI ",
    "KOTA ADMINISTRASI ",
    "KABUPATEN ",
    "KOTAMADYA ",
    "KOTA ADM ",
    "KODYA ",
    "KOTIF ",
    "DATI II ",
    "KOTA ",
    "KAB ",
    "ADM ",
];

/// Normalises a place name: upper case, punctuation other than inner `'` and `-` dropped,
/// spaces collapsed, administrative prefixes (`KABUPATEN`, `KAB.`, `KOTA`, `KOTAMADYA`,
/// `KODYA`, `KOTA ADMINISTRASI`, ...) removed, `KEP.` expanded, and anything after a comma
/// (a province: `BOGOR, JAWA BARAT`) dropped.
///
/// ```
/// assert_eq!(crm_idvalidate::normalize_place(" kab. tasik-malaya , jawa barat"), "TASIK-MALAYA");
/// assert_eq!(crm_idvalidate::normalize_place("Kota Adm. Jakarta Pusat"), "JAKARTA PUSAT");
/// assert_eq!(crm_idvalidate::normalize_place("Kep. Seribu"), "KEPULAUAN SERIBU");
/// ```
pub fn normalize_place(raw: &str) -> String {
    let head = raw.split(',').next().unwrap_or("");
    let upper = head.to_uppercase().replace("KEP.", "KEPULAUAN ");
    let mut cleaned = String::with_capacity(upper.len());
    let chars: Vec<char> = upper.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let joins = |c: char| {
            (c == '-' || c == '\'')
                && i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())
        };
        if c.is_alphanumeric() || joins(c) {
            cleaned.push(c);
        } else {
            cleaned.push(' ');
        }
    }
    let mut name = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    while let Some(p) = PREFIXES.iter().find(|p| name.starts_with(*p) && name.len() > p.len()) {
        name = name[p.len()..].to_owned();
    }
    name
}

/// Today's spelling of pre-1972 (EYD) names: DJ→J, TJ→C, NJ→NY, SJ→SY, CH→KH, OE→U, and a
/// J (not from DJ) before a vowel → Y, so `JOGJAKARTA` → `YOGYAKARTA` and `DJAKARTA` →
/// `JAKARTA`; used only when the text as written matches nothing.
pub(crate) fn modern_spelling(name: &str) -> String {
    let marked =
        name.replace("DJ", "\u{1}").replace("TJ", "C").replace("NJ", "NY").replace("SJ", "SY");
    let marked = marked.replace("CH", "KH").replace("OE", "U");
    let chars: Vec<char> = marked.chars().collect();
    let mut out = String::with_capacity(marked.len());
    for (i, &c) in chars.iter().enumerate() {
        let vowel_next = chars.get(i + 1).is_some_and(|n| "AEIOU".contains(*n));
        out.push(if c == 'J' && vowel_next { 'Y' } else { c });
    }
    out.replace('\u{1}', "J")
}

struct Index {
    /// Normalised name → place and whether it came from the alias table.
    exact: HashMap<String, (Place, bool)>,
    /// Bare names shared by a kabupaten and a kota (Bandung, Bogor, ...) → (kabupaten, kota).
    twins: HashMap<String, (Place, Place)>,
    /// Names to fuzzy-match against: regencies first, then districts.
    names: Vec<(String, Place)>,
    /// Each name's letter counts, for a cheap bound on its similarity to a query.
    letters: Vec<Letters>,
    /// The indices into `names` of the names of each length in characters.
    by_len: Vec<Vec<u32>>,
}

/// Letter counts of a name: A-Z in their own buckets, everything else folded into six.
///
/// The Indel distance behind the ratio is `a + b - 2 * LCS`, and a longest common subsequence
/// uses no character more often than both strings have it, so `LCS <= sum of min(count)`;
/// folding characters together only loosens that bound. It rejects most names without
/// running the comparison.
type Letters = [u8; 32];

fn letters(s: &str) -> Letters {
    let mut h = [0u8; 32];
    for c in s.chars() {
        let b =
            if c.is_ascii_uppercase() { c as usize - 'A' as usize } else { 26 + c as usize % 6 };
        h[b] = h[b].saturating_add(1);
    }
    h
}

/// How many characters two names can have in common at most (see [`Letters`]).
fn shared(a: &Letters, b: &Letters) -> u32 {
    a.iter().zip(b).map(|(x, y)| u32::from(*x.min(y))).sum()
}

/// The highest ratio (0-100) two names of these lengths with `common` characters in common
/// can have: `200 * common / (a + b)`.
fn ratio_ceiling(common: f64, a: f64, b: f64) -> f64 {
    200.0 * common / (a + b)
}

/// Slack for comparing the float bounds with the comparator's scores.
const BOUND_SLACK: f64 = 1e-9;

const ALIASES: &str = include_str!("../data/birthplace_aliases.csv");

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut exact: HashMap<String, (Place, bool)> = HashMap::new();
        let mut names = Vec::new();
        // Cities first: a bare "BANDUNG" on a KTP names the city more often than the regency
        // around it.
        let mut by_city: Vec<_> = regencies().iter().collect();
        by_city.sort_by_key(|r| !r.is_city());
        let mut twins: HashMap<String, (Place, Place)> = HashMap::new();
        for r in by_city {
            let place = Place { level: PlaceLevel::Regency, code: r.code(), name: r.name() };
            let key = normalize_place(r.name());
            match exact.get(&key) {
                Some(&(city, _)) if !r.is_city() => {
                    twins.insert(key.clone(), (place, city));
                }
                _ => {
                    exact.insert(key.clone(), (place, false));
                }
            }
            names.push((key, place));
        }
        for line in ALIASES.lines().skip(1) {
            let f = region::csv_fields(line);
            let (Some(alias), Some(level), Some(code)) = (f.first(), f.get(1), f.get(2)) else {
                continue;
            };
            let place = match *level {
                "regency" => region::regency(code).map(|r| Place {
                    level: PlaceLevel::Regency,
                    code: r.code(),
                    name: r.name(),
                }),
                "district" => region::district(code).map(|d| Place {
                    level: PlaceLevel::District,
                    code: d.code(),
                    name: d.name(),
                }),
                "province" => region::province(code).map(|p| Place {
                    level: PlaceLevel::Province,
                    code: p.code(),
                    name: p.name(),
                }),
                _ => None,
            };
            let Some(place) = place else { continue };
            // One row may list several spellings: "PESISIR, PASISIR, PESISIE".
            for spelling in alias.split(',') {
                let key = normalize_place(spelling);
                if !key.is_empty() {
                    exact.entry(key).or_insert((place, true));
                }
            }
        }
        for d in districts() {
            let place = Place { level: PlaceLevel::District, code: d.code(), name: d.name() };
            let key = normalize_place(d.name());
            exact.entry(key.clone()).or_insert((place, false));
            names.push((key, place));
        }
        for p in provinces() {
            let place = Place { level: PlaceLevel::Province, code: p.code(), name: p.name() };
            exact.entry(normalize_place(p.name())).or_insert((place, false));
        }
        let letters = names.iter().map(|(n, _)| letters(n)).collect();
        let mut by_len: Vec<Vec<u32>> = Vec::new();
        for (i, (n, _)) in names.iter().enumerate() {
            let len = n.chars().count();
            if by_len.len() <= len {
                by_len.resize(len + 1, Vec::new());
            }
            by_len[len].push(i as u32);
        }
        Index { exact, twins, names, letters, by_len }
    })
}

/// Whether the text starts with a kabupaten prefix (`KAB`, `KAB.`, `KABUPATEN`).
fn names_a_kabupaten(raw: &str) -> bool {
    let upper = raw.trim_start().to_uppercase();
    upper.starts_with("KAB ") || upper.starts_with("KAB.") || upper.starts_with("KABUPATEN")
}

impl BirthplaceMatcher {
    /// A matcher with the default fuzzy threshold of 85.
    pub fn new() -> BirthplaceMatcher {
        BirthplaceMatcher { threshold: 85.0 }
    }

    /// The lowest similarity (0-100) a fuzzy match needs. Default: 85.
    #[must_use]
    pub fn threshold(mut self, threshold: f64) -> BirthplaceMatcher {
        self.threshold = threshold.clamp(0.0, 100.0);
        self
    }

    /// The lowest similarity (0-100) a fuzzy match needs.
    pub fn min_score(&self) -> f64 {
        self.threshold
    }

    /// Matches one birthplace.
    pub fn find(&self, raw: &str) -> PlaceMatch {
        let normalized = normalize_place(raw);
        if normalized.is_empty() {
            return PlaceMatch { normalized, kind: MatchKind::Missing, place: None, score: 0.0 };
        }
        let idx = index();
        if let Some(&(place, alias)) = idx.exact.get(&normalized) {
            let kind = if alias { MatchKind::Alias } else { MatchKind::Exact };
            // "KAB. BANDUNG" names the kabupaten even though a bare "BANDUNG" means the city.
            let place = match idx.twins.get(&normalized) {
                Some(&(kabupaten, _)) if names_a_kabupaten(raw) => kabupaten,
                _ => place,
            };
            return PlaceMatch { normalized, kind, place: Some(place), score: 100.0 };
        }
        let modern = modern_spelling(&normalized);
        if modern != normalized
            && let Some(&(place, _)) = idx.exact.get(&modern)
        {
            return PlaceMatch {
                normalized,
                kind: MatchKind::OldSpelling,
                place: Some(place),
                score: 100.0,
            };
        }
        let (best, score) = self.closest(&normalized, idx);
        match best {
            Some(place) if score >= self.threshold => {
                PlaceMatch { normalized, kind: MatchKind::Fuzzy, place: Some(place), score }
            }
            _ => PlaceMatch { normalized, kind: MatchKind::Unknown, place: None, score },
        }
    }

    /// The most similar official name and its score (0-100); earlier names win ties, so
    /// regencies beat districts. Names of no length whose ratio could reach
    /// `min(threshold, 50)` are not considered.
    ///
    /// Names are visited by length, the lengths that allow the highest ratio first, and a
    /// name is compared only when its [`Letters`] bound could still reach the best score so
    /// far; once no length can, the search stops. For a typo that means the names one
    /// character shorter or longer, most of them rejected by the bound: about 25x faster
    /// than comparing every name, with the same result (a test checks it against the scan).
    fn closest(&self, query: &str, idx: &Index) -> (Option<Place>, f64) {
        let comparator = RatioBatchComparator::new(query.chars());
        let query_len = query.chars().count() as f64;
        let query_letters = letters(query);
        let floor = self.threshold.min(50.0);
        let mut lengths: Vec<(f64, usize)> = idx
            .by_len
            .iter()
            .enumerate()
            .filter(|(_, names)| !names.is_empty())
            .map(|(len, _)| {
                let len_f = len as f64;
                (ratio_ceiling(query_len.min(len_f), query_len, len_f), len)
            })
            .collect();
        lengths.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        // (index into names, score); `cutoff` is the best score as the comparator gave it, so
        // that a tie, which an earlier name wins, is not lost to rounding.
        let mut best: (Option<usize>, f64) = (None, 0.0);
        let mut cutoff = 0.0;
        for (len_ceiling, len) in lengths {
            if len_ceiling < floor || len_ceiling < best.1 - BOUND_SLACK {
                break;
            }
            for &i in &idx.by_len[len] {
                let i = i as usize;
                let common = f64::from(shared(&query_letters, &idx.letters[i]));
                if ratio_ceiling(common, query_len, len as f64) < best.1 - BOUND_SLACK {
                    continue;
                }
                let args = Args::default().score_cutoff(cutoff);
                let Some(raw) = comparator.similarity_with_args(idx.names[i].0.chars(), &args)
                else {
                    continue;
                };
                let s = raw * 100.0;
                // As the scan in index order: a higher score, or the same from an earlier name.
                if s > best.1 || (s == best.1 && s > 0.0 && best.0.is_some_and(|b| i < b)) {
                    best = (Some(i), s);
                    cutoff = raw;
                }
            }
        }
        (best.0.map(|i| idx.names[i].1), best.1)
    }

    /// [`closest`](Self::closest) by comparing every name, in index order.
    #[cfg(test)]
    fn closest_by_scan(&self, query: &str, idx: &Index) -> (Option<Place>, f64) {
        let comparator = RatioBatchComparator::new(query.chars());
        let query_len = query.chars().count() as f64;
        let mut best: (Option<Place>, f64) = (None, 0.0);
        for (name, place) in &idx.names {
            // Indel similarity can reach at most 2*min/(a+b); skip names that cannot beat
            // the best so far.
            let len = name.chars().count() as f64;
            let ceiling = 200.0 * query_len.min(len) / (query_len + len);
            if ceiling <= best.1 || ceiling < self.threshold.min(50.0) {
                continue;
            }
            let cutoff = (best.1 / 100.0).max(0.0);
            let score = comparator
                .similarity_with_args(name.chars(), &Args::default().score_cutoff(cutoff));
            if let Some(s) = score {
                let s = s * 100.0;
                if s > best.1 {
                    best = (Some(*place), s);
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(s: &str) -> (MatchKind, Option<&'static str>) {
        let m = BirthplaceMatcher::new().find(s);
        (m.kind, m.place.map(|p| p.name))
    }

    #[test]
    fn prefixes_are_stripped() {
        assert_eq!(find("KAB. BOGOR"), (MatchKind::Exact, Some("Kabupaten Bogor")));
        assert_eq!(find("Bogor"), (MatchKind::Exact, Some("Kota Bogor")));
        assert_eq!(find("Kota Bogor"), (MatchKind::Exact, Some("Kota Bogor")));
        assert_eq!(find("Kabupaten Sleman"), (MatchKind::Exact, Some("Kabupaten Sleman")));
        assert_eq!(find("Kotamadya Surabaya"), (MatchKind::Exact, Some("Kota Surabaya")));
    }

    #[test]
    fn districts_and_aliases() {
        assert_eq!(find("Kebayoran Baru"), (MatchKind::Exact, Some("Kebayoran Baru")));
        assert_eq!(find("Ujung Pandang"), (MatchKind::Alias, Some("Kota Makassar")));
        assert_eq!(find("Buitenzorg"), (MatchKind::Alias, Some("Kota Bogor")));
    }

    #[test]
    fn old_spelling_is_modernised() {
        assert_eq!(modern_spelling("TJIREBON"), "CIREBON");
        assert_eq!(modern_spelling("JOGJAKARTA"), "YOGYAKARTA");
        assert_eq!(modern_spelling("DJAKARTA"), "JAKARTA");
        assert_eq!(modern_spelling("SOERABAJA"), "SURABAYA");
        assert_eq!(find("Tjirebon").0, MatchKind::OldSpelling);
        assert_eq!(find("Soerabaja"), (MatchKind::Alias, Some("Kota Surabaya")));
    }

    #[test]
    fn typos_are_corrected_above_the_threshold() {
        let m = BirthplaceMatcher::new().find("Yogyakartaa");
        assert_eq!((m.kind, m.place.map(|p| p.code)), (MatchKind::Fuzzy, Some("3471")));
        assert!(m.score >= 85.0 && m.score < 100.0);
        let strict = BirthplaceMatcher::new().threshold(99.0).find("Yogyakartaa");
        assert_eq!(strict.kind, MatchKind::Unknown);
    }

    #[test]
    fn the_pruned_search_finds_what_the_scan_finds() {
        let idx = index();
        let matcher = BirthplaceMatcher::new();
        let low = BirthplaceMatcher::new().threshold(30.0);
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        let mut queries: Vec<String> =
            vec!["ATLANTIS".into(), "X".into(), "JAKARTA PUSAT SELATAN".into(), "Q Z".into()];
        for _ in 0..400 {
            let name: Vec<char> = idx.names[next(idx.names.len())].0.chars().collect();
            let mut typo = name.clone();
            let at = next(name.len());
            match next(4) {
                0 => {
                    typo.remove(at);
                }
                1 => typo.insert(at, name[at]),
                2 => typo[at] = char::from(b'A' + next(26) as u8),
                _ => typo.swap(at, (at + 1).min(name.len() - 1)),
            }
            queries.push(typo.into_iter().collect());
        }
        for q in &queries {
            for m in [&matcher, &low] {
                let (fast, slow) = (m.closest(q, idx), m.closest_by_scan(q, idx));
                assert_eq!(fast.0.map(|p| p.code), slow.0.map(|p| p.code), "{q}");
                assert_eq!(fast.1, slow.1, "{q}");
            }
        }
    }

    #[test]
    fn empty_is_missing() {
        assert_eq!(find("  - ").0, MatchKind::Missing);
    }
}
