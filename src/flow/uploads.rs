//! The uploads as pure state, beside the journey: each accepted part is
//! pending, in flight, stored or failed, and completion is waiting, in
//! flight, failed or done. The effects layer only asks this state what to
//! send ([`Uploads::claim`]) and reports back what happened; "back online",
//! "retry" and "resume" are transitions here, tested natively, rather than
//! callbacks that each remember to re-send.
//!
//! Why a claim rather than a query: the effects layer marks a part in
//! flight in the same synchronous step that decides to send it, so two
//! triggers (the `online` event and the shopper's "Réessayer") cannot send
//! one part twice. Every result carries the [`Uploads::generation`] it was
//! started in; a result from before a reset (the journey ended, the images
//! were wiped) changes nothing.

use super::Part;
use crate::i18n::Key;

/// Why a part's upload stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No answer within the retry budget (offline, or a server that keeps
    /// failing): tried again when the browser is back online, after
    /// [`RESUME_MS`] anyway, or at once by "Réessayer".
    Unreachable,
    /// The backend refused the image itself (too large, not a JPEG, not
    /// decodable: 413, 415, 422), or lost it: the same bytes would be
    /// refused again, so the journey asks for a retake
    /// ([`super::Event::Refused`]) and the part waits for it.
    Refused,
    /// The backend read another document number than the one the shopper
    /// typed at checkout (422 `document_mismatch`): a retake of the right
    /// document, with its own message.
    Mismatch,
    /// Refused for another reason a retake would not fix (a 4xx on the
    /// request, a request the browser would not build): the shopper's
    /// "Réessayer" sends it again, the timer does not.
    Rejected,
}

/// One part's upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartState {
    Pending,
    /// A request is on its way; `again`: a newer still was kept meanwhile
    /// and is sent once this request is answered (one request per part at
    /// a time, and the newer bytes last).
    InFlight {
        again: bool,
    },
    Stored,
    Failed(Failure),
}

/// The completion request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completion {
    Waiting,
    InFlight,
    /// Failed this many times in a row; asked again after a backoff.
    Failed(u32),
    Done,
}

/// A part left unreachable is tried again after this long even if the
/// browser never says it is back online (the network came back without an
/// `online` event, or the server was down rather than the network).
pub const RESUME_MS: u32 = 15_000;

/// From this many failed completions in a row the shopper is told (the
/// request is still retried on its own).
pub const COMPLETION_FAILURES_SHOWN: u32 = 2;

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// The shopper kept a still for this part (a first one or a retake).
    Accepted(Part),
    /// This device's request for the part was answered: stored.
    Stored(Part),
    /// A session read shows the backend holds these parts (another device
    /// stored them, or this one before a reload): nothing to send for them.
    Known(Vec<Part>),
    /// This device's request for the part stopped.
    Failed(Part, Failure),
    Online,
    Offline,
    /// The resume timer, or the browser back online: unreachable parts
    /// pending again, a failed completion waiting again.
    Resume,
    /// "Réessayer": as [`Msg::Resume`], and rejected parts too. A refused
    /// part waits for its retake, not for this.
    Retry,
    /// The backend no longer holds these parts it had stored (completion
    /// says they are missing): each needs a retake.
    Lost(Vec<Part>),
    /// The document chosen needs only these parts: forget the others.
    Document(Vec<Part>),
    CompletionFailed,
    Completed,
}

/// What an [`Uploads::apply`] means for the rest of the app.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// This device's request stored the part just now: the journey counts
    /// it (again, after a retake).
    pub stored: bool,
    /// ... and the host hears of it (once per part).
    pub announce: bool,
}

/// The uploads of one journey.
#[derive(Clone, Debug, PartialEq)]
pub struct Uploads {
    parts: Vec<(Part, PartState)>,
    /// Parts the host was told of (once each).
    announced: Vec<Part>,
    online: bool,
    completion: Completion,
    /// Failed completions in a row (kept across the retries).
    completion_failures: u32,
    generation: u32,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            parts: Vec::new(),
            announced: Vec::new(),
            online: true,
            completion: Completion::Waiting,
            completion_failures: 0,
            generation: 0,
        }
    }
}

