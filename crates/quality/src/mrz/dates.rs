//! Calendar dates of an MRZ and the rules that follow from them: the century
//! of a two-digit year, the validity of the 1995 French identity card, the
//! holder's majority.
//!
//! References: ICAO Doc 9303 part 3 (7th ed., 2015), 4.2.2 (dates as YYMMDD;
//! the century is not written); décret n° 2013-1188 du 18 décembre 2013
//! (validity of the carte nationale d'identité extended from 10 to 15 years
//! for cards issued to adults from 2 January 2004; cards issued to minors
//! keep 10 years); Code civil art. 388 and 414 (majority at 18).

use serde::Serialize;
use std::fmt;

/// A proleptic Gregorian date. Ordered as dates are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// A date that exists (`None` for 2025-02-29 or month 13).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// `YYYY-MM-DD`, as `idcheck --today` takes it.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let t = &s[r];
            t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok())?
        };
        Date::new(num(0..4)? as i32, num(5..7)?, num(8..10)?)
    }

    /// The civil date `days` after 1970-01-01 (H. Hinnant, "chrono-Compatible
    /// Low-Level Date Algorithms", `civil_from_days`): today from a clock.
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The last day of this date's month.
    pub fn end_of_month(self) -> Date {
        Date { day: days_in_month(self.year, self.month), ..self }
    }

    /// The same day `years` later; 29 February becomes 1 March in a common
    /// year (the day after the 28th: a shopper born on 29 February 2008 is
    /// 18 on 1 March 2026, not before).
    pub fn plus_years(self, years: i32) -> Date {
        let year = self.year + years;
        Date::new(year, self.month, self.day).unwrap_or(Date { year, month: 3, day: 1 })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A calendar month (`YYYY-MM`), the only issue date the 1995 card carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Two ASCII digits as a number (`None` if either is not a digit).
fn two(b: &[u8]) -> Option<u32> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => Some(((a - b'0') * 10 + (c - b'0')) as u32),
        _ => None,
    }
}

/// A date of birth written YYMMDD: in this century unless that would be
/// after `today` (a birth date cannot be in the future), else the last.
pub fn birth_date(yymmdd: &[u8], today: Date) -> Option<Date> {
    let (yy, mm, dd) = (two(yymmdd.get(0..2)?)?, two(yymmdd.get(2..4)?)?, two(yymmdd.get(4..6)?)?);
    let century = today.year - today.year.rem_euclid(100);
    match Date::new(century + yy as i32, mm, dd) {
        Some(d) if d <= today => Some(d),
        _ => Date::new(century - 100 + yy as i32, mm, dd),
    }
}

/// An expiry date written YYMMDD: always 20YY (no document issued under
/// Doc 9303 expired before 2000 and is still carried).
pub fn expiry_date(yymmdd: &[u8]) -> Option<Date> {
    let (yy, mm, dd) = (two(yymmdd.get(0..2)?)?, two(yymmdd.get(2..4)?)?, two(yymmdd.get(4..6)?)?);
    Date::new(2000 + yy as i32, mm, dd)
}

/// The issue month of a 1995 card (YYMM, the first four characters of its
/// number). These cards were issued from 1995 to 2021: 95-99 are 19YY.
pub fn issue_month(yymm: &[u8], today: Date) -> Option<Month> {
    let (yy, mm) = (two(yymm.get(0..2)?)?, two(yymm.get(2..4)?)?);
    if !(1..=12).contains(&mm) {
        return None;
    }
    let year = if yy >= 95 { 1900 + yy as i32 } else { 2000 + yy as i32 };
    let m = Month { year, month: mm };
    (Date { year, month: mm, day: 1 } <= today).then_some(m)
}

/// The last day of validity of a 1995 French card (décret 2013-1188): 15
/// years when issued from January 2004 to a holder already adult, 10 years
/// otherwise, counted to the last day of the issue month.
///
/// The card gives the issue month, not the day. A holder who turns 18
/// within that month may have been a minor on the day of issue; such a
/// holder counts as a minor (10 years), so an expired card is never taken
/// for valid, at the cost of asking a few holders born that month for
/// another document once ten years have passed.
pub fn fr_1995_expiry(issued: Month, birth: Date) -> Date {
    let first = Date { year: issued.year, month: issued.month, day: 1 };
    let adult_at_issue = birth.plus_years(18) <= first;
    let years = if adult_at_issue && issued >= (Month { year: 2004, month: 1 }) { 15 } else { 10 };
    Date { year: issued.year + years, month: issued.month, day: 1 }.end_of_month()
}

/// Under 18 on `today`: the 18th birthday is after today.
pub fn is_minor(birth: Date, today: Date) -> bool {
    birth.plus_years(18) > today
}

