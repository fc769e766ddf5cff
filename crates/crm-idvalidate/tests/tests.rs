//! Integration tests of crm-idvalidate.

mod peer_vectors;
mod properties;
