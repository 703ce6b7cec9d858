//! The MRZ formats read here, their check digits, and decoding a grid of
//! per-cell symbol scores into lines that pass every check.
//!
//! References: ICAO Doc 9303 (8th ed., 2021) part 3 §4.9 (check digits:
//! weights 7-3-1 repeated, `<` = 0, A-Z = 10-35, sum mod 10), part 4 §4.2
//! (TD3, the passport data page: 2 x 44), part 5 §4.2 (TD1, the card: 3 x
//! 30). The French identity card of 1995-2021 predates Doc 9303's TD1 and
//! carries 2 x 36 characters of its own layout (arrêté du 19 mars 1988, as
//! read by every French MRZ reader): line 1 `IDFRA`, surname (25), office
//! code (6); line 2 card number (12: issue YYMM, department 3, serial 5),
//! its check digit, given names (14), birth date YYMMDD and its check digit,
//! sex, and a check digit over all 71 preceding characters of both lines.
//!
//! Decoding never guesses. Each cell's symbol is scored by the classifier;
//! each field allows only its class (digits, letters, ...). Among all reads
//! within a small loss of score of the cells' best symbols, those that pass
//! *every* check digit are kept; the likeliest is the read only when it
//! says what the cells' best symbols say, within [`REPAIR_BUDGET`] of them
//! (a tie in a cell that is checked but not reported, like the 1995 card's
//! office code, settled by the checks: "only the alternatives that make
//! every check pass", and no more), and the next one is clearly less likely
//! ([`CLEAR_MARGIN`]). A check digit sums
//! values mod 10, so some changes pass it: two symbols whose values differ by
//! a multiple of 10 (`6`/`G`, `1`/`L`, `0`/`<`), or two errors that cancel.
//! Such a read appears in the search as a second passing read, and a close
//! one means no read. A reported cell is never changed to pass a check: a
//! confident misread that a check caught, and a tie elsewhere whose other
//! symbol compensates it, would pass every check with a wrong number. A
//! repair can hide such a misread only in a cell its check alone covers
//! (the 1995 card's names and sex, under its composite): those must then
//! lead their runner-up as a name no check covers must.

use serde::Serialize;
use std::ops::Range;

/// The MRZ alphabet, in the order the classifier scores it.
pub const SYMBOLS: &[u8; 37] = b"<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A symbol's value in a check digit.
pub fn value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => (c - b'0') as u32,
        b'A'..=b'Z' => (c - b'A') as u32 + 10,
        _ => 0,
    }
}

/// The check digit of a field (Doc 9303 part 3 §4.9).
pub fn check_digit(field: &[u8]) -> u8 {
    const W: [u32; 3] = [7, 3, 1];
    let s: u32 = field.iter().enumerate().map(|(i, &c)| value(c) * W[i % 3]).sum();
    b'0' + (s % 10) as u8
}

/// The layouts read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// ICAO TD1, 3 x 30: the identity card since 2021, the titre de séjour.
    Td1,
    /// ICAO TD3, 2 x 44: the passport data page.
    Td3,
    /// The French identity card of 1995-2021, 2 x 36 on its front.
    FrCni1995,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Td1, Format::Td3, Format::FrCni1995];

    pub fn lines(self) -> usize {
        match self {
            Format::Td1 => 3,
            Format::Td3 | Format::FrCni1995 => 2,
        }
    }

    /// Characters per line.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(self) -> usize {
        match self {
            Format::Td1 => 30,
            Format::Td3 => 44,
            Format::FrCni1995 => 36,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Td1 => "td1",
            Format::Td3 => "td3",
            Format::FrCni1995 => "fr_cni_1995",
        }
    }
}

/// What a cell may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// 0-9.
    Digit,
    /// A-Z and the filler.
    Alpha,
    /// Anything in the alphabet.
    AlNum,
    /// M, F or `<` (unspecified).
    Sex,
    /// A check digit that may be `<` when its field is empty.
    DigitOrFiller,
    /// Exactly this symbol.
    Fixed(u8),
    /// One of these.
    OneOf(&'static [u8]),
}

