//! Integration tests of crm-leadscore.

mod bank;
mod metrics;
mod pipeline;
mod saved;
