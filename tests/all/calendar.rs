//! The calendars against the published bank holidays, and the properties
//! working-day arithmetic must keep.

use chrono::{Datelike, NaiveDate};
use redress::calendar::{load_holidays_file, parse_date, Calendar, FIRST_YEAR, LAST_YEAR};

use crate::support::Lcg;

/// The bank holidays published by the UK Government (gov.uk/bank-holidays,
/// the `england-and-wales`, `scotland` and `northern-ireland` divisions of
/// its bank-holidays.json), 2019 to 2027, month-day only.
const PUBLISHED: &[(&str, i32, &[&str])] = &[
    (
        "england-and-wales",
        2019,
        &[
            "01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26",
        ],
    ),
    (
        "england-and-wales",
        2020,
        &[
            "01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28",
        ],
    ),
    (
        "england-and-wales",
        2021,
        &[
            "01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28",
        ],
    ),
    (
        "england-and-wales",
        2022,
        &[
            "01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26",
            "12-27",
        ],
    ),
    (
        "england-and-wales",
        2023,
        &[
            "01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26",
        ],
    ),
    (
        "england-and-wales",
        2024,
        &[
            "01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26",
        ],
    ),
    (
        "england-and-wales",
        2025,
        &[
            "01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26",
        ],
    ),
    (
        "england-and-wales",
        2026,
        &[
            "01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28",
        ],
    ),
    (
        "england-and-wales",
        2027,
        &[
            "01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28",
        ],
    ),
    (
        "scotland",
        2019,
        &[
            "01-01", "01-02", "04-19", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26",
        ],
    ),
    (
        "scotland",
        2020,
        &[
            "01-01", "01-02", "04-10", "05-08", "05-25", "08-03", "11-30", "12-25", "12-28",
        ],
    ),
    (
        "scotland",
        2021,
        &[
            "01-01", "01-04", "04-02", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28",
        ],
    ),
    (
        "scotland",
        2022,
        &[
            "01-03", "01-04", "04-15", "05-02", "06-02", "06-03", "08-01", "09-19", "11-30",
            "12-26", "12-27",
        ],
    ),
    (
        "scotland",
        2023,
        &[
            "01-02", "01-03", "04-07", "05-01", "05-08", "05-29", "08-07", "11-30", "12-25",
            "12-26",
        ],
    ),
    (
        "scotland",
        2024,
        &[
            "01-01", "01-02", "03-29", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26",
        ],
    ),
    (
        "scotland",
        2025,
        &[
            "01-01", "01-02", "04-18", "05-05", "05-26", "08-04", "12-01", "12-25", "12-26",
        ],
    ),
    (
        "scotland",
        2026,
        &[
            // 06-15: the extra bank holiday appointed by Royal Proclamation
            // of 4 February 2026, in gov.uk's list since.
            "01-01", "01-02", "04-03", "05-04", "05-25", "06-15", "08-03", "11-30", "12-25", "12-28",
        ],
    ),
    (
        "scotland",
        2027,
        &[
            "01-01", "01-04", "03-26", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28",
        ],
    ),
    (
        "northern-ireland",
        2019,
        &[
            "01-01", "03-18", "04-19", "04-22", "05-06", "05-27", "07-12", "08-26", "12-25",
            "12-26",
        ],
    ),
    (
        "northern-ireland",
        2020,
        &[
            "01-01", "03-17", "04-10", "04-13", "05-08", "05-25", "07-13", "08-31", "12-25",
            "12-28",
        ],
    ),
    (
        "northern-ireland",
        2021,
        &[
            "01-01", "03-17", "04-02", "04-05", "05-03", "05-31", "07-12", "08-30", "12-27",
            "12-28",
        ],
    ),
    (
        "northern-ireland",
        2022,
        &[
            "01-03", "03-17", "04-15", "04-18", "05-02", "06-02", "06-03", "07-12", "08-29",
            "09-19", "12-26", "12-27",
        ],
    ),
    (
        "northern-ireland",
        2023,
        &[
            "01-02", "03-17", "04-07", "04-10", "05-01", "05-08", "05-29", "07-12", "08-28",
            "12-25", "12-26",
        ],
    ),
    (
        "northern-ireland",
        2024,
        &[
            "01-01", "03-18", "03-29", "04-01", "05-06", "05-27", "07-12", "08-26", "12-25",
            "12-26",
        ],
    ),
    (
        "northern-ireland",
        2025,
        &[
            "01-01", "03-17", "04-18", "04-21", "05-05", "05-26", "07-14", "08-25", "12-25",
            "12-26",
        ],
    ),
    (
        "northern-ireland",
        2026,
        &[
            "01-01", "03-17", "04-03", "04-06", "05-04", "05-25", "07-13", "08-31", "12-25",
            "12-28",
        ],
    ),
    (
        "northern-ireland",
        2027,
        &[
            "01-01", "03-17", "03-26", "03-29", "05-03", "05-31", "07-12", "08-30", "12-27",
            "12-28",
        ],
    ),
];

