//! The subcommands.

pub(crate) mod excel;
pub(crate) mod txt;
