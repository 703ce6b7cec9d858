//! Regression tests on frames the repository ships (one per reason), and
//! selfie composites built here from them: a face alone, two faces, a face
//! with a card, no face.

use idcapture_quality::live::{document_cues, Cue};
use idcapture_quality::{analyze_document, analyze_selfie, FaceDetector, Frame, PixelFormat, Reason};
use image::{imageops, RgbImage};

fn fixture(name: &str) -> RgbImage {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    image::open(&path).unwrap_or_else(|e| panic!("{path}: {e}")).to_rgb8()
}

fn frame(img: &RgbImage) -> Frame<'_> {
    Frame::new(img.width() as usize, img.height() as usize, PixelFormat::Rgb, img.as_raw()).unwrap()
}

fn faces() -> FaceDetector {
    let bytes =
        std::fs::read(format!("{}/../../static/models/seeta_fd_frontal_v1.0.bin", env!("CARGO_MANIFEST_DIR"))).unwrap();
    FaceDetector::from_bytes(&bytes).unwrap()
}

#[test]
fn document_frames_get_their_reason() {
    let good = analyze_document(&frame(&fixture("doc_good_001.jpg")));
    assert!(good.accept, "good frame refused: {:?} {:?}", good.reasons, good.scores);
    // Each frame gets its reason and no other: a wrong extra reason is a
    // wrong message for the shopper.
    for (file, reason) in [
        ("doc_blur_001.jpg", Reason::Blur),
        ("doc_glare_001.jpg", Reason::Glare),
        ("doc_screen_001.jpg", Reason::Screen),
        ("doc_photocopy_001.jpg", Reason::Photocopy),
        ("doc_photocopy_tinted_001.jpg", Reason::Photocopy),
        ("doc_dark_001.jpg", Reason::TooDark),
        ("doc_small_003.jpg", Reason::TooSmall),
        ("doc_nodoc_001.jpg", Reason::NoDocument),
    ] {
        let v = analyze_document(&frame(&fixture(file)));
        assert_eq!(v.reasons, vec![reason], "{file}");
    }
    // Two frames carry more than one reason, and what the shopper is told
    // first is the one that matters: a screenshot (also small, soft and dark
    // as a card, for it shows a phone's screen) is "not the original"; a
    // card cut by the frame (its visible part small) is "fit it in".
    for (file, reason, cue) in [
        ("doc_screenshot_001.png", Reason::Screenshot, Cue::NotOriginal),
        ("doc_cutoff_001.jpg", Reason::CutOff, Cue::FitDocument),
    ] {
        let v = analyze_document(&frame(&fixture(file)));
        assert!(!v.accept && v.reasons.contains(&reason), "{file}: {:?}", v.reasons);
        assert_eq!(document_cues(&v).first(), cue, "{file}: {:?}", v.reasons);
    }
}

#[test]
fn the_verdict_depends_on_pixels_not_on_the_container() {
    // The same pixels, re-encoded as PNG and decoded again, judge the same.
    let img = fixture("doc_good_001.jpg");
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let back = image::load_from_memory(&png).unwrap().to_rgb8();
    let (a, b) = (analyze_document(&frame(&img)), analyze_document(&frame(&back)));
    assert_eq!(a.reasons, b.reasons);
}

/// The face photo of the good selfie, cut around the detected face.
fn face_patch(detector: &mut FaceDetector) -> RgbImage {
    let good = fixture_good();
    let v = analyze_selfie(&frame(&good), detector);
    let f = v.scores.faces[0];
    let (cx, cy) = (f.x + f.w / 2.0, f.y + f.h / 2.0);
    let side = f.w * 1.6;
    imageops::crop_imm(&good, (cx - side / 2.0) as u32, (cy - side / 2.0) as u32, side as u32, (side * 1.2) as u32)
        .to_image()
}

fn fixture_good() -> RgbImage {
    fixture("selfie_good_000.jpg")
}

fn canvas(w: u32, h: u32) -> RgbImage {
    // A plain wall with mild texture.
    RgbImage::from_fn(w, h, |x, y| {
        let v = 120 + ((x * 7 + y * 13) % 9) as u8;
        image::Rgb([v, v - 6, v - 12])
    })
}

#[test]
fn selfie_composites() {
    let mut det = faces();
    let face = face_patch(&mut det);
    let (w, h) = (720u32, 1280u32);

    // One face, centred: accepted.
    let mut one = canvas(w, h);
    imageops::overlay(&mut one, &face, ((w - face.width()) / 2) as i64, 300);
    let v = analyze_selfie(&frame(&one), &mut det);
    assert!(v.accept, "one face refused: {:?} {:?}", v.reasons, v.scores.faces);

    // Two faces of the same size: another person.
    let small = imageops::resize(&face, face.width() * 3 / 4, face.height() * 3 / 4, imageops::FilterType::Triangle);
    let mut two = canvas(w, h);
    imageops::overlay(&mut two, &small, 20, 300);
    imageops::overlay(&mut two, &small, (w - small.width() - 20) as i64, 300);
    let v = analyze_selfie(&frame(&two), &mut det);
    assert!(v.reasons.contains(&Reason::MultipleFaces), "two faces: {:?} {:?}", v.reasons, v.scores.faces);

    // A face and an ID card held below it: the document is in the selfie.
    let doc = fixture("doc_good_001.jpg");
    let card = imageops::crop_imm(&doc, 250, 70, 560, 380).to_image();
    let card = imageops::resize(&card, 300, 204, imageops::FilterType::Triangle);
    let mut with_card = one.clone();
    imageops::overlay(&mut with_card, &card, 210, 950);
    let v = analyze_selfie(&frame(&with_card), &mut det);
    assert!(v.reasons.contains(&Reason::DocumentInSelfie), "face + card: {:?} {:?}", v.reasons, v.scores.documents);

    // The wall alone: no face.
    let v = analyze_selfie(&frame(&canvas(w, h)), &mut det);
    assert!(v.reasons.contains(&Reason::NoFace));
}

#[test]
fn selfie_frames_get_their_reason() {
    let mut det = faces();
    assert!(analyze_selfie(&frame(&fixture_good()), &mut det).accept);
    assert!(analyze_selfie(&frame(&fixture("selfie_landscape_000.jpg")), &mut det).accept);
    for (file, reason) in [
        ("selfie_noface_000.jpg", Reason::NoFace),
        ("selfie_blur_000.jpg", Reason::Blur),
        ("selfie_withdoc_000.jpg", Reason::DocumentInSelfie),
    ] {
        let v = analyze_selfie(&frame(&fixture(file)), &mut det);
        assert_eq!(v.reasons, vec![reason], "{file}");
    }
}

#[test]
fn a_malformed_model_is_an_error_not_a_panic() {
    assert!(FaceDetector::from_bytes(&[0u8; 10]).is_err());
    assert!(FaceDetector::from_bytes(&vec![0xAB; 100_000]).is_err());
}

#[test]
fn a_document_shown_to_the_selfie_camera_is_refused() {
    // Whether or not the document's portrait is detected as a face, a card
    // in front of the camera is never a selfie.
    let mut det = faces();
    for file in ["doc_good_001.jpg", "doc_glare_001.jpg", "doc_photocopy_001.jpg", "doc_small_003.jpg"] {
        let v = analyze_selfie(&frame(&fixture(file)), &mut det);
        assert!(!v.accept, "{file} accepted as a selfie: {:?}", v.scores.faces);
    }
}
