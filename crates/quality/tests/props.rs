//! Property tests: any frame, from 1x1 up, with any content, gets a verdict
//! and never a panic; its scores are finite, its document (if any) lies in
//! the frame, its reasons are distinct, and noise is never a document.

use idcapture_quality::{analyze_document, Frame, PixelFormat};
use proptest::prelude::*;

fn frames() -> impl Strategy<Value = (usize, usize, u8, Vec<u8>)> {
    (1usize..90, 1usize..90, 0u8..3).prop_flat_map(|(w, h, f)| {
        let ch = [1usize, 3, 4][f as usize];
        (Just(w), Just(h), Just(f), proptest::collection::vec(any::<u8>(), w * h * ch))
    })
}

fn format(f: u8) -> PixelFormat {
    [PixelFormat::Gray, PixelFormat::Rgb, PixelFormat::Rgba][f as usize]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_frame_gets_a_verdict((w, h, f, data) in frames()) {
        let frame = Frame::new(w, h, format(f), &data).unwrap();
        let v = analyze_document(&frame);
        // Random bytes show no document: never accepted.
        prop_assert!(!v.accept, "{:?}", v.reasons);
        check_verdict(&v, w, h)?;
    }

    #[test]
    fn flat_frames_of_any_size_have_no_document(w in 1usize..700, h in 1usize..120, level: u8) {
        let data = vec![level; w * h];
        let v = analyze_document(&Frame::new(w, h, PixelFormat::Gray, &data).unwrap());
        prop_assert!(v.reasons.contains(&idcapture_quality::Reason::NoDocument));
        prop_assert!(v.scores.quad.is_none());
        check_verdict(&v, w, h)?;
    }
}

/// What holds for every verdict: each score a finite number (serialised,
/// a NaN or infinity would be `null`), the quad inside the frame, no
/// reason twice.
fn check_verdict(v: &idcapture_quality::DocumentVerdict, w: usize, h: usize) -> Result<(), TestCaseError> {
    let scores = serde_json::to_value(&v.scores).unwrap();
    for (k, x) in scores.as_object().unwrap() {
        prop_assert!(k == "quad" || !x.is_null(), "{} is not a finite number", k);
    }
    if let Some(q) = v.scores.quad {
        for p in q {
            prop_assert!(p.x >= -1.0 && p.y >= -1.0 && p.x <= w as f32 + 1.0 && p.y <= h as f32 + 1.0, "{:?}", q);
        }
    }
    for (i, r) in v.reasons.iter().enumerate() {
        prop_assert!(!v.reasons[..i].contains(r), "{:?} twice", r);
    }
    Ok(())
}

#[test]
fn structured_frames_do_not_panic() {
    // Shapes that stress the locator: a full-frame rectangle, a 1-px line,
    // a rectangle touching every border, a checkerboard.
    let (w, h) = (320, 200);
    let cases: Vec<Box<dyn Fn(usize, usize) -> u8>> = vec![
        Box::new(|_, _| 255),
        Box::new(|_, y| if y == 100 { 255 } else { 0 }),
        Box::new(|x, y| if x < 319 && y < 199 { 230 } else { 10 }),
        Box::new(|x, y| if (x / 3 + y / 3) % 2 == 0 { 0 } else { 255 }),
    ];
    for f in cases {
        let data: Vec<u8> = (0..w * h).map(|i| f(i % w, i / w)).collect();
        let v = analyze_document(&Frame::new(w, h, PixelFormat::Gray, &data).unwrap());
        // None of them is a card that may pass.
        assert!(!v.accept, "{:?}", v.scores);
    }
}