impl Class {
    fn allows(self, c: u8) -> bool {
        match self {
            Class::Digit => c.is_ascii_digit(),
            Class::Alpha => c == b'<' || c.is_ascii_uppercase(),
            Class::AlNum => true,
            Class::Sex => matches!(c, b'M' | b'F' | b'<'),
            Class::DigitOrFiller => c == b'<' || c.is_ascii_digit(),
            Class::Fixed(f) => c == f,
            Class::OneOf(s) => s.contains(&c),
        }
    }
}

/// One field's cells: line, columns.
type Span = (usize, Range<usize>);

/// A check digit at `digit` over the concatenation of `over`.
struct Check {
    over: Vec<Span>,
    digit: (usize, usize),
}

struct Layout {
    classes: Vec<Vec<Class>>,
    checks: Vec<Check>,
    /// Checked cells whose content is not reported (optional data, the
    /// issuing office): two reads that differ only there say the same.
    unreported: Vec<Span>,
}

fn layout(f: Format) -> Layout {
    let n = f.len();
    let mut classes = vec![vec![Class::AlNum; n]; f.lines()];
    let mut set = |line: usize, r: Range<usize>, c: Class| {
        for i in r {
            classes[line][i] = c;
        }
    };
    let (checks, unreported) = match f {
        Format::Td1 => {
            set(0, 0..1, Class::OneOf(b"IAC"));
            set(0, 1..5, Class::Alpha);
            set(0, 14..15, Class::Digit);
            set(1, 0..7, Class::Digit);
            set(1, 7..8, Class::Sex);
            set(1, 8..15, Class::Digit);
            set(1, 15..18, Class::Alpha);
            set(1, 29..30, Class::Digit);
            set(2, 0..30, Class::Alpha);
            (
                vec![
                    Check { over: vec![(0, 5..14)], digit: (0, 14) },
                    Check { over: vec![(1, 0..6)], digit: (1, 6) },
                    Check { over: vec![(1, 8..14)], digit: (1, 14) },
                    Check { over: vec![(0, 5..30), (1, 0..7), (1, 8..15), (1, 18..29)], digit: (1, 29) },
                ],
                vec![(0, 15..30), (1, 18..29)],
            )
        }
        Format::Td3 => {
            set(0, 0..1, Class::Fixed(b'P'));
            set(0, 1..44, Class::Alpha);
            set(1, 9..10, Class::Digit);
            set(1, 10..13, Class::Alpha);
            set(1, 13..20, Class::Digit);
            set(1, 20..21, Class::Sex);
            set(1, 21..28, Class::Digit);
            set(1, 42..43, Class::DigitOrFiller);
            set(1, 43..44, Class::Digit);
            (
                vec![
                    Check { over: vec![(1, 0..9)], digit: (1, 9) },
                    Check { over: vec![(1, 13..19)], digit: (1, 19) },
                    Check { over: vec![(1, 21..27)], digit: (1, 27) },
                    Check { over: vec![(1, 28..42)], digit: (1, 42) },
                    Check { over: vec![(1, 0..10), (1, 13..20), (1, 21..43)], digit: (1, 43) },
                ],
                vec![(1, 28..43)],
            )
        }
        Format::FrCni1995 => {
            for (i, &c) in b"IDFRA".iter().enumerate() {
                set(0, i..i + 1, Class::Fixed(c));
            }
            set(0, 5..30, Class::Alpha);
            set(1, 0..4, Class::Digit);
            set(1, 7..13, Class::Digit);
            set(1, 13..27, Class::Alpha);
            set(1, 27..34, Class::Digit);
            set(1, 34..35, Class::Sex);
            set(1, 35..36, Class::Digit);
            (
                vec![
                    Check { over: vec![(1, 0..12)], digit: (1, 12) },
                    Check { over: vec![(1, 27..33)], digit: (1, 33) },
                    Check { over: vec![(0, 0..36), (1, 0..35)], digit: (1, 35) },
                ],
                vec![(0, 30..36)],
            )
        }
    };
    Layout { classes, checks, unreported }
}

fn check_holds(c: &Check, lines: &[Vec<u8>]) -> bool {
    let field: Vec<u8> = c.over.iter().flat_map(|(l, r)| lines[*l][r.clone()].iter().copied()).collect();
    let d = lines[c.digit.0][c.digit.1];
    if d == b'<' {
        // An empty optional field's check digit may be a filler.
        return field.iter().all(|&x| x == b'<');
    }
    check_digit(&field) == d
}

