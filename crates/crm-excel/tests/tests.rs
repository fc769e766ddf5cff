//! Integration tests of crm-excel on real files.

mod util;

mod decrypt;
