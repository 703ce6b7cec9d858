//! The one-hour countdown, from the server's deadline.
//!
//! The server owns the deadline (`expires_at`) and says what time it is
//! (`server_time`) in every session read. The device's clock may be off by
//! minutes, so the time left is computed on the server's clock: the skew is
//! `server_time - local time when the answer arrived`, and the server's now
//! is the local now plus that skew.

/// A deadline and the skew between the server's clock and ours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Deadline {
    pub expires_at_ms: i64,
    pub skew_ms: i64,
}

impl Deadline {
    /// From a session read: the server's deadline and clock, and our clock
    /// when the answer arrived.
    pub fn new(expires_at_ms: i64, server_time_ms: i64, local_at_response_ms: i64) -> Deadline {
        Deadline { expires_at_ms, skew_ms: server_time_ms - local_at_response_ms }
    }

    /// Milliseconds left at local time `local_now_ms` (never negative).
    pub fn remaining_ms(&self, local_now_ms: i64) -> i64 {
        (self.expires_at_ms - (local_now_ms + self.skew_ms)).max(0)
    }

    pub fn expired(&self, local_now_ms: i64) -> bool {
        self.remaining_ms(local_now_ms) == 0
    }
}

/// `mm:ss`, rounding up (the display reaches 00:00 only when time is out).
pub fn format_mmss(remaining_ms: i64) -> String {
    let secs = (remaining_ms.max(0) + 999) / 1000;
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

/// From five minutes left the countdown is shown as a warning.
pub const WARN_MS: i64 = 5 * 60 * 1000;

pub fn is_warning(remaining_ms: i64) -> bool {
    remaining_ms <= WARN_MS
}

/// Minutes-left marks announced to screen readers (10, 5 and 1 minute):
/// the mark crossed between two ticks, if any.
pub fn crossed_mark(before_ms: i64, after_ms: i64) -> Option<i64> {
    [10, 5, 1].into_iter().find(|m| {
        let t = m * 60 * 1000;
        before_ms > t && after_ms <= t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_both_ways() {
        // The server is 2 minutes ahead of the device.
        let d = Deadline::new(3_600_000, 120_000, 0);
        assert_eq!(d.remaining_ms(0), 3_480_000);
        // The server is 3 minutes behind.
        let d = Deadline::new(3_600_000, 0, 180_000);
        assert_eq!(d.remaining_ms(180_000), 3_600_000);
        assert_eq!(d.remaining_ms(180_000 + 3_600_000), 0);
        assert!(d.expired(180_000 + 3_600_000));
        assert!(!d.expired(180_000 + 3_599_999));
    }

    #[test]
    fn never_negative() {
        let d = Deadline::new(1000, 0, 0);
        assert_eq!(d.remaining_ms(10_000), 0);
    }

    #[test]
    fn formatting_rounds_up() {
        assert_eq!(format_mmss(3_600_000), "60:00");
        assert_eq!(format_mmss(3_599_001), "60:00");
        assert_eq!(format_mmss(3_599_000), "59:59");
        assert_eq!(format_mmss(61_000), "01:01");
        assert_eq!(format_mmss(1), "00:01");
        assert_eq!(format_mmss(0), "00:00");
        assert_eq!(format_mmss(-5), "00:00");
    }

    #[test]
    fn warning_and_marks() {
        assert!(!is_warning(WARN_MS + 1));
        assert!(is_warning(WARN_MS));
        assert_eq!(crossed_mark(600_500, 599_500), Some(10));
        assert_eq!(crossed_mark(300_001, 300_000), Some(5));
        assert_eq!(crossed_mark(61_000, 59_000), Some(1));
        assert_eq!(crossed_mark(599_000, 598_000), None);
    }
}
