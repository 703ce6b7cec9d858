// The fake camera of the WebKit and Firefox e2e (served by proxy.mjs, never
// by the product). Neither engine's own fake device can play our frames
// (WebKitGTK's mock camera draws a test pattern, Firefox's fake stream a
// colour cycle), so `getUserMedia` answers with `canvas.captureStream(30)`
// of a fixture picture, redrawn every frame with sensor-like noise (one of
// four noise frames in turn) and a hand tremor of whole pixels, fitted as
// `make-y4m` fits Chromium's clips.
//
// Driven through the DOM, the same from every driver: `<html data-fake-camera="quality-v2/doc_good_001.jpg">`
// picks the picture for the next stream (a path under tests/fixtures),
// `data-fake-camera-deny="NotAllowedError"` makes the next request fail
// with that DOMException. `data-fake-camera-streams` counts the streams.
(function () {
  if (!navigator.mediaDevices || window.__fakeCameraInstalled) return;
  window.__fakeCameraInstalled = true;
  const root = document.documentElement;
  let streams = 0;
  const pictures = new Map();
  const picture = (name) => {
    if (!pictures.has(name)) {
      pictures.set(
        name,
        fetch("/__e2e/pictures/" + name)
          .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(name + ": " + r.status))))
          .then((b) => createImageBitmap(b)),
      );
    }
    return pictures.get(name);
  };

  // Noise: a few frames of random grey at low opacity, one per frame.
  const noiseFrames = (w, h) =>
    Array.from({ length: 4 }, () => {
      const c = document.createElement("canvas");
      c.width = w;
      c.height = h;
      const g = c.getContext("2d");
      const img = g.createImageData(w, h);
      for (let i = 0; i < img.data.length; i += 4) {
        const v = (Math.random() * 255) | 0;
        img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
        img.data[i + 3] = 6;
      }
      g.putImageData(img, 0, 0);
      return c;
    });

  async function getUserMedia(constraints) {
    if (!constraints || !constraints.video) throw new TypeError("fake camera: video only");
    const deny = root.dataset.fakeCameraDeny;
    if (deny) throw new DOMException("fake camera: " + deny, deny);
    const name = root.dataset.fakeCamera;
    if (!name) throw new DOMException("fake camera: no picture", "NotFoundError");
    const bmp = await picture(name);
    // Fitted within 1920x1080 as the app asks for it (make-y4m's rule: a
    // 720x1280 portrait comes as 608x1080).
    const k = Math.min(1, 1920 / bmp.width, 1080 / bmp.height);
    const w = Math.round((bmp.width * k) / 2) * 2;
    const h = Math.round((bmp.height * k) / 2) * 2;
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext("2d");
    const noise = noiseFrames(w, h);
    let frame = 0;
    const draw = () => {
      // Every track ended (stopped, or its stop override lost with its
      // wrapper): the drawing stops too.
      if (frame > 0 && stream.getVideoTracks().every((t) => t.readyState === "ended")) {
        clearInterval(timer);
        return;
      }
      const a = frame * 2.399;
      // Whole pixels (a fractional offset would resample, blurring the
      // pixel grid and the sharpness the checks look for).
      g.drawImage(bmp, Math.round(1.5 * Math.cos(a)), Math.round(1.5 * Math.sin(a)), w, h);
      g.drawImage(noise[frame % noise.length], 0, 0);
      frame++;
    };
    let timer = null;
    const stream = canvas.captureStream(30);
    draw();
    timer = setInterval(draw, 33);
    streams++;
    root.dataset.fakeCameraStreams = String(streams);
    for (const t of stream.getVideoTracks()) {
      const stop = t.stop.bind(t);
      t.stop = () => {
        clearInterval(timer);
        stop();
      };
      const settings = t.getSettings ? t.getSettings.bind(t) : () => ({});
      t.getSettings = () => ({ ...settings(), width: w, height: h, frameRate: 30, deviceId: "fake-camera" });
    }
    return stream;
  }

  // On the prototype: WebKit may collect the `navigator.mediaDevices`
  // wrapper (a garbage collection, e.g. after axe's large script) and with
  // it any property set on the instance.
  const proto = Object.getPrototypeOf(navigator.mediaDevices);
  proto.getUserMedia = getUserMedia;
  proto.enumerateDevices = async () => [
    { kind: "videoinput", deviceId: "fake-camera", groupId: "fake", label: streams ? "Fake back camera" : "", toJSON() { return this; } },
  ];
})();
