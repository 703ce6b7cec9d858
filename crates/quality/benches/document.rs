//! Criterion benchmarks: the full document analysis of a 640-px-wide frame
//! (the live-guidance size) and of a 1280x720 still, face detection at 320
//! and 640 px wide, and the full selfie analysis, on fixture frames the
//! repository ships. Prints times; no timing is asserted anywhere.

use criterion::{criterion_group, criterion_main, Criterion};
use idcapture_quality::{analyze_document, analyze_selfie, FaceDetector, Frame, PixelFormat};

fn load(name: &str, max_side: usize) -> (usize, usize, Vec<u8>) {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let img = image::open(&path).expect("fixture").to_rgb8();
    let (w, h) = img.dimensions();
    let f = Frame::new(w as usize, h as usize, PixelFormat::Rgb, img.as_raw()).unwrap();
    let p = idcapture_quality::frame::Planes::from_frame(&f).downscale(max_side);
    let data: Vec<u8> = (0..p.w * p.h).flat_map(|i| [p.r[i], p.g[i], p.b[i], 255]).collect();
    (p.w, p.h, data)
}

fn bench(c: &mut Criterion) {
    for (label, side) in [("document_640", 640), ("document_1280", 1280)] {
        let (w, h, data) = load("doc_good_001.jpg", side);
        c.bench_function(label, |b| {
            b.iter(|| {
                let f = Frame::new(w, h, PixelFormat::Rgba, &data).unwrap();
                std::hint::black_box(analyze_document(&f))
            })
        });
    }
}

fn faces(c: &mut Criterion) {
    let model = std::fs::read(format!("{}/../../static/models/seeta_fd_frontal_v1.0.bin", env!("CARGO_MANIFEST_DIR")))
        .expect("model");
    let mut det = FaceDetector::from_bytes(&model).unwrap();
    for (label, side) in [("face_detect_320", 320), ("face_detect_640", 640)] {
        let (w, h, data) = load("selfie_good_000.jpg", side);
        let f = Frame::new(w, h, PixelFormat::Rgba, &data).unwrap();
        let gray = idcapture_quality::frame::Planes::from_frame(&f).y;
        c.bench_function(label, |b| b.iter(|| std::hint::black_box(det.detect(&gray, w, h))));
    }
    let (w, h, data) = load("selfie_good_000.jpg", 1280);
    c.bench_function("selfie_720x1280", |b| {
        b.iter(|| {
            let f = Frame::new(w, h, PixelFormat::Rgba, &data).unwrap();
            std::hint::black_box(analyze_selfie(&f, &mut det))
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench, faces
}
criterion_main!(benches);
