//! Time each stage of the document analysis on one file (where the time goes).
use idcapture_quality::frame::{Frame, PixelFormat, Planes};
use idcapture_quality::geometry::{shrink, Pt};
use idcapture_quality::*;
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let side: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(640);
    let img = image::open(&path).unwrap().to_rgb8();
    let f0 = Frame::new(img.width() as usize, img.height() as usize, PixelFormat::Rgb, img.as_raw()).unwrap();
    let p0 = Planes::from_frame(&f0).downscale(side);
    let rgba: Vec<u8> = (0..p0.w * p0.h).flat_map(|i| [p0.r[i], p0.g[i], p0.b[i], 255]).collect();
    let frame = Frame::new(p0.w, p0.h, PixelFormat::Rgba, &rgba).unwrap();
    let n = 20;
    let time = |label: &str, f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        println!("{label:14} {:7.2} ms", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    };
    let full = Planes::from_frame(&frame);
    let small = full.downscale(640);
    time("planes", &mut || {
        std::hint::black_box(Planes::from_frame(&frame));
    });
    time("downscale", &mut || {
        std::hint::black_box(full.downscale(640));
    });
    time("locate", &mut || {
        std::hint::black_box(locate::locate(&small.y, small.w, small.h));
    });
    let loc = locate::locate(&small.y, small.w, small.h).0.unwrap();
    let q = shrink(&loc.quad, 0.88);
    time("noise", &mut || {
        std::hint::black_box(noise::immerkaer(&full.y, full.w, full.h));
    });
    time("screenshot", &mut || {
        std::hint::black_box(screenshot::straight_edge_run(&full.y, full.w, full.h));
    });
    let c = [Pt { x: full.w as f32 / 2.0, y: full.h as f32 / 2.0 }; 3];
    time("moire x3", &mut || {
        std::hint::black_box(screen::moire_peak(&full.y, full.w, full.h, &c));
    });
    time("blur", &mut || {
        let r = region::sample(&full.y, full.w, full.h, &q, 480);
        let _ = blur::crete(&r.px, &r.mask, r.w, r.h);
    });
    time("glare", &mut || {
        std::hint::black_box(glare::glare(&small, &loc.quad));
    });
    time("photocopy", &mut || {
        std::hint::black_box(photocopy::chroma(&small, &q));
    });
    time("TOTAL", &mut || {
        std::hint::black_box(analyze_document(&frame));
    });
}
