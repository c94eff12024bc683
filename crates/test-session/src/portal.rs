//! A fake of the desktop's XDG `GlobalShortcuts` portal on the private session bus, as GNOME
//! and KDE offer it on Wayland: it opens sessions, binds the shortcuts asked for (answering each
//! request with a `Response` signal on the request's object, as the real portal does), and
//! "presses" one when the test says so (`Activated`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

const PATH: &str = "/org/freedesktop/portal/desktop";
const IFACE: &str = "org.freedesktop.portal.GlobalShortcuts";

/// What the fake was asked for.
#[derive(Debug, Default, Clone)]
pub struct Bound {
    /// The session that bound the shortcuts.
    pub session: Option<String>,
    /// Each shortcut's id and its preferred trigger (`CTRL+ALT+o`).
    pub shortcuts: Vec<(String, String)>,
}

struct Portal {
    bound: Arc<Mutex<Bound>>,
}

/// A bus name as it appears in the portal's object paths (`:1.23` -> `1_23`).
fn path_part(sender: &str) -> String {
    sender.trim_start_matches(':').replace('.', "_")
}

/// The request object's path for `token` asked by `sender`, as the portal makes it.
fn request_path(sender: &str, token: &str) -> String {
    format!("{PATH}/request/{}/{token}", path_part(sender))
}

/// Answers the request at `path` with `results`, once the method's reply has gone out.
fn respond(conn: zbus::Connection, path: String, results: HashMap<String, OwnedValue>) {
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(20));
        let _ = zbus::block_on(conn.emit_signal(
            None::<()>,
            path.as_str(),
            "org.freedesktop.portal.Request",
            "Response",
            &(0u32, results),
        ));
    });
}

fn text(options: &HashMap<String, OwnedValue>, key: &str) -> String {
    options.get(key).and_then(|v| String::try_from(v.clone()).ok()).unwrap_or_default()
}

#[zbus::interface(name = "org.freedesktop.portal.GlobalShortcuts")]
impl Portal {
    fn create_session(
        &self,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> OwnedObjectPath {
        let sender = header.sender().map(ToString::to_string).unwrap_or_default();
        let path = request_path(&sender, &text(&options, "handle_token"));
        let session =
            format!("{PATH}/session/{}/{}", path_part(&sender), text(&options, "session_handle_token"));
        let mut results = HashMap::new();
        if let Ok(v) = OwnedValue::try_from(Value::from(session.as_str())) {
            results.insert("session_handle".to_owned(), v);
        }
        respond(conn.clone(), path.clone(), results);
        OwnedObjectPath::try_from(path).unwrap_or_default()
    }

    fn bind_shortcuts(
        &self,
        session: OwnedObjectPath,
        shortcuts: Vec<(String, HashMap<String, OwnedValue>)>,
        _parent_window: &str,
        options: HashMap<String, OwnedValue>,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
    ) -> OwnedObjectPath {
        let sender = header.sender().map(ToString::to_string).unwrap_or_default();
        let path = request_path(&sender, &text(&options, "handle_token"));
        if let Ok(mut bound) = self.bound.lock() {
            bound.session = Some(session.to_string());
            bound.shortcuts =
                shortcuts.iter().map(|(id, p)| (id.clone(), text(p, "preferred_trigger"))).collect();
        }
        respond(conn.clone(), path.clone(), HashMap::new());
        OwnedObjectPath::try_from(path).unwrap_or_default()
    }

    #[zbus(property)]
    fn version(&self) -> u32 {
        1
    }
}

/// The fake portal, serving on the bus at `address` while it lives.
#[derive(Debug)]
pub struct FakePortal {
    conn: zbus::blocking::Connection,
    bound: Arc<Mutex<Bound>>,
}

impl FakePortal {
    pub fn start(address: &str) -> zbus::Result<Self> {
        let bound = Arc::new(Mutex::new(Bound::default()));
        let conn = zbus::blocking::connection::Builder::address(address)?
            .name("org.freedesktop.portal.Desktop")?
            .serve_at(PATH, Portal { bound: bound.clone() })?
            .build()?;
        Ok(Self { conn, bound })
    }

    /// What was bound so far.
    pub fn bound(&self) -> Bound {
        self.bound.lock().map(|b| b.clone()).unwrap_or_default()
    }

    /// Presses the shortcut `id` of the bound session, as the desktop does when the agent
    /// presses its keys.
    pub fn press(&self, id: &str) -> zbus::Result<()> {
        let session = self.bound().session.unwrap_or_default();
        let session = OwnedObjectPath::try_from(session)?;
        let options: HashMap<String, OwnedValue> = HashMap::new();
        self.conn.emit_signal(None::<()>, PATH, IFACE, "Activated", &(session, id, 0u64, options))
    }
}
