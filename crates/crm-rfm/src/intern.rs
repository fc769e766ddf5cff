//! Customer ids to dense indices, in order of first appearance.

use std::collections::HashMap;

use foldhash::fast::FixedState;

/// The hasher of every map keyed by customer data: foldhash (hashbrown's default hasher) with
/// a fixed seed, so results never depend on a random seed, and several times faster than
/// `std`'s SipHash on short ids.
pub(crate) type Hasher = FixedState;

pub(crate) fn hasher() -> Hasher {
    FixedState::with_seed(0x5eed_c0de_2026_1122)
}

/// Assigns 0, 1, 2, ... to customer ids as they first appear.
#[derive(Debug)]
pub(crate) struct Interner {
    map: HashMap<Box<str>, u32, Hasher>,
}

impl Interner {
    pub(crate) fn new() -> Interner {
        Interner { map: HashMap::with_hasher(hasher()) }
    }

    /// The index of `id`, and whether it is new.
    #[inline]
    pub(crate) fn intern(&mut self, id: &str) -> (u32, bool) {
        if let Some(&i) = self.map.get(id) {
            return (i, false);
        }
        let i = self.map.len() as u32;
        self.map.insert(id.into(), i);
        (i, true)
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// The ids in index order.
    pub(crate) fn into_ids(self) -> Vec<Box<str>> {
        let mut ids: Vec<Option<Box<str>>> = vec![None; self.map.len()];
        for (id, i) in self.map {
            ids[i as usize] = Some(id);
        }
        ids.into_iter().map(|id| id.expect("indices are dense")).collect()
    }
}

/// A 64-bit hash of an invoice id (or any secondary key) for distinct counting.
#[inline]
pub(crate) fn hash_str(s: &str) -> u64 {
    use std::hash::BuildHasher;
    hasher().hash_one(s)
}

/// Texts (customer ids) in one buffer, in order: one allocation for a million ids instead
/// of a million, to fill and to free.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Texts {
    text: String,
    /// Where each text ends in `text`.
    ends: Vec<usize>,
}

impl Texts {
    pub(crate) fn with_capacity(texts: usize) -> Texts {
        Texts { text: String::with_capacity(texts * 8), ends: Vec::with_capacity(texts) }
    }

    #[inline]
    pub(crate) fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    /// Copies `other`'s texts to the end.
    pub(crate) fn append(&mut self, other: &Texts) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.iter().map(|&end| base + end));
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Text `i`.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_keep_each_text_and_its_order() {
        let mut t = Texts::with_capacity(1);
        assert!(t.is_empty());
        for s in ["C1", "", "pelanggan-Ñ", "C1"] {
            t.push(s);
        }
        assert_eq!(t.len(), 4);
        assert_eq!(t.iter().collect::<Vec<_>>(), ["C1", "", "pelanggan-Ñ", "C1"]);
        assert_eq!(t.get(2), "pelanggan-Ñ");
        let mut u = Texts::default();
        u.push("X");
        u.append(&t);
        assert_eq!(u.iter().collect::<Vec<_>>(), ["X", "C1", "", "pelanggan-Ñ", "C1"]);
    }
}
