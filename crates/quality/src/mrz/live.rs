//! The MRZ across live frames: a read is trusted only when several frames
//! agree, and what the attempts saw tells the shopper what to do.
//!
//! A single frame's read already passes every check digit and no close
//! alternative ([`super::format::decode`]); agreement across frames guards
//! against what one frame can still get wrong (a reflection that turns a
//! glyph into another at the same time as it hides the difference), as the
//! field's live readers do (e.g. Microblink's BlinkID and Anyline wait for
//! consecutive identical reads).

use super::{Format, Read};
use crate::live::Cue;
use std::collections::VecDeque;

/// Identical reads needed.
pub const AGREE: usize = 2;
/// Attempts older than this are forgotten (ms).
pub const WINDOW_MS: f64 = 4000.0;
/// With no MRZ zone seen at all for this long (and two attempts or more),
/// the side shown is taken for the one without it (ms).
pub const TURN_OVER_MS: f64 = 1500.0;

struct Attempt {
    at: f64,
    /// An MRZ-like zone (two or three long, parallel lines of one pitch)
    /// was seen, read or not.
    zone: bool,
    read: Option<Read>,
}

/// Recent attempts at reading the MRZ of one side, in the formats that side
/// carries (a passport page's TD3, an identity card back's TD1, ...): a
/// read in another format is a zone seen, not a read of this side.
pub struct Gate {
    attempts: VecDeque<Attempt>,
    formats: Vec<Format>,
}

impl Default for Gate {
    fn default() -> Self {
        Gate::new(&Format::ALL)
    }
}

impl Gate {
    pub fn new(formats: &[Format]) -> Gate {
        Gate { attempts: VecDeque::new(), formats: formats.to_vec() }
    }

    /// Record an attempt at `at` (ms): whether a zone was seen, and the read.
    pub fn offer(&mut self, at: f64, zone: bool, read: Option<&Read>) {
        let read = read.filter(|r| self.formats.contains(&r.mrz.format)).cloned();
        self.attempts.push_back(Attempt { at, zone: zone || read.is_some(), read });
        while self.attempts.front().is_some_and(|a| at - a.at > WINDOW_MS) {
            self.attempts.pop_front();
        }
    }

    /// Record an attempt on a frame the live check saw glare on: its zone
    /// counts as seen, its read does not. A glyph half under glare can
    /// read as another symbol with a clear lead (a fifth of rendered blots
    /// do, `examples/train_mrz.rs`), the check digits cover no document
    /// code, issuer, name, sex or nationality, and two frames of a card held
    /// still under the same light would agree on the misread. (The reader
    /// also refuses a zone with a highlight over its cells,
    /// [`super::glare_share`]; this is for glare the look saw elsewhere or
    /// a moment before.)
    pub fn offer_under_glare(&mut self, at: f64, zone: bool, read: Option<&Read>) {
        self.offer(at, zone || read.is_some(), None);
    }

    /// The read that [`AGREE`] recent attempts made identically, the latest
    /// attempt among them (a card taken away, or another one shown, ends
    /// the agreement at once), and no recent attempt read otherwise.
    pub fn agreed(&self, now: f64) -> Option<&Read> {
        let last = self.attempts.back().filter(|a| now - a.at <= WINDOW_MS)?.read.as_ref()?;
        let recent: Vec<&Read> =
            self.attempts.iter().filter(|a| now - a.at <= WINDOW_MS).filter_map(|a| a.read.as_ref()).collect();
        if recent.iter().any(|r| r.lines != last.lines) {
            return None;
        }
        (recent.len() >= AGREE).then_some(last)
    }

    /// The agreed read, if its latest attempt is at most `max_age` ms old:
    /// what a still taken now may fall back on.
    pub fn agreed_within(&self, now: f64, max_age: f64) -> Option<&Read> {
        let last = self.attempts.back()?;
        (now - last.at <= max_age).then(|| self.agreed(now)).flatten()
    }

    /// What to tell the shopper while nothing is agreed: turn the document
    /// over when the recent attempts (over [`TURN_OVER_MS`], two at least)
    /// saw no MRZ zone at all; else bring it closer without glare.
    pub fn cue(&self, now: f64) -> Cue {
        let recent: Vec<&Attempt> = self.attempts.iter().filter(|a| now - a.at <= TURN_OVER_MS).collect();
        let spans = recent.first().is_some_and(|a| now - a.at >= TURN_OVER_MS * 0.6);
        if recent.len() >= 2 && spans && recent.iter().all(|a| !a.zone) {
            Cue::TurnOver
        } else {
            Cue::ReadMrz
        }
    }

