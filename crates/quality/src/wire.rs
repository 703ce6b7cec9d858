//! The messages between the page and the analysis worker (the app's two
//! WebAssembly modules, see `crates/analysis`). Small and typed: the pixels
//! travel beside them as transferred `ArrayBuffer`s (HTML, "Transferable
//! objects"), never inside. Pure data, so both sides and their tests share
//! one definition; JSON on the wire (`serde_json` on both sides).
//!
//! The worker never returns the pixels, nor the scores: a look, the reasons,
//! and an MRZ as its decoded lines. The page parses those lines again
//! ([`crate::mrz::from_lines`]), so a read it acts on always passed every
//! check digit on the page's side too.

use crate::live::Look;
use crate::mrz::Format;
use crate::Reason;
use serde::{Deserialize, Serialize};

/// Page to worker. `id` pairs a request with its reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToWorker {
    /// A new live screen: forget the last one's frames (motion, steadiness).
    Begin,
    /// A live screen is over: wipe the frames kept between looks.
    End,
    /// Judge a live frame (`w` x `h` RGBA, transferred as `pixels`), with
    /// the screen check's patch (`patch` side, RGBA, transferred as `patch`)
    /// when there is one.
    Look { id: u32, selfie: bool, w: u32, h: u32, patch: Option<u32> },
    /// Read the MRZ of a frame (`w` x `h` RGBA in `pixels`) in `formats`;
    /// `today` is the device's calendar date (`YYYY-MM-DD`).
    ReadMrz { id: u32, w: u32, h: u32, formats: Vec<Format>, today: String },
    /// Judge a still (`w` x `h` RGBA in `pixels`), reading its MRZ in
    /// `formats` (none: the side carries none).
    Still { id: u32, selfie: bool, w: u32, h: u32, formats: Vec<Format>, today: String },
    /// Load the face model if it is not loaded; the reply says whether it is.
    Model { id: u32 },
}

/// Worker to page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's module is compiled and listening (sent once, unasked).
    Ready,
    /// A live frame's look; `None` when it could not be judged (a selfie
    /// before the face model, a frame of the wrong size).
    Looked { id: u32, look: Option<Look>, ms: f64 },
    /// An MRZ attempt: whether a zone of an MRZ's shape was seen, and the
    /// read's lines if one passed every check.
    MrzRead { id: u32, zone: bool, lines: Option<Vec<String>>, score: f32, ms: f64 },
    /// A still's verdict; `checked: false` when it could not be judged (a
    /// selfie without the face model, a malformed frame).
    Still {
        id: u32,
        checked: bool,
        reasons: Vec<Reason>,
        guidance: Vec<String>,
        mrz_lines: Option<Vec<String>>,
        mrz_score: f32,
        ms: f64,
    },
    /// Whether the face model is loaded (after a load if one was needed).
    Model { id: u32, ready: bool },
}

impl FromWorker {
    /// The request this answers, `None` for [`FromWorker::Ready`].
    pub fn id(&self) -> Option<u32> {
        match self {
            FromWorker::Ready => None,
            FromWorker::Looked { id, .. }
            | FromWorker::MrzRead { id, .. }
            | FromWorker::Still { id, .. }
            | FromWorker::Model { id, .. } => Some(*id),
        }
    }
}

/// The longest side of a frame either side accepts (a 4K still is 3840):
/// a bigger size in a message is refused before any buffer is sized by it.
pub const MAX_SIDE: u32 = 8192;

/// Whether `w` x `h` RGBA pixels fit `len` bytes exactly, within
/// [`MAX_SIDE`]: a message's size is checked against its buffer before use.
pub fn rgba_fits(w: u32, h: u32, len: usize) -> bool {
    w > 0 && h > 0 && w <= MAX_SIDE && h <= MAX_SIDE && (w as usize) * (h as usize) * 4 == len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{Anchor, Cue, Cues};

    #[test]
    fn messages_round_trip_as_json() {
        let mut cues = Cues::default();
        cues.insert(Cue::Glare);
        let look = Look {
            cues,
            anchor: Some(Anchor { x: 0.5, y: 0.25, size: 0.6, stepped_size: false }),
            next_patch: Some((0.1, 0.2)),
        };
        let replies = [
            FromWorker::Ready,
            FromWorker::Looked { id: 7, look: Some(look), ms: 3.5 },
            FromWorker::MrzRead { id: 8, zone: true, lines: Some(vec!["P<FRA".into()]), score: 0.9, ms: 40.0 },
            FromWorker::Still {
                id: 9,
                checked: true,
                reasons: vec![Reason::Blur, Reason::Expired],
                guidance: vec!["too_far".into()],
                mrz_lines: None,
                mrz_score: 0.0,
                ms: 12.0,
            },
            FromWorker::Model { id: 10, ready: false },
        ];
        for r in replies {
            let back: FromWorker = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
            assert_eq!(back, r);
        }
        let asks = [
            ToWorker::Begin,
            ToWorker::End,
            ToWorker::Look { id: 1, selfie: false, w: 640, h: 360, patch: Some(256) },
            ToWorker::ReadMrz { id: 2, w: 1280, h: 720, formats: vec![Format::Td1], today: "2026-11-30".into() },
            ToWorker::Still { id: 3, selfie: true, w: 1920, h: 1080, formats: vec![], today: "2026-11-30".into() },
            ToWorker::Model { id: 4 },
        ];
        for a in asks {
            let back: ToWorker = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
            assert_eq!(back, a);
        }
        // The reasons keep the contract's names.
        assert!(serde_json::to_string(&FromWorker::Still {
            id: 1,
            checked: true,
            reasons: vec![Reason::TooDark],
            guidance: vec![],
            mrz_lines: None,
            mrz_score: 0.0,
            ms: 0.0
        })
        .unwrap()
        .contains("\"too_dark\""));
    }

    #[test]
    fn hostile_messages_are_refused() {
        for bad in ["", "{}", "{\"look\":{}}", "{\"nope\":{\"id\":1}}", "[1,2]", "{\"look\":{\"id\":-1}}", "\"look\""] {
            assert!(serde_json::from_str::<ToWorker>(bad).is_err(), "{bad}");
        }
        assert!(rgba_fits(640, 360, 640 * 360 * 4));
        assert!(!rgba_fits(640, 360, 640 * 360 * 4 - 1));
        assert!(!rgba_fits(0, 360, 0));
        assert!(!rgba_fits(MAX_SIDE + 1, 1, (MAX_SIDE as usize + 1) * 4));
        assert!(!rgba_fits(u32::MAX, u32::MAX, 0));
    }
}
