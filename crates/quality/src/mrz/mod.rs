//! Reading the machine-readable zone (MRZ) of an identity document, in
//! pure Rust: where it is ([`find`]), what each cell holds ([`ocr`]), what
//! the lines say once every check digit holds ([`format`]), and what that
//! means today ([`dates`]).
//!
//! A read is all or nothing: each reported cell's likeliest symbol, as read,
//! passes every check digit of the format (a failed check is repaired only
//! by a tie in a cell that is not reported, such as the 1995 card's office
//! code), every date exists, no other read nearly as likely passes the
//! checks too, and every reported cell that no check covers (names, sex,
//! nationality) and every letter-or-digit cell of a number leads its
//! runner-up clearly ([`format::decode`]). What is not read is `None`, never a guess; the live
//! loop further waits for the same read on several frames ([`live::Gate`]),
//! and a still's read must be that one when there is one.

pub mod dates;
pub mod find;
pub mod format;
pub mod live;
pub mod ocr;

pub use dates::{Date, Month};
pub use format::Format;

use crate::Reason;
use serde::Serialize;
use std::collections::HashMap;

/// What an MRZ says, in the contract's shape (`idcheck`'s `mrz` object, the
/// part's quality report).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mrz {
    pub format: Format,
    pub document_code: String,
    pub issuer: String,
    pub document_number: String,
    pub birth_date: Date,
    /// Printed (TD1, TD3) or derived from the issue month and the holder's
    /// age at issue (the 1995 card, [`dates::fr_1995_expiry`]).
    pub expiry_date: Date,
    /// The 1995 card's issue month; `None` for the others.
    pub issue_month: Option<Month>,
    /// `M`, `F`, or `X` (unspecified).
    pub sex: String,
    pub nationality: String,
    pub surname: String,
    pub given_names: String,
}

/// A name field: fillers are spaces, runs of them one space.
fn name(b: &[u8]) -> String {
    String::from_utf8_lossy(b).split('<').filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).trim_end_matches('<').to_string()
}

fn sex(c: u8) -> String {
    match c {
        b'M' => "M",
        b'F' => "F",
        _ => "X",
    }
    .to_string()
}

/// The fields of lines that already hold as `format` (see
/// [`format::decode`], [`format::holds`]); `None` when a date does not
/// exist (a 31 April passes a check digit).
pub fn fields(format: Format, lines: &[Vec<u8>], today: Date) -> Option<Mrz> {
    if lines.len() != format.lines() || lines.iter().any(|l| l.len() != format.len()) {
        return None;
    }
    let l = |i: usize| lines[i].as_slice();
    let m = match format {
        Format::Td1 => {
            let (a, b, c) = (l(0), l(1), l(2));
            let (surname, given) = split_names(c);
            Mrz {
                format,
                document_code: text(&a[0..2]),
                issuer: text(&a[2..5]),
                document_number: text(&a[5..14]),
                birth_date: dates::birth_date(&b[0..6], today)?,
                expiry_date: dates::expiry_date(&b[8..14])?,
                issue_month: None,
                sex: sex(b[7]),
                nationality: text(&b[15..18]),
                surname,
                given_names: given,
            }
        }
        Format::Td3 => {
            let (a, b) = (l(0), l(1));
            let (surname, given) = split_names(&a[5..44]);
            Mrz {
                format,
                document_code: text(&a[0..2]),
                issuer: text(&a[2..5]),
                document_number: text(&b[0..9]),
                birth_date: dates::birth_date(&b[13..19], today)?,
                expiry_date: dates::expiry_date(&b[21..27])?,
                issue_month: None,
                sex: sex(b[20]),
                nationality: text(&b[10..13]),
                surname,
                given_names: given,
            }
        }
        Format::FrCni1995 => {
            let (a, b) = (l(0), l(1));
            let birth = dates::birth_date(&b[27..33], today)?;
            let issued = dates::issue_month(&b[0..4], today)?;
            // Issued to a holder already born.
            if (dates::Date { year: issued.year, month: issued.month, day: 1 }).end_of_month() < birth {
                return None;
            }
            Mrz {
                format,
                document_code: "ID".into(),
                issuer: "FRA".into(),
                document_number: text(&b[0..12]),
                birth_date: birth,
                expiry_date: dates::fr_1995_expiry(issued, birth),
                issue_month: Some(issued),
                sex: sex(b[34]),
                nationality: "FRA".into(),
                surname: name(&a[5..30]),
                given_names: name(&b[13..27]),
            }
        }
    };
    Some(m)
}