fn cal(name: &str) -> &'static Calendar {
    Calendar::builtin(name).expect("built-in calendar")
}

fn date(text: &str) -> NaiveDate {
    parse_date(text).expect("valid date")
}

#[test]
fn computed_holidays_match_the_published_ones() {
    for (division, year, expected) in PUBLISHED {
        let computed: Vec<String> = cal(division)
            .holidays_in(*year)
            .expect("year in range")
            .iter()
            .map(|h| h.date.format("%m-%d").to_string())
            .collect();
        assert_eq!(&computed, expected, "{division} {year}");
    }
}

#[test]
fn every_computed_holiday_is_a_weekday_and_not_a_working_day() {
    for name in ["england-and-wales", "scotland", "northern-ireland"] {
        let c = cal(name);
        for year in [1974, 1999, 2000, 2010, 2038, 2199] {
            for h in c.holidays_in(year).expect("in range") {
                assert!(
                    h.date.weekday().num_days_from_monday() < 5,
                    "{name} {}",
                    h.date
                );
                assert_eq!(
                    c.is_working_day(h.date).ok(),
                    Some(false),
                    "{name} {}",
                    h.date
                );
            }
        }
    }
}

fn random_date(rng: &mut Lcg) -> NaiveDate {
    let first = date("1971-01-01");
    first + chrono::Duration::days(rng.below(83_000) as i64)
}

#[test]
fn between_undoes_add_for_random_dates_and_counts() {
    let mut rng = Lcg::new(2026);
    for name in ["england-and-wales", "scotland", "northern-ireland"] {
        let c = cal(name);
        for _ in 0..20_000 {
            let d = random_date(&mut rng);
            let n = rng.below(601) as i64 - 300;
            let Ok(result) = c.add_working_days(d, n) else {
                continue;
            };
            assert_eq!(
                c.working_days_between(d, result).ok(),
                Some(n),
                "{name} {d} {n}"
            );
            if n != 0 {
                assert_eq!(c.is_working_day(result).ok(), Some(true), "{name} {d} {n}");
            }
        }
    }
}

#[test]
fn add_is_monotonic_in_both_date_and_count() {
    let mut rng = Lcg::new(7);
    let c = cal("england-and-wales");
    for _ in 0..20_000 {
        let d = random_date(&mut rng);
        let n = rng.below(200) as i64;
        let a = c.add_working_days(d, n).expect("in range");
        let b = c.add_working_days(d, n + 1).expect("in range");
        assert!(a < b, "{d} {n}");
        let later = c
            .add_working_days(d + chrono::Duration::days(1), n)
            .expect("in range");
        assert!(a <= later, "{d} {n}");
    }
}

#[test]
fn add_agrees_with_counting_day_by_day() {
    // The O(1) tables against the obvious slow definition.
    let c = cal("scotland");
    let mut rng = Lcg::new(99);
    for _ in 0..2_000 {
        let d = random_date(&mut rng);
        let n = rng.below(60) as i64 + 1;
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().expect("in range");
            if c.is_working_day(day).expect("in range") {
                left -= 1;
            }
        }
        assert_eq!(c.add_working_days(d, n).ok(), Some(day), "{d} {n}");
    }
}

