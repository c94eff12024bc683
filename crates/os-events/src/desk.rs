//! Linux: what this desktop can do for the app, found over D-Bus and X11 and kept up to date
//! ([`watch`]): a name that appears or goes (a tray host started after the app, a screensaver
//! replaced) is seen at once, through `NameOwnerChanged`; what has no such signal (an XEmbed
//! tray, the keyring's lock) is looked at again every [`LOOK_AGAIN`].
//!
//! - lock: a screensaver name with an owner on the session bus, else logind's session of this
//!   process on the system bus (which hears the lock only from lockers that tell logind);
//! - sleep: logind on the system bus;
//! - tray: a StatusNotifierWatcher on the session bus (what the tray library talks to), else an
//!   XEmbed system tray (the X selection `_NET_SYSTEM_TRAY_S0`), its fallback;
//! - notifications: `org.freedesktop.Notifications`, with the server's name, version and
//!   capabilities;
//! - keyring: the Secret Service, and whether its default collection is unlocked.
//!
//! Idle time and the shortcut are reported where they are set up (`crate::idle`, the shell).

use std::time::Duration;

use desk_events::{DeskReport, Protection, Support};
use futures_util::StreamExt;
use zbus::Connection;

use crate::bus_names::{LOGIN1, SCREENSAVERS, session_path};

/// How often what has no signal is looked at again.
pub const LOOK_AGAIN: Duration = Duration::from_secs(60);

/// The longest one look at a service may take (a hung service must not stop the others).
const ANSWER_WAIT: Duration = Duration::from_secs(3);

const STATUS_NOTIFIER_WATCHER: &str = "org.kde.StatusNotifierWatcher";
const NOTIFICATIONS: &str = "org.freedesktop.Notifications";
const SECRETS: &str = "org.freedesktop.secrets";

/// The names whose coming and going changes an answer.
fn watched_name(name: &str) -> bool {
    [STATUS_NOTIFIER_WATCHER, NOTIFICATIONS, SECRETS, LOGIN1].contains(&name)
        || SCREENSAVERS.iter().any(|(screensaver, _)| *screensaver == name)
}

/// Finds out what this desktop can do, then follows it for the life of the app. `session` and
/// `system`: the buses, where they could be reached.
pub async fn watch(session: Option<Connection>, system: Option<Connection>, report: DeskReport) {
    look(session.as_ref(), system.as_ref(), &report).await;
    let changes = |conn: Option<Connection>| async move {
        let proxy = zbus::fdo::DBusProxy::new(conn.as_ref()?).await.ok()?;
        proxy.receive_name_owner_changed().await.ok()
    };
    let mut on_session = changes(session.clone()).await;
    let mut on_system = changes(system.clone()).await;
    loop {
        // The name that changed owner on either bus; a stream that ended is dropped (then only
        // the periodic look follows that bus).
        let named = async {
            let (from_session, next) = match (on_session.as_mut(), on_system.as_mut()) {
                (Some(a), Some(b)) => match futures_util::future::select(a.next(), b.next()).await {
                    futures_util::future::Either::Left((next, _)) => (true, next),
                    futures_util::future::Either::Right((next, _)) => (false, next),
                },
                (Some(a), None) => (true, a.next().await),
                (None, Some(b)) => (false, b.next().await),
                (None, None) => std::future::pending().await,
            };
            (from_session, next.map(|signal| signal.args().ok().map(|a| a.name().to_string())))
        };
        tokio::select! {
            (from_session, next) = named => match next {
                None => {
                    tracing::warn!(from_session, "no more name changes from this bus: looking every minute");
                    if from_session { on_session = None } else { on_system = None }
                    continue;
                }
                Some(name) if !name.as_deref().is_some_and(watched_name) => continue,
                Some(_) => {}
            },
            () = tokio::time::sleep(LOOK_AGAIN) => {}
        }
        look(session.as_ref(), system.as_ref(), &report).await;
    }
}

/// One look at every protection found over the buses and X11.
pub async fn look(session: Option<&Connection>, system: Option<&Connection>, report: &DeskReport) {
    report.set(Protection::Lock, lock(session, system).await);
    report.set(Protection::Sleep, sleep(system).await);
    report.set(Protection::Tray, tray(session).await);
    report.set(Protection::Notifications, notifications(session).await);
    report.set(Protection::Keyring, keyring(session).await);
}

/// The shortcut, as far as can be told without taking it (for `doctor`): an X11 key grab, or on
/// Wayland the `GlobalShortcuts` portal if the desktop offers it.
pub async fn shortcut(session: Option<&Connection>) -> Support {
    if !crate::display::is_wayland() {
        return match std::env::var_os("DISPLAY").filter(|d| !d.is_empty()) {
            Some(_) => Support::works("an X11 key grab"),
            None => Support::missing("no X display"),
        };
    }
    let Some(conn) = session else { return Support::missing("no session bus") };
    let version: Option<zbus::zvariant::OwnedValue> = call(
        conn,
        "org.freedesktop.portal.Desktop",
        "/org/freedesktop/portal/desktop",
        "org.freedesktop.DBus.Properties",
        "Get",
        &("org.freedesktop.portal.GlobalShortcuts", "version"),
    )
    .await;
    match version {
        Some(_) => Support::works("the desktop's GlobalShortcuts portal"),
        None => Support::missing("this Wayland desktop offers no GlobalShortcuts portal"),
    }
}

