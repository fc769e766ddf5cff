//! crm-core's integration tests: every convention against its test-vector file, and
//! properties on generated text.

mod conventions;
mod properties;
mod util;
