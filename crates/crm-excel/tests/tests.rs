//! Integration tests of crm-excel on real files.

mod util;

mod autotraits;
mod corrupt;
mod decrypt;
mod dedup;
mod merge;
mod read;
mod repair;
mod write;
