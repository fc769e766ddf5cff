//! Integration tests of crm-mail.

mod security;
#[cfg(feature = "serde")]
mod serialization;
