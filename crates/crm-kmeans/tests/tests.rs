//! Integration tests of crm-kmeans.

mod exact;
mod sklearn;
