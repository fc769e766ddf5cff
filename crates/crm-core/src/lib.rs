//! The text conventions every crm-rs crate shares, defined once.
//!
//! CRM data arrives as text: CSV exports, branch workbooks typed by hand, forms. The same
//! cell must mean the same thing in every crate that reads it: a date that `crm rfm`
//! accepts is accepted by `crm leads`, a phone number de-duplicated by crm-excel is the
//! one crm-rfm's audience rules see, and a masked NIK looks the same in every log. This
//! crate holds those rules as plain functions over `&str`, each with a test-vector file
//! (`tests/data/*.tsv`) that its tests read.
//!
//! It has no dependencies beyond std; `serde` and `chrono` are optional features.
//!
//! # Overview
//!
//! | convention | functions | accepts |
//! |---|---|---|
//! | dates | [`parse_date`], [`parse_datetime`] → [`Date`], [`DateTime`], [`Time`] | `2025-03-14`, `2025/03/14`, `14/03/2025`, `14-03-2025`, `14.03.2025`, `20250314`; one-digit day and month when separated (`4/3/2025`); then optionally `T` or spaces and `H:MM`, `HH:MM:SS`, `HH:MM:SS.fff`, with `Z` or an offset (kept as written, not applied) |
//! | amounts | [`parse_amount`] → `f64` or [`AmountError`] | `125000`, `-3000.50`, `1e6`; `Rp`/`IDR` prefix; `15.000.000`, `1.250,75`, `12,5` (Indonesian) and `1,250,000.50`; a lone separator before three digits (`1.250`) is [`AmountError::Ambiguous`] unless after `Rp` |
//! | booleans | [`parse_bool`], [`is_missing`] | true: `1 true t yes y ya iya benar hadir`; false: `0 false f no n tidak tdk bukan salah`, `tidak hadir`; missing: empty, `NA`, `N/A`, `null`, `None`, `NaN`, `-` |
//! | phones | [`normalize_phone`], [`normalize_mobile`], [`is_mobile`] | `+62 812-3456-7890`, `62812...`, `0062812...`, `0812...`, `812...` (zero lost in Excel) → `0812...`; landlines `(021) 555 1234` → `0215551234` |
//! | e-mail | [`check_email`], [`is_email`] → [`EmailError`] | `local@domain.tld`: dot-atom local part, at least two domain labels, no `_`, no numeric TLD, no `localhost` |
//! | masking | [`mask`], [`mask_email`], [`mask_if_personal`] | 16+ characters keep 4 + 4 (`3204********0001`), 9-15 keep 2 + 2 (`08********90`), up to 8 none (`****`), e-mail `b***@acme.co.id` |
//! | quantiles | [`quantile_sorted`], [`quantile_position`], [`lerp`] | numpy's `method="linear"` (R type 7), bit for bit |
//! | segment names | [`segment`] | `Champions`, `Loyal Customers`, `Potential Loyalists`, ... one spelling for crm-rfm's rules and crm-kmeans' profiles |
//! | escaping | [`escape_html`], [`neutralize_formula`], [`is_formula_like`] | HTML `& < > " '`; CSV cells starting `= + - @`, tab or CR that are not numbers get a leading `'` (OWASP) |
//!
//! Refusing is preferred to guessing: `03/14/25` is not a date (two-digit year, and which
//! field is the month?), `1.250` is not an amount, `mungkin` is not a boolean. Errors and
//! `None` never carry the text itself, which may be personal data; callers add the field
//! and row.
//!
//! # Example
//!
//! ```
//! use crm_core::{mask, normalize_phone, parse_amount, parse_bool, parse_date};
//!
//! // A row of a branch workbook, as text.
//! let (tanggal, plafon, telepon, hadir) = ("14-03-2025", "Rp 15.000.000", "+62 812-3456-7890", "Ya");
//!
//! let date = parse_date(tanggal).ok_or("bad date")?;
//! assert_eq!(date.to_string(), "2025-03-14");
//! assert_eq!(parse_amount(plafon)?, 15_000_000.0);
//! let phone = normalize_phone(telepon).ok_or("bad phone")?;
//! assert_eq!(phone, "081234567890");
//! assert_eq!(mask(&phone), "08********90");
//! assert_eq!(parse_bool(hadir), Some(true));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//! * **serde** - `Serialize` / `Deserialize` for [`Date`] (as ISO text), [`Time`] and
//!   [`DateTime`]. Off by default.
//! * **chrono** - `From` conversions between [`Date`] / [`Time`] / [`DateTime`] and chrono's
//!   `NaiveDate` / `NaiveTime` / `NaiveDateTime`, for the crates whose public types use
//!   chrono. Off by default.

mod amount;
mod boolean;
mod date;
mod email;
mod escape;
mod header;
mod mask;
mod phone;
mod quantile;
pub mod segment;

pub use crate::{
    amount::{AmountError, parse_amount},
    boolean::{is_missing, parse_bool},
    date::{Date, DateError, DateTime, Time, parse_date, parse_datetime},
    email::{EmailError, check_email, is_email},
    escape::{escape_html, is_formula_like, neutralize_formula},
    header::{column_list, find_column, normalize_header},
    mask::{excerpt, mask, mask_email, mask_if_personal},
    phone::{is_mobile, normalize_mobile, normalize_phone},
    quantile::{QuantilePosition, lerp, quantile_position, quantile_sorted},
};
