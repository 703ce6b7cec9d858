//! The worker's answers, natively, on the shipped fixture frames: what the
//! page receives for a live frame, an MRZ attempt and a still, and what a
//! malformed or hostile request gets.

use idcapture_analysis::{hex, model_from, Analyser, ModelError, FACE_MODEL_SHA256};
use idcapture_quality::mrz::{from_lines, Date, Format};
use idcapture_quality::wire::{FromWorker, ToWorker};
use idcapture_quality::Reason;
use sha2::Digest;

fn rgba(name: &str) -> (u32, u32, Vec<u8>) {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let img = image::open(&path).unwrap_or_else(|e| panic!("{path}: {e}")).to_rgba8();
    (img.width(), img.height(), img.into_raw())
}

fn model() -> Vec<u8> {
    std::fs::read(format!("{}/../../static/models/seeta_fd_frontal_v1.0.bin", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

const CLOCK: &dyn Fn() -> f64 = &|| 0.0;

fn today() -> String {
    "2026-11-30".into()
}

#[test]
fn the_pinned_model_digest_is_the_shipped_file() {
    let bytes = model();
    assert_eq!(hex(&sha2::Sha256::digest(&bytes)), FACE_MODEL_SHA256);
    assert!(model_from(&bytes, FACE_MODEL_SHA256).is_ok());
    // Another file's digest is refused before the parser sees a byte.
    assert_eq!(
        model_from(&bytes[..100], &hex(&sha2::Sha256::digest(&bytes[..100]))).err(),
        Some(ModelError::Integrity)
    );
    assert!(ModelError::Integrity.lasting() && !ModelError::Timeout.lasting());
}

#[test]
fn a_still_gets_the_same_verdict_as_the_core() {
    let mut a = Analyser::default();
    for (name, reason) in [("doc_good_001.jpg", None), ("doc_blur_001.jpg", Some(Reason::Blur))] {
        let (w, h, px) = rgba(name);
        let msg = ToWorker::Still { id: 3, selfie: false, w, h, formats: vec![], today: today() };
        let Some(FromWorker::Still { id, checked, reasons, mrz_lines, .. }) = a.handle(msg, Some(&px), None, CLOCK)
        else {
            panic!("no still reply")
        };
        assert_eq!((id, checked, mrz_lines), (3, true, None));
        match reason {
            None => assert!(reasons.is_empty(), "{name}: {reasons:?}"),
            Some(r) => assert!(reasons.contains(&r), "{name}: {reasons:?}"),
        }
    }
}

#[test]
fn a_selfie_is_judged_only_with_the_model() {
    let mut a = Analyser::default();
    let (w, h, px) = rgba("selfie_good_000.jpg");
    let still = || ToWorker::Still { id: 1, selfie: true, w, h, formats: vec![], today: today() };
    assert!(matches!(a.handle(still(), Some(&px), None, CLOCK), Some(FromWorker::Still { checked: false, .. })));
    let look = ToWorker::Look { id: 2, selfie: true, w, h, patch: None };
    assert!(matches!(a.handle(look.clone(), Some(&px), None, CLOCK), Some(FromWorker::Looked { look: None, .. })));
    a.set_detector(model_from(&model(), FACE_MODEL_SHA256).unwrap());
    let Some(FromWorker::Still { checked: true, reasons, .. }) = a.handle(still(), Some(&px), None, CLOCK) else {
        panic!("not judged")
    };
    assert!(reasons.is_empty(), "{reasons:?}");
    assert!(matches!(a.handle(look, Some(&px), None, CLOCK), Some(FromWorker::Looked { look: Some(_), .. })));
}

#[test]
fn a_live_frame_gets_a_look_with_its_document() {
    let mut a = Analyser::default();
    let (w, h, px) = rgba("doc_good_001.jpg");
    // Reduced to the live side as the page does.
    let img = image::RgbaImage::from_raw(w, h, px).unwrap();
    let small = image::imageops::resize(&img, 640, 640 * h / w, image::imageops::FilterType::Triangle);
    let msg = ToWorker::Look { id: 9, selfie: false, w: small.width(), h: small.height(), patch: None };
    let Some(FromWorker::Looked { id: 9, look: Some(look), .. }) = a.handle(msg, Some(small.as_raw()), None, CLOCK)
    else {
        panic!("no look")
    };
    assert!(look.anchor.is_some(), "{look:?}");
    // And nothing for a new screen's reset.
    assert_eq!(a.handle(ToWorker::Begin, None, None, CLOCK), None);
}

#[test]
fn an_mrz_read_comes_back_as_lines_the_page_parses_again() {
    let mut a = Analyser::default();
    let (w, h, px) = rgba("mrz/mrz_id_card_back_001.jpg");
    let msg = ToWorker::ReadMrz { id: 4, w, h, formats: vec![Format::Td1], today: today() };
    let Some(FromWorker::MrzRead { id: 4, zone: true, lines: Some(lines), .. }) = a.handle(msg, Some(&px), None, CLOCK)
    else {
        panic!("not read")
    };
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let m = from_lines(&lines, Date::parse_iso("2026-11-30").unwrap()).expect("the page's parse agrees");
    assert_eq!(m.format, Format::Td1);
    // Asked for another format only, it reports none.
    let msg = ToWorker::ReadMrz { id: 5, w, h, formats: vec![Format::Td3], today: today() };
    assert!(matches!(a.handle(msg, Some(&px), None, CLOCK), Some(FromWorker::MrzRead { lines: None, .. })));
    // The still reads it too.
    let msg = ToWorker::Still { id: 6, selfie: false, w, h, formats: vec![Format::Td1], today: today() };
    assert!(matches!(a.handle(msg, Some(&px), None, CLOCK), Some(FromWorker::Still { mrz_lines: Some(_), .. })));
}

#[test]
fn malformed_requests_get_an_empty_answer_not_a_crash() {
    let mut a = Analyser::default();
    let px = vec![0u8; 64 * 64 * 4];
    let cases = [
        // Sizes that do not match the buffer, or absurd.
        ToWorker::Look { id: 1, selfie: false, w: 65, h: 64, patch: None },
        ToWorker::Look { id: 1, selfie: false, w: u32::MAX, h: 2, patch: Some(7) },
        ToWorker::ReadMrz { id: 1, w: 64, h: 64, formats: vec![Format::Td1], today: "not a date".into() },
        ToWorker::Still { id: 1, selfie: false, w: 0, h: 0, formats: vec![], today: today() },
    ];
    for msg in cases {
        match a.handle(msg.clone(), Some(&px), None, CLOCK) {
            Some(FromWorker::Looked { look: None, .. })
            | Some(FromWorker::MrzRead { lines: None, zone: false, .. })
            | Some(FromWorker::Still { checked: false, .. }) => {}
            other => panic!("{msg:?}: {other:?}"),
        }
    }
    // No pixels at all.
    let msg = ToWorker::Look { id: 2, selfie: false, w: 64, h: 64, patch: None };
    assert!(matches!(a.handle(msg, None, None, CLOCK), Some(FromWorker::Looked { look: None, .. })));
    // A patch of the wrong side is ignored, the frame still judged.
    let msg = ToWorker::Look { id: 3, selfie: false, w: 64, h: 64, patch: Some(3) };
    assert!(matches!(a.handle(msg, Some(&px), Some(&[0; 36]), CLOCK), Some(FromWorker::Looked { look: Some(_), .. })));
}
