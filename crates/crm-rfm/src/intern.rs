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
