//! Browser glue tested in headless Chromium (wasm-bindgen-test): the camera
//! handle really stops the camera on Drop, a still comes out at the track's
//! resolution, and the app shows its error screen on a bad link.
#![cfg(target_arch = "wasm32")]

use idcapture::camera::{still_jpeg, CameraStream, Facing};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlVideoElement, MediaStreamTrack, MediaStreamTrackState};

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

#[wasm_bindgen_test]
async fn camera_tracks_stop_when_the_handle_drops() {
    let cam = CameraStream::open(Facing::Environment).await.expect("the fake camera opens");
    let track: MediaStreamTrack = cam.stream().get_video_tracks().get(0).unchecked_into();
    assert_eq!(track.ready_state(), MediaStreamTrackState::Live);
    drop(cam);
    assert_eq!(track.ready_state(), MediaStreamTrackState::Ended);
}

#[wasm_bindgen_test]
async fn a_still_has_the_tracks_resolution() {
    let cam = CameraStream::open(Facing::Environment).await.expect("the fake camera opens");
    let doc = web_sys::window().unwrap().document().unwrap();
    let video: HtmlVideoElement = doc.create_element("video").unwrap().unchecked_into();
    video.set_muted(true);
    video.set_src_object(Some(cam.stream()));
    let _ = video.play();
    for _ in 0..100 {
        if video.video_width() > 0 {
            break;
        }
        sleep(50).await;
    }
    // Shown small: the still must not be the preview's size.
    video.set_width(160);
    let (still, pixels) = still_jpeg(&video).await.expect("a still");
    assert_eq!(pixels.len(), (still.width * still.height * 4) as usize);
    assert_eq!((still.width, still.height), (video.video_width(), video.video_height()));
    assert!(still.width > 160);
    assert_eq!(still.blob.type_(), "image/jpeg");
    assert!(still.url.starts_with("blob:"));
}

#[wasm_bindgen_test]
async fn the_app_explains_a_link_without_a_session() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<idcapture::App>::with_root(root.clone()).render();
    let focused_heading = || {
        let h1 = root.query_selector("h1").ok().flatten();
        h1.is_some() && doc.active_element() == h1
    };
    for _ in 0..100 {
        let expected = idcapture::i18n::t(idcapture::i18n::Key::SessionMissing);
        if root.text_content().unwrap_or_default().contains(&expected) && focused_heading() {
            break;
        }
        sleep(20).await;
    }
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains(&idcapture::i18n::t(idcapture::i18n::Key::SessionMissing)), "{text}");
    let h1 = root.query_selector("h1").unwrap().expect("a heading");
    assert_eq!(doc.active_element().as_ref(), Some(&h1), "focus moves to the new screen's heading");
}
