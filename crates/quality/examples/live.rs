//! Run the live check on image files as the capture page would see them:
//! the frame reduced to 640 px plus a 256-px patch at full resolution around
//! the frame centre. Prints the first cue, the reasons and the time per file.
//! `cargo run --release --example live -- [--selfie MODEL] FILES...`
use idcapture_quality::frame::{Frame, PixelFormat, Planes};
use idcapture_quality::live::{LiveDocument, LiveSelfie, LIVE_SIDE, PATCH};
use idcapture_quality::FaceDetector;
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut det = None;
    if args.first().map(|s| s.as_str()) == Some("--selfie") {
        let bytes = std::fs::read(&args[1]).expect("model");
        let mut d = FaceDetector::from_bytes(&bytes).expect("model");
        if let Ok(step) = std::env::var("STEP") {
            d.set_step(step.parse().unwrap());
        }
        det = Some(d);
        args.drain(0..2);
    }
    let mut doc = LiveDocument::default();
    let mut selfie = LiveSelfie::default();
    for path in args {
        let img = image::open(&path).unwrap().to_rgb8();
        let (w, h) = (img.width() as usize, img.height() as usize);
        let f0 = Frame::new(w, h, PixelFormat::Rgb, img.as_raw()).unwrap();
        let p = Planes::from_frame(&f0).downscale(LIVE_SIDE);
        let rgba: Vec<u8> = (0..p.w * p.h).flat_map(|i| [p.r[i], p.g[i], p.b[i], 255]).collect();
        let frame = Frame::new(p.w, p.h, PixelFormat::Rgba, &rgba).unwrap();
        let (x0, y0) = ((w.saturating_sub(PATCH)) / 2, (h.saturating_sub(PATCH)) / 2);
        let patch: Vec<u8> = (0..PATCH * PATCH)
            .flat_map(|i| {
                let (x, y) = ((x0 + i % PATCH).min(w - 1), (y0 + i / PATCH).min(h - 1));
                let px = img.get_pixel(x as u32, y as u32).0;
                [px[0], px[1], px[2], 255]
            })
            .collect();
        let patch = Frame::new(PATCH, PATCH, PixelFormat::Rgba, &patch).unwrap();
        // `REPEAT=n` (default 5): more looks per file, for a profiler.
        let n: usize = std::env::var("REPEAT").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
        let t = Instant::now();
        let mut out = String::new();
        for _ in 0..n {
            out = match det.as_mut() {
                Some(d) => {
                    let (l, v) = selfie.look(&frame, d);
                    format!("{:?} {:?} blur {:.2}", l.cues.first(), v.reasons, v.scores.blur)
                }
                None => {
                    let (l, v) = doc.look(&frame, Some(&patch));
                    format!(
                        "{:?} {:?} blur {:.2} moire {:.0}",
                        l.cues.first(),
                        v.reasons,
                        v.scores.blur,
                        v.scores.moire
                    )
                }
            };
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0 / n as f64;
        let name = path.rsplit('/').next().unwrap();
        println!("{name:24} {ms:6.1} ms  {out}");
    }
}
