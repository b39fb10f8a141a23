//! Working-day arithmetic over UK bank-holiday calendars.
//!
//! Architecture invariant: this module knows nothing of the procedure
//! language. It is given a calendar (built in, or a [`CalendarSpec`]) and
//! answers questions about dates.
//!
//! Every question is answered in O(1) from two tables built once per
//! calendar: for each day of the covered range, how many working days fall
//! on or before it, and the list of working days in order.
//!
//! It reads no files: callers hand it the bytes of a calendar file or a
//! bank-holidays file, and every holiday keeps where it came from.

mod custom;
mod error;
mod govuk;
mod holidays;
mod text;

use std::sync::OnceLock;

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

pub use custom::{load_calendar_file, parse_weekday, CalendarFile, CalendarSpec, ClosedDay};
pub use error::CalendarError;
pub use govuk::{load_holidays_file, HolidayFile};
pub use holidays::{easter_sunday, holidays_in_year, Division, Holiday, HolidaySource};

/// The first year the calendars cover.
pub const FIRST_YEAR: i32 = 1970;
/// The last year the calendars cover.
pub const LAST_YEAR: i32 = 2199;

/// The names of the built-in calendars, as written in `.proc` files and on
/// the command line.
pub const BUILTIN_NAMES: [&str; 3] = ["england-and-wales", "scotland", "northern-ireland"];

/// The default calendar when none is named.
pub const DEFAULT_CALENDAR: &str = "england-and-wales";

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// The days of the week that are not working days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weekend([bool; 7]);

impl Weekend {
    pub fn saturday_sunday() -> Weekend {
        Weekend::from_days(&[Weekday::Sat, Weekday::Sun])
    }

    pub fn from_days(days: &[Weekday]) -> Weekend {
        let mut set = [false; 7];
        for day in days {
            set[day.num_days_from_monday() as usize] = true;
        }
        Weekend(set)
    }

    pub fn contains(&self, day: Weekday) -> bool {
        self.0[day.num_days_from_monday() as usize]
    }

    pub fn days(&self) -> Vec<Weekday> {
        (0..7u8)
            .filter_map(|i| Weekday::try_from(i).ok())
            .filter(|d| self.contains(*d))
            .collect()
    }

    fn len(&self) -> usize {
        self.0.iter().filter(|b| **b).count()
    }
}

/// A calendar to use: a shared built-in one, or one built from a spec.
#[derive(Debug)]
pub enum CalendarHandle {
    Builtin(&'static Calendar),
    Custom(Box<Calendar>),
}

impl CalendarHandle {
    pub fn get(&self) -> &Calendar {
        match self {
            CalendarHandle::Builtin(c) => c,
            CalendarHandle::Custom(c) => c,
        }
    }

    /// This calendar with a bank-holidays file's days (see
    /// [`Calendar::with_holidays`]); unchanged when there is no file.
    pub fn with_holidays(self, file: Option<&HolidayFile>) -> CalendarHandle {
        match file {
            Some(file) => CalendarHandle::Custom(Box::new(self.get().with_holidays(file))),
            None => self,
        }
    }
}

/// A working-day calendar over the years [`FIRST_YEAR`]..=[`LAST_YEAR`].
#[derive(Clone, Debug)]
pub struct Calendar {
    name: String,
    /// The division whose bank holidays the calendar starts from, which
    /// is also the one a bank-holidays file's days are taken for.
    division: Division,
    weekend: Weekend,
    /// Every closure day (bank holidays and declared closures) in date order.
    holidays: Vec<Holiday>,
    /// Declared closure periods (`closed 2026-05-01..2026-05-20`), in date
    /// order: their days are closed, and time limits in calendar time are
    /// suspended through them.
    periods: Vec<ClosurePeriod>,
    /// `cumulative[i]`: working days on or before day `i` of the range.
    cumulative: Box<[u32]>,
    /// `working[k]`: the (k+1)-th working day of the range.
    working: Box<[NaiveDate]>,
    first_ordinal: i32,
}

impl Calendar {
    /// A built-in calendar by name, built on first use and shared after.
    pub fn builtin(name: &str) -> Result<&'static Calendar, CalendarError> {
        static TABLES: [OnceLock<Calendar>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let Some(division) = Division::from_name(name) else {
            return Err(CalendarError::unknown(name));
        };
        let slot = Division::ALL
            .iter()
            .position(|d| *d == division)
            .unwrap_or_default();
        Ok(TABLES[slot].get_or_init(|| Calendar::for_division(division)))
    }

