//! Time each stage of the live document check on one file, as the capture
//! loop runs it (the frame at 640 px, located at 320 px, one 256-px patch).
//! `cargo run --release --example live_stages -- FILE`
use idcapture_quality::frame::{Frame, PixelFormat, Planes};
use idcapture_quality::geometry::{shrink, Pt};
use idcapture_quality::live::{LiveDocument, LIVE_LOCATE_SIDE, LIVE_SIDE, PATCH};
use idcapture_quality::*;
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let img = image::open(&path).unwrap().to_rgb8();
    let f0 = Frame::new(img.width() as usize, img.height() as usize, PixelFormat::Rgb, img.as_raw()).unwrap();
    let p0 = Planes::from_frame(&f0).downscale(LIVE_SIDE);
    let rgba: Vec<u8> = (0..p0.w * p0.h).flat_map(|i| [p0.r[i], p0.g[i], p0.b[i], 255]).collect();
    let frame = Frame::new(p0.w, p0.h, PixelFormat::Rgba, &rgba).unwrap();
    let patch_px: Vec<u8> = (0..PATCH * PATCH).flat_map(|_| [128u8, 128, 128, 255]).collect();
    let patch = Frame::new(PATCH, PATCH, PixelFormat::Rgba, &patch_px).unwrap();
    let n = 50;
    let time = |label: &str, f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        println!("{label:14} {:7.2} ms", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
    };
    let full = Planes::from_frame(&frame);
    let small = full.downscale(LIVE_LOCATE_SIDE);
    let pp = Planes::from_frame(&patch);
    time("planes", &mut || {
        std::hint::black_box(Planes::from_frame(&frame));
    });
    time("downscale", &mut || {
        std::hint::black_box(full.downscale(LIVE_LOCATE_SIDE));
    });
    time("locate_live", &mut || {
        std::hint::black_box(locate::locate_live(&small.y, small.w, small.h));
    });
    let loc = locate::locate_live(&small.y, small.w, small.h).0;
    time("straight_run", &mut || {
        std::hint::black_box(screenshot::straight_edge_run(&full.y, full.w, full.h));
    });
    time("flat_share", &mut || {
        std::hint::black_box(screenshot::flat_share(&full.y, full.w, full.h));
    });
    let c = [Pt { x: PATCH as f32 / 2.0, y: PATCH as f32 / 2.0 }];
    time("moire", &mut || {
        std::hint::black_box(screen::moire_peak(&pp.y, pp.w, pp.h, &c));
    });
    time("alias", &mut || {
        std::hint::black_box(screen::colour_alias(&pp, &c));
    });
    if let Some(l) = &loc {
        let k = full.w as f32 / small.w as f32;
        let q = shrink(&l.quad, 0.88);
        let fq = q.map(|p| Pt { x: p.x * k, y: p.y * k });
        time("  of locate: content", &mut || {
            std::hint::black_box(idcapture_quality::outline::content(&small.y, small.w, small.h, &l.quad));
        });
        time("blur sample", &mut || {
            std::hint::black_box(region::sample(&full.y, full.w, full.h, &fq, document::BLUR_SIDE));
        });
        let r = region::sample(&full.y, full.w, full.h, &fq, document::BLUR_SIDE);
        time("blur crete", &mut || {
            std::hint::black_box(blur::crete(&r.px, &r.mask, r.w, r.h));
        });
        time("glare", &mut || {
            std::hint::black_box(glare::glare(&small, &l.quad));
        });
        time("photocopy", &mut || {
            std::hint::black_box(photocopy::chroma(&small, &shrink(&l.quad, 0.97)));
        });
    }
    let mut live = LiveDocument::default();
    time("TOTAL look", &mut || {
        std::hint::black_box(live.look(&frame, Some(&patch)));
    });
}
