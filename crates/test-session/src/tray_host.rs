//! A tray host for tests, as GNOME's AppIndicator extension and KDE's panel are: it owns
//! `org.kde.StatusNotifierWatcher` on the private session bus, sees the app's tray register as
//! a StatusNotifierItem, reads its menu over `com.canonical.dbusmenu` (each item's label, whether
//! it is enabled, its tick) and clicks items with the menu's `Event` call. No pixels: the menu
//! as the desktop itself reads it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

/// One dbusmenu layout node: its id, properties and children.
type Node = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

/// The items registered so far: (the item's bus name, its object path).
type Registered = Arc<Mutex<Vec<(String, String)>>>;

struct Watcher {
    registered: Registered,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    /// An item registers with its object path (the sender is its bus name) or its bus name.
    async fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(signal_emitter)] emitter: zbus::object_server::SignalEmitter<'_>,
    ) {
        let sender = header.sender().map(ToString::to_string).unwrap_or_default();
        let (name, path) = if service.starts_with('/') {
            (sender, service.to_owned())
        } else {
            (service.to_owned(), "/StatusNotifierItem".to_owned())
        };
        let full = format!("{name}{path}");
        if let Ok(mut items) = self.registered.lock() {
            items.push((name, path));
        }
        let _ = Self::status_notifier_item_registered(&emitter, &full).await;
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.registered.lock().map(|i| i.iter().map(|(n, p)| format!("{n}{p}")).collect()).unwrap_or_default()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }

    #[zbus(signal)]
    async fn status_notifier_item_registered(
        emitter: &zbus::object_server::SignalEmitter<'_>,
        service: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn status_notifier_host_registered(
        emitter: &zbus::object_server::SignalEmitter<'_>,
    ) -> zbus::Result<()>;
}

/// The tray host, on the bus at `address`.
#[derive(Debug)]
pub struct TrayHost {
    conn: zbus::blocking::Connection,
    registered: Registered,
}

/// One item of a tray's menu, as dbusmenu gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub id: i32,
    /// The label, without the mnemonic underscores GTK adds.
    pub label: String,
    pub enabled: bool,
    /// `Some(ticked)` for a check item.
    pub ticked: Option<bool>,
    pub separator: bool,
    /// How deep in submenus (0: the top).
    pub depth: usize,
}

/// A tray icon registered with the host.
#[derive(Debug, Clone)]
pub struct TrayItem {
    conn: zbus::blocking::Connection,
    pub bus_name: String,
    pub path: String,
}

impl TrayHost {
    /// Owns the watcher's name on the bus at `address` (before the app starts, as a desktop's
    /// panel is already there).
    pub fn start(address: &str) -> zbus::Result<Self> {
        let registered = Registered::default();
        let conn = zbus::blocking::connection::Builder::address(address)?
            .name("org.kde.StatusNotifierWatcher")?
            .serve_at("/StatusNotifierWatcher", Watcher { registered: registered.clone() })?
            .build()?;
        Ok(Self { conn, registered })
    }

    /// The first item registered, waiting at most `limit`.
    pub fn wait_for_item(&self, limit: Duration) -> Option<TrayItem> {
        let start = Instant::now();
        loop {
            let first = self.registered.lock().ok().and_then(|i| i.first().cloned());
            if let Some((bus_name, path)) = first {
                return Some(TrayItem { conn: self.conn.clone(), bus_name, path });
            }
            if start.elapsed() > limit {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl TrayItem {
    /// A property of the item (`org.kde.StatusNotifierItem`), such as `IconName` or `Menu`.
    pub fn property(&self, name: &str) -> zbus::Result<OwnedValue> {
        let proxy = zbus::blocking::fdo::PropertiesProxy::builder(&self.conn)
            .destination(self.bus_name.as_str())?
            .path(self.path.as_str())?
            .build()?;
        let iface = zbus::names::InterfaceName::try_from("org.kde.StatusNotifierItem")?;
        Ok(proxy.get(iface, name)?)
    }

    fn menu_path(&self) -> zbus::Result<String> {
        let value = self.property("Menu")?;
        let path: OwnedObjectPath = value.try_into()?;
        Ok(path.to_string())
    }

    /// Every item of the menu, in order, submenus' items after their parent.
    pub fn menu(&self) -> zbus::Result<Vec<MenuEntry>> {
        let path = self.menu_path()?;
        // Some exporters fill a menu only when it is about to be shown, as a host does first.
        let _ = self.conn.call_method(
            Some(self.bus_name.as_str()),
            path.as_str(),
            Some("com.canonical.dbusmenu"),
            "AboutToShow",
            &(0i32),
        );
        let reply = self.conn.call_method(
            Some(self.bus_name.as_str()),
            path.as_str(),
            Some("com.canonical.dbusmenu"),
            "GetLayout",
            &(0i32, -1i32, Vec::<String>::new()),
        )?;
        let (_revision, layout): (u32, Node) = reply.body().deserialize()?;
        let mut out = Vec::new();
        for child in layout.2 {
            flatten(child, 0, &mut out)?;
        }
        Ok(out)
    }

    /// The menu entry whose label is `label`.
    pub fn entry(&self, label: &str) -> zbus::Result<Option<MenuEntry>> {
        Ok(self.menu()?.into_iter().find(|e| e.label == label))
    }

    /// Clicks the entry `id`, as a host does when the person picks it.
    pub fn click(&self, id: i32) -> zbus::Result<()> {
        let path = self.menu_path()?;
        let timestamp = 0u32;
        self.conn.call_method(
            Some(self.bus_name.as_str()),
            path.as_str(),
            Some("com.canonical.dbusmenu"),
            "Event",
            &(id, "clicked", Value::from(0i32), timestamp),
        )?;
        Ok(())
    }
}

/// One layout node `(id, properties, children)` and its children, into `out`.
fn flatten(node: OwnedValue, depth: usize, out: &mut Vec<MenuEntry>) -> zbus::Result<()> {
    let (id, props, children): Node = node.try_into()?;
    let text = |key: &str| props.get(key).and_then(|v| String::try_from(v.clone()).ok());
    let label = text("label").unwrap_or_default().replace('_', "");
    let enabled = props.get("enabled").and_then(|v| bool::try_from(v.clone()).ok()).unwrap_or(true);
    let ticked = match text("toggle-type").as_deref() {
        Some("checkmark" | "radio") => {
            Some(props.get("toggle-state").and_then(|v| i32::try_from(v.clone()).ok()).unwrap_or(0) == 1)
        }
        _ => None,
    };
    let separator = text("type").as_deref() == Some("separator");
    out.push(MenuEntry { id, label, enabled, ticked, separator, depth });
    for child in children {
        flatten(child, depth + 1, out)?;
    }
    Ok(())
}
