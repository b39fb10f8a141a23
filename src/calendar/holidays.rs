//! The bank holidays of the three UK divisions, computed by rule for any
//! year the calendar covers.
//!
//! Sources for the rules:
//! - Banking and Financial Dealings Act 1971, Schedule 1 (the statutory
//!   holidays of each division, and the rule that a holiday falling on a
//!   Saturday or Sunday is replaced by the next weekday that is not already
//!   a holiday: the "substitute day").
//! - Royal proclamations under s.1(3) of that Act for the days added since:
//!   New Year's Day in England, Wales and Northern Ireland and 2 January and
//!   Boxing Day in Scotland (from 1974), the early May holiday (from 1978).
//! - St Andrew's Day Bank Holiday (Scotland) Act 2007.
//! - Good Friday and Christmas Day are common-law holidays in England,
//!   Wales and Northern Ireland and are treated like bank holidays.
//! - The one-off changes are in [`SPECIAL_DAYS`], each with its occasion.
//!
//! Every holiday carries its [`HolidaySource`], so that a user can see
//! whether a day was computed, proclaimed, declared or read from a file.

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// One of the three legal divisions of the United Kingdom, each with its
/// own set of bank holidays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Division {
    EnglandAndWales,
    Scotland,
    NorthernIreland,
}

impl Division {
    pub const ALL: [Division; 3] = [
        Division::EnglandAndWales,
        Division::Scotland,
        Division::NorthernIreland,
    ];

    /// The calendar name used in `.proc` files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "england-and-wales",
            Division::Scotland => "scotland",
            Division::NorthernIreland => "northern-ireland",
        }
    }

    pub fn from_name(name: &str) -> Option<Division> {
        Division::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// A day on which a calendar's offices are closed, with the title people
/// know it by ("Boxing Day (substitute day)") and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    pub title: String,
    pub source: HolidaySource,
}

/// Where a closure day comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HolidaySource {
    /// Computed by the standing rules of the Act and its regular
    /// proclamations (substitute days included).
    Rule,
    /// A one-off proclamation in this module's table.
    Proclamation,
    /// A closure day a custom calendar declares.
    Closure,
    /// A bank-holidays file (gov.uk's format), by the path it was given as.
    File(Arc<str>),
}

impl HolidaySource {
    /// The source as shown to users: `rule`, `proclamation`, `closure`, or
    /// the file's path.
    pub fn label(&self) -> &str {
        match self {
            HolidaySource::Rule => "rule",
            HolidaySource::Proclamation => "proclamation",
            HolidaySource::Closure => "closure",
            HolidaySource::File(path) => path,
        }
    }

    /// Whether the day is one of the division's bank holidays (by rule,
    /// proclamation or file) rather than the organisation's own closure,
    /// so that a bank-holidays file may replace it.
    pub(crate) fn is_bank_holiday(&self) -> bool {
        !matches!(self, HolidaySource::Closure)
    }
}

/// Which divisions a one-off change applies to.
#[derive(Clone, Copy)]
enum Applies {
    AllDivisions,
    Only(Division),
}

/// A one-off change proclaimed for a single year.
struct SpecialDay {
    /// The holiday the change moves, if it moves one rather than adding one.
    moves: Option<(i32, u32, u32)>,
    date: (i32, u32, u32),
    title: &'static str,
    applies: Applies,
}

