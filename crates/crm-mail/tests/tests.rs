//! Integration tests of crm-mail.

mod util;

mod autotraits;
mod crash;
mod security;
#[cfg(feature = "serde")]
mod serialization;
