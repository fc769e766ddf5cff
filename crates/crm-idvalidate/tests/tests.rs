//! Integration tests of crm-idvalidate.

mod autotraits;
mod peer_vectors;
mod properties;
#[cfg(feature = "serde")]
mod serialization;