/// Every one-off change proclaimed so far. Where a holiday was moved, the
/// day it would have fallen on by rule is in `moves`.
const SPECIAL_DAYS: &[SpecialDay] = &[
    // Wedding of Princess Anne and Captain Mark Phillips.
    SpecialDay {
        moves: None,
        date: (1973, 11, 14),
        title: "Royal wedding",
        applies: Applies::AllDivisions,
    },
    // Silver Jubilee: the spring holiday moved to 6 June, 7 June added.
    SpecialDay {
        moves: Some((1977, 5, 30)),
        date: (1977, 6, 6),
        title: "Spring bank holiday",
        applies: Applies::AllDivisions,
    },
    SpecialDay {
        moves: None,
        date: (1977, 6, 7),
        title: "Silver Jubilee of Elizabeth II",
        applies: Applies::AllDivisions,
    },
    // Wedding of Charles, Prince of Wales, and Lady Diana Spencer.
    SpecialDay {
        moves: None,
        date: (1981, 7, 29),
        title: "Royal wedding",
        applies: Applies::AllDivisions,
    },
    // 50th anniversary of VE Day: early May holiday moved to 8 May.
    SpecialDay {
        moves: Some((1995, 5, 1)),
        date: (1995, 5, 8),
        title: "Early May bank holiday (VE day)",
        applies: Applies::AllDivisions,
    },
    // The Millennium.
    SpecialDay {
        moves: None,
        date: (1999, 12, 31),
        title: "Millennium celebrations",
        applies: Applies::AllDivisions,
    },
    // Golden Jubilee: the spring holiday moved to Tuesday 4 June, 3 June added.
    SpecialDay {
        moves: Some((2002, 5, 27)),
        date: (2002, 6, 4),
        title: "Spring bank holiday",
        applies: Applies::AllDivisions,
    },
    SpecialDay {
        moves: None,
        date: (2002, 6, 3),
        title: "Golden Jubilee of Elizabeth II",
        applies: Applies::AllDivisions,
    },
    // Wedding of Prince William and Catherine Middleton.
    SpecialDay {
        moves: None,
        date: (2011, 4, 29),
        title: "Royal wedding",
        applies: Applies::AllDivisions,
    },
    // Diamond Jubilee: the spring holiday moved to 4 June, 5 June added.
    SpecialDay {
        moves: Some((2012, 5, 28)),
        date: (2012, 6, 4),
        title: "Spring bank holiday",
        applies: Applies::AllDivisions,
    },
    SpecialDay {
        moves: None,
        date: (2012, 6, 5),
        title: "Queen's Diamond Jubilee",
        applies: Applies::AllDivisions,
    },
    // 75th anniversary of VE Day: early May holiday moved to Friday 8 May.
    SpecialDay {
        moves: Some((2020, 5, 4)),
        date: (2020, 5, 8),
        title: "Early May bank holiday (VE day)",
        applies: Applies::AllDivisions,
    },
    // Platinum Jubilee: the spring holiday moved to Thursday 2 June, 3 June added.
    SpecialDay {
        moves: Some((2022, 5, 30)),
        date: (2022, 6, 2),
        title: "Spring bank holiday",
        applies: Applies::AllDivisions,
    },
    SpecialDay {
        moves: None,
        date: (2022, 6, 3),
        title: "Platinum Jubilee bank holiday",
        applies: Applies::AllDivisions,
    },
    // State Funeral of Queen Elizabeth II.
    SpecialDay {
        moves: None,
        date: (2022, 9, 19),
        title: "Bank Holiday for the State Funeral of Queen Elizabeth II",
        applies: Applies::AllDivisions,
    },
    // Coronation of King Charles III.
    SpecialDay {
        moves: None,
        date: (2023, 5, 8),
        title: "Bank holiday for the coronation of King Charles III",
        applies: Applies::AllDivisions,
    },
    // Scotland only: appointed by Royal Proclamation of 4 February 2026.
    SpecialDay {
        moves: None,
        date: (2026, 6, 15),
        title: "Extra bank holiday",
        applies: Applies::Only(Division::Scotland),
    },
];

/// Easter Sunday by the anonymous Gregorian computus (Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let mut day = first_of_next - Duration::days(1);
    while day.weekday() != weekday {
        day -= Duration::days(1);
    }
    Some(day)
}

fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The bank holidays of `division` in `year`, in date order.
pub fn holidays_in_year(division: Division, year: i32) -> Vec<Holiday> {
    use Division::*;
    // Holidays fixed to a date of the month: when one falls on a weekend,
    // the Act gives the next weekday that is not already a holiday.
    let mut fixed: Vec<(Option<NaiveDate>, &str)> = Vec::new();
    // Holidays that always fall on a weekday (Mondays, Good Friday).
    let mut movable: Vec<(Option<NaiveDate>, &str)> = Vec::new();

    if year >= 1974 || division == Scotland {
        fixed.push((ymd(year, 1, 1), "New Year's Day"));
    }
    if division == Scotland && year >= 1974 {
        fixed.push((ymd(year, 1, 2), "2nd January"));
    }
    if division == NorthernIreland {
        fixed.push((ymd(year, 3, 17), "St Patrick's Day"));
    }
    let easter = easter_sunday(year);
    movable.push((easter.map(|e| e - Duration::days(2)), "Good Friday"));
    if division != Scotland {
        movable.push((easter.map(|e| e + Duration::days(1)), "Easter Monday"));
    }
    if year >= 1978 {
        movable.push((
            nth_weekday(year, 5, Weekday::Mon, 1),
            "Early May bank holiday",
        ));
    }
    movable.push((last_weekday(year, 5, Weekday::Mon), "Spring bank holiday"));
    if division == NorthernIreland {
        fixed.push((ymd(year, 7, 12), "Battle of the Boyne (Orangemen's Day)"));
    }
    if division == Scotland {
        movable.push((nth_weekday(year, 8, Weekday::Mon, 1), "Summer bank holiday"));
    } else {
        movable.push((last_weekday(year, 8, Weekday::Mon), "Summer bank holiday"));
    }
    if division == Scotland && year >= 2007 {
        fixed.push((ymd(year, 11, 30), "St Andrew's Day"));
    }
    fixed.push((ymd(year, 12, 25), "Christmas Day"));
    if division != Scotland || year >= 1974 {
        fixed.push((ymd(year, 12, 26), "Boxing Day"));
    }

    let mut days: Vec<Holiday> = movable
        .into_iter()
        .filter_map(|(date, title)| {
            date.map(|date| Holiday {
                date,
                title: title.to_string(),
                source: HolidaySource::Rule,
            })
        })
        .collect();
    apply_special_days(division, year, &mut days);

    // Weekday fixed holidays are placed first so that a substitute never
    // lands on one (Christmas on a Sunday: Boxing Day keeps Monday, the
    // Christmas substitute is Tuesday).
    let fixed: Vec<(NaiveDate, &str)> = fixed
        .into_iter()
        .filter_map(|(date, title)| date.map(|d| (d, title)))
        .collect();
    for &(date, title) in fixed.iter().filter(|(d, _)| !is_weekend(*d)) {
        days.push(Holiday {
            date,
            title: title.to_string(),
            source: HolidaySource::Rule,
        });
    }
    for &(date, title) in fixed.iter().filter(|(d, _)| is_weekend(*d)) {
        let mut substitute = date;
        while is_weekend(substitute) || days.iter().any(|h| h.date == substitute) {
            substitute += Duration::days(1);
        }
        days.push(Holiday {
            date: substitute,
            title: format!("{title} (substitute day)"),
            source: HolidaySource::Rule,
        });
    }
    days.sort_by_key(|h| h.date);
    days
}

fn apply_special_days(division: Division, year: i32, days: &mut Vec<Holiday>) {
    for special in SPECIAL_DAYS.iter().filter(|s| s.date.0 == year) {
        if let Applies::Only(only) = special.applies {
            if only != division {
                continue;
            }
        }
        let Some(date) = ymd(special.date.0, special.date.1, special.date.2) else {
            continue;
        };
        if let Some((y, m, d)) = special.moves {
            let moved_from = ymd(y, m, d);
            days.retain(|h| Some(h.date) != moved_from);
        }
        days.push(Holiday {
            date,
            title: special.title.to_string(),
            source: HolidaySource::Proclamation,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computus_matches_known_easters() {
        // Easter Sundays from published tables, chosen to cover the
        // earliest (22 March) and latest (25 April) possible dates.
        let known = [
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ];
        for (y, m, d) in known {
            assert_eq!(easter_sunday(y), NaiveDate::from_ymd_opt(y, m, d), "{y}");
        }
    }

    #[test]
    fn christmas_on_sunday_gives_boxing_day_monday_and_christmas_tuesday() {
        let days = holidays_in_year(Division::EnglandAndWales, 2022);
        let titles: Vec<_> = days
            .iter()
            .filter(|h| h.date.month() == 12)
            .map(|h| (h.date.day(), h.title.as_str()))
            .collect();
        assert_eq!(
            titles,
            vec![(26, "Boxing Day"), (27, "Christmas Day (substitute day)")]
        );
    }
}
