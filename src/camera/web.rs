//! Browser side of the camera.

use super::{video_constraints_for, CameraError, Facing};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, HtmlVideoElement, MediaStream, MediaStreamConstraints, MediaStreamTrack, Url};

fn exception_name(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"name".into()).ok().and_then(|v| v.as_string()).unwrap_or_else(|| "UnknownError".into())
}

/// Whether the embedding page's permissions policy withholds the camera
/// (`document.permissionsPolicy` or the older `featurePolicy`, where the
/// browser has them; elsewhere the error pattern tells).
pub fn camera_policy_blocks() -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    for name in ["permissionsPolicy", "featurePolicy"] {
        let Ok(policy) = js_sys::Reflect::get(&doc, &name.into()) else {
            continue;
        };
        if policy.is_undefined() || policy.is_null() {
            continue;
        }
        let Ok(f) = js_sys::Reflect::get(&policy, &"allowsFeature".into()) else {
            continue;
        };
        if let Ok(f) = f.dyn_into::<js_sys::Function>() {
            if let Ok(v) = f.call1(&policy, &"camera".into()) {
                return v.as_bool() == Some(false);
            }
        }
    }
    false
}

/// A live camera stream; dropping it stops every track (the camera light
/// goes off), so a screen that does not need the camera cannot keep it.
#[must_use = "dropping the stream stops the camera"]
pub struct CameraStream {
    stream: MediaStream,
}

impl CameraStream {
    /// Ask for a camera (a given one by id, or the browser's pick for the facing).
    pub async fn open(facing: Facing) -> Result<CameraStream, CameraError> {
        Self::open_device(facing, None).await
    }

    /// Ask for a camera, optionally a given device.
    pub async fn open_device(facing: Facing, device: Option<&str>) -> Result<CameraStream, CameraError> {
        let window = web_sys::window().ok_or_else(|| CameraError::Failed("no window".into()))?;
        if !window.is_secure_context() {
            return Err(CameraError::Insecure);
        }
        if camera_policy_blocks() {
            return Err(CameraError::Blocked);
        }
        let devices = window.navigator().media_devices().map_err(|_| CameraError::Insecure)?;
        let mut last = CameraError::Failed("not tried".into());
        for relaxed in [false, true] {
            let c = MediaStreamConstraints::new();
            c.set_audio(&JsValue::FALSE);
            let video = js_sys::JSON::parse(&video_constraints_for(facing, relaxed, device))
                .map_err(|_| CameraError::Failed("constraints".into()))?;
            c.set_video(&video);
            let promise =
                devices.get_user_media_with_constraints(&c).map_err(|e| CameraError::from_name(&exception_name(&e)))?;
            match JsFuture::from(promise).await {
                Ok(s) => return Ok(CameraStream { stream: s.unchecked_into() }),
                Err(e) => {
                    last = CameraError::from_name(&exception_name(&e));
                    if last != CameraError::Overconstrained {
                        break;
                    }
                }
            }
        }
        // Inside a frame whose policy withholds the camera, Chromium answers
        // NotAllowedError without asking: say so rather than "denied".
        if last == CameraError::Denied && camera_policy_blocks() {
            return Err(CameraError::Blocked);
        }
        Err(last)
    }

    pub fn stream(&self) -> &MediaStream {
        &self.stream
    }

    /// The video track.
    pub fn track(&self) -> Option<MediaStreamTrack> {
        self.stream.get_video_tracks().get(0).dyn_into::<MediaStreamTrack>().ok()
    }

    /// The track's device id, if the browser says.
    pub fn device_id(&self) -> Option<String> {
        let settings = self.track()?.get_settings();
        js_sys::Reflect::get(&settings, &"deviceId".into()).ok()?.as_string()
    }

    fn capability(&self, name: &str) -> JsValue {
        let Some(track) = self.track() else { return JsValue::UNDEFINED };
        let Ok(f) = js_sys::Reflect::get(&track, &"getCapabilities".into()) else { return JsValue::UNDEFINED };
        let Ok(f) = f.dyn_into::<js_sys::Function>() else { return JsValue::UNDEFINED };
        f.call0(&track).ok().and_then(|c| js_sys::Reflect::get(&c, &name.into()).ok()).unwrap_or(JsValue::UNDEFINED)
    }

    /// Whether the camera has a torch the page may switch.
    pub fn has_torch(&self) -> bool {
        self.capability("torch").as_bool() == Some(true)
    }