/// ICAO names: primary identifier, `<<`, secondary identifier.
fn split_names(b: &[u8]) -> (String, String) {
    let s = String::from_utf8_lossy(b);
    match s.split_once("<<") {
        Some((sur, given)) => (name(sur.as_bytes()), name(given.as_bytes())),
        None => (name(b), String::new()),
    }
}

/// The MRZ that text lines hold, whatever their format (the server's
/// re-check of a report); `None` unless every check digit and date holds.
pub fn from_lines(lines: &[&str], today: Date) -> Option<Mrz> {
    let bytes: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
    Format::ALL.into_iter().find(|&f| format::holds(f, &bytes)).and_then(|f| {
        let owned: Vec<Vec<u8>> = bytes.iter().map(|b| b.to_vec()).collect();
        fields(f, &owned, today)
    })
}

/// What the MRZ means for the purchase today: `expired` when validity ended
/// before today, `minor` when the holder is not yet 18.
pub fn reasons(m: &Mrz, today: Date) -> Vec<Reason> {
    let mut r = Vec::new();
    if dates::is_expired(m.expiry_date, today) {
        r.push(Reason::Expired);
    }
    if dates::is_minor(m.birth_date, today) {
        r.push(Reason::Minor);
    }
    r
}

/// How a read went, for scores and tuning.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Trace {
    /// Text lines of an MRZ's length found.
    pub lines: usize,
    /// Groups of them tried as a zone.
    pub zones: usize,
    /// Why the zones tried gave no read (format: error), or why reads
    /// were refused.
    pub errors: Vec<String>,
    /// Mean score of the read's cells.
    pub score: f32,
    /// A zone read but refused for glare over some of its cells.
    pub glare: bool,
    /// The largest share of a cell under glare in the zones decoded
    /// ([`glare_share`]; over [`GLARE_SHARE`] is no read).
    pub glare_share: f32,
}

/// A read: the decoded lines and what they say.
#[derive(Clone, Debug)]
pub struct Read {
    pub lines: Vec<String>,
    pub mrz: Mrz,
    pub score: f32,
}

/// Longest side read at its own resolution; a larger plane is reduced to
/// [`READ_SIDE`] first (an MRZ that fills a 4000-px frame is read as well
/// at 1600, in a fraction of the time and memory).
pub const MAX_SIDE: usize = 2000;
pub const READ_SIDE: usize = 1600;
/// Read the MRZ in a luma plane, in any format, if there is one that reads
/// without doubt.
pub fn read(y: &[u8], w: usize, h: usize, today: Date) -> (Option<Read>, Trace) {
    read_as(y, w, h, today, &Format::ALL)
}

