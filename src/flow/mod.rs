//! The capture journey as a pure state machine: no browser types, so every
//! transition is tested natively. The UI renders [`Journey::step`] and turns
//! the shopper's actions and the effects' results into [`Event`]s; effects
//! (camera, uploads, messages to the host) live outside, as in Yew's
//! `function_todomvc` (reducer state, effects beside it).

pub mod countdown;
pub mod uploads;

use serde::{Deserialize, Serialize};

/// The documents the FAQ accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// Carte nationale d'identité (ID-1 card, two sides).
    IdCard,
    /// Titre / carte de séjour (ID-1 card, two sides).
    ResidencePermit,
    /// Passeport: the data page only (ID-3).
    Passport,
}

impl DocumentType {
    pub const ALL: [DocumentType; 3] = [DocumentType::IdCard, DocumentType::ResidencePermit, DocumentType::Passport];

    /// The parts to capture, in order.
    pub fn parts(self) -> &'static [Part] {
        match self {
            DocumentType::IdCard | DocumentType::ResidencePermit => {
                &[Part::DocumentFront, Part::DocumentBack, Part::Selfie]
            }
            DocumentType::Passport => &[Part::DocumentFront, Part::Selfie],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentType::IdCard => "id_card",
            DocumentType::ResidencePermit => "residence_permit",
            DocumentType::Passport => "passport",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentType> {
        DocumentType::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Width over height of the capture guide: ID-1 is 85.60 x 53.98 mm,
    /// a passport data page (ID-3) 125 x 88 mm (ISO/IEC 7810).
    pub fn aspect(self) -> f64 {
        match self {
            DocumentType::Passport => 125.0 / 88.0,
            _ => 85.60 / 53.98,
        }
    }
}

/// A captured part, as the session API names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    DocumentFront,
    DocumentBack,
    Selfie,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::DocumentFront => "document_front",
            Part::DocumentBack => "document_back",
            Part::Selfie => "selfie",
        }
    }

    pub fn parse(s: &str) -> Option<Part> {
        [Part::DocumentFront, Part::DocumentBack, Part::Selfie].into_iter().find(|p| p.as_str() == s)
    }

    /// Which camera the part needs: the rear one for documents, the front one
    /// for the selfie.
    pub fn is_selfie(self) -> bool {
        self == Part::Selfie
    }
}

/// Why the document in hand cannot serve, read from its MRZ: the journey
/// stops on a screen of its own and the host is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Its validity ended before today.
    Expired,
    /// Its holder is under 18 today.
    Minor,
}

impl Refusal {
    /// The reason's name in the contract (`idcheck`, the report, the host).
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Expired => "expired",
            Refusal::Minor => "minor",
        }
    }
}

/// Where the shopper is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Welcome,
    Choose,
    Capture(Part),
    Review(Part),
    Sending,
    Done,
    /// The hour is over: the purchase is cancelled and refunded.
    Expired,
    /// The shopper or the merchant cancelled.
    Cancelled,
    /// Continue on another device: a QR code and a link; this page follows
    /// the other device's progress.
    Handoff,
    /// The document read cannot serve (expired, a minor's): another
    /// document, or the end.
    Refused(Refusal),
}

impl Step {
    /// A stable name for the host's `step` events and for tests.
    pub fn name(self) -> &'static str {
        match self {
            Step::Welcome => "welcome",
            Step::Choose => "choose_document",
            Step::Capture(Part::DocumentFront) => "capture_front",
            Step::Capture(Part::DocumentBack) => "capture_back",
            Step::Capture(Part::Selfie) => "capture_selfie",
            Step::Review(Part::DocumentFront) => "review_front",
            Step::Review(Part::DocumentBack) => "review_back",
            Step::Review(Part::Selfie) => "review_selfie",
            Step::Sending => "sending",
            Step::Done => "done",
            Step::Expired => "expired",
            Step::Cancelled => "cancelled",
            Step::Handoff => "handoff",
            Step::Refused(Refusal::Expired) => "document_expired",
            Step::Refused(Refusal::Minor) => "holder_minor",
        }
    }

    /// Whether the journey is over (nothing more can happen).
    pub fn is_final(self) -> bool {
        matches!(self, Step::Done | Step::Expired | Step::Cancelled)
    }

    /// Whether this screen needs the camera (it is released on every other).
    pub fn needs_camera(self) -> bool {
        matches!(self, Step::Capture(_))
    }
}

