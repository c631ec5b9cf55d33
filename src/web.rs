//! The browser side of Loopmap for the web (built for `wasm32-unknown-unknown` by
//! `web/build.sh`): the editor started on the page's canvas, the page's address and its
//! `#map=` link, downloads in place of files written, the browser's storage in place of
//! the autosave folder, and a map file picked or dropped on the page.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;

/// The id of the canvas in `web/index.html`.
const CANVAS: &str = "loopmap_canvas";
/// The element that says "Loading…" until the editor runs, or why it cannot.
const STATUS: &str = "loopmap_status";

/// Starts the editor on the page's canvas.
pub fn start() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(canvas) = document
        .get_element_by_id(CANVAS)
        .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
    else {
        status(&format!("Loopmap: the page has no canvas '{CANVAS}'"));
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let started = eframe::WebRunner::new()
            .start(
                canvas,
                eframe::WebOptions::default(),
                Box::new(|cc| Ok(Box::new(crate::app::LoopmapApp::for_web(cc)))),
            )
            .await;
        match started {
            Ok(()) => {
                if let Some(e) = document.get_element_by_id(STATUS) {
                    e.remove();
                }
            }
            Err(e) => status(&format!(
                "Loopmap could not start in this browser (it needs WebGL): {e:?}"
            )),
        }
    });
}

/// Writes `text` in the page's status line.
fn status(text: &str) {
    if let Some(e) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(STATUS))
    {
        e.set_text_content(Some(text));
    }
}

/// Publishes the CPU time of the last frame as `window.loopmapFrameMs` (milliseconds),
/// for `web/check.py` to measure the editor in a real browser.
pub fn report_frame_time(seconds: f32) {
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &window,
            &"loopmapFrameMs".into(),
            &f64::from(seconds * 1000.0).into(),
        );
    }
}

/// The page's address without its `#…` part: what share links build on.
pub fn page_address() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    Some(href.split('#').next().unwrap_or(&href).to_string())
}

/// The page's `#…` part when it carries a map.
pub fn link_in_page() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    crate::io::link::map_in(&hash).is_some().then_some(hash)
}

/// Offers `bytes` as a download named `name`.
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| format!("the browser refused the download: {e:?}");
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no page to download from")?;
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let anchor = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "no link element".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    web_sys::Url::revoke_object_url(&url).map_err(fail)?;
    Ok(())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The browser's storage, in place of files that outlive the page.
pub fn store(key: &str, value: &str) -> Result<(), String> {
    storage()
        .ok_or("the browser keeps no storage for this page")?
        .set_item(key, value)
        .map_err(|_| "the browser's storage is full".to_string())
}

pub fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

pub fn forget(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// A file the user is picking: empty until chosen (a name and its bytes).
pub type Picked = Rc<RefCell<Option<(String, Vec<u8>)>>>;

/// Opens the browser's file picker for a map; the file lands in the returned slot and
/// the editor is woken to take it.
pub fn pick_map(ctx: &egui::Context) -> Picked {
    let slot: Picked = Rc::default();
    let (into, ctx) = (slot.clone(), ctx.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let file = rfd::AsyncFileDialog::new()
            .add_filter("Loopmap map", &["json"])
            .pick_file()
            .await;
        if let Some(file) = file {
            let bytes = file.read().await;
            *into.borrow_mut() = Some((file.file_name(), bytes));
            ctx.request_repaint();
        }
    });
    slot
}

/// Reads a file dropped on the page; it lands in the returned slot.
pub fn read_dropped(ctx: &egui::Context, file: egui::DroppedFileHandle) -> Picked {
    let slot: Picked = Rc::default();
    let (into, ctx) = (slot.clone(), ctx.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.path().display().to_string();
        // A file the browser cannot read arrives empty and is refused as not a map.
        let bytes = file.bytes_async().await.unwrap_or_default();
        *into.borrow_mut() = Some((name, bytes));
        ctx.request_repaint();
    });
    slot
}
