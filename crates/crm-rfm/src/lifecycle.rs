//! Lifecycle stages: lead, first-timer, active, defecting, inactive.

use std::collections::HashSet;

use crate::error::Error;
use crate::features::Features;
use crate::intern::{Hasher, hasher};

/// Where a customer is in the buying lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Stage {
    /// Registered, never bought (up to the as-of date).
    Lead,
    /// Bought exactly once, recently enough not to be defecting.
    FirstTimer,
    /// Bought more than once, recently.
    Active,
    /// Last purchase longer ago than the defecting threshold (default 180 days).
    Defecting,
    /// Last purchase longer ago than the inactive threshold (default 365 days).
    Inactive,
}

impl Stage {
    /// Every stage, in lifecycle order.
    pub const ALL: [Stage; 5] =
        [Stage::Lead, Stage::FirstTimer, Stage::Active, Stage::Defecting, Stage::Inactive];

    /// `"lead"`, `"first_timer"`, `"active"`, `"defecting"` or `"inactive"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Lead => "lead",
            Stage::FirstTimer => "first_timer",
            Stage::Active => "active",
            Stage::Defecting => "defecting",
            Stage::Inactive => "inactive",
        }
    }

    /// Whether the stage gets acquisition messages (leads, first-timers) rather than
    /// retention messages (active, defecting, inactive).
    pub fn is_acquisition(self) -> bool {
        matches!(self, Stage::Lead | Stage::FirstTimer)
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The thresholds between stages, in days since the last purchase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LifecycleOptions {
    /// More than this many days without a purchase is defecting (default 180, six months).
    pub defecting_after_days: u32,
    /// More than this many days is inactive (default 365, a year).
    pub inactive_after_days: u32,
}

impl Default for LifecycleOptions {
    fn default() -> Self {
        LifecycleOptions { defecting_after_days: 180, inactive_after_days: 365 }
    }
}

/// Stages of every customer: those in the features, then registered customers without a
/// purchase (leads).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Lifecycle {
    /// `(customer id, stage)`: the features' customers in their order, then the leads in
    /// the order given.
    pub stages: Vec<(String, Stage)>,
    /// Customers per stage, in [`Stage::ALL`] order.
    pub counts: [usize; 5],
    /// Buyers that are not in the registered list (counted in their stage too): a sign the
    /// customer list is out of date.
    pub not_registered: usize,
    /// Ids repeated in the registered list (each counted once).
    pub duplicate_registrations: usize,
}

/// Assigns lifecycle stages. The rules, in order: no purchase on or before the as-of date →
/// [`Stage::Lead`]; recency over `inactive_after_days` → [`Stage::Inactive`]; over
/// `defecting_after_days` → [`Stage::Defecting`]; one purchase → [`Stage::FirstTimer`];
/// else [`Stage::Active`].
///
/// `registered` lists the registered customers (the member table); pass an empty iterator
/// when there is none (then nobody is a lead).
///
/// # Errors
/// [`Error::InvalidParameter`] when `inactive_after_days` is below `defecting_after_days`.
pub fn lifecycle<'a>(
    features: &Features,
    registered: impl IntoIterator<Item = &'a str>,
    options: LifecycleOptions,
) -> Result<Lifecycle, Error> {
    if options.inactive_after_days < options.defecting_after_days {
        return Err(Error::InvalidParameter {
            name: "inactive_after_days",
            reason: "must not be below defecting_after_days".into(),
        });
    }
    let mut counts = [0usize; 5];
    let mut stages = Vec::with_capacity(features.len());
    let mut buyers: HashSet<&str, Hasher> = HashSet::with_hasher(hasher());
    for c in features.iter() {
        buyers.insert(c.id);
        let stage = if c.recency_days > options.inactive_after_days {
            Stage::Inactive
        } else if c.recency_days > options.defecting_after_days {
            Stage::Defecting
        } else if c.frequency <= 1 {
            Stage::FirstTimer
        } else {
            Stage::Active
        };
        counts[stage as usize] += 1;
        stages.push((c.id.to_string(), stage));
    }
    let mut seen: HashSet<&str, Hasher> = HashSet::with_hasher(hasher());
    let mut duplicate_registrations = 0;
    let mut registered_buyers = 0;
    for id in registered {
        if !seen.insert(id) {
            duplicate_registrations += 1;
            continue;
        }
        if buyers.contains(id) {
            registered_buyers += 1;
        } else {
            counts[Stage::Lead as usize] += 1;
            stages.push((id.to_string(), Stage::Lead));
        }
    }
    Ok(Lifecycle {
        stages,
        counts,
        not_registered: if seen.is_empty() { 0 } else { features.len() - registered_buyers },
        duplicate_registrations,
    })
}