    fn for_division(division: Division) -> Calendar {
        let holidays = (FIRST_YEAR..=LAST_YEAR)
            .flat_map(|year| holidays_in_year(division, year))
            .collect();
        Calendar::from_parts(
            division.name().to_string(),
            division,
            Weekend::saturday_sunday(),
            holidays,
        )
    }

    /// A calendar from a declaration: a built-in base with its own closure
    /// days and, optionally, another weekend.
    pub fn from_spec(spec: &CalendarSpec) -> Result<Calendar, CalendarError> {
        let base = Calendar::builtin(&spec.base)?;
        let weekend = match &spec.weekend {
            Some(days) => Weekend::from_days(days),
            None => base.weekend,
        };
        if weekend.len() == 7 {
            return Err(CalendarError::NoWorkingDays {
                name: spec.name.clone(),
                source_code: None,
                span: None,
            });
        }
        let mut holidays = base.holidays.clone();
        let mut periods = Vec::new();
        for closed in &spec.closed {
            check_in_range(closed.date)?;
            let last = closed.until.unwrap_or(closed.date);
            check_in_range(last)?;
            let mut date = closed.date;
            while date <= last {
                holidays.push(Holiday {
                    date,
                    title: closed.title.clone(),
                    source: HolidaySource::Closure,
                });
                date += Duration::days(1);
            }
            if last > closed.date {
                periods.push(ClosurePeriod {
                    from: closed.date,
                    to: last,
                    title: closed.title.clone(),
                });
            }
        }
        holidays.sort_by_key(|h| h.date);
        holidays.dedup_by_key(|h| h.date);
        periods.sort_by_key(|p| p.from);
        let mut calendar =
            Calendar::from_parts(spec.name.clone(), base.division, weekend, holidays);
        calendar.periods = periods;
        Ok(calendar)
    }

    /// This calendar with the bank holidays a file lists for its division.
    /// For each year the file covers (has at least one day of the
    /// division in), the file's days replace the bank holidays computed or
    /// proclaimed for that year; other years keep theirs, and the
    /// calendar's own closure days are always kept. A file without the
    /// calendar's division changes nothing.
    pub fn with_holidays(&self, file: &HolidayFile) -> Calendar {
        let Some(days) = file.days(self.division) else {
            return self.clone();
        };
        let years = file.years(self.division);
        let mut holidays: Vec<Holiday> = self
            .holidays
            .iter()
            .filter(|h| !(h.source.is_bank_holiday() && years.contains(&h.date.year())))
            .cloned()
            .collect();
        holidays.extend(days.iter().cloned());
        // Stable: on a day both the file and a closure name, the closure
        // (already in the list) is the one kept.
        holidays.sort_by_key(|h| h.date);
        holidays.dedup_by_key(|h| h.date);
        let mut calendar =
            Calendar::from_parts(self.name.clone(), self.division, self.weekend, holidays);
        calendar.periods = self.periods.clone();
        calendar
    }