/// A checked cell (line, column) and its alternatives with their loss.
type Unsure = (usize, usize, Vec<(u8, f32)>);

/// Scores of the 37 symbols (in [`SYMBOLS`] order) for one cell; higher is
/// likelier (a cosine with the trained weights, less the height cue).
pub type CellScores = [f32; 37];

/// Why a grid of scores gave no read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The grid is not this format's shape.
    Shape,
    /// A cell matches nothing its field allows well enough.
    Unreadable { line: usize, col: usize },
    /// The likeliest read fails a check.
    Checks,
    /// Another read passes every check and is nearly as likely.
    Ambiguous,
    /// A cell that must lead its runner-up clearly does not: a reported
    /// cell no check covers, a number's letter-or-digit cell, or, after a
    /// repair, a reported cell only the repaired check covered.
    Unsure { line: usize, col: usize },
}

// The scores are cosines with the trained classifier's weights, less the
// height cue (`ocr::scores`). The constants below were calibrated on the
// even half of the labelled MRZ frames (`examples/mrz_margins.rs`,
// SPLIT=even: the true symbol scores at least 0.339 and leads every other
// by at least 0.120, 1 % of cells by under 0.160) and checked on the odd
// half (0.373; 0.096; 0.160). On rendered held-out zones scored as the
// reader scores them (`examples/train_mrz.rs`, 26,357 cells at 8-32 px,
// defocus up to 0.15 capital heights), a wrong symbol leads by over 0.05
// in 0.15 % of cells and over 0.08 in 0.07 %; of the pairs no check digit
// tells apart (values equal mod 10: `6`/`G`, `1`/`L`, `0`/`<`, ...), one
// cell led by over 0.05 and none by over 0.06, under [`CLEAR_MARGIN`].
// (That figure is for one wrong cell; two that cancel in a digits-only
// field are a rival read whose summed loss must also clear CLEAR_MARGIN.)
// The choices made on the labelled frames (weights of 15 levels, glyph
// heights from the outlines, no reject class) were made watching both
// halves; the held-out checks are the degraded copies and the rendered and
// synthetic sets.

/// Least score of a cell's chosen symbol: a cell that matches nothing (a
/// blank, a smear) is no read. A quarter under the calibration half's
/// least true score (0.339). It does not tell a glyph half under glare or
/// a stain from a glyph: on rendered blots, a fifth read as another symbol
/// with a name's lead ([`UNCHECKED_MARGIN`]). No check digit covers the
/// document code, issuer, names, sex or nationality, and in a document
/// number a swap of symbols equal mod 10 (`1`/`L`, `0`/`<`) passes the
/// check; so a zone with a highlight over its cells is no read
/// (`mrz::glare_share`), the live check does not count the reads of frames
/// where it sees glare on the document (`live::Gate::offer_under_glare`),
/// and a still with glare reports no read of its own.
pub const MIN_SCORE: f32 = 0.25;
/// Most loss of score (summed over unreported cells, against each cell's
/// likeliest allowed symbol) of a read that passes every check: a tie the
/// checks settle, never a misread they caught.
pub const REPAIR_BUDGET: f32 = 0.03;
/// How much less likely (total loss of score, summed over cells) than the
/// read any other read that passes every check must be: closer, and which
/// is right is a guess.
pub const CLEAR_MARGIN: f32 = 0.08;
/// Least lead of a reported cell no check covers over its runner-up.
pub const UNCHECKED_MARGIN: f32 = 0.06;
/// Least lead of a checked cell that may hold a letter or a digit.
pub const ALNUM_MARGIN: f32 = 0.05;
/// Most checked cells with a close runner-up: more is no read.
const MAX_UNSURE: usize = 12;
/// Most passing reads the search keeps; one more is no read.
const MAX_PASSING: usize = 32;
/// Most assignments the rival search visits; past it, no read.
const MAX_NODES: usize = 50_000;

