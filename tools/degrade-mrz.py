#!/usr/bin/env python3
"""Degraded copies of a labelled MRZ folder, for stress-testing the reader.

Six copies per frame: Gaussian blur (sigma 1.0-1.8 px), downscale to
55-70 %, JPEG quality 30-50, brightness 35-50 %, rotation up to 6 degrees,
Gaussian noise (sigma 10), each with the frame's labels. Seeded: the same
folder gives the same copies.

Usage: `python3 tools/degrade-mrz.py ../shared/fixtures/mrz /tmp/deg` (needs
Pillow and numpy), then `../shared/tools/score-mrz /tmp/deg --idcheck
target/release/idcheck`.
"""
import json, os, random, sys
from PIL import Image, ImageFilter, ImageEnhance
import numpy as np
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
lab = json.load(open(os.path.join(src, "labels.json")))
random.seed(7)
items = []
for it in lab["items"]:
    im = Image.open(os.path.join(src, it["file"])).convert("RGB")
    base = it["file"].rsplit(".", 1)[0]
    for kind in ["blur", "down", "jpeg", "dark", "rot", "noise"]:
        j = im
        if kind == "blur":
            j = im.filter(ImageFilter.GaussianBlur(random.uniform(1.0, 1.8)))
        elif kind == "down":
            k = random.uniform(0.55, 0.7)
            j = im.resize((int(im.width * k), int(im.height * k)), Image.BILINEAR)
        elif kind == "dark":
            j = ImageEnhance.Brightness(im).enhance(random.uniform(0.35, 0.5))
        elif kind == "rot":
            j = im.rotate(random.uniform(-6, 6), resample=Image.BILINEAR, fillcolor=(40, 40, 40))
        elif kind == "noise":
            a = np.asarray(im).astype(np.float32) + np.random.default_rng(len(items)).normal(0, 10, (im.height, im.width, 3))
            j = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
        name = f"{base}_{kind}.jpg"
        j.save(os.path.join(dst, name), quality=random.randint(30, 50) if kind == "jpeg" else 90)
        n = dict(it); n["file"] = name
        items.append(n)
lab["items"] = items
json.dump(lab, open(os.path.join(dst, "labels.json"), "w"))
print(len(items))
