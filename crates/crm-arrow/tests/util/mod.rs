//! Helpers shared by the integration tests: fixture paths and column access.

// Two test binaries share this module and each uses only part of it.
#![allow(dead_code)]

use std::path::PathBuf;

use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;

/// A file of `tests/data/`.
#[track_caller]
pub(crate) fn data(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    assert!(path.exists(), "missing fixture {}", path.display());
    path
}

/// The `(name, type)` of each column of a batch.
pub(crate) fn types(batch: &RecordBatch) -> Vec<(String, DataType)> {
    batch.schema().fields().iter().map(|f| (f.name().clone(), f.data_type().clone())).collect()
}

/// Column `name` of `batch` as text (arrow-cast's display form), nulls as `None`.
#[track_caller]
pub(crate) fn texts(batch: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let col = batch.column_by_name(name).unwrap_or_else(|| panic!("no column {name}"));
    let text = arrow_cast::cast(col, &DataType::Utf8).unwrap();
    let text = text.as_any().downcast_ref::<arrow_array::StringArray>().unwrap();
    (0..text.len()).map(|i| text.is_valid(i).then(|| text.value(i).to_owned())).collect()
}
