//! Screen-check score of each frame of a y4m clip (luma), on patches at the
//! frame centre and around it: how steady the live screen evidence is.
//! With a face model as second argument, also the selfie verdicts (still
//! and live) of each frame as Chromium delivers a portrait clip.
use idcapture_quality::geometry::Pt;
use idcapture_quality::screen::moire_peak;

fn main() {
    let path = std::env::args().nth(1).expect("FILE.y4m");
    let data = std::fs::read(&path).unwrap();
    let nl = data.iter().position(|&b| b == b'\n').unwrap();
    let header = String::from_utf8_lossy(&data[..nl]).to_string();
    let dim = |p: char| -> usize { header.split(' ').find(|t| t.starts_with(p)).unwrap()[1..].parse().unwrap() };
    let (w, h) = (dim('W'), dim('H'));
    let mut at = nl + 1;
    let frame_len = w * h * 3 / 2;
    let mut i = 0;
    while at + 6 + frame_len <= data.len() {
        at += 6; // "FRAME\n"
        let y = &data[at..at + w * h];
        let scores: Vec<f32> = [(0.5, 0.5), (0.4, 0.4), (0.6, 0.6), (0.45, 0.55)]
            .iter()
            .map(|(fx, fy)| moire_peak(y, w, h, &[Pt { x: w as f32 * fx, y: h as f32 * fy }]))
            .collect();
        println!("frame {i}: {:?}", scores.iter().map(|s| *s as i32).collect::<Vec<_>>());
        if let Some(m) = std::env::args().nth(2) {
            use idcapture_quality::frame::{Frame, PixelFormat, Planes};
            let mut det = idcapture_quality::FaceDetector::from_bytes(&std::fs::read(&m).unwrap()).unwrap();
            // As Chromium delivers a portrait clip under a 1080-px cap: the
            // centre 1080 rows.
            let ch = h.min(1080);
            let top = (h - ch) / 2;
            let y = &y[top * w..(top + ch) * w];
            let h = ch;
            let v0 = idcapture_quality::analyze_selfie(&Frame::new(w, h, PixelFormat::Gray, y).unwrap(), &mut det);
            println!("  still {:?} docs {}", v0.reasons, v0.scores.documents.len());
            let f = Frame::new(w, h, PixelFormat::Gray, y).unwrap();
            let p = Planes::from_frame(&f).downscale(640);
            let f2 = Frame::new(p.w, p.h, PixelFormat::Gray, &p.y).unwrap();
            let (look, v) = idcapture_quality::live::LiveSelfie::default().look(&f2, &mut det);
            println!(
                "  selfie {:?} {:?} faces {} docs {}",
                look.cues.first(),
                v.reasons,
                v.scores.faces.len(),
                v.scores.documents.len()
            );
        }
        at += frame_len;
        i += 1;
    }
}
