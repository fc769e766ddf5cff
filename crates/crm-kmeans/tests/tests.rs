//! Integration tests of crm-kmeans.

mod exact;
