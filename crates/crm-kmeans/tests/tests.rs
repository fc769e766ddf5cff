//! Integration tests of crm-kmeans.

mod api;
mod exact;
mod matrix;
mod sklearn;
