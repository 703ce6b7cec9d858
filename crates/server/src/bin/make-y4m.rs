//! `make-y4m IMAGE OUT.y4m [FRAMES] [FPS] [SHAKE]`: a clip for Chromium's fake camera
//! (`--use-file-for-fake-video-capture`) from a still image, at the image's
//! own size (even width and height; fitted within 1920x1080). Each frame gets its own sensor-like
//! noise and a hand tremor of whole pixels, so the clip does not look like a
//! virtual camera repeating one frame.

use std::io::Write;

/// Chromium's fake camera reads a y4m clip as BT.601 limited range (studio
/// swing: luma 16-235, chroma 16-240; measured: a flat luma of 200 is drawn
/// as 214), whatever its `C420jpeg` tag says (the tag is kept: it names the
/// chroma siting Chromium expects; other readers, ffmpeg among them, take
/// it for full range and show these clips flatter than the browser does). Written full range, a clip's
/// whites would clip and its contrast grow in the browser; written limited
/// range, the page sees the fixture's own pixels.
const Y_SCALE: f32 = 219.0 / 255.0;
const C_SCALE: f32 = 224.0 / 255.0;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: make-y4m IMAGE OUT.y4m [FRAMES] [FPS] [SHAKE]");
        std::process::exit(2);
    }
    let frames: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(12);
    // Chromium's fake camera plays the file at the header's rate.
    let fps: u32 = args.get(4).and_then(|s| s.parse().ok()).filter(|f| (1..=60).contains(f)).unwrap_or(15);
    // Hand movement in pixels: 1.5 is a steady hand's tremor; tens of
    // pixels a hand that does not hold still.
    let shake: f32 =
        args.get(5).and_then(|s| s.parse().ok()).filter(|s: &f32| (0.0..=400.0).contains(s)).unwrap_or(1.5);
    let img = match image::open(&args[1]) {
        Ok(i) => i.to_rgb8(),
        Err(e) => {
            eprintln!("cannot read {}: {e}", args[1]);
            std::process::exit(1);
        }
    };
    // Larger than the 1920x1080 the app asks for: scaled down to fit, as a
    // camera would deliver it (Chromium's fake device otherwise crops a
    // 720x1280 portrait clip to 720x1080, cutting off what is at its edges).
    let (iw, ih) = (img.width(), img.height());
    let k = (1920.0 / iw as f32).min(1080.0 / ih as f32).min(1.0);
    let img = if k < 1.0 {
        let (nw, nh) = ((iw as f32 * k).round() as u32, (ih as f32 * k).round() as u32);
        image::imageops::resize(&img, nw, nh, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let (w, h) = ((img.width() & !1) as usize, (img.height() & !1) as usize);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&args[2]).expect("create output"));
    writeln!(out, "YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg").unwrap();
    let mut seed: u32 = 0x9e37_79b9;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for f in 0..frames {
        // Tremor: up to `shake` px (1.5 by default), different each frame.
        let ang = f as f32 * 2.399;
        let (dx, dy) = (shake * ang.cos(), shake * ang.sin());
        // Whole pixels: a sub-pixel shift would resample the picture, a
        // low-pass filter that blurs the very pixel grid and sharpness the
        // checks look for (a camera's shake moves the scene, not its
        // pixels).
        let sample = |x: usize, y: usize| -> [f32; 3] {
            let sx = (x as f32 + dx).round().clamp(0.0, (w - 1) as f32) as u32;
            let sy = (y as f32 + dy).round().clamp(0.0, (h - 1) as f32) as u32;
            let p = img.get_pixel(sx, sy).0;
            [p[0] as f32, p[1] as f32, p[2] as f32]
        };
        let mut yp = vec![0u8; w * h];
        let mut up = vec![0u8; (w / 2) * (h / 2)];
        let mut vp = vec![0u8; (w / 2) * (h / 2)];
        let mut usum = vec![0f32; (w / 2) * (h / 2)];
        let mut vsum = vec![0f32; (w / 2) * (h / 2)];
        for y in 0..h {
            for x in 0..w {
                let [r, g, b] = sample(x, y);
                let noise = ((rand() >> 24) as f32 / 255.0 - 0.5) * 6.0;
                let luma = 0.299 * r + 0.587 * g + 0.114 * b + noise;
                yp[y * w + x] = (16.0 + luma * Y_SCALE).clamp(0.0, 255.0) as u8;
                let k = (y / 2) * (w / 2) + x / 2;
                usum[k] += -0.168_736 * r - 0.331_264 * g + 0.5 * b;
                vsum[k] += 0.5 * r - 0.418_688 * g - 0.081_312 * b;
            }
        }
        for k in 0..up.len() {
            up[k] = (usum[k] / 4.0 * C_SCALE + 128.0).clamp(0.0, 255.0) as u8;
            vp[k] = (vsum[k] / 4.0 * C_SCALE + 128.0).clamp(0.0, 255.0) as u8;
        }
        out.write_all(b"FRAME\n").unwrap();
        out.write_all(&yp).unwrap();
        out.write_all(&up).unwrap();
        out.write_all(&vp).unwrap();
    }
}
