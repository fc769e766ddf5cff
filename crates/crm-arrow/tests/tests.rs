//! crm-arrow's integration tests: reading, writing and the RFM adapter, on the files of
//! `tests/data/` (one written by pyarrow; see `tests/data/SOURCE.md`).

mod read;
mod rfm;
mod util;
mod write;
