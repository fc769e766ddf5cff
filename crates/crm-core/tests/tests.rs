//! crm-core's integration tests: every convention against its test-vector file.

mod conventions;
mod util;