/// Expired: the last day of validity is before `today` (a document is valid
/// through its expiry date).
pub fn is_expired(expiry: Date, today: Date) -> bool {
    expiry < today
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn iso_dates_parse_only_when_real() {
        assert_eq!(d("2026-11-30"), Date { year: 2026, month: 11, day: 30 });
        assert_eq!(Date::parse_iso("2025-02-29"), None);
        assert_eq!(Date::parse_iso("2024-02-29").map(|x| x.to_string()).as_deref(), Some("2024-02-29"));
        for bad in ["2026-13-01", "2026-1-01", "26-11-30", "2026/11/30", "2026-11-3x", "", "+026-11-30"] {
            assert_eq!(Date::parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_since_the_epoch() {
        assert_eq!(Date::from_unix_days(0), d("1970-01-01"));
        assert_eq!(Date::from_unix_days(20_423), d("2025-12-01"));
        assert_eq!(Date::from_unix_days(11_016), d("2000-02-29"));
        assert_eq!(Date::from_unix_days(-1), d("1969-12-31"));
    }

    #[test]
    fn birth_century_follows_today() {
        let today = d("2026-11-30");
        assert_eq!(birth_date(b"081130", today), Some(d("2008-11-30")));
        assert_eq!(birth_date(b"261130", today), Some(d("2026-11-30")));
        // Tomorrow in this century is in the future: the last century's.
        assert_eq!(birth_date(b"261201", today), Some(d("1926-12-01")));
        assert_eq!(birth_date(b"720903", today), Some(d("1972-09-03")));
        assert_eq!(birth_date(b"720931", today), None);
        assert_eq!(birth_date(b"72O903", today), None);
    }

    #[test]
    fn expiry_is_this_century() {
        assert_eq!(expiry_date(b"271016"), Some(d("2027-10-16")));
        assert_eq!(expiry_date(b"990101"), Some(d("2099-01-01")));
        assert_eq!(expiry_date(b"270230"), None);
    }

    #[test]
    fn eighteen_today_is_adult() {
        let today = d("2026-11-30");
        assert!(!is_minor(d("2008-11-30"), today));
        assert!(is_minor(d("2008-12-01"), today));
        assert!(!is_minor(d("2008-11-29"), today));
        // Born on 29 February: 18 on 1 March of a common year.
        assert!(is_minor(d("2008-02-29"), d("2026-02-28")));
        assert!(!is_minor(d("2008-02-29"), d("2026-03-01")));
        // In a leap year, on the day itself.
        assert!(!is_minor(d("2006-02-28"), d("2024-02-28")));
    }

    #[test]
    fn valid_through_the_expiry_day() {
        let today = d("2026-11-30");
        assert!(!is_expired(today, today));
        assert!(is_expired(d("2026-11-29"), today));
        assert!(!is_expired(d("2026-12-01"), today));
    }

    #[test]
    fn the_1995_card_rule_at_its_boundaries() {
        let m = |year, month| Month { year, month };
        // Adult at issue, issued from January 2004: 15 years, to the month's end.
        assert_eq!(fr_1995_expiry(m(2014, 11), d("1978-08-16")), d("2029-11-30"));
        assert_eq!(fr_1995_expiry(m(2004, 1), d("1970-05-05")), d("2019-01-31"));
        // Issued in December 2003 to an adult: 10 years.
        assert_eq!(fr_1995_expiry(m(2003, 12), d("1970-05-05")), d("2013-12-31"));
        // A minor at issue: 10 years, whenever issued.
        assert_eq!(fr_1995_expiry(m(2014, 9), d("1999-11-08")), d("2024-09-30"));
        // February's last day in a leap year.
        assert_eq!(fr_1995_expiry(m(2014, 2), d("1997-04-05")), d("2024-02-29"));
        assert_eq!(fr_1995_expiry(m(1998, 2), d("1971-12-11")), d("2008-02-29"));
        assert_eq!(fr_1995_expiry(m(2005, 2), d("1990-03-01")), d("2015-02-28"));
        // 18 on the first of the issue month: adult. On the second: the
        // day of issue is unknown, so a minor (the stricter reading).
        assert_eq!(fr_1995_expiry(m(2010, 6), d("1992-06-01")), d("2025-06-30"));
        assert_eq!(fr_1995_expiry(m(2010, 6), d("1992-06-02")), d("2020-06-30"));
    }

    #[test]
    fn issue_months_of_the_1995_card() {
        let today = d("2026-11-30");
        assert_eq!(issue_month(b"9802", today), Some(Month { year: 1998, month: 2 }));
        assert_eq!(issue_month(b"1411", today), Some(Month { year: 2014, month: 11 }));
        assert_eq!(issue_month(b"1413", today), None);
        // Not issued in the future.
        assert_eq!(issue_month(b"2712", today), None);
    }
}