#[test]
fn easter_and_christmas_edges() {
    let c = cal("england-and-wales");
    // Maundy Thursday 2026-04-02 + 1: skips Good Friday, the weekend and Easter Monday.
    assert_eq!(
        c.add_working_days(date("2026-04-02"), 1).ok(),
        Some(date("2026-04-07"))
    );
    // Scotland has no Easter Monday holiday.
    assert_eq!(
        cal("scotland").add_working_days(date("2026-04-02"), 1).ok(),
        Some(date("2026-04-06"))
    );
    // Christmas Eve 2027 (Friday) + 1: 27th and 28th are substitute days.
    assert_eq!(
        c.add_working_days(date("2027-12-24"), 1).ok(),
        Some(date("2027-12-29"))
    );
    // New Year 2027/28: 31 Dec Friday + 1 → Monday 3 Jan 2028 (1 Jan is a Saturday, substitute Monday 3rd) → Tuesday 4th.
    assert_eq!(
        c.add_working_days(date("2027-12-31"), 1).ok(),
        Some(date("2028-01-04"))
    );
}

#[test]
fn the_range_ends_are_usable_and_guarded() {
    let c = cal("england-and-wales");
    assert!(c
        .is_working_day(date(&format!("{FIRST_YEAR}-01-02")))
        .is_ok());
    assert!(c
        .is_working_day(date(&format!("{LAST_YEAR}-12-31")))
        .is_ok());
    assert!(c
        .add_working_days(date(&format!("{LAST_YEAR}-12-20")), 30)
        .is_err());
    assert!(c
        .add_working_days(date(&format!("{FIRST_YEAR}-01-10")), -30)
        .is_err());
}

#[test]
fn scotland_closes_on_15_june_2026_and_no_other_division_does() {
    // Monday 1 June 2026 + 20 working days, counted by hand: June 2-5 (4),
    // 8-12 (9), 15 closed, 16-19 (13), 22-26 (18), 29 (19), 30 (20).
    let scotland = cal("scotland");
    assert_eq!(
        scotland.add_working_days(date("2026-06-01"), 20).ok(),
        Some(date("2026-06-30"))
    );
    let day = scotland
        .holidays_in(2026)
        .expect("in range")
        .iter()
        .find(|h| h.date == date("2026-06-15"))
        .map(|h| h.source.label().to_string());
    assert_eq!(day.as_deref(), Some("proclamation"));
    // England and Wales works that Monday: 20 working days end on the 29th.
    assert_eq!(
        cal("england-and-wales")
            .add_working_days(date("2026-06-01"), 20)
            .ok(),
        Some(date("2026-06-29"))
    );
}

/// A gov.uk-format file listing, for England and Wales, only the days given.
fn file_with(days: &[(&str, &str)]) -> redress::calendar::HolidayFile {
    let events: Vec<String> = days
        .iter()
        .map(|(d, t)| format!(r#"{{"title": "{t}", "date": "{d}", "notes": "", "bunting": true}}"#))
        .collect();
    let json = format!(
        r#"{{"england-and-wales": {{"division": "england-and-wales", "events": [{}]}}}}"#,
        events.join(", ")
    );
    load_holidays_file("bh.json", json.as_bytes()).expect("a valid file")
}

#[test]
fn a_file_replaces_the_years_it_covers_and_keeps_the_others() {
    let base = cal("england-and-wales");
    let file = file_with(&[("2026-07-01", "Made-up holiday")]);
    let with = base.with_holidays(&file);
    // 2026 is the file's: Wednesday 1 July is closed, and Christmas Day,
    // which the file leaves out, is a working day.
    assert_eq!(
        with.add_working_days(date("2026-06-30"), 1).ok(),
        Some(date("2026-07-02"))
    );
    assert_eq!(with.is_working_day(date("2026-12-25")).ok(), Some(true));
    let listed: Vec<(String, String)> = with
        .holidays_in(2026)
        .expect("in range")
        .iter()
        .map(|h| (h.date.to_string(), h.source.label().to_string()))
        .collect();
    assert_eq!(listed, [("2026-07-01".to_string(), "bh.json".to_string())]);
    // 2027 is not in the file and keeps its computed days (published list
    // above: Christmas 2027 is substituted to Monday 27, Boxing Day to 28).
    assert_eq!(with.holidays_in(2027).ok().map(<[_]>::len), Some(8));
    assert_eq!(
        with.add_working_days(date("2027-12-24"), 1).ok(),
        Some(date("2027-12-29"))
    );
    // A file without the calendar's division changes nothing.
    assert_eq!(
        cal("scotland")
            .with_holidays(&file)
            .add_working_days(date("2026-06-01"), 20)
            .ok(),
        Some(date("2026-06-30"))
    );
}
