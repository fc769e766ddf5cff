//! Integration tests of crm-rfm.

mod api;
mod cdnow;
mod properties;
mod stages;
