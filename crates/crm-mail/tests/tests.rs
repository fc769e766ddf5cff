//! Integration tests of crm-mail.

mod autotraits;
mod security;
#[cfg(feature = "serde")]
mod serialization;