    /// Forget every attempt (a retake, another side).
    pub fn reset(&mut self) {
        self.attempts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::{from_lines, Date};
    use super::*;

    fn read(lines: [&str; 3]) -> Read {
        let today = Date::parse_iso("2026-11-30").unwrap();
        Read {
            lines: lines.iter().map(|s| s.to_string()).collect(),
            mrz: from_lines(&lines, today).unwrap(),
            score: 0.9,
        }
    }

    const A: [&str; 3] =
        ["IRFRA0FVLSPE8K4<<<<<<<<<<<<<<<", "6506250F3107047FRA<<<<<<<<<<<6", "LEROY<<CAMILLE<PAUL<<<<<<<<<<<"];
    const B: [&str; 3] =
        ["IRFRAGFDM1M3HN4<<<<<<<<<<<<<<<", "8211251F2406019FRA<<<<<<<<<<<6", "DUBOIS<<CAMILLE<PAUL<<<<<<<<<<"];

    #[test]
    fn reads_under_glare_never_agree() {
        let mut g = Gate::default();
        g.offer_under_glare(0.0, false, Some(&read(A)));
        g.offer_under_glare(500.0, false, Some(&read(A)));
        g.offer_under_glare(1000.0, false, Some(&read(A)));
        assert!(g.agreed(1000.0).is_none(), "reads under glare count for nothing");
        // But a zone was seen: the shopper is asked to read it better, not
        // to turn the card over (as the same attempts without a read are).
        assert_eq!(g.cue(1000.0), Cue::ReadMrz);
        let mut blank = Gate::default();
        for at in [0.0, 500.0, 1000.0] {
            blank.offer(at, false, None);
        }
        assert_eq!(blank.cue(1000.0), Cue::TurnOver);
        // A different read under glare vetoes nothing; one read before the
        // glare and one after still agree.
        g.offer(1300.0, true, Some(&read(A)));
        g.offer_under_glare(1600.0, true, Some(&read(B)));
        g.offer(1900.0, true, Some(&read(A)));
        assert!(g.agreed(1900.0).is_some());
        // Glare arriving last ends the agreement (the latest attempt must
        // read).
        g.offer_under_glare(2200.0, true, Some(&read(A)));
        assert!(g.agreed(2200.0).is_none());
    }

    #[test]
    fn two_identical_reads_agree_and_a_different_one_vetoes() {
        let mut g = Gate::default();
        g.offer(0.0, true, Some(&read(A)));
        assert!(g.agreed(0.0).is_none(), "one read is not enough");
        g.offer(300.0, true, None);
        g.offer(600.0, true, Some(&read(A)));
        assert_eq!(g.agreed(600.0).map(|r| r.mrz.document_number.as_str()), Some("0FVLSPE8K"));
        // The card taken away (an attempt without a read): no agreement.
        let mut gone = Gate::default();
        gone.offer(0.0, true, Some(&read(A)));
        gone.offer(300.0, true, Some(&read(A)));
        assert!(gone.agreed(300.0).is_some());
        gone.offer(600.0, false, None);
        assert!(gone.agreed(600.0).is_none(), "the latest attempt must read it");
        // A read in a format the side does not carry is no read of it.
        let mut passport = Gate::new(&[Format::Td3]);
        passport.offer(0.0, true, Some(&read(A)));
        passport.offer(300.0, true, Some(&read(A)));
        assert!(passport.agreed(300.0).is_none());
        assert_eq!(passport.cue(300.0), Cue::ReadMrz, "a zone was seen");
        g.offer(900.0, true, Some(&read(B)));
        assert!(g.agreed(900.0).is_none(), "two different reads: none trusted");
        // The A reads forgotten (over 4 s old), two of B agree.
        g.offer(4700.0, true, Some(&read(B)));
        assert_eq!(g.agreed(4700.0).map(|r| r.mrz.document_number.as_str()), Some("GFDM1M3HN"));
        // Old reads do not count.
        assert!(g.agreed(20_000.0).is_none());
        g.reset();
        assert!(g.agreed(4700.0).is_none());
    }

    #[test]
    fn no_zone_for_long_enough_means_the_other_side() {
        let mut g = Gate::default();
        assert_eq!(g.cue(0.0), Cue::ReadMrz, "nothing known yet");
        g.offer(0.0, false, None);
        assert_eq!(g.cue(0.0), Cue::ReadMrz);
        g.offer(500.0, false, None);
        assert_eq!(g.cue(500.0), Cue::ReadMrz, "not long enough");
        g.offer(1000.0, false, None);
        assert_eq!(g.cue(1000.0), Cue::TurnOver);
        // A zone seen (unread: glare, too far): closer, not over.
        g.offer(1300.0, true, None);
        assert_eq!(g.cue(1300.0), Cue::ReadMrz);
    }
}
