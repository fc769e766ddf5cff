//! The names of customer segments, one vocabulary for every crate that names segments.
//!
//! crm-rfm's rule presets and crm-kmeans' cluster profiles both name customer groups, and a
//! campaign joins their outputs by name: `Need Attention` in one and `Needs Attention` in
//! the other would be two segments. These are the names of the widely copied RFM segment
//! tables (the R `rfm` package's vignette and the R×F map), in one spelling.

/// The best customers: bought recently, often, and spent the most.
pub const CHAMPIONS: &str = "Champions";
/// Buy regularly and respond to promotions.
pub const LOYAL_CUSTOMERS: &str = "Loyal Customers";
/// Recent customers who bought more than once: could become loyal.
pub const POTENTIAL_LOYALISTS: &str = "Potential Loyalists";
/// Bought recently for the first time.
pub const NEW_CUSTOMERS: &str = "New Customers";
/// Recent shoppers who have not spent much yet.
pub const PROMISING: &str = "Promising";
/// Above-average recency, frequency and spend, but slipping.
pub const NEED_ATTENTION: &str = "Need Attention";
/// Below-average recency and frequency: will be lost without a reason to come back.
pub const ABOUT_TO_SLEEP: &str = "About To Sleep";
/// Spent much and often, but long ago.
pub const AT_RISK: &str = "At Risk";
/// Made the biggest purchases and often, but have not come back for a long time.
pub const CANT_LOSE_THEM: &str = "Can't Lose Them";
/// Last purchase long ago, few orders, low spend.
pub const HIBERNATING: &str = "Hibernating";
/// The lowest recency, frequency and spend.
pub const LOST: &str = "Lost";

/// Every segment name, from the best customers to the lost ones.
///
/// ```
/// assert_eq!(crm_core::segment::ALL[0], "Champions");
/// assert!(crm_core::segment::ALL.contains(&"Need Attention"));
/// ```
pub const ALL: [&str; 11] = [
    CHAMPIONS,
    LOYAL_CUSTOMERS,
    POTENTIAL_LOYALISTS,
    NEW_CUSTOMERS,
    PROMISING,
    NEED_ATTENTION,
    ABOUT_TO_SLEEP,
    AT_RISK,
    CANT_LOSE_THEM,
    HIBERNATING,
    LOST,
];