/// Whether `name` has an owner on `conn`.
async fn owned(conn: &Connection, name: &str) -> bool {
    let Ok(name) = zbus::names::BusName::try_from(name) else { return false };
    let ask = async { zbus::fdo::DBusProxy::new(conn).await?.name_has_owner(name).await };
    matches!(tokio::time::timeout(ANSWER_WAIT, ask).await, Ok(Ok(true)))
}

/// A method's reply, bounded by [`ANSWER_WAIT`].
async fn call<B, R>(
    conn: &Connection,
    dest: &str,
    path: &str,
    iface: &str,
    method: &str,
    body: &B,
) -> Option<R>
where
    B: serde::Serialize + zbus::zvariant::DynamicType,
    R: for<'d> zbus::zvariant::DynamicDeserialize<'d>,
{
    let ask = conn.call_method(Some(dest), path, Some(iface), method, body);
    let reply = tokio::time::timeout(ANSWER_WAIT, ask).await.ok()?.ok()?;
    reply.body().deserialize::<R>().ok()
}

async fn lock(session: Option<&Connection>, system: Option<&Connection>) -> Support {
    if let Some(conn) = session {
        for (name, _) in SCREENSAVERS {
            if owned(conn, name).await {
                return Support::works(*name);
            }
        }
    }
    if let Some(conn) = system
        && session_path(conn).await.is_ok()
    {
        return Support::works("logind's session");
    }
    Support::missing(match (session, system) {
        (None, _) => "no session bus, and no logind session for this process",
        (_, None) => "no screensaver on the session bus, and no system bus",
        _ => "no screensaver on the session bus, and no logind session for this process",
    })
}

async fn sleep(system: Option<&Connection>) -> Support {
    match system {
        Some(conn) if owned(conn, LOGIN1).await => Support::works("logind"),
        Some(_) => Support::missing("logind is not on the system bus"),
        None => Support::missing("no system bus"),
    }
}

async fn tray(session: Option<&Connection>) -> Support {
    if let Some(conn) = session
        && owned(conn, STATUS_NOTIFIER_WATCHER).await
    {
        return Support::works("StatusNotifierWatcher");
    }
    let xembed = tokio::task::spawn_blocking(xembed_tray).await.unwrap_or(false);
    if xembed {
        return Support::works("XEmbed system tray");
    }
    Support::missing("no StatusNotifierWatcher on the session bus and no XEmbed system tray")
}

/// Whether the X display has a system tray (an owner of `_NET_SYSTEM_TRAY_S<screen>`).
fn xembed_tray() -> bool {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::ConnectionExt as _;
    if crate::display::is_wayland() || std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        return false;
    }
    let Ok((conn, screen)) = x11rb::connect(None) else { return false };
    let atom = format!("_NET_SYSTEM_TRAY_S{screen}");
    let Ok(Ok(reply)) = conn.intern_atom(true, atom.as_bytes()).map(|c| c.reply()) else { return false };
    if reply.atom == x11rb::NONE {
        return false;
    }
    let owner = conn.get_selection_owner(reply.atom).ok().and_then(|c| c.reply().ok());
    let _ = conn.flush();
    owner.is_some_and(|o| o.owner != x11rb::NONE)
}

async fn notifications(session: Option<&Connection>) -> Support {
    let Some(conn) = session else { return Support::missing("no session bus") };
    const PATH: &str = "/org/freedesktop/Notifications";
    let info: Option<(String, String, String, String)> =
        call(conn, NOTIFICATIONS, PATH, NOTIFICATIONS, "GetServerInformation", &()).await;
    let Some((name, _vendor, version, _spec)) = info else {
        return Support::missing("no notification server on the session bus");
    };
    let capabilities: Vec<String> =
        call(conn, NOTIFICATIONS, PATH, NOTIFICATIONS, "GetCapabilities", &()).await.unwrap_or_default();
    Support::works(format!("{name} {version} ({})", capabilities.join(", ")))
}

async fn keyring(session: Option<&Connection>) -> Support {
    let Some(conn) = session else { return Support::missing("no session bus") };
    const SERVICE: &str = "org.freedesktop.Secret.Service";
    const VIA: &str = "Secret Service";
    let default: Option<zbus::zvariant::OwnedObjectPath> =
        call(conn, SECRETS, "/org/freedesktop/secrets", SERVICE, "ReadAlias", &("default",)).await;
    let Some(default) = default else {
        return Support::missing("no Secret Service (such as GNOME Keyring or KWallet) on the session bus");
    };
    if default.as_str() == "/" {
        // No default collection: writing the secret would have to create one, through a prompt.
        return Support::Locked { via: VIA.to_owned() };
    }
    let locked: Option<zbus::zvariant::OwnedValue> = call(
        conn,
        SECRETS,
        default.as_str(),
        "org.freedesktop.DBus.Properties",
        "Get",
        &("org.freedesktop.Secret.Collection", "Locked"),
    )
    .await;
    match locked.and_then(|v| bool::try_from(v).ok()) {
        Some(false) => Support::works(VIA),
        _ => Support::Locked { via: VIA.to_owned() },
    }
}