    fn from_parts(
        name: String,
        division: Division,
        weekend: Weekend,
        holidays: Vec<Holiday>,
    ) -> Calendar {
        let first = first_day();
        let days = (last_day() - first).num_days() as usize + 1;
        let mut cumulative = Vec::with_capacity(days);
        let mut working = Vec::with_capacity(days * 5 / 7 + 1);
        let mut next_holiday = holidays.iter().peekable();
        let mut count = 0u32;
        let mut date = first;
        for _ in 0..days {
            let mut closed = weekend.contains(date.weekday());
            while let Some(h) = next_holiday.peek() {
                if h.date < date {
                    next_holiday.next();
                } else {
                    closed |= h.date == date;
                    break;
                }
            }
            if !closed {
                count += 1;
                working.push(date);
            }
            cumulative.push(count);
            date += Duration::days(1);
        }
        Calendar {
            periods: Vec::new(),
            name,
            division,
            weekend,
            holidays,
            cumulative: cumulative.into_boxed_slice(),
            working: working.into_boxed_slice(),
            first_ordinal: first.num_days_from_ce(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn weekend(&self) -> Weekend {
        self.weekend
    }

    /// The division whose bank holidays the calendar starts from.
    pub fn division(&self) -> Division {
        self.division
    }

    fn index(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        let offset = date.num_days_from_ce() - self.first_ordinal;
        if offset < 0 || offset as usize >= self.cumulative.len() {
            return Err(CalendarError::out_of_range(date));
        }
        Ok(offset as usize)
    }

    /// Working days on or before `index`.
    fn on_or_before(&self, index: usize) -> u32 {
        self.cumulative[index]
    }

    /// Working days strictly before `index`.
    fn before(&self, index: usize) -> u32 {
        if index == 0 {
            0
        } else {
            self.cumulative[index - 1]
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.index(date)?;
        Ok(self.on_or_before(i) != self.before(i))
    }

    /// The `n`-th working day after `date`; for negative `n`, the `|n|`-th
    /// working day before it. `date` itself is never counted, working day
    /// or not; `n == 0` gives `date` back.
    pub fn add_working_days(&self, date: NaiveDate, n: i64) -> Result<NaiveDate, CalendarError> {
        let i = self.index(date)?;
        let target = if n >= 0 {
            i64::from(self.on_or_before(i)) + n - 1
        } else {
            i64::from(self.before(i)) + n
        };
        if n == 0 {
            return Ok(date);
        }
        usize::try_from(target)
            .ok()
            .and_then(|k| self.working.get(k).copied())
            .ok_or(CalendarError::ResultOutOfRange {
                date,
                working_days: n,
                first: FIRST_YEAR,
                last: LAST_YEAR,
            })
    }

    /// Working days after `from` up to and including `to`. When `to` is
    /// before `from` the count is negative: minus the working days from
    /// `to` up to but not including `from`, so that
    /// `working_days_between(d, add_working_days(d, n)) == n` for every `n`.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, CalendarError> {
        let a = self.index(from)?;
        let b = self.index(to)?;
        Ok(if b >= a {
            i64::from(self.on_or_before(b)) - i64::from(self.on_or_before(a))
        } else {
            i64::from(self.before(b)) - i64::from(self.before(a))
        })
    }

    /// The first working day after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.add_working_days(date, 1)
    }

    /// The closure days (bank holidays and declared closures) from `from`
    /// to `to`, both included: the days a due date "skipped" besides
    /// weekends.
    pub fn closure_periods(&self) -> &[ClosurePeriod] {
        &self.periods
    }

    pub fn closures_between(&self, from: NaiveDate, to: NaiveDate) -> &[Holiday] {
        let start = self.holidays.partition_point(|h| h.date < from);
        let end = self.holidays.partition_point(|h| h.date <= to);
        &self.holidays[start..end.max(start)]
    }

    /// The closure days of one year, weekday or not.
    pub fn holidays_in(&self, year: i32) -> Result<&[Holiday], CalendarError> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(CalendarError::YearOutOfRange {
                year: i64::from(year),
                first: FIRST_YEAR,
                last: LAST_YEAR,
                span: None,
            });
        }
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
        let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
        Ok(self.closures_between(from, to))
    }

    /// `date` plus `n` calendar days (n may be negative).
    pub fn add_days(&self, date: NaiveDate, n: i64) -> Result<NaiveDate, CalendarError> {
        let result = date
            .checked_add_signed(Duration::days(n))
            .ok_or(CalendarError::out_of_range(date))?;
        check_in_range(result)?;
        Ok(result)
    }

    /// `date` plus `n` weeks of seven calendar days.
    pub fn add_weeks(&self, date: NaiveDate, n: i64) -> Result<NaiveDate, CalendarError> {
        self.add_days(date, n.saturating_mul(7))
    }

    /// `date` plus `n` months, keeping the day of the month and clamping to
    /// the month's end (31 January + 1 month = 28 or 29 February).
    pub fn add_months(&self, date: NaiveDate, n: i64) -> Result<NaiveDate, CalendarError> {
        let months =
            u32::try_from(n.unsigned_abs()).map_err(|_| CalendarError::out_of_range(date))?;
        let result = if n >= 0 {
            date.checked_add_months(Months::new(months))
        } else {
            date.checked_sub_months(Months::new(months))
        }
        .ok_or(CalendarError::out_of_range(date))?;
        check_in_range(result)?;
        Ok(result)
    }
}

/// A declared closure period, both ends included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosurePeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub title: String,
}

impl ClosurePeriod {
    /// How many of its days fall after `after` and on or before `until`.
    pub fn days_within(&self, after: NaiveDate, until: NaiveDate) -> i64 {
        let start = self.from.max(after + Duration::days(1));
        let end = self.to.min(until);
        (end - start).num_days().saturating_add(1).max(0)
    }
}

