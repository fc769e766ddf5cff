//! Integration tests of crm-mail.

mod security;
