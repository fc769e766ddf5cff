//! Integration tests of crm-mail.

mod util;

mod autotraits;
mod crash;
mod folder;
mod security;
#[cfg(feature = "serde")]
mod serialization;
