//! Decode arbitrary bytes as an image (with the CLI's limits) and analyse it
//! as a document; also analyse the raw bytes as a gray frame of a size taken
//! from the first bytes. Neither may panic.
#![no_main]

use idcapture_quality::{analyze_document, Frame, PixelFormat};
use image::{ImageReader, Limits};
use libfuzzer_sys::fuzz_target;
use std::io::Cursor;

fuzz_target!(|data: &[u8]| {
    if data.len() >= 2 {
        let w = (data[0] as usize % 64) + 1;
        let h = (data[1] as usize % 64) + 1;
        let body = &data[2..];
        if body.len() >= w * h {
            if let Ok(f) = Frame::new(w, h, PixelFormat::Gray, &body[..w * h]) {
                let _ = analyze_document(&f);
            }
        }
    }
    let Ok(mut reader) = ImageReader::new(Cursor::new(data)).with_guessed_format() else {
        return;
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(512);
    limits.max_image_height = Some(512);
    limits.max_alloc = Some(16 << 20);
    reader.limits(limits);
    if let Ok(img) = reader.decode() {
        let rgb = img.to_rgb8();
        let (w, h) = rgb.dimensions();
        if let Ok(f) = Frame::new(w as usize, h as usize, PixelFormat::Rgb, rgb.as_raw()) {
            let _ = analyze_document(&f);
        }
    }
});
