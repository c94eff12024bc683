//! The global shortcut on a Wayland desktop: the XDG `GlobalShortcuts` portal
//! (`org.freedesktop.portal.GlobalShortcuts`, offered by GNOME 48+ and KDE Plasma 5.27+). The
//! app opens a session, binds one shortcut (the desktop may ask the agent to confirm or pick
//! another key), and is told each time it is pressed (`Activated`). Each portal request answers
//! through a `Response` signal on a request object whose path the app can predict, so it
//! listens there before asking.
//!
//! Plain zbus calls on the session bus (the protocol is four calls and two signals), on a thread
//! of its own that sleeps until the portal speaks; dropped, it closes the session.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use zbus::blocking::{Connection, Proxy};
use zbus::zvariant::{ObjectPath, OwnedObjectPath, OwnedValue, Value};

use crate::shortcut::Shortcut;

const DEST: &str = "org.freedesktop.portal.Desktop";
const PATH: &str = "/org/freedesktop/portal/desktop";
const IFACE: &str = "org.freedesktop.portal.GlobalShortcuts";

/// The id of the one shortcut the app binds.
pub const SHORTCUT_ID: &str = "toggle";

/// The longest the app waits for the portal to answer a request (the desktop may show the
/// agent a dialog to confirm the key: it answers when they do, or this passes).
pub const ANSWER_WAIT: Duration = Duration::from_secs(60);

/// A bound shortcut; dropping it closes the portal session (the desktop releases the key).
#[derive(Debug)]
pub struct PortalShortcut {
    conn: Connection,
    session: OwnedObjectPath,
}

type Results = HashMap<String, OwnedValue>;

static TOKENS: AtomicU32 = AtomicU32::new(0);

/// A token for a request or a session, unique in this process.
fn token(what: &str) -> String {
    format!("exotel_agent_tray_{what}_{}_{}", std::process::id(), TOKENS.fetch_add(1, Ordering::Relaxed))
}

/// Why the portal gave no shortcut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortalError {
    /// No portal, or one without `GlobalShortcuts` (GNOME before 48, say): no app can have a
    /// global shortcut on this desktop.
    NoPortal,
    /// The portal is there but did not bind it: why, in words.
    Failed(String),
}

impl std::fmt::Display for PortalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortalError::NoPortal => f.write_str("the desktop's portal offers no global shortcuts"),
            PortalError::Failed(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for PortalError {}

impl From<String> for PortalError {
    fn from(why: String) -> Self {
        PortalError::Failed(why)
    }
}

/// Calls `method` as a portal request and waits for its `Response`: its results, or why not.
fn request<B>(conn: &Connection, method: &str, body: &B, handle_token: &str) -> Result<Results, PortalError>
where
    B: serde::Serialize + zbus::zvariant::DynamicType,
{
    let sender = conn.unique_name().map(|n| n.trim_start_matches(':').replace('.', "_")).unwrap_or_default();
    let path = format!("{PATH}/request/{sender}/{handle_token}");
    let request =
        Proxy::new(conn, DEST, path.as_str(), "org.freedesktop.portal.Request").map_err(|e| e.to_string())?;
    let responses = request.receive_signal("Response").map_err(|e| e.to_string())?;
    conn.call_method(Some(DEST), PATH, Some(IFACE), method, body).map_err(|e| match e {
        // No portal at all, or one without this interface (GNOME before 48, say).
        zbus::Error::MethodError(name, _, _)
            if [
                "org.freedesktop.DBus.Error.ServiceUnknown",
                "org.freedesktop.DBus.Error.UnknownMethod",
                "org.freedesktop.DBus.Error.UnknownInterface",
                "org.freedesktop.DBus.Error.UnknownObject",
            ]
            .contains(&name.as_str()) =>
        {
            PortalError::NoPortal
        }
        other => PortalError::Failed(format!("the desktop's portal refused: {other}")),
    })?;
    // The blocking iterator has no timeout: it is read on a thread, and given up on after
    // ANSWER_WAIT.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut responses = responses;
        let _ = tx.send(responses.next());
    });
    let message =
        rx.recv_timeout(ANSWER_WAIT).map_err(|_| "the desktop's portal did not answer".to_owned())?;
    let message = message.ok_or_else(|| "the desktop's portal went away".to_owned())?;
    let (code, results): (u32, Results) = message.body().deserialize().map_err(|e| e.to_string())?;
    match code {
        0 => Ok(results),
        1 => Err(PortalError::Failed("the shortcut was not confirmed on the desktop".to_owned())),
        _ => Err(PortalError::Failed("the desktop's portal could not bind the shortcut".to_owned())),
    }
}

