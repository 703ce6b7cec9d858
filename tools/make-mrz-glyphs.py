#!/usr/bin/env python3
"""Render the MRZ glyph bitmaps of crates/quality/tests/data/mrz-glyphs.bin.

Test data only: `tests/mrz_synthetic.rs` draws random MRZs from these
bitmaps (OCR-B and four substitute faces) to check that the reader never
reads one wrong. The reader itself ships trained weights
(`src/mrz/classes.bin`, made by `examples/train_mrz.rs`), not templates.

The MRZ alphabet (ICAO Doc 9303 part 3, section 4.3: A-Z, 0-9 and the filler
`<`) drawn in the OCR-B face the standard prescribes (ISO 1073-2; the
public-domain digitisation by Matthew Skala, Debian `fonts-ocr-b`, a copy in
`tools/fonts/`) and in the
monospaced faces that card printers and specimen generators substitute for it
(DejaVu Sans Mono and Liberation Mono, regular and bold).

Each glyph is framed as the reader frames a cell's ink: a box `MARGIN` times
the ink's height, TW/TH as wide as tall, centred on the ink. The glyph's own
proportions are kept (an OCR-B `0` is an `O` narrowed, and nothing else tells
them apart) while the printed size, the letter spacing and the line's height
estimate drop out. Area reduced to TW x TH and softened by a small Gaussian
(sigma 0.6 px) so a camera's blur costs less correlation.

Framing drops the glyph's height, which in OCR-B is what tells `0` from
`O` (digits stand 7 % taller than capitals): each glyph's ink height over
its face's `H` is stored too, and the reader weighs it against the cell's
ink height over the line's capitals.

Output format: b"MRZG", u8 version=4, u8 TW, u8 TH, u8 fonts, u8 symbols,
then the symbols as ASCII, then fonts x symbols u8 heights (x 100), then
fonts x symbols x TH x TW bytes (16 grey levels, multiples of 17).

Needs Pillow and the fonts: `apt-get install fonts-ocr-b fonts-dejavu-core
fonts-liberation`. Run from the repository root; commit the output.
"""
import sys
from PIL import Image, ImageDraw, ImageFilter, ImageFont

TW, TH = 14, 20
MARGIN = 1.15  # box height over ink height (must match mrz::ocr::MARGIN)
SYMBOLS = "<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FONTS = [
    "/usr/share/fonts/opentype/ocr-b/OCRB.otf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
]
SIZE = 240


def ink_height(path, ch):
    f = ImageFont.truetype(path, SIZE)
    _, mt, _, mb = f.getmask(ch).getbbox()
    return mb - mt


def render(path, ch):
    f = ImageFont.truetype(path, SIZE)
    # The ink's box: getbbox spans the advance in some faces, the mask's
    # own box is the ink within it.
    l0, t0, _, _ = f.getbbox(ch)
    ml, mt, mr, mb = f.getmask(ch).getbbox()
    l, t, r, b = l0 + ml, t0 + mt, l0 + mr, t0 + mb
    bh = (b - t) * MARGIN
    bw = bh * TW / TH
    cx, cy = (l + r) / 2, (t + b) / 2
    im = Image.new("L", (round(bw), round(bh)), 255)
    d = ImageDraw.Draw(im)
    d.text((bw / 2 - cx, bh / 2 - cy), ch, font=f, fill=0)
    im = im.resize((TW, TH), Image.Resampling.BOX)
    return im.filter(ImageFilter.GaussianBlur(0.6))


def main(out):
    data = bytearray(b"MRZG" + bytes([4, TW, TH, len(FONTS), len(SYMBOLS)]) + SYMBOLS.encode())
    for path in FONTS:
        for ch in SYMBOLS:
            data.append(round(100 * ink_height(path, ch) / ink_height(path, "H")))
    for path in FONTS:
        for ch in SYMBOLS:
            # 16 grey levels (multiples of 17): correlation loses nothing
            # measurable, and the table gzips to 15 KB instead of 36.
            data += bytes(round(v / 17) * 17 for v in render(path, ch).tobytes())
    open(out, "wb").write(data)
    print(f"{out}: {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "crates/quality/tests/data/mrz-glyphs.bin")