/// What can happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Start,
    Choose(DocumentType),
    /// Back from choosing the document to the welcome screen.
    Back,
    /// A still was taken for the current part.
    Shutter,
    Retake,
    /// The shopper keeps the still under review.
    Accept,
    /// The backend confirmed it stores this part.
    Uploaded(Part),
    /// The backend confirmed completion.
    Completed,
    /// The backend says the session is completed though this device did
    /// not ask (finished on another device, or the answer to its own
    /// request was lost): done, from any open step.
    FinishedElsewhere,
    /// The backend refused this part's image for good: take it again.
    Refused(Part),
    /// The still under review carries the MRZ of a 1995 identity card (on
    /// its front: its back then has none to wait for).
    MrzRead(Part),
    /// The MRZ read says the document cannot serve (the merchant's rule
    /// for it is on).
    Refuse(Refusal),
    /// The deadline passed.
    Expire,
    Cancel,
    /// Continue on another device (no camera here, or the shopper's choice).
    HandOff,
    /// What another device has done meanwhile (polled while handing off).
    Remote {
        document: Option<DocumentType>,
        stored: Vec<Part>,
        completed: bool,
    },
    /// Reopened (reload, crash, another device) on a session with this
    /// progress: resume at the first missing part.
    Resume {
        started: bool,
        document: Option<DocumentType>,
        stored: Vec<Part>,
        completed: bool,
    },
}

/// The journey's state.
#[derive(Clone, Debug, PartialEq)]
pub struct Journey {
    pub step: Step,
    pub document: Option<DocumentType>,
    /// Parts the shopper accepted (sent or being sent).
    pub accepted: Vec<Part>,
    /// Parts the backend confirmed.
    pub uploaded: Vec<Part>,
    /// Parts whose still carried a 1995 identity card's MRZ.
    pub mrz_read: Vec<Part>,
}

impl Default for Journey {
    fn default() -> Self {
        Journey {
            step: Step::Welcome,
            document: None,
            accepted: Vec::new(),
            uploaded: Vec::new(),
            mrz_read: Vec::new(),
        }
    }
}

impl Journey {
    /// Whether `part` of the chosen document carries the MRZ (ICAO Doc 9303:
    /// the passport's data page; the back of the identity card since 2021
    /// and of the titre de séjour), so that it is shot only once the MRZ is
    /// read. A 1995 identity card carries it on its front: once the front
    /// was read so, the back has none.
    pub fn expects_mrz(&self, part: Part) -> bool {
        match (self.document, part) {
            (Some(DocumentType::Passport), Part::DocumentFront) => true,
            (Some(DocumentType::IdCard | DocumentType::ResidencePermit), Part::DocumentBack) => {
                !self.mrz_read.contains(&Part::DocumentFront)
            }
            _ => false,
        }
    }

    /// The first part of the document not yet accepted.
    fn next_part(&self) -> Option<Part> {
        self.document?.parts().iter().copied().find(|p| !self.accepted.contains(p))
    }

    fn after_accept(&self) -> Step {
        match self.next_part() {
            Some(p) => Step::Capture(p),
            None => Step::Sending,
        }
    }

    /// Every part of the document is confirmed by the backend: completion
    /// may be requested.
    pub fn ready_to_complete(&self) -> bool {
        self.document.is_some_and(|d| d.parts().iter().all(|p| self.uploaded.contains(p)))
    }

