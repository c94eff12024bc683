//! The window: created when opened, destroyed when closed (its WebKit processes end with it),
//! while the app stays in the tray.

use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder};

pub const MAIN: &str = "main";

/// Shows the window, creating it if it is not open.
pub fn open(app: &AppHandle) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        return;
    }
    let built = WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App("index.html".into()))
        .title("Exotel Agent Tray")
        .inner_size(420.0, 700.0)
        .min_inner_size(360.0, 420.0)
        .build();
    match built {
        Ok(w) => {
            tracing::info!("window opened");
            w.on_window_event(|event| {
                if let tauri::WindowEvent::Destroyed = event {
                    tracing::info!("window closed");
                }
            });
        }
        Err(e) => tracing::error!("could not open the window: {e}"),
    }
}

/// Closes (destroys) the window: its web view and WebKit's processes go with it; the app stays
/// in the tray.
pub fn close(app: &AppHandle) {
    if let Some(w) = app.get_webview_window(MAIN)
        && let Err(e) = w.close()
    {
        tracing::warn!("could not close the window: {e}");
    }
}
