//! Holiday-aware auto-debit notices: customers whose debit day falls on a non-working day
//! in a month, with the previous working day the debit moves to.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::error::{Error, csv_line, find_column, missing_column};

/// Non-working days: weekends (configurable) and listed holidays.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeMap<NaiveDate, String>,
    weekend: Vec<Weekday>,
}

impl Calendar {
    /// A calendar with these holidays (date → name) and weekend days.
    pub fn new(holidays: BTreeMap<NaiveDate, String>, weekend: Vec<Weekday>) -> Calendar {
        Calendar { holidays, weekend }
    }

    /// Reads holidays from CSV text with a `date` (or `tanggal`) column, in any form
    /// [`crm_core::parse_date`] reads (`YYYY-MM-DD`, `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`,
    /// `YYYYMMDD`, ...), and an optional `name` (`nama`, `keterangan`) column; Saturday and
    /// Sunday are weekend days.
    ///
    /// # Errors
    /// [`Error::MissingColumn`] without a `date` / `tanggal` column; [`Error::Malformed`]
    /// naming the line of a bad date.
    pub fn from_csv(text: &str, source: &str) -> Result<Calendar, Error> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let bad = |line: u64, message: String| Error::Malformed {
            path: source.to_string(),
            line,
            message,
        };
        let header: Vec<String> =
            rdr.headers().map_err(|e| bad(1, e.to_string()))?.iter().map(str::to_string).collect();
        let date_col = find_column(&header, "date")
            .or_else(|| find_column(&header, "tanggal"))
            .ok_or_else(|| missing_column("date", &header))?;
        let name_col = ["name", "nama", "keterangan"].iter().find_map(|n| find_column(&header, n));
        let mut holidays = BTreeMap::new();
        for r in rdr.records() {
            let r = r.map_err(|e| bad(csv_line(&e), e.to_string()))?;
            let line = r.position().map_or(0, csv::Position::line);
            let text = r.get(date_col).unwrap_or("").trim();
            if crm_core::is_missing(text) {
                continue;
            }
            let d = crm_core::parse_date(text)
                .map(NaiveDate::from)
                .ok_or_else(|| bad(line, format!("{text:?}: {}", crm_core::DateError)))?;
            let name = name_col.and_then(|c| r.get(c)).unwrap_or("").trim().to_string();
            holidays.insert(d, if name.is_empty() { "holiday".into() } else { name });
        }
        Ok(Calendar::new(holidays, vec![Weekday::Sat, Weekday::Sun]))
    }

    /// Sets the weekend days.
    pub fn weekend(mut self, days: Vec<Weekday>) -> Self {
        self.weekend = days;
        self
    }

    /// Why `date` is not a working day (`None`: it is one).
    pub fn closed(&self, date: NaiveDate) -> Option<String> {
        if let Some(name) = self.holidays.get(&date) {
            return Some(name.clone());
        }
        self.weekend.contains(&date.weekday()).then(|| format!("{:?}", date.weekday()))
    }

    /// The working day on or before `date`.
    ///
    /// # Panics
    /// If every day of a whole year before `date` is closed (a calendar error).
    pub fn on_or_before(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        for _ in 0..366 {
            if self.closed(d).is_none() {
                return d;
            }
            d = d.pred_opt().expect("dates far from the calendar's limits");
        }
        panic!("no working day in the year before {date}");
    }
}

/// One notice: the debit scheduled on a closed day moves earlier.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebitNotice {
    /// The customer's row in the caller's file.
    pub row: u64,
    /// The day of month the customer chose.
    pub debit_day: u32,
    /// The scheduled date in the month (the month's last day when the month is shorter).
    pub scheduled: NaiveDate,
    /// The working day it moves to (may be in the previous month).
    pub moved_to: NaiveDate,
    /// Why the scheduled date is closed (holiday name or weekday).
    pub reason: String,
}

/// Rows whose debit day could not be used: `(row, reason)`.
pub type DebitRejects = Vec<(u64, String)>;

