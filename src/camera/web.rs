//! Browser side of the camera.

use super::{video_constraints, CameraError, Facing};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream, MediaStreamConstraints,
    MediaStreamTrack, Url,
};

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
    /// Ask for a camera.
    pub async fn open(facing: Facing) -> Result<CameraStream, CameraError> {
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
            let video = js_sys::JSON::parse(&video_constraints(facing, relaxed))
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
    let doc = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("no document"))?;
    let canvas: HtmlCanvasElement = doc.create_element("canvas").map_err(|_| fail("canvas"))?.unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: CanvasRenderingContext2d =
        canvas.get_context("2d").ok().flatten().ok_or_else(|| fail("2d context"))?.unchecked_into();
    ctx.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, w as f64, h as f64)
        .map_err(|_| fail("draw"))?;
    let pixels = ctx.get_image_data(0.0, 0.0, w as f64, h as f64).map_err(|_| fail("pixels"))?.data().0;
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
    let blob: Blob =
        JsFuture::from(promise).await.map_err(|_| fail("encode"))?.dyn_into().map_err(|_| fail("encode"))?;
    // The canvas held the frame's pixels: clear it before it is collected.
    canvas.set_width(0);
    let url = Url::create_object_url_with_blob(&blob).map_err(|_| fail("object url"))?;
    Ok((Still { blob, width: w, height: h, url }, pixels))
}