/// An error unless `date` is within the covered years.
pub fn check_in_range(date: NaiveDate) -> Result<(), CalendarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(CalendarError::out_of_range(date))
    }
}

/// Parses a `YYYY-MM-DD` date within the covered years.
pub fn parse_date(text: &str) -> Result<NaiveDate, CalendarError> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| is_iso_shape(text))
        .ok_or_else(|| CalendarError::InvalidDate {
            text: text.to_string(),
            span: None,
        })?;
    check_in_range(date)?;
    Ok(date)
}

/// chrono accepts `2026-1-5`; we ask for the one unambiguous spelling.
pub(crate) fn is_iso_shape(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        parse_date(text).unwrap_or(NaiveDate::MIN)
    }

    fn ew() -> &'static Calendar {
        Calendar::builtin("england-and-wales").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn design_example_over_christmas() {
        // DESIGN.md: received Friday 2026-12-18, 20 working days → 2027-01-20.
        assert_eq!(
            ew().add_working_days(d("2026-12-18"), 20).ok(),
            Some(d("2027-01-20"))
        );
    }

    #[test]
    fn start_day_is_never_counted_even_on_a_weekend() {
        // Saturday 2026-11-21: the first working day after it is Monday.
        assert_eq!(
            ew().add_working_days(d("2026-11-21"), 1).ok(),
            Some(d("2026-11-23"))
        );
        assert_eq!(
            ew().add_working_days(d("2026-11-20"), 1).ok(),
            Some(d("2026-11-23"))
        );
    }

    #[test]
    fn negative_counts_go_backwards() {
        assert_eq!(
            ew().add_working_days(d("2026-11-23"), -1).ok(),
            Some(d("2026-11-20"))
        );
        // Backwards over Easter 2026 (Good Friday 3 April, Easter Monday 6 April).
        assert_eq!(
            ew().add_working_days(d("2026-04-07"), -1).ok(),
            Some(d("2026-04-02"))
        );
    }

    #[test]
    fn between_counts_after_start_up_to_and_including_end() {
        assert_eq!(
            ew().working_days_between(d("2026-12-18"), d("2027-01-20"))
                .ok(),
            Some(20)
        );
        assert_eq!(
            ew().working_days_between(d("2027-01-20"), d("2026-12-18"))
                .ok(),
            Some(-20)
        );
        assert_eq!(
            ew().working_days_between(d("2026-11-21"), d("2026-11-22"))
                .ok(),
            Some(0)
        );
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        assert_eq!(
            ew().add_months(d("2027-01-31"), 1).ok(),
            Some(d("2027-02-28"))
        );
        assert_eq!(
            ew().add_months(d("2028-01-31"), 1).ok(),
            Some(d("2028-02-29"))
        );
        assert_eq!(
            ew().add_weeks(d("2026-12-18"), 3).ok(),
            Some(d("2027-01-08"))
        );
    }

    #[test]
    fn range_ends_are_errors_not_panics() {
        assert!(matches!(
            ew().add_working_days(d("2199-12-30"), 5),
            Err(CalendarError::ResultOutOfRange { .. })
        ));
        assert!(ew().add_working_days(d("1970-01-02"), -5).is_err());
        assert!(parse_date("2200-01-01").is_err());
        assert!(parse_date("1969-12-31").is_err());
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-2-3").is_err());
    }

    #[test]
    fn custom_calendar_closure_and_weekend() {
        let spec = CalendarSpec {
            name: "office".into(),
            base: "england-and-wales".into(),
            weekend: Some(vec![Weekday::Fri, Weekday::Sat]),
            closed: vec![ClosedDay {
                date: d("2026-11-23"),
                until: None,
                title: "Office move".into(),
            }],
        };
        let cal = Calendar::from_spec(&spec).unwrap_or_else(|e| panic!("{e}"));
        // Thursday 19th + 1: Fri and Sat are weekend, Sun 22nd works.
        assert_eq!(
            cal.add_working_days(d("2026-11-19"), 1).ok(),
            Some(d("2026-11-22"))
        );
        // Sunday 22nd + 1: Monday 23rd is closed.
        assert_eq!(
            cal.add_working_days(d("2026-11-22"), 1).ok(),
            Some(d("2026-11-24"))
        );
    }
}