/// The notices of a month: one per customer whose debit date is closed. Rows with a day
/// outside 1..=31 are returned as rejects `(row, reason)`.
///
/// ```
/// use chrono::NaiveDate;
/// use std::collections::BTreeMap;
/// use crm_mail::{Calendar, autodebit_notices};
/// let natal = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
/// let cal = Calendar::new(BTreeMap::from([(natal, "Natal".to_string())]), vec![chrono::Weekday::Sat, chrono::Weekday::Sun]);
/// let (notices, rejects) = autodebit_notices([(2, 25), (3, 26), (4, 10), (5, 40)], 2026, 12, &cal)?;
/// assert_eq!(notices.len(), 2); // the 25th (Natal, a Friday) and the 26th (a Saturday)
/// assert_eq!(notices[0].moved_to.to_string(), "2026-12-24");
/// assert_eq!(notices[1].moved_to.to_string(), "2026-12-24");
/// assert_eq!(rejects, [(5, "debit day 40 is not 1-31".to_string())]);
/// # Ok::<(), crm_mail::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidParameter`] for a month outside 1..=12.
pub fn autodebit_notices(
    customers: impl IntoIterator<Item = (u64, u32)>,
    year: i32,
    month: u32,
    calendar: &Calendar,
) -> Result<(Vec<DebitNotice>, DebitRejects), Error> {
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| Error::InvalidParameter {
        name: "month",
        reason: format!("{year}-{month:02} is not a month"),
    })?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("valid month");
    let last_day = (next - first).num_days() as u32;
    let mut notices = Vec::new();
    let mut rejects = Vec::new();
    for (row, day) in customers {
        if !(1..=31).contains(&day) {
            rejects.push((row, format!("debit day {day} is not 1-31")));
            continue;
        }
        let scheduled = first.with_day(day.min(last_day)).expect("day within the month");
        if let Some(reason) = calendar.closed(scheduled) {
            notices.push(DebitNotice {
                row,
                debit_day: day,
                scheduled,
                moved_to: calendar.on_or_before(scheduled),
                reason,
            });
        }
    }
    Ok((notices, rejects))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn holidays_are_read_in_crm_core_date_forms() {
        let csv = "tanggal,nama\n2026-12-25,Natal\n01/01/2027,Tahun Baru\n17.08.2026,HUT RI\n20260317,Nyepi\n,\n";
        let cal = Calendar::from_csv(csv, "libur.csv").unwrap();
        assert_eq!(cal.closed(day(2026, 12, 25)).as_deref(), Some("Natal"));
        assert_eq!(cal.closed(day(2027, 1, 1)).as_deref(), Some("Tahun Baru"));
        assert_eq!(cal.closed(day(2026, 8, 17)).as_deref(), Some("HUT RI"));
        assert_eq!(cal.closed(day(2026, 3, 17)).as_deref(), Some("Nyepi"));
        assert_eq!(cal.closed(day(2026, 3, 18)), None);
    }

    #[test]
    fn a_bad_holiday_date_names_its_line() {
        let err = Calendar::from_csv("date\n2026-12-25\n12/25/2026\n", "libur.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "libur.csv: line 3: \"12/25/2026\": not a date (use YYYY-MM-DD, DD/MM/YYYY, \
             DD-MM-YYYY, DD.MM.YYYY or YYYYMMDD)"
        );
    }

    #[test]
    fn a_calendar_needs_a_date_column() {
        let err = Calendar::from_csv("hari,nama\n2026-12-25,Natal\n", "libur.csv").unwrap_err();
        assert_eq!(err.to_string(), r#"no column named "date" (columns: hari, nama)"#);
    }

    #[test]
    fn the_month_must_be_1_to_12() {
        let cal = Calendar::new(BTreeMap::new(), vec![]);
        let err = autodebit_notices([(2, 1)], 2026, 13, &cal).unwrap_err();
        assert_eq!(err.to_string(), "invalid month: 2026-13 is not a month");
        assert!(matches!(err, Error::InvalidParameter { name: "month", .. }));
    }
}