    /// Share of the document's parts confirmed (for the progress bar).
    pub fn progress(&self) -> (usize, usize) {
        let total = self.document.map_or(0, |d| d.parts().len());
        (self.uploaded.len().min(total), total)
    }

    /// Apply an event. Events that make no sense in the current step leave
    /// the journey unchanged (a late upload confirmation after expiry, a
    /// double click on the shutter).
    pub fn apply(&self, event: Event) -> Journey {
        let mut j = self.clone();
        if self.step.is_final() {
            return j;
        }
        match (self.step, event) {
            (_, Event::Expire) => j.step = Step::Expired,
            (_, Event::Cancel) => j.step = Step::Cancelled,
            (Step::Welcome, Event::Start) => j.step = Step::Choose,
            (Step::Welcome | Step::Choose | Step::Capture(_) | Step::Review(_), Event::HandOff) => {
                j.step = Step::Handoff
            }
            (Step::Handoff, Event::Back) => j.step = Step::Welcome,
            (Step::Handoff, Event::Remote { document, stored, completed }) => {
                if let Some(d) = document {
                    j.document = Some(d);
                    j.accepted = d.parts().iter().copied().filter(|p| stored.contains(p)).collect();
                    j.uploaded = j.accepted.clone();
                }
                if completed {
                    j.step = Step::Done;
                }
            }
            (Step::Choose, Event::Back) => j.step = Step::Welcome,
            (Step::Choose, Event::Choose(d)) => {
                j.document = Some(d);
                j.accepted.clear();
                j.uploaded.clear();
                j.mrz_read.clear();
                j.step = j.after_accept();
            }
            (Step::Capture(p), Event::Shutter) => j.step = Step::Review(p),
            (Step::Review(p), Event::MrzRead(q)) if p == q && !j.mrz_read.contains(&p) => j.mrz_read.push(p),
            (Step::Capture(_) | Step::Review(_), Event::Refuse(r)) => j.step = Step::Refused(r),
            // Another document: the choice again, from the start.
            (Step::Refused(_), Event::Back) => j.step = Step::Choose,
            (Step::Review(p), Event::Retake) => {
                // The retaken still says again whether it is a 1995 card.
                j.mrz_read.retain(|q| *q != p);
                j.step = Step::Capture(p);
            }
            (Step::Review(p), Event::Accept) => {
                if !j.accepted.contains(&p) {
                    j.accepted.push(p);
                }
                j.step = j.after_accept();
            }
            (_, Event::Uploaded(p)) if j.accepted.contains(&p) && !j.uploaded.contains(&p) => j.uploaded.push(p),
            (Step::Sending, Event::Completed) => j.step = Step::Done,
            (_, Event::FinishedElsewhere) => j.step = Step::Done,
            (step, Event::Refused(p)) if j.accepted.contains(&p) => {
                j.accepted.retain(|q| *q != p);
                j.mrz_read.retain(|q| *q != p);
                j.uploaded.retain(|q| *q != p);
                // From the sending screen straight to the retake; from any
                // other, the journey reaches it once the current part is
                // done (the first part not accepted comes next).
                if step == Step::Sending {
                    j.step = Step::Capture(p);
                }
            }
            (Step::Welcome | Step::Choose, Event::Resume { started, document, stored, completed }) => {
                if let Some(document) = document {
                    j.document = Some(document);
                    j.accepted = document.parts().iter().copied().filter(|p| stored.contains(p)).collect();
                    j.uploaded = j.accepted.clone();
                    j.step = if completed { Step::Done } else { j.after_accept() };
                } else if started {
                    j.step = Step::Choose;
                }
            }
            _ => {}
        }
        j
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(events: Vec<Event>) -> Journey {
        events.into_iter().fold(Journey::default(), |j, e| j.apply(e))
    }

    #[test]
    fn id_card_goes_front_back_selfie_then_sends() {
        use Event::*;
        let mut j = run(vec![Start, Choose(DocumentType::IdCard)]);
        assert_eq!(j.step, Step::Capture(Part::DocumentFront));
        for (part, next) in [
            (Part::DocumentFront, Step::Capture(Part::DocumentBack)),
            (Part::DocumentBack, Step::Capture(Part::Selfie)),
            (Part::Selfie, Step::Sending),
        ] {
            j = j.apply(Shutter);
            assert_eq!(j.step, Step::Review(part));
            j = j.apply(Accept);
            assert_eq!(j.step, next);
        }
        assert!(!j.ready_to_complete());
        for p in DocumentType::IdCard.parts() {
            j = j.apply(Uploaded(*p));
        }
        assert!(j.ready_to_complete());
        assert_eq!(j.progress(), (3, 3));
        assert_eq!(j.apply(Completed).step, Step::Done);
    }

    #[test]
    fn residence_permit_has_two_sides_too() {
        assert_eq!(DocumentType::ResidencePermit.parts().len(), 3);
    }

    #[test]
    fn the_mrz_is_awaited_on_the_side_that_carries_it() {
        use Event::*;
        let j = run(vec![Start, Choose(DocumentType::IdCard)]);
        assert!(!j.expects_mrz(Part::DocumentFront));
        assert!(j.expects_mrz(Part::DocumentBack));
        assert!(!j.expects_mrz(Part::Selfie));
        // A 1995 card: its front was read, its back has no MRZ.
        let j = j.apply(Shutter).apply(MrzRead(Part::DocumentFront)).apply(Accept);
        assert_eq!(j.step, Step::Capture(Part::DocumentBack));
        assert!(!j.expects_mrz(Part::DocumentBack));
        // Another document chosen: forgotten.
        let j = run(vec![Start, Choose(DocumentType::ResidencePermit)]);
        assert!(j.expects_mrz(Part::DocumentBack));
        let j = run(vec![Start, Choose(DocumentType::Passport)]);
        assert!(j.expects_mrz(Part::DocumentFront));
        // The backend refusing that front forgets it too.
        let j = run(vec![Start, Choose(DocumentType::IdCard), Shutter, MrzRead(Part::DocumentFront), Accept]);
        assert!(!j.expects_mrz(Part::DocumentBack));
        assert!(j.apply(Refused(Part::DocumentFront)).expects_mrz(Part::DocumentBack));
        // A retake forgets it.
        let j = run(vec![Start, Choose(DocumentType::IdCard), Shutter, MrzRead(Part::DocumentFront), Retake]);
        assert!(j.expects_mrz(Part::DocumentBack));
        // A read for another part than the one under review is ignored.
        let j = run(vec![Start, Choose(DocumentType::IdCard), Shutter, MrzRead(Part::DocumentBack)]);
        assert!(j.mrz_read.is_empty());
    }

    #[test]
    fn an_expired_or_minors_document_stops_on_its_screen_then_another_is_chosen() {
        use Event::*;
        let j = run(vec![Start, Choose(DocumentType::IdCard), Shutter, Accept, Shutter]);
        assert_eq!(j.step, Step::Review(Part::DocumentBack));
        let r = j.apply(Refuse(Refusal::Expired));
        assert_eq!(r.step, Step::Refused(Refusal::Expired));
        assert_eq!(r.step.name(), "document_expired");
        assert!(!r.step.needs_camera() && !r.step.is_final());
        // Nothing else moves it but another document, cancel or the hour.
        assert_eq!(r.apply(Shutter).step, r.step);
        assert_eq!(r.apply(Accept).step, r.step);
        let again = r.apply(Back);
        assert_eq!(again.step, Step::Choose);
        let p = again.apply(Choose(DocumentType::Passport));
        assert_eq!(p.step, Step::Capture(Part::DocumentFront));
        assert!(p.accepted.is_empty() && p.uploaded.is_empty());
        // A minor's passport, from the capture screen.
        let m = run(vec![Start, Choose(DocumentType::Passport), Refuse(Refusal::Minor)]);
        assert_eq!(m.step.name(), "holder_minor");
        assert_eq!(m.apply(Expire).step, Step::Expired);
        // Not from elsewhere.
        assert_eq!(run(vec![Start, Refuse(Refusal::Minor)]).step, Step::Choose);
    }

    #[test]
    fn passport_skips_the_back() {
        use Event::*;
        let j = run(vec![Start, Choose(DocumentType::Passport), Shutter, Accept]);
        assert_eq!(j.step, Step::Capture(Part::Selfie));
        let j = j.apply(Shutter).apply(Accept);
        assert_eq!(j.step, Step::Sending);
        assert_eq!(j.accepted, vec![Part::DocumentFront, Part::Selfie]);
    }

    #[test]
    fn retake_returns_to_the_same_capture() {
        use Event::*;
        let j = run(vec![Start, Choose(DocumentType::IdCard), Shutter, Retake]);
        assert_eq!(j.step, Step::Capture(Part::DocumentFront));
        assert!(j.accepted.is_empty());
        let j = j.apply(Shutter).apply(Accept).apply(Shutter).apply(Retake);
        assert_eq!(j.step, Step::Capture(Part::DocumentBack));
    }

    #[test]
    fn back_from_choose_and_nonsense_events_are_ignored() {
        use Event::*;
        assert_eq!(run(vec![Start, Back]).step, Step::Welcome);
        // A shutter on the welcome screen, an accept while capturing, a
        // completion before sending: nothing happens.
        assert_eq!(run(vec![Shutter]).step, Step::Welcome);
        let j = run(vec![Start, Choose(DocumentType::IdCard), Accept, Completed]);
        assert_eq!(j.step, Step::Capture(Part::DocumentFront));
        // Confirmation of a part never accepted is not counted.
        assert!(j.apply(Uploaded(Part::Selfie)).uploaded.is_empty());
    }

    #[test]
    fn expiry_stops_the_journey_from_every_step() {
        use Event::*;
        let paths: Vec<Vec<Event>> = vec![
            vec![],
            vec![Start],
            vec![Start, Choose(DocumentType::IdCard)],
            vec![Start, Choose(DocumentType::IdCard), Shutter],
            vec![Start, Choose(DocumentType::Passport), Shutter, Accept, Shutter, Accept],
        ];
        for p in paths {
            let j = run(p).apply(Expire);
            assert_eq!(j.step, Step::Expired);
            // Nothing leaves the expired state.
            for e in [Start, Shutter, Accept, Completed, Uploaded(Part::Selfie), Cancel] {
                assert_eq!(j.apply(e).step, Step::Expired);
            }
        }
        // Done is final too: a late expiry does not undo a completion.
        let done = run(vec![Start, Choose(DocumentType::Passport), Shutter, Accept, Shutter, Accept])
            .apply(Uploaded(Part::DocumentFront))
            .apply(Uploaded(Part::Selfie))
            .apply(Completed);
        assert_eq!(done.apply(Expire).step, Step::Done);
    }

    #[test]
    fn a_refused_part_is_taken_again() {
        use Event::*;
        let sending = run(vec![Start, Choose(DocumentType::Passport), Shutter, Accept, Shutter, Accept]);
        assert_eq!(sending.step, Step::Sending);
        let j = sending.apply(Uploaded(Part::Selfie)).apply(Refused(Part::DocumentFront));
        assert_eq!(j.step, Step::Capture(Part::DocumentFront));
        assert!(!j.ready_to_complete());
        let j = j.apply(Shutter).apply(Accept);
        assert_eq!(j.step, Step::Sending, "the selfie is still stored");
        // Refused while the shopper takes the next part: that part first.
        let j = run(vec![Start, Choose(DocumentType::IdCard), Shutter, Accept]).apply(Refused(Part::DocumentFront));
        assert_eq!(j.step, Step::Capture(Part::DocumentBack));
        assert_eq!(j.apply(Shutter).apply(Accept).step, Step::Capture(Part::DocumentFront));
        // A part never accepted is not refused.
        assert_eq!(sending.apply(Refused(Part::DocumentBack)), sending);
    }

    #[test]
    fn finished_elsewhere_is_done_from_any_open_step() {
        use Event::*;
        for p in [vec![], vec![Start, Choose(DocumentType::IdCard)], vec![Start, HandOff]] {
            assert_eq!(run(p).apply(FinishedElsewhere).step, Step::Done);
        }
        assert_eq!(run(vec![Cancel, FinishedElsewhere]).step, Step::Cancelled);
    }

    #[test]
    fn cancel_from_any_open_step() {
        assert_eq!(run(vec![Event::Start, Event::Cancel]).step, Step::Cancelled);
    }

    #[test]
    fn resume_continues_at_the_first_missing_part() {
        let resume = |started, document, stored: Vec<Part>, completed| {
            Journey::default().apply(Event::Resume { started, document, stored, completed })
        };
        let j = resume(true, Some(DocumentType::IdCard), vec![Part::DocumentFront], false);
        assert_eq!(j.step, Step::Capture(Part::DocumentBack));
        assert_eq!(j.uploaded, vec![Part::DocumentFront]);
        let all = resume(true, Some(DocumentType::Passport), vec![Part::DocumentFront, Part::Selfie], false);
        assert_eq!(all.step, Step::Sending);
        assert!(all.ready_to_complete());
        // Started but no document yet: back to the choice; not started: welcome.
        assert_eq!(resume(true, None, vec![], false).step, Step::Choose);
        assert_eq!(resume(false, None, vec![], false).step, Step::Welcome);
        // Document chosen, nothing stored yet: the front.
        assert_eq!(resume(true, Some(DocumentType::IdCard), vec![], false).step, Step::Capture(Part::DocumentFront));
        // Already completed (reload on the last screen).
        let done = resume(true, Some(DocumentType::Passport), vec![Part::DocumentFront, Part::Selfie], true);
        assert_eq!(done.step, Step::Done);
        // A part of another document type is not counted.
        let j = resume(true, Some(DocumentType::Passport), vec![Part::DocumentBack], false);
        assert!(j.accepted.is_empty());
    }

    #[test]
    fn hand_off_follows_the_other_device_to_completion() {
        use Event::*;
        let j = run(vec![Start, Choose(DocumentType::IdCard), HandOff]);
        assert_eq!(j.step, Step::Handoff);
        let j = j.apply(Remote {
            document: Some(DocumentType::IdCard),
            stored: vec![Part::DocumentFront],
            completed: false,
        });
        assert_eq!((j.step, j.uploaded.clone()), (Step::Handoff, vec![Part::DocumentFront]));
        let done = j.apply(Remote {
            document: Some(DocumentType::IdCard),
            stored: vec![Part::DocumentFront, Part::DocumentBack, Part::Selfie],
            completed: true,
        });
        assert_eq!(done.step, Step::Done);
        // Back from the hand-off to try this device again; expiry still wins.
        assert_eq!(j.apply(Back).step, Step::Welcome);
        assert_eq!(j.apply(Expire).step, Step::Expired);
        // Not while sending: this device already has everything.
        let sending = run(vec![Start, Choose(DocumentType::Passport), Shutter, Accept, Shutter, Accept]);
        assert_eq!(sending.apply(HandOff).step, Step::Sending);
    }

    #[test]
    fn names_and_guides() {
        assert_eq!(Step::Capture(Part::DocumentBack).name(), "capture_back");
        assert!(Step::Capture(Part::Selfie).needs_camera() && !Step::Review(Part::Selfie).needs_camera());
        assert!((DocumentType::IdCard.aspect() - 1.5858).abs() < 1e-3);
        assert!((DocumentType::Passport.aspect() - 1.4205).abs() < 1e-3);
        assert_eq!(DocumentType::parse("passport"), Some(DocumentType::Passport));
        assert_eq!(Part::parse("selfie"), Some(Part::Selfie));
    }
}
