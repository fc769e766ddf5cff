//! Integration tests of crm-rfm.

mod cdnow;
mod properties;