impl PortalShortcut {
    /// Binds `shortcut` through the portal on the session bus and calls `on_press` (on the
    /// listener's own thread) each time it is pressed. The error says why not, in words.
    pub fn start(
        shortcut: &Shortcut,
        description: &str,
        on_press: impl Fn() + Send + 'static,
    ) -> Result<Self, PortalError> {
        let conn = Connection::session().map_err(|e| format!("no session bus: {e}"))?;
        Self::start_on(conn, shortcut, description, on_press)
    }

    /// [`Self::start`] on the bus `conn` (closed if it fails, so nothing waits on it).
    pub fn start_on(
        conn: Connection,
        shortcut: &Shortcut,
        description: &str,
        on_press: impl Fn() + Send + 'static,
    ) -> Result<Self, PortalError> {
        let result = Self::bind(conn.clone(), shortcut, description, on_press);
        if result.is_err() {
            let _ = conn.close();
        }
        result
    }

    fn bind(
        conn: Connection,
        shortcut: &Shortcut,
        description: &str,
        on_press: impl Fn() + Send + 'static,
    ) -> Result<Self, PortalError> {
        let handle = token("session");
        let mut options: HashMap<&str, Value<'_>> = HashMap::new();
        let request_token = token("create");
        options.insert("handle_token", Value::from(request_token.as_str()));
        options.insert("session_handle_token", Value::from(handle.as_str()));
        let created = request(&conn, "CreateSession", &(options,), &request_token)?;
        let session = created
            .get("session_handle")
            .and_then(|v| {
                String::try_from(v.clone())
                    .ok()
                    .and_then(|s| OwnedObjectPath::try_from(s).ok())
                    .or_else(|| OwnedObjectPath::try_from(v.clone()).ok())
            })
            .ok_or_else(|| "the desktop's portal gave no session".to_owned())?;

        // Listen before binding: a press right after must not be missed.
        let portal = Proxy::new(&conn, DEST, PATH, IFACE).map_err(|e| e.to_string())?;
        let activated = portal.receive_signal("Activated").map_err(|e| e.to_string())?;
        let mut properties: HashMap<&str, Value<'_>> = HashMap::new();
        properties.insert("description", Value::from(description));
        properties.insert("preferred_trigger", Value::from(shortcut.trigger()));
        let shortcuts = vec![(SHORTCUT_ID, properties)];
        let bind_token = token("bind");
        let mut options: HashMap<&str, Value<'_>> = HashMap::new();
        options.insert("handle_token", Value::from(bind_token.as_str()));
        let session_path = ObjectPath::from(&session);
        request(&conn, "BindShortcuts", &(session_path, shortcuts, "", options), &bind_token)?;

        let ours = session.clone();
        std::thread::Builder::new()
            .name("portal-shortcut".into())
            .spawn(move || {
                for signal in activated {
                    let Ok((session, id, _at, _options)) =
                        signal.body().deserialize::<(OwnedObjectPath, String, u64, Results)>()
                    else {
                        continue;
                    };
                    if session == ours && id == SHORTCUT_ID {
                        on_press();
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(Self { conn, session })
    }
}

impl Drop for PortalShortcut {
    /// Closes the session (the desktop releases the keys), then the connection, which ends the
    /// listening thread.
    fn drop(&mut self) {
        let _ = self.conn.call_method(
            Some(DEST),
            self.session.as_str(),
            Some("org.freedesktop.portal.Session"),
            "Close",
            &(),
        );
        let _ = self.conn.clone().close();
    }
}