/// Decode a grid of scores (lines x cells) as `format`.
pub fn decode(format: Format, scores: &[Vec<CellScores>]) -> Result<Vec<Vec<u8>>, DecodeError> {
    let lay = layout(format);
    if scores.len() != format.lines() || scores.iter().any(|l| l.len() != format.len()) {
        return Err(DecodeError::Shape);
    }
    let allowed = |l: usize, i: usize| -> Vec<(u8, f32)> {
        let mut v: Vec<(u8, f32)> = SYMBOLS
            .iter()
            .zip(scores[l][i].iter())
            .filter(|(&c, _)| lay.classes[l][i].allows(c))
            .map(|(&c, &s)| (c, s))
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v
    };
    let mut covered = vec![vec![false; format.len()]; format.lines()];
    for c in &lay.checks {
        for (l, r) in &c.over {
            for i in r.clone() {
                covered[*l][i] = true;
            }
        }
        covered[c.digit.0][c.digit.1] = true;
    }
    let mut lines = vec![vec![b'<'; format.len()]; format.lines()];
    let mut best = vec![vec![0f32; format.len()]; format.lines()];
    let mut lead = vec![vec![f32::INFINITY; format.len()]; format.lines()];
    for l in 0..format.lines() {
        for i in 0..format.len() {
            let a = allowed(l, i);
            let Some(&(c, s)) = a.first() else { return Err(DecodeError::Unreadable { line: l, col: i }) };
            // Every cell of an MRZ holds a glyph (fillers too): one that
            // matches nothing well (glare, a finger) is no read, wherever
            // it is. A reported cell no check digit covers (names, sex,
            // nationality) must moreover stand clear of its runner-up.
            if s < MIN_SCORE {
                return Err(DecodeError::Unreadable { line: l, col: i });
            }
            // A letter-or-digit cell (document numbers) must lead too: two
            // confident confusions of one pair (`B`/`8` twice) can cancel in
            // a check digit.
            let reported = !lay.unreported.iter().any(|(ul, r)| *ul == l && r.contains(&i));
            let need = if !covered[l][i] {
                UNCHECKED_MARGIN
            } else if lay.classes[l][i] == Class::AlNum && reported {
                ALNUM_MARGIN
            } else {
                0.0
            };
            if a.get(1).is_some_and(|&(_, s2)| s - s2 < need) {
                return Err(DecodeError::Unsure { line: l, col: i });
            }
            lines[l][i] = c;
            best[l][i] = s;
            if let Some(&(_, s2)) = a.get(1) {
                lead[l][i] = s - s2;
            }
        }
    }
    // The reads that pass every check, within REPAIR_BUDGET + CLEAR_MARGIN
    // of the cells' best symbols (each cell's loss: its best score minus
    // the chosen symbol's): the likeliest is the read when it is within
    // REPAIR_BUDGET, and no other says something else while nearly as
    // likely (two errors that cancel in a check digit, or a symbol the
    // checks cannot tell from another: `6`/`G`, `0`/`<`).
    let bound = REPAIR_BUDGET + CLEAR_MARGIN;
    let mut cells: Vec<Unsure> = Vec::new();
    for l in 0..format.lines() {
        for i in 0..format.len() {
            if !covered[l][i] {
                continue;
            }
            let alts: Vec<(u8, f32)> = allowed(l, i)
                .into_iter()
                .skip(1)
                .map(|(c, s)| (c, best[l][i] - s))
                .filter(|&(_, loss)| loss < bound)
                .collect();
            if !alts.is_empty() {
                cells.push((l, i, alts));
            }
        }
    }
    // So many unsure cells is no read (and bounds the search below).
    if cells.len() > MAX_UNSURE {
        return Err(DecodeError::Ambiguous);
    }
    let is_reported = |l: usize, i: usize| !lay.unreported.iter().any(|(ul, r)| *ul == l && r.contains(&i));
    // A read that fails a check and has no unreported cell near a tie can
    // only be repaired by changing a reported cell, which is never done:
    // no read, without searching.
    let repairable = cells.iter().any(|(l, i, alts)| !is_reported(*l, *i) && alts[0].1 <= REPAIR_BUDGET);
    if !repairable && !lay.checks.iter().all(|c| check_holds(c, &lines)) {
        return Err(DecodeError::Checks);
    }
    struct Search<'a> {
        cells: &'a [Unsure],
        lay: &'a Layout,
        bound: f32,
        nodes: usize,
        work: Vec<Vec<u8>>,
        passing: Vec<(f32, Vec<Vec<u8>>)>,
    }
    impl Search<'_> {
        /// Every assignment of `cells[k..]` under the bound that passes
        /// every check, into `passing`; false once a budget is spent.
        fn walk(&mut self, k: usize, loss: f32) -> bool {
            self.nodes += 1;
            if self.nodes > MAX_NODES {
                return false;
            }
            if k == self.cells.len() {
                if self.lay.checks.iter().all(|c| check_holds(c, &self.work)) {
                    if self.passing.len() == MAX_PASSING {
                        return false;
                    }
                    self.passing.push((loss, self.work.clone()));
                }
                return true;
            }
            if !self.walk(k + 1, loss) {
                return false;
            }
            let (l, i) = (self.cells[k].0, self.cells[k].1);
            let keep = self.work[l][i];
            for a in 0..self.cells[k].2.len() {
                let (c, d) = self.cells[k].2[a];
                if loss + d < self.bound {
                    self.work[l][i] = c;
                    let ok = self.walk(k + 1, loss + d);
                    self.work[l][i] = keep;
                    if !ok {
                        return false;
                    }
                }
            }
            true
        }
    }
    let mut search = Search { cells: &cells, lay: &lay, bound, nodes: 0, work: lines.clone(), passing: Vec::new() };
    // Past a budget, assume the worst: rivals (no read).
    if !search.walk(0, 0.0) {
        return Err(DecodeError::Ambiguous);
    }
    let mut passing = search.passing;
    passing.sort_by(|a, b| a.0.total_cmp(&b.0));
    let differ = |a: &[Vec<u8>], b: &[Vec<u8>]| cells.iter().any(|&(l, i, _)| is_reported(l, i) && a[l][i] != b[l][i]);
    // The read: the likeliest passing read that says what the cells' best
    // symbols say (a tie settled in an unreported cell, the 1995 card's
    // office code, optional data). A reported cell is never changed: a
    // confident misread the check caught, and a tie elsewhere whose other
    // symbol compensates it, would pass every check with a wrong number.
    let Some((loss, read)) = passing.iter().find(|(_, p)| !differ(p, &lines)).cloned() else {
        return Err(DecodeError::Checks);
    };
    if loss > REPAIR_BUDGET {
        return Err(DecodeError::Checks);
    }
    if read != lines {
        // A repaired check may cover reported cells no other check covers
        // (the 1995 card's names and sex, under its composite only, and
        // every composite's own digit): a misread there could be what the
        // repair hides, so they must lead as clearly as a cell no check
        // covers. After a repair, the 1995 card's names are as sure as a
        // TD1 or TD3 name: as sure as the classifier's lead.
        let changed: Vec<(usize, usize)> =
            cells.iter().filter(|&&(l, i, _)| read[l][i] != lines[l][i]).map(|&(l, i, _)| (l, i)).collect();
        let in_check = |c: &Check, l: usize, i: usize| {
            c.digit == (l, i) || c.over.iter().any(|(cl, r)| *cl == l && r.contains(&i))
        };
        for c in lay.checks.iter().filter(|c| changed.iter().any(|&(l, i)| in_check(c, l, i))) {
            let guarded = c.over.iter().flat_map(|(l, r)| r.clone().map(move |i| (*l, i))).chain([c.digit]);
            for (l, i) in guarded {
                let only_here = lay.checks.iter().filter(|o| in_check(o, l, i)).count() == 1;
                if is_reported(l, i) && only_here && lead[l][i] < UNCHECKED_MARGIN {
                    return Err(DecodeError::Unsure { line: l, col: i });
                }
            }
        }
    }
    // Another passing read nearly as likely that says something else (a
    // reported cell differs; optional data and the issuing office are not
    // reported): which is right is a guess.
    if passing.iter().any(|(d, other)| *d < loss + CLEAR_MARGIN && differ(other, &read)) {
        return Err(DecodeError::Ambiguous);
    }
    Ok(read)
}

