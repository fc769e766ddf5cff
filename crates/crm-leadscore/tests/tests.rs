//! Integration tests of crm-leadscore.

mod api;
mod bank;
mod logistic;
mod metrics;
mod pipeline;
mod protocol;
mod saved;
