//! The subcommands.

pub(crate) mod campaign;
pub(crate) mod excel;
pub(crate) mod id;
pub(crate) mod leads;
pub(crate) mod mail;
pub(crate) mod report;
pub(crate) mod rfm;
pub(crate) mod segment;
pub(crate) mod txt;
pub(crate) mod validate;
