//! Containment of panics in the workbook parser on damaged files.
//!
//! calamine 0.38 panics on some damaged files (for example a cut-short `.xls`: a slice index
//! out of range in its compound-file reader) instead of returning an error.
//! Every call into it goes through [`parse`], which turns such a panic into
//! [`ErrorKind::Corrupt`], so no file content can make this crate panic.
//! The first call installs a panic hook that stays silent for these contained panics and
//! defers to the previously installed hook for every other panic.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::error::{ErrorKind, Result};

thread_local! {
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Runs `f`, turning a panic inside it into [`ErrorKind::Corrupt`] for `format`.
pub(crate) fn parse<T>(format: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CONTAINED.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = CONTAINED.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(was));
    match result {
        Ok(r) => r,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown failure".to_owned());
            Err(ErrorKind::Corrupt {
                format,
                reason: format!("the parser failed on damaged content ({detail})"),
            }
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_corrupt_errors() {
        let err = parse::<()>("xls", || panic!("slice index starts at 12288 but ends at 9704"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a readable xls file: the parser failed on damaged content \
             (slice index starts at 12288 but ends at 9704)"
        );
    }

    #[test]
    fn results_pass_through() {
        assert_eq!(parse("xlsx", || Ok(5)).unwrap(), 5);
        assert!(matches!(
            parse::<()>("xlsx", || Err(ErrorKind::UnknownFormat.into())).unwrap_err().kind(),
            ErrorKind::UnknownFormat
        ));
    }
}
