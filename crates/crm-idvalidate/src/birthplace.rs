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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    /// Province, regency or district.
    pub level: PlaceLevel,
    /// Its Kemendagri code (2, 4 or 6 digits).
    pub code: &'static str,
    /// Its official name.
    pub name: &'static str,
}

/// How a birthplace was matched.
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
#[derive(Clone, Debug, PartialEq)]
pub struct BirthplaceMatcher {
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
}

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
        Index { exact, twins, names }
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
    /// regencies beat districts.
    fn closest(&self, query: &str, idx: &Index) -> (Option<Place>, f64) {
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
    fn empty_is_missing() {
        assert_eq!(find("  - ").0, MatchKind::Missing);
    }
}