/// Read the MRZ in a luma plane, in one of `formats` only.
pub fn read_as(y: &[u8], w: usize, h: usize, today: Date, formats: &[Format]) -> (Option<Read>, Trace) {
    let mut trace = Trace::default();
    if w < 16 || h < 16 || w.checked_mul(h).is_none_or(|n| y.len() < n) {
        return (None, trace);
    }
    if w.max(h) > MAX_SIDE {
        let k = READ_SIDE as f32 / w.max(h) as f32;
        let (sw, sh) = (((w as f32 * k) as usize).max(16), ((h as f32 * k) as usize).max(16));
        let mut small = crate::frame::area_resample(y, w, h, sw, sh);
        let out = read_as(&small, sw, sh, today, formats);
        crate::frame::wipe(&mut small);
        return out;
    }
    let found = find::lines(y, w, h);
    trace.lines = found.len();
    let mut reads: Vec<Read> = Vec::new();
    for &f in formats {
        let n = f.len() as i32;
        for zone in find::zones(&found, f.lines()) {
            if zone.iter().any(|&i| (found[i].cells as i32 - n).abs() > 6) {
                continue;
            }
            trace.zones += 1;
            let caps: Vec<f32> = zone.iter().map(|&i| found[i].cap).collect();
            let cap = caps.iter().sum::<f32>() / caps.len() as f32;
            // Each line's possible alignments of its chain to the format's
            // cells (a glyph lost at an end, or a stray mark past it), and
            // the scores of the cells each alignment needs.
            let mut shifts: Vec<Vec<i32>> = Vec::new();
            let mut cache: Vec<HashMap<i32, Option<ocr::Observed>>> = vec![HashMap::new(); zone.len()];
            for &i in &zone {
                let k = found[i].cells as i32;
                shifts.push((k.min(n) - n..=(k - n).max(0)).collect());
            }
            let combos: usize = shifts.iter().map(|s| s.len()).product();
            if combos > 64 {
                continue;
            }
            for c in 0..combos {
                let mut rem = c;
                let mut at: Vec<i32> = Vec::with_capacity(zone.len());
                for (li, &i) in zone.iter().enumerate() {
                    let s = shifts[li][rem % shifts[li].len()];
                    rem /= shifts[li].len();
                    at.push(s);
                    let line = &found[i];
                    for j in 0..n {
                        cache[li]
                            .entry(j + s)
                            .or_insert_with(|| ocr::observe(y, w, h, &line.cell((j + s) as f32, cap)));
                    }
                }
                // Borrowed from the cache, so that each cell's correlations
                // are computed once whatever the alignments tried.
                let seen: Vec<Vec<Option<&ocr::Observed>>> = at
                    .iter()
                    .enumerate()
                    .map(|(li, &s)| (0..n).map(|j| cache[li].get(&(j + s)).and_then(|o| o.as_ref())).collect())
                    .collect();
                let grid = zone_scores(&seen);
                match format::decode(f, &grid) {
                    Ok(lines) => {
                        let cells: Vec<Vec<ocr::Cell>> = zone
                            .iter()
                            .zip(&at)
                            .map(|(&i, &s)| (0..n).map(|j| found[i].cell((j + s) as f32, cap)).collect())
                            .collect();
                        let (share, (l, c)) = glare_share(y, w, h, &cells);
                        trace.glare_share = trace.glare_share.max(share);
                        if share > GLARE_SHARE {
                            trace.errors.push(format!("{}: glare over line {l} cell {c}", f.as_str()));
                        } else if let Some(mrz) = fields(f, &lines, today) {
                            let score = mean_score(&grid, &lines);
                            let lines = lines.into_iter().map(|l| String::from_utf8_lossy(&l).into_owned()).collect();
                            reads.push(Read { lines, mrz, score });
                        } else {
                            trace.errors.push(format!("{}: date", f.as_str()));
                        }
                    }
                    Err(e) => trace.errors.push(format!("{}: {e:?}", f.as_str())),
                }
            }
        }
    }
    // A zone refused for glare still says the frame is not to be trusted:
    // another alignment of the same zone that leaves the glared cell out
    // could decode differently, and the refused read can no longer veto it.
    trace.glare = trace.glare_share > GLARE_SHARE;
    if trace.glare {
        return (None, trace);
    }
    reads.dedup_by(|a, b| a.lines == b.lines);
    let first = reads.first().map(|r| r.lines.clone());
    if reads.iter().any(|r| Some(&r.lines) != first.as_ref()) {
        trace.errors.push("two different reads".into());
        return (None, trace);
    }
    let read = reads.into_iter().next();
    if let Some(r) = &read {
        trace.score = r.score;
        trace.errors.clear();
    }
    (read, trace)
}

/// Least score of a cell's likeliest symbol for its ink height to count
/// towards the capitals' height (a clear read; from 0.4 to 0.6 the least
/// lead of a true symbol on the labelled MRZ frames moved by 0.011 at most,
/// measured with the first trained table, highest at 0.6).
const CAP_SCORE: f32 = 0.6;

