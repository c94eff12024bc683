//! The one subscriber that turns each published status into what the person sees: the tray,
//! an event for the window, and a notification when [`agent_core::present::notice`] says one
//! is due. During a break it also refreshes the tray's time left every 30 seconds (and only
//! then: no timer runs otherwise).

use std::sync::Arc;

use agent_core::present::notice;
use agent_core::{Agent, Status};
use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;

use crate::tray::Tray;

/// Started again if it panics ([`agent_core::spawn_supervised`]): the tray never stops
/// following the status.
pub fn spawn(app: AppHandle, agent: Arc<Agent>, tray: Tray) {
    let runtime = tauri::async_runtime::handle();
    let _in_runtime = runtime.inner().enter();
    agent_core::spawn_supervised("forwarder", move || run(app.clone(), agent.clone(), tray.clone()));
}

async fn run(app: AppHandle, agent: Arc<Agent>, tray: Tray) {
    let mut updates = agent.controller().subscribe();
    {
        let mut before: Status = updates.borrow_and_update().clone();
        tray.show(&before);
        loop {
            let on_break = before.break_until.is_some();
            let tick = async {
                if on_break {
                    tokio::time::sleep(std::time::Duration::from_secs(30)).await
                } else {
                    std::future::pending::<()>().await
                }
            };
            tokio::select! {
                changed = updates.changed() => if changed.is_err() { break },
                () = tick => {
                    if !crate::quit::session_ending() {
                        tray.show(&before);
                    }
                    continue;
                }
            }
            let now = updates.borrow_and_update().clone();
            if crate::quit::session_ending() {
                // The event loop is over (Windows' session end): nothing more is shown.
                before = now;
                continue;
            }
            tray.show(&now);
            crate::window::send_status(&now);
            if let Some(n) = notice(&before, &now) {
                notify(&app, &n.title, &n.body);
            }
            before = now;
        }
    }
}

/// Shows a notification (its failure is logged: there is nowhere else to say it). On Linux the
/// body is escaped, since notification servers read it as markup
/// ([`agent_core::present::escape_markup`]).
pub fn notify(app: &AppHandle, title: &str, body: &str) {
    let body =
        if cfg!(target_os = "linux") { agent_core::present::escape_markup(body) } else { body.to_owned() };
    match app.notification().builder().title(title).body(body).show() {
        Ok(()) => tracing::info!(%title, "notified"),
        Err(e) => tracing::warn!("could not show a notification: {e}"),
    }
}
