//! Property tests: any frame, from 1x1 up, with any content, gets a verdict
//! and never a panic; verdicts are consistent with their reasons.

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
        prop_assert_eq!(v.accept, v.reasons.is_empty());
        prop_assert!(v.scores.blur.is_finite() && v.scores.moire.is_finite());
    }

    #[test]
    fn flat_frames_of_any_size_have_no_document(w in 1usize..700, h in 1usize..120, level: u8) {
        let data = vec![level; w * h];
        let v = analyze_document(&Frame::new(w, h, PixelFormat::Gray, &data).unwrap());
        prop_assert!(!v.accept);
        prop_assert!(v.reasons.contains(&idcapture_quality::Reason::NoDocument));
    }
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
        assert_eq!(v.accept, v.reasons.is_empty());
    }
}
