//! Replay a y4m clip (limited range, as make-y4m writes it and Chromium
//! reads it) through the live document loop at a given frame interval:
//! `cargo run --release -p idcapture-quality --example replay -- CLIP.y4m [STEP_MS]`.
use idcapture_quality::frame::{Frame, PixelFormat, Planes};
use idcapture_quality::live::{Coach, LiveDocument, LIVE_SIDE};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let step_ms: f64 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(66.0);
    let data = std::fs::read(&path).unwrap();
    let hdr_end = data.iter().position(|&b| b == b'\n').unwrap();
    let hdr = String::from_utf8_lossy(&data[..hdr_end]).to_string();
    let w: usize = hdr.split(' ').find(|t| t.starts_with('W')).unwrap()[1..].parse().unwrap();
    let h: usize = hdr.split(' ').find(|t| t.starts_with('H')).unwrap()[1..].parse().unwrap();
    let mut frames = Vec::new();
    let mut pos = hdr_end + 1;
    while pos < data.len() {
        pos = pos + data[pos..].iter().position(|&b| b == b'\n').unwrap() + 1;
        let y = &data[pos..pos + w * h];
        let u = &data[pos + w * h..pos + w * h + w * h / 4];
        let v = &data[pos + w * h + w * h / 4..pos + w * h * 3 / 2];
        pos += w * h * 3 / 2;
        let mut rgb = vec![0u8; w * h * 3];
        for r in 0..h {
            for c in 0..w {
                let yy = (y[r * w + c] as f32 - 16.0) * 255.0 / 219.0;
                let k = (r / 2) * (w / 2) + c / 2;
                let (cb, cr) = ((u[k] as f32 - 128.0) * 255.0 / 224.0, (v[k] as f32 - 128.0) * 255.0 / 224.0);
                let px = [yy + 1.402 * cr, yy - 0.344136 * cb - 0.714136 * cr, yy + 1.772 * cb];
                for i in 0..3 {
                    rgb[(r * w + c) * 3 + i] = px[i].round().clamp(0.0, 255.0) as u8;
                }
            }
        }
        frames.push(rgb);
    }
    if frames.is_empty() {
        eprintln!("{path}: no frames");
        return;
    }
    let mut doc = LiveDocument::default();
    let mut coach = Coach::default();
    let mut now = 0.0;
    for i in 0..60 {
        let rgb = &frames[i % frames.len()];
        let f0 = Frame::new(w, h, PixelFormat::Rgb, rgb).unwrap();
        let p = Planes::from_frame(&f0).downscale(LIVE_SIDE);
        let rgba: Vec<u8> = (0..p.w * p.h).flat_map(|i| [p.r[i], p.g[i], p.b[i], 255]).collect();
        let frame = Frame::new(p.w, p.h, PixelFormat::Rgba, &rgba).unwrap();
        let (look, v) = doc.look(&frame, None);
        let a = coach.update(now, &look);
        println!(
            "{i:3} {:?} cue {:?} motion {:?} anchor {:?} reasons {:?}",
            look.cues.first(),
            a.cue,
            a.motion,
            look.anchor.map(|a| (a.x, a.y, a.size)),
            v.reasons
        );
        now += step_ms;
    }
}
