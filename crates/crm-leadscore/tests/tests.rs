//! Integration tests of crm-leadscore.

mod api;
mod bank;
mod metrics;
mod pipeline;
mod saved;