impl Uploads {
    /// The generation results must carry to count.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    pub fn state(&self, part: Part) -> Option<PartState> {
        self.parts.iter().find(|(p, _)| *p == part).map(|(_, s)| *s)
    }

    pub fn completion(&self) -> Completion {
        self.completion
    }

    fn set(&mut self, part: Part, state: PartState) {
        match self.parts.iter_mut().find(|(p, _)| *p == part) {
            Some(entry) => entry.1 = state,
            None => self.parts.push((part, state)),
        }
    }

    /// Apply what happened in `generation`; results of an older generation
    /// change nothing.
    pub fn apply(&mut self, generation: u32, msg: Msg) -> Outcome {
        let mut out = Outcome::default();
        if generation != self.generation {
            return out;
        }
        match msg {
            Msg::Accepted(p) => match self.state(p) {
                Some(PartState::InFlight { .. }) => self.set(p, PartState::InFlight { again: true }),
                _ => self.set(p, PartState::Pending),
            },
            Msg::Stored(p) => match self.state(p) {
                Some(PartState::InFlight { again: true }) => self.set(p, PartState::Pending),
                Some(PartState::InFlight { again: false }) => {
                    self.set(p, PartState::Stored);
                    out.stored = true;
                    if !self.announced.contains(&p) {
                        self.announced.push(p);
                        out.announce = true;
                    }
                }
                _ => {}
            },
            // Whatever this device has for them is not sent any more: a
            // request on its way stops retrying (see [`Uploads::sending`]).
            Msg::Known(parts) => {
                for p in parts {
                    self.set(p, PartState::Stored);
                }
            }
            Msg::Lost(parts) => {
                for p in parts {
                    if self.state(p).is_none_or(|s| s == PartState::Stored) {
                        self.set(p, PartState::Failed(Failure::Refused));
                    }
                }
                if let Completion::Failed(_) | Completion::InFlight = self.completion {
                    self.completion = Completion::Waiting;
                }
            }
            Msg::Document(parts) => self.parts.retain(|(p, _)| parts.contains(p)),
            Msg::Failed(p, f) => match self.state(p) {
                Some(PartState::InFlight { again: true }) => self.set(p, PartState::Pending),
                Some(PartState::InFlight { again: false }) => self.set(p, PartState::Failed(f)),
                _ => {}
            },
            Msg::Online => {
                self.online = true;
                self.retry(false);
            }
            Msg::Offline => self.online = false,
            Msg::Resume => self.retry(false),
            Msg::Retry => self.retry(true),
            Msg::CompletionFailed => {
                if self.completion == Completion::InFlight {
                    self.completion_failures += 1;
                    self.completion = Completion::Failed(self.completion_failures);
                }
            }
            Msg::Completed => self.completion = Completion::Done,
        }
        out
    }

    /// Whether a request for `part` of `generation` is still wanted: a
    /// request whose part another device stored, or whose journey ended,
    /// stops retrying.
    pub fn sending(&self, generation: u32, part: Part) -> bool {
        generation == self.generation && matches!(self.state(part), Some(PartState::InFlight { .. }))
    }

    fn retry(&mut self, rejected_too: bool) {
        for (_, s) in &mut self.parts {
            match s {
                PartState::Failed(Failure::Unreachable) => *s = PartState::Pending,
                PartState::Failed(Failure::Rejected) if rejected_too => *s = PartState::Pending,
                _ => {}
            }
        }
        if let Completion::Failed(_) = self.completion {
            self.completion = Completion::Waiting;
        }
    }

    /// The parts to send now, marked in flight. Sent even while the browser
    /// says it is offline: its word is not always right, and a request that
    /// cannot go fails quickly into the resume timer.
    pub fn claim(&mut self) -> Vec<Part> {
        let mut out = Vec::new();
        for (p, s) in &mut self.parts {
            if *s == PartState::Pending {
                *s = PartState::InFlight { again: false };
                out.push(*p);
            }
        }
        out
    }

    /// Whether to ask for completion now (marked in flight): the backend
    /// holds every part (`all_stored`: the journey's record, which includes
    /// parts stored before a reload or by another device), no request of
    /// this device is still on its way or due, and no completion is asked
    /// or pending.
    pub fn claim_completion(&mut self, all_stored: bool) -> bool {
        let busy = self.parts.iter().any(|(_, s)| *s != PartState::Stored);
        if all_stored && !busy && self.completion == Completion::Waiting {
            self.completion = Completion::InFlight;
            return true;
        }
        false
    }

    /// After how long to [`Msg::Resume`] on its own: the sooner of a failed
    /// completion's backoff and a part left unreachable.
    pub fn resume_after_ms(&self) -> Option<u32> {
        let completion = match self.completion {
            Completion::Failed(n) => Some((1000u32 << n.min(4)).min(RESUME_MS)),
            _ => None,
        };
        let part = self.parts.iter().any(|(_, s)| *s == PartState::Failed(Failure::Unreachable)).then_some(RESUME_MS);
        match (completion, part) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The banner for the shopper, and whether it offers "Réessayer".
    pub fn banner(&self) -> Option<(Key, bool)> {
        let unstored = self.parts.iter().any(|(_, s)| *s != PartState::Stored);
        if self.parts.iter().any(|(_, s)| *s == PartState::Failed(Failure::Mismatch)) {
            return Some((Key::UploadMismatch, false));
        }
        if self.parts.iter().any(|(_, s)| *s == PartState::Failed(Failure::Refused)) {
            // The way forward is the retake the journey asks for.
            return Some((Key::UploadRefused, false));
        }
        if self.parts.iter().any(|(_, s)| *s == PartState::Failed(Failure::Rejected)) {
            return Some((Key::UploadFailed, true));
        }
        let unreachable = self.parts.iter().any(|(_, s)| *s == PartState::Failed(Failure::Unreachable));
        if unstored && !self.online {
            return Some((Key::Offline, unreachable));
        }
        if unreachable {
            // Online by the browser's word: the server is what fails.
            return Some((Key::UploadRetrying, true));
        }
        if let Completion::Failed(n) = self.completion {
            if n >= COMPLETION_FAILURES_SHOWN {
                return Some((Key::UploadFailed, true));
            }
        }
        None
    }

    /// Forget everything (the journey ended: the stills are wiped); results
    /// still on their way belong to the old generation and are ignored.
    pub fn reset(&mut self) {
        *self = Uploads { generation: self.generation.wrapping_add(1), online: self.online, ..Uploads::default() };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Part::*;

    fn accepted(parts: &[Part]) -> Uploads {
        let mut u = Uploads::default();
        for p in parts {
            u.apply(0, Msg::Accepted(*p));
        }
        u
    }

    #[test]
    fn each_part_is_claimed_once_until_it_comes_back() {
        let mut u = accepted(&[DocumentFront]);
        assert_eq!(u.claim(), vec![DocumentFront]);
        // A second trigger (online event, "Réessayer") finds it in flight.
        u.apply(0, Msg::Online);
        u.apply(0, Msg::Retry);
        assert!(u.claim().is_empty());
        assert!(u.apply(0, Msg::Stored(DocumentFront)).announce);
        // Stored once: a second confirmation is not news for the host.
        assert!(!u.apply(0, Msg::Stored(DocumentFront)).announce);
        assert!(u.claim().is_empty());
    }

    #[test]
    fn a_retake_while_in_flight_is_sent_after_the_answer_and_announced_once() {
        let mut u = accepted(&[DocumentFront]);
        u.claim();
        u.apply(0, Msg::Accepted(DocumentFront));
        assert!(u.claim().is_empty(), "one request per part at a time");
        // The older request's answer: the newer still is due now.
        assert_eq!(u.apply(0, Msg::Stored(DocumentFront)), Outcome::default());
        assert_eq!(u.claim(), vec![DocumentFront]);
        assert!(u.apply(0, Msg::Stored(DocumentFront)).announce);
        // A retake after it was stored is sent again and counted by the
        // journey again, but not announced to the host twice.
        u.apply(0, Msg::Accepted(DocumentFront));
        assert_eq!(u.claim(), vec![DocumentFront]);
        assert_eq!(u.apply(0, Msg::Stored(DocumentFront)), Outcome { stored: true, announce: false });
        assert_eq!(u.state(DocumentFront), Some(PartState::Stored));
        // A failure of the older request while a retake waits: still sent.
        u.apply(0, Msg::Accepted(DocumentBack));
        u.claim();
        u.apply(0, Msg::Accepted(DocumentBack));
        u.apply(0, Msg::Failed(DocumentBack, Failure::Unreachable));
        assert_eq!(u.claim(), vec![DocumentBack]);
    }

    #[test]
    fn an_outage_longer_than_the_retry_budget_resumes_when_back_online() {
        let mut u = accepted(&[DocumentFront, DocumentBack]);
        assert_eq!(u.claim(), vec![DocumentFront, DocumentBack]);
        u.apply(0, Msg::Stored(DocumentFront));
        u.apply(0, Msg::Offline);
        assert_eq!(u.banner(), Some((Key::Offline, false)));
        u.apply(0, Msg::Failed(DocumentBack, Failure::Unreachable));
        assert_eq!(u.banner(), Some((Key::Offline, true)));
        assert_eq!(u.resume_after_ms(), Some(RESUME_MS));
        u.apply(0, Msg::Online);
        assert_eq!(u.banner(), None);
        assert_eq!(u.claim(), vec![DocumentBack]);
        u.apply(0, Msg::Stored(DocumentBack));
        assert_eq!(u.banner(), None);
        assert_eq!(u.resume_after_ms(), None);
    }

    #[test]
    fn the_timer_resumes_even_if_the_browser_never_says_online() {
        let mut u = accepted(&[Selfie]);
        u.apply(0, Msg::Offline);
        // The browser's word does not hold requests back.
        assert_eq!(u.claim(), vec![Selfie]);
        u.apply(0, Msg::Failed(Selfie, Failure::Unreachable));
        assert_eq!(u.resume_after_ms(), Some(RESUME_MS));
        u.apply(0, Msg::Resume);
        assert_eq!(u.claim(), vec![Selfie], "sent again while still 'offline'");
        u.apply(0, Msg::Stored(Selfie));
        assert_eq!(u.banner(), None, "stored: nothing to say, whatever the browser thinks");
    }

    #[test]
    fn an_unreachable_server_while_online_says_so_and_is_tried_again() {
        let mut u = accepted(&[Selfie]);
        u.claim();
        u.apply(0, Msg::Failed(Selfie, Failure::Unreachable));
        assert_eq!(u.banner(), Some((Key::UploadRetrying, true)));
        u.apply(0, Msg::Retry);
        assert_eq!(u.claim(), vec![Selfie]);
    }

    #[test]
    fn a_refused_part_waits_for_its_retake_not_for_a_retry() {
        let mut u = accepted(&[Selfie, DocumentFront]);
        u.claim();
        u.apply(0, Msg::Failed(Selfie, Failure::Refused));
        u.apply(0, Msg::Failed(DocumentFront, Failure::Unreachable));
        assert_eq!(u.banner(), Some((Key::UploadRefused, false)));
        // The timer, the network and the button resend the unreachable
        // part only.
        u.apply(0, Msg::Resume);
        u.apply(0, Msg::Online);
        u.apply(0, Msg::Retry);
        assert_eq!(u.claim(), vec![DocumentFront]);
        u.apply(0, Msg::Stored(DocumentFront));
        assert!(!u.claim_completion(true), "no completion while a part waits");
        u.apply(0, Msg::Accepted(Selfie));
        assert_eq!(u.claim(), vec![Selfie]);
        assert_eq!(u.banner(), None);
    }

    #[test]
    fn a_rejected_part_waits_for_the_shoppers_retry() {
        let mut u = accepted(&[Selfie]);
        u.claim();
        u.apply(0, Msg::Failed(Selfie, Failure::Rejected));
        assert_eq!(u.banner(), Some((Key::UploadFailed, true)));
        assert_eq!(u.resume_after_ms(), None, "no timer resends it");
        u.apply(0, Msg::Resume);
        u.apply(0, Msg::Online);
        assert!(u.claim().is_empty());
        u.apply(0, Msg::Retry);
        assert_eq!(u.claim(), vec![Selfie]);
    }

    #[test]
    fn another_documents_number_asks_for_the_right_one_until_it_is_retaken() {
        let mut u = accepted(&[DocumentFront, DocumentBack]);
        u.claim();
        u.apply(0, Msg::Stored(DocumentFront));
        u.apply(0, Msg::Failed(DocumentBack, Failure::Mismatch));
        // Its own message, no "Réessayer" (the same photo would be refused).
        assert_eq!(u.banner(), Some((Key::UploadMismatch, false)));
        u.apply(0, Msg::Retry);
        assert!(u.claim().is_empty(), "the refused photo is not sent again");
        u.apply(0, Msg::Accepted(DocumentBack));
        assert_eq!(u.claim(), vec![DocumentBack]);
        assert_eq!(u.banner(), None);
    }

    #[test]
    fn parts_outside_the_document_and_lost_parts() {
        // An ID card's back refused, then the shopper switches to a passport.
        let mut u = accepted(&[DocumentFront, DocumentBack]);
        u.claim();
        u.apply(0, Msg::Stored(DocumentFront));
        u.apply(0, Msg::Failed(DocumentBack, Failure::Refused));
        assert!(!u.claim_completion(true));
        u.apply(0, Msg::Document(vec![DocumentFront, Selfie]));
        assert_eq!(u.banner(), None);
        assert!(u.claim_completion(true));
        // The backend says the front is missing after all: retake it.
        u.apply(0, Msg::Lost(vec![DocumentFront]));
        assert_eq!(u.state(DocumentFront), Some(PartState::Failed(Failure::Refused)));
        assert_eq!(u.completion(), Completion::Waiting);
        assert!(!u.claim_completion(true));
        u.apply(0, Msg::Accepted(DocumentFront));
        assert_eq!(u.claim(), vec![DocumentFront]);
        u.apply(0, Msg::Stored(DocumentFront));
        assert!(u.claim_completion(true));
    }

    #[test]
    fn completion_is_asked_once_and_again_after_a_failure() {
        let mut u = accepted(&[Selfie]);
        u.claim();
        assert!(!u.claim_completion(true), "not while a part is in flight");
        u.apply(0, Msg::Stored(Selfie));
        assert!(!u.claim_completion(false), "not before the journey has every part");
        assert!(u.claim_completion(true));
        assert!(!u.claim_completion(true), "one request at a time");
        u.apply(0, Msg::CompletionFailed);
        assert_eq!(u.banner(), None, "one failure is retried quietly");
        assert_eq!(u.resume_after_ms(), Some(2000));
        u.apply(0, Msg::Resume);
        assert!(u.claim_completion(true));
        u.apply(0, Msg::CompletionFailed);
        assert_eq!(u.banner(), Some((Key::UploadFailed, true)));
        assert_eq!(u.resume_after_ms(), Some(4000));
        for _ in 0..5 {
            u.apply(0, Msg::Resume);
            assert!(u.claim_completion(true));
            u.apply(0, Msg::CompletionFailed);
        }
        assert_eq!(u.resume_after_ms(), Some(RESUME_MS), "the backoff is capped");
        u.apply(0, Msg::Retry);
        assert!(u.claim_completion(true));
        u.apply(0, Msg::Completed);
        assert_eq!(u.completion(), Completion::Done);
        assert!(!u.claim_completion(true));
        assert_eq!(u.banner(), None);
    }

    #[test]
    fn parts_the_backend_already_holds_are_not_sent() {
        // After a reload, or the phone's work during a hand-off.
        let mut u = accepted(&[DocumentFront, DocumentBack]);
        u.claim();
        u.apply(0, Msg::Failed(DocumentBack, Failure::Unreachable));
        assert!(u.sending(0, DocumentFront));
        u.apply(0, Msg::Known(vec![DocumentFront, DocumentBack]));
        // The front's own request stops retrying; the back is not resent.
        assert!(!u.sending(0, DocumentFront));
        assert_eq!(u.state(DocumentBack), Some(PartState::Stored));
        u.apply(0, Msg::Retry);
        assert!(u.claim().is_empty());
        // Its late answer changes nothing and is not news.
        assert_eq!(u.apply(0, Msg::Stored(DocumentFront)), Outcome::default());
        assert_eq!(u.apply(0, Msg::Known(vec![Selfie])), Outcome::default(), "not announced here");
        assert_eq!(u.state(Selfie), Some(PartState::Stored));
    }

    #[test]
    fn results_from_before_a_reset_change_nothing() {
        let mut u = accepted(&[DocumentFront]);
        u.claim();
        u.apply(0, Msg::Offline);
        let old = u.generation();
        u.reset();
        assert_eq!(u.apply(old, Msg::Stored(DocumentFront)), Outcome::default());
        assert!(!u.sending(old, DocumentFront));
        assert_eq!(u.state(DocumentFront), None);
        u.apply(old, Msg::Accepted(Selfie));
        assert!(u.claim().is_empty());
        // The new generation works as before, and knows it is offline.
        u.apply(u.generation(), Msg::Accepted(Selfie));
        assert_eq!(u.banner(), Some((Key::Offline, false)));
        assert_eq!(u.claim(), vec![Selfie]);
    }

    #[test]
    fn a_late_failure_does_not_undo_a_store() {
        let mut u = accepted(&[DocumentBack]);
        u.claim();
        u.apply(0, Msg::Stored(DocumentBack));
        u.apply(0, Msg::Failed(DocumentBack, Failure::Unreachable));
        assert_eq!(u.state(DocumentBack), Some(PartState::Stored));
    }
}
