//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The path of a fixture under `tests/data/`.
#[track_caller]
pub(crate) fn data(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    assert!(path.exists(), "missing fixture {}", path.display());
    path
}

/// Reads a fixture's bytes.
#[track_caller]
pub(crate) fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(data(name)).expect("fixture is readable")
}