/// Whether text lines hold as `format` (shape, field classes, every check).
pub fn holds(format: Format, lines: &[&[u8]]) -> bool {
    let lay = layout(format);
    if lines.len() != format.lines() || lines.iter().any(|l| l.len() != format.len()) {
        return false;
    }
    let owned: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
    owned
        .iter()
        .enumerate()
        .all(|(l, line)| line.iter().enumerate().all(|(i, &c)| SYMBOLS.contains(&c) && lay.classes[l][i].allows(c)))
        && lay.checks.iter().all(|c| check_holds(c, &owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ICAO Doc 9303 part 4 appendix A (TD3 specimen, Utopia).
    const TD3: [&str; 2] =
        ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"];
    /// ICAO Doc 9303 part 5 appendix A (TD1 specimen, Utopia).
    const TD1: [&str; 3] =
        ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"];
    const FR95: [&str; 2] = ["IDFRASIMON<<<<<<<<<<<<<<<<<<<<029S02", "1411023712741HUGO<<<<<<<<<<7808168F9"];

    fn bytes<'a>(l: &[&'a str]) -> Vec<&'a [u8]> {
        l.iter().map(|s| s.as_bytes()).collect()
    }

    /// Scores a classifier would give a clean read of `lines`: 0.9 for the
    /// symbol, 0.2 for the rest.
    fn clean(lines: &[&str]) -> Vec<Vec<CellScores>> {
        lines
            .iter()
            .map(|l| {
                l.bytes()
                    .map(|c| {
                        let mut s = [0.2f32; 37];
                        s[SYMBOLS.iter().position(|&x| x == c).unwrap()] = 0.9;
                        s
                    })
                    .collect()
            })
            .collect()
    }

    fn idx(c: u8) -> usize {
        SYMBOLS.iter().position(|&x| x == c).unwrap()
    }

    #[test]
    fn check_digits_of_the_specimens() {
        assert_eq!(check_digit(b"L898902C3"), b'6');
        assert_eq!(check_digit(b"740812"), b'2');
        assert_eq!(check_digit(b"120415"), b'9');
        assert_eq!(check_digit(b"D23145890"), b'7');
        assert_eq!(check_digit(b"<<<<<<<<<<<<<<"), b'0');
        assert!(holds(Format::Td3, &bytes(&TD3)));
        assert!(holds(Format::Td1, &bytes(&TD1)));
        assert!(holds(Format::FrCni1995, &bytes(&FR95)));
        assert!(!holds(Format::Td1, &bytes(&TD3)));
    }

    #[test]
    fn any_single_change_to_a_checked_digit_breaks_a_check() {
        for (f, lines) in [(Format::Td3, TD3.to_vec()), (Format::Td1, TD1.to_vec()), (Format::FrCni1995, FR95.to_vec())]
        {
            let lay = layout(f);
            for (l, line) in lines.iter().enumerate() {
                for i in 0..line.len() {
                    if lay.classes[l][i] != Class::Digit {
                        continue;
                    }
                    let covered = lay
                        .checks
                        .iter()
                        .any(|c| c.digit == (l, i) || c.over.iter().any(|(cl, r)| *cl == l && r.contains(&i)));
                    if !covered {
                        continue;
                    }
                    for d in b'0'..=b'9' {
                        if d == line.as_bytes()[i] {
                            continue;
                        }
                        let mut v: Vec<Vec<u8>> = lines.iter().map(|s| s.as_bytes().to_vec()).collect();
                        v[l][i] = d;
                        let r: Vec<&[u8]> = v.iter().map(|x| x.as_slice()).collect();
                        assert!(!holds(f, &r), "{f:?} line {l} col {i} -> {}", d as char);
                    }
                }
            }
        }
    }

    #[test]
    fn clean_scores_decode_to_the_lines() {
        for (f, lines) in [(Format::Td3, TD3.to_vec()), (Format::Td1, TD1.to_vec()), (Format::FrCni1995, FR95.to_vec())]
        {
            let got = decode(f, &clean(&lines)).unwrap();
            let got: Vec<String> = got.into_iter().map(|l| String::from_utf8(l).unwrap()).collect();
            assert_eq!(got, lines);
        }
    }

    #[test]
    fn field_classes_steer_the_choice() {
        // The birth date's 0 read as O: a digit field takes the 0.
        let mut s = clean(&TD1);
        s[1][2][idx(b'O')] = 0.95;
        let got = decode(Format::Td1, &s).unwrap();
        assert_eq!(&got[1][..6], b"740812");
    }

    /// Two digit changes in `cols` that together pass every check (the
    /// errors a check digit cannot see).
    fn cancelling_pair(f: Format, lines: &[&str], cols: std::ops::Range<usize>) -> (usize, u8, usize, u8) {
        let line = lines.len() - 1;
        for a in cols.clone() {
            for b in cols.clone().filter(|&b| b > a) {
                for da in b'0'..=b'9' {
                    for db in b'0'..=b'9' {
                        let mut v: Vec<Vec<u8>> = lines.iter().map(|s| s.as_bytes().to_vec()).collect();
                        if v[line][a] == da
                            || v[line][b] == db
                            || !v[line][a].is_ascii_digit()
                            || !v[line][b].is_ascii_digit()
                        {
                            continue;
                        }
                        v[line][a] = da;
                        v[line][b] = db;
                        let r: Vec<&[u8]> = v.iter().map(|x| x.as_slice()).collect();
                        if holds(f, &r) {
                            return (a, da, b, db);
                        }
                    }
                }
            }
        }
        panic!("no cancelling pair");
    }

    #[test]
    fn a_tie_is_settled_by_the_checks_and_a_misread_is_never_repaired() {
        // The 1995 card's office code (unreported, under the composite
        // only): its 0 a hair behind an O, which the composite settles.
        let mut s = clean(&FR95);
        s[0][30][idx(b'O')] = 0.91;
        assert_eq!(decode(Format::FrCni1995, &s).unwrap()[0], FR95[0].as_bytes());
        // The same tie with a name cell, under that composite alone, close
        // too: the repair could hide a misread there, so no read.
        s[1][14][idx(b'O')] = 0.87;
        assert_eq!(decode(Format::FrCni1995, &s), Err(DecodeError::Unsure { line: 1, col: 14 }));
        // A reported cell is never changed, even a hair behind: expiry's 5
        // (col 26) under a 6 is no read (the next frame tries again).
        let mut s = clean(&TD3);
        s[1][26][idx(b'6')] = 0.91;
        assert_eq!(decode(Format::Td3, &s), Err(DecodeError::Checks));
        // The 6 confidently ahead: the likeliest read fails its check, and
        // that is no read (the next frame tries again).
        let mut s = clean(&TD3);
        s[1][26][idx(b'6')] = 0.95;
        assert_eq!(decode(Format::Td3, &s), Err(DecodeError::Checks));
        // A confident misread the check caught, and elsewhere a close
        // second that would make every check pass again: a repair would
        // report a wrong number. None is made.
        let (a, da, b, db) = cancelling_pair(Format::Td3, &TD3, 0..9);
        let mut s = clean(&TD3);
        s[1][a][idx(da)] = 0.97; // misread, confidently
        s[1][b][idx(db)] = 0.84; // the runner-up that would compensate
        assert_eq!(decode(Format::Td3, &s), Err(DecodeError::Checks));
        // The same in the expiry (digits only, no lead asked of a cell),
        // the compensating second a hair behind, a change the budget would
        // allow: a reported cell is never changed, so no read.
        let (a, da, b, db) = cancelling_pair(Format::Td3, &TD3, 21..27);
        let mut s = clean(&TD3);
        s[1][a][idx(da)] = 0.95;
        s[1][b][idx(db)] = 0.89;
        assert_eq!(decode(Format::Td3, &s), Err(DecodeError::Checks));
    }

    #[test]
    fn an_exact_tie_repaired_still_guards_what_only_its_check_covers() {
        // The office code's S (col 33) tied with a 5 that sorts first and
        // fails the composite: repaired at no loss, and the names under
        // that composite alone must then lead clearly.
        let mut s = clean(&FR95);
        s[0][33][idx(b'5')] = 0.9;
        assert_eq!(decode(Format::FrCni1995, &s).unwrap()[0], FR95[0].as_bytes());
        s[1][14][idx(b'O')] = 0.87;
        assert_eq!(decode(Format::FrCni1995, &s), Err(DecodeError::Unsure { line: 1, col: 14 }));
    }

    #[test]
    fn a_repair_guards_the_composite_digit() {
        // TD3's personal number (unreported): its Z (col 28) a hair behind
        // a 2 that fails its check. Repaired; but the composite's own digit
        // (col 43, under no other check) must then lead clearly.
        let mut s = clean(&TD3);
        s[1][28][idx(b'2')] = 0.91;
        assert_eq!(decode(Format::Td3, &s).unwrap()[1], TD3[1].as_bytes());
        s[1][43][idx(b'8')] = 0.88;
        assert_eq!(decode(Format::Td3, &s), Err(DecodeError::Unsure { line: 1, col: 43 }));
    }

    #[test]
    fn reported_cells_no_check_covers_need_a_clear_lead() {
        // TD1 line 3 (names): the E of ERIKSSON against an F close behind.
        let mut s = clean(&TD1);
        s[2][0][idx(b'F')] = 0.89;
        assert_eq!(decode(Format::Td1, &s), Err(DecodeError::Unsure { line: 2, col: 0 }));
        s[2][0][idx(b'F')] = 0.8;
        assert!(decode(Format::Td1, &s).is_ok());
        // A cell without ink (glare over a name) is no read at all.
        let mut s = clean(&TD1);
        s[2][3] = [-1.0; 37];
        assert_eq!(decode(Format::Td1, &s), Err(DecodeError::Unreadable { line: 2, col: 3 }));
    }

    #[test]
    fn only_the_alphabet_holds() {
        let mut l1 = TD1[0].as_bytes().to_vec();
        l1[20] = b'>';
        assert!(!holds(Format::Td1, &[&l1, TD1[1].as_bytes(), TD1[2].as_bytes()]));
    }

    #[test]
    fn two_cancelling_errors_are_no_read_when_close() {
        // Two changes in the expiry that pass every check together: when
        // both are close seconds, two reads pass and neither is clearly
        // likelier.
        let (a, da, b, db) = cancelling_pair(Format::Td3, &TD3, 21..27);
        let mut s = clean(&TD3);
        s[1][a][idx(da)] = 0.88;
        s[1][b][idx(db)] = 0.88;
        assert_eq!(decode(Format::Td3, &s), Err(DecodeError::Ambiguous));
        // The same pair as the read, the truth a close second: still none.
        let mut s = clean(&TD3);
        s[1][a][idx(da)] = 0.92;
        s[1][b][idx(db)] = 0.92;
        assert_eq!(decode(Format::Td3, &s), Err(DecodeError::Ambiguous));
        // Far behind: the clean read stands.
        let mut s = clean(&TD3);
        s[1][a][idx(da)] = 0.7;
        s[1][b][idx(db)] = 0.7;
        assert_eq!(decode(Format::Td3, &s).unwrap()[1], TD3[1].as_bytes());
    }

    #[test]
    fn symbols_the_check_cannot_tell_apart_need_a_clear_winner() {
        // Document number D23145890 in TD1; make its 'D' contested by 'N'
        // (13 vs 23: same value mod 10, invisible to every check).
        let mut s = clean(&TD1);
        s[0][5][idx(b'N')] = 0.84;
        assert_eq!(decode(Format::Td1, &s), Err(DecodeError::Ambiguous));
        // Closer still: a number's cell must lead its runner-up anyway.
        s[0][5][idx(b'N')] = 0.88;
        assert_eq!(decode(Format::Td1, &s), Err(DecodeError::Unsure { line: 0, col: 5 }));
        s[0][5][idx(b'N')] = 0.6;
        assert!(decode(Format::Td1, &s).is_ok());
    }

    #[test]
    fn unsure_cells_that_are_not_reported_do_not_block_a_read() {
        // The 1995 card's office code (line 1, cols 30-35) is covered by the
        // composite check only; two of its cells each unsure between 0 and
        // O, whose changes cancel in the composite (24 x (7 + 3) = 240).
        let mut lines: Vec<String> = FR95.iter().map(|s| s.to_string()).collect();
        lines[0].replace_range(30..36, "020S02");
        let c = check_digit(&[lines[0].as_bytes(), &lines[1].as_bytes()[..35]].concat());
        lines[1].replace_range(35..36, &(c as char).to_string());
        let l: Vec<&str> = lines.iter().map(|s| s.as_str()).collect();
        let mut s = clean(&l);
        s[0][30][idx(b'O')] = 0.89;
        s[0][34][idx(b'O')] = 0.89;
        let got = decode(Format::FrCni1995, &s).unwrap();
        assert_eq!(got[1], lines[1].as_bytes());
    }

    #[test]
    fn an_unreadable_checked_cell_is_no_read() {
        let mut s = clean(&TD1);
        s[1][3] = [0.1; 37];
        assert_eq!(decode(Format::Td1, &s), Err(DecodeError::Unreadable { line: 1, col: 3 }));
        assert_eq!(decode(Format::Td3, &s), Err(DecodeError::Shape));
    }
}