/// The capitals' height in a zone: the median, scaled to `H`, over cells
/// whose likeliest symbol (by shape alone, clearly) is a flat capital
/// ([`ocr::is_flat_capital`]), when there are four or more (`None`: the
/// height cue is left out, and `0` against `O` rests on shape alone).
pub fn zone_cap<'a>(cells: impl IntoIterator<Item = &'a ocr::Observed>) -> Option<f32> {
    let mut caps: Vec<f32> = Vec::new();
    for o in cells {
        let s = ocr::scores(Some(o), None);
        let k = (0..37).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap_or(0);
        if ocr::is_flat_capital(format::SYMBOLS[k]) && s[k] >= CAP_SCORE {
            caps.push(ocr::as_cap_height(o, k));
        }
    }
    caps.sort_by(f32::total_cmp);
    (caps.len() >= 4).then(|| caps[caps.len() / 2])
}

/// The zone's scores with the height cue ([`zone_cap`]).
pub fn zone_scores(seen: &[Vec<Option<&ocr::Observed>>]) -> Vec<Vec<format::CellScores>> {
    let cap = zone_cap(seen.iter().flatten().flatten().copied());
    seen.iter().map(|row| row.iter().map(|o| ocr::scores(*o, cap)).collect()).collect()
}

/// How much brighter than the paper of the cells around it a sample must
/// be to count as glare, in grey levels (well over the sensor's and JPEG's
/// noise on a 2 x 2 average).
const GLARE_RISE: f32 = 10.0;
/// The share of a cell's box that glare must cover.
pub const GLARE_SHARE: f32 = 0.03;
/// The cells on each side whose paper sets a cell's reference.
const GLARE_REACH: usize = 4;

/// How much of a zone glare covers: the largest share of a cell's box
/// brighter than the paper of the cells around it by [`GLARE_RISE`], and
/// that cell (line, index). A glyph half under a highlight can read as
/// another symbol with a clear lead, and nothing checks the names, sex or
/// nationality: a zone over [`GLARE_SHARE`] is no read (the shopper is
/// asked to move out of the glare), however well it decodes. The reference
/// is the brightest paper among the neighbours on the line, so what this
/// finds is a sharp highlight up to about two cells across; a veil that
/// brightens several cells alike, or a streak along a line, is not found
/// here (a saturated one over 2.9 % of the document is the quality check's
/// glare).
pub fn glare_share(y: &[u8], w: usize, h: usize, cells: &[Vec<ocr::Cell>]) -> (f32, (usize, usize)) {
    const GW: usize = 12;
    const GH: usize = 18;
    let mut worst = (0.0, (0, 0));
    for (l, row) in cells.iter().enumerate() {
        let grids: Vec<[f32; GW * GH]> = row
            .iter()
            .map(|c| {
                let mut g = [0f32; GW * GH];
                ocr::sample_grid(y, w, h, c, GW, GH, &mut g);
                g
            })
            .collect();
        // Each cell's paper: the 90th percentile of its box.
        let paper: Vec<f32> = grids
            .iter()
            .map(|g| {
                let mut v = *g;
                v.sort_by(f32::total_cmp);
                v[GW * GH * 9 / 10]
            })
            .collect();
        for (i, g) in grids.iter().enumerate() {
            let around: Vec<f32> = (i.saturating_sub(GLARE_REACH)..(i + GLARE_REACH + 1).min(row.len()))
                .filter(|&j| j != i)
                .map(|j| paper[j])
                .collect();
            if around.is_empty() {
                continue;
            }
            // The brightest: the paper least darkened by its glyph's ink
            // (a soft print darkens dense glyphs' boxes more).
            let reference = around.iter().copied().fold(f32::MIN, f32::max);
            let share = g.iter().filter(|&&v| v > reference + GLARE_RISE).count() as f32 / (GW * GH) as f32;
            if share > worst.0 {
                worst = (share, (l, i));
            }
        }
    }
    worst
}

fn mean_score(grid: &[Vec<format::CellScores>], lines: &[Vec<u8>]) -> f32 {
    let mut s = 0.0;
    let mut n = 0;
    for (row, line) in grid.iter().zip(lines) {
        for (cell, &c) in row.iter().zip(line) {
            let k = format::SYMBOLS.iter().position(|&x| x == c).unwrap_or(0);
            s += cell[k];
            n += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        s / n as f32
    }
}
