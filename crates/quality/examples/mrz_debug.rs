//! Prints what the MRZ reader sees in image files: each text line found,
//! its grid, and the best symbol of each cell (for tuning; not shipped).
use idcapture_quality::frame::Planes;
use idcapture_quality::mrz::{self, find, format::SYMBOLS, ocr};
use idcapture_quality::{Frame, PixelFormat};

fn main() {
    for path in std::env::args().skip(1) {
        let img = image::open(&path).expect("image").to_rgb8();
        let (w, h) = (img.width() as usize, img.height() as usize);
        let frame = Frame::new(w, h, PixelFormat::Rgb, img.as_raw()).expect("frame");
        let p = Planes::from_frame(&frame);
        println!("{path}");
        for l in find::lines(&p.y, p.w, p.h) {
            let row: String = (0..l.cells)
                .map(|k| {
                    let s = ocr::classify(&p.y, p.w, p.h, &l.cell(k as f32, l.cap));
                    let b = (0..37).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap();
                    SYMBOLS[b] as char
                })
                .collect();
            println!("  cells {} pitch {:.1} cap {:.1} dir ({:.2},{:.2}) {row}", l.cells, l.pitch, l.cap, l.ux, l.uy);
            if let Ok(dir) = std::env::var("DUMP") {
                // Every cell's sample, side by side, as a PGM strip.
                let mut strip = vec![0u8; ocr::TW * ocr::TH * l.cells];
                for k in 0..l.cells {
                    let mut smp = [0f32; ocr::TW * ocr::TH];
                    if let Some((f, _)) = ocr::framed(&p.y, p.w, p.h, &l.cell(k as f32, l.cap)) {
                        ocr::sample_grid(&p.y, p.w, p.h, &f, ocr::TW, ocr::TH, &mut smp);
                    }
                    for j in 0..ocr::TH {
                        for i in 0..ocr::TW {
                            strip[j * ocr::TW * l.cells + k * ocr::TW + i] = smp[j * ocr::TW + i] as u8;
                        }
                    }
                }
                let name = format!("{dir}/line_{}_{}.pgm", l.cells, (l.cell(0.0, 1.0).cy) as i32);
                let mut f = format!("P5 {} {} 255\n", ocr::TW * l.cells, ocr::TH).into_bytes();
                f.extend_from_slice(&strip);
                std::fs::write(name, f).unwrap();
            }
            if std::env::var("CLOSE").is_ok() {
                for k in 0..l.cells {
                    let s = ocr::classify(&p.y, p.w, p.h, &l.cell(k as f32, l.cap));
                    let mut o: Vec<usize> = (0..37).collect();
                    o.sort_by(|&a, &b| s[b].total_cmp(&s[a]));
                    if s[o[0]] - s[o[1]] < 0.06 || s[o[0]] < 0.6 {
                        print!("    [{k}] ");
                        for &i in &o[..3] {
                            print!("{}:{:.3} ", SYMBOLS[i] as char, s[i]);
                        }
                        println!();
                    }
                }
            }
        }
        let ls = find::lines(&p.y, p.w, p.h);
        // Each zone as decoded (shift 0, height cue on): its close cells.
        for n in [2, 3] {
            for zone in find::zones(&ls, n) {
                let cap = zone.iter().map(|&i| ls[i].cap).sum::<f32>() / n as f32;
                let seen: Vec<Vec<Option<ocr::Observed>>> = zone
                    .iter()
                    .map(|&i| {
                        (0..ls[i].cells).map(|k| ocr::observe(&p.y, p.w, p.h, &ls[i].cell(k as f32, cap))).collect()
                    })
                    .collect();
                let grid = {
                    let seen: Vec<Vec<Option<&ocr::Observed>>> =
                        seen.iter().map(|r| r.iter().map(|o| o.as_ref()).collect()).collect();
                    mrz::zone_scores(&seen)
                };
                println!("  zone {zone:?} with height cue:");
                for (li, row) in grid.iter().enumerate() {
                    for (k, s) in row.iter().enumerate() {
                        let mut o: Vec<usize> = (0..37).collect();
                        o.sort_by(|&a, &b| s[b].total_cmp(&s[a]));
                        if s[o[0]] - s[o[1]] < 0.08 {
                            print!("    [{li}:{k}] ");
                            for &i in &o[..3] {
                                print!("{}:{:.3} ", SYMBOLS[i] as char, s[i]);
                            }
                            println!();
                        }
                    }
                }
            }
        }
        println!("  zones2 {:?} zones3 {:?}", find::zones(&ls, 2), find::zones(&ls, 3));
        let today = mrz::Date::parse_iso("2026-11-30").unwrap();
        let t0 = std::time::Instant::now();
        let (r, t) = mrz::read(&p.y, p.w, p.h, today);
        println!("  read in {:.1} ms", t0.elapsed().as_secs_f64() * 1000.0);
        println!("  -> {:?} {:?}", r.map(|r| r.lines), t);
    }
}