    fn apply_advanced(&self, json: &str) {
        let (Some(track), Ok(c)) = (self.track(), js_sys::JSON::parse(json)) else { return };
        if let Ok(f) =
            js_sys::Reflect::get(&track, &"applyConstraints".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
        {
            if let Ok(p) = f.call1(&track, &c) {
                // Unsupported settings reject; nothing depends on them.
                if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = JsFuture::from(p).await;
                    });
                }
            }
        }
    }

    /// Switch the torch on or off.
    pub fn set_torch(&self, on: bool) {
        self.apply_advanced(&format!(r#"{{"advanced":[{{"torch":{on}}}]}}"#));
    }

    /// Continuous autofocus where the camera offers it (documents are close).
    pub fn prefer_continuous_focus(&self) {
        let modes = self.capability("focusMode");
        if js_sys::Array::is_array(&modes) && js_sys::Array::from(&modes).includes(&"continuous".into(), 0) {
            self.apply_advanced(r#"{"advanced":[{"focusMode":"continuous"}]}"#);
        }
    }
}

/// The cameras as (device id, label); labels are empty before permission.
pub async fn list_cameras() -> Vec<(String, String)> {
    let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else { return Vec::new() };
    let Ok(p) = devices.enumerate_devices() else { return Vec::new() };
    let Ok(list) = JsFuture::from(p).await else { return Vec::new() };
    js_sys::Array::from(&list)
        .iter()
        .filter(|d| {
            js_sys::Reflect::get(d, &"kind".into()).ok().and_then(|k| k.as_string()).as_deref() == Some("videoinput")
        })
        .map(|d| {
            let get =
                |k: &str| js_sys::Reflect::get(&d, &k.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
            (get("deviceId"), get("label"))
        })
        .collect()
}

impl Drop for CameraStream {
    fn drop(&mut self) {
        for t in self.stream.get_tracks().iter() {
            if let Ok(track) = t.dyn_into::<MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}

/// A captured still: the JPEG and an object URL for the review screen,
/// revoked when the still is dropped (completion, cancel, expiry, retake).
pub struct Still {
    pub blob: Blob,
    pub width: u32,
    pub height: u32,
    pub url: String,
}

impl Drop for Still {
    fn drop(&mut self) {
        let _ = Url::revoke_object_url(&self.url);
    }
}

impl PartialEq for Still {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url
    }
}

/// Draws of a wholly black still taken again before it is kept.
const BLACK_RETRIES: usize = 6;

/// Take a still from the video at the track's full resolution and encode it
/// as JPEG (quality 0.92: text stays crisp, ~1 MB at 1920x1080). Also
/// returns the frame's RGBA pixels, for the device-side checks; the caller
/// drops them once checked.
pub async fn still_jpeg(video: &HtmlVideoElement) -> Result<(Still, Vec<u8>), CameraError> {
    // The stream can be live before its first frame reaches the element
    // (dimensions 0, HAVE_NOTHING): wait for a frame rather than fail.
    for _ in 0..60 {
        if video.video_width() > 0 && video.ready_state() >= 2 {
            break;
        }
        gloo::timers::future::TimeoutFuture::new(50).await;
    }
    let (w, h) = (video.video_width(), video.video_height());
    if w == 0 || h == 0 {
        return Err(CameraError::Failed("no frame yet".into()));
    }
    let fail = |m: &str| CameraError::Failed(m.to_string());
    // Read back at once, so kept in memory (`willReadFrequently`), as the
    // live loop's canvases are.
    let (canvas, ctx) = super::frames::reading_canvas(w, h).ok_or_else(|| fail("2d context"))?;
    // WebKit sometimes draws a video frame as black, all of it (seen in
    // WebKitGTK right after auto-capture, the live loop's own reduced copy
    // of the same moment being fine; "black camera screen" is among the
    // reports from iPhones): a wholly black draw is taken again on the next
    // frames. A genuinely black scene stays black and is judged too dark.
    let mut pixels = Vec::new();
    let mut drawn = Ok(());
    for attempt in 0..BLACK_RETRIES {
        if attempt > 0 {
            gloo::timers::future::TimeoutFuture::new(50).await;
        }
        super::wipe(&mut pixels);
        drawn = ctx
            .draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, w as f64, h as f64)
            .map_err(|_| fail("draw"))
            .and_then(|_| ctx.get_image_data(0.0, 0.0, w as f64, h as f64).map_err(|_| fail("pixels")))
            .map(|img| pixels = img.data().0);
        if drawn.is_err() || !super::all_black(&pixels) {
            break;
        }
    }
    if let Err(e) = drawn {
        // Nothing of the frame stays behind: the canvas and the buffer.
        canvas.set_width(0);
        super::wipe(&mut pixels);
        return Err(e);
    }
    let promise = js_sys::Promise::new(&mut |resolve: js_sys::Function, reject: js_sys::Function| {
        let cb = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        if canvas
            .to_blob_with_type_and_encoder_options(cb.unchecked_ref(), "image/jpeg", &JsValue::from_f64(0.92))
            .is_err()
        {
            let _ = reject.call0(&JsValue::NULL);
        }
    });
    let encoded: Result<(Blob, String), CameraError> = async {
        let blob: Blob =
            JsFuture::from(promise).await.map_err(|_| fail("encode"))?.dyn_into().map_err(|_| fail("encode"))?;
        let url = Url::create_object_url_with_blob(&blob).map_err(|_| fail("object url"))?;
        Ok((blob, url))
    }
    .await;
    // The canvas held the frame's pixels: clear it before it is collected.
    canvas.set_width(0);
    match encoded {
        Ok((blob, url)) => Ok((Still { blob, width: w, height: h, url }, pixels)),
        Err(e) => {
            let mut pixels = pixels;
            super::wipe(&mut pixels);
            Err(e)
        }
    }
}
