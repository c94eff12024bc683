//! Linux: lock/unlock from the screensavers and logind's session, sleep/wake and shutdown from
//! logind, and the network coming back from NetworkManager, over D-Bus (see the crate's
//! documentation).

use std::sync::Arc;

use desk_events::{AwayEvent, DeskReport, LockLatch};
use futures_util::StreamExt;
use zbus::message::Type;
use zbus::{Connection, MatchRule, MessageStream};

use crate::bus_names::{LOGIN1, LOGIN1_MANAGER, LOGIN1_PATH, SCREENSAVERS, session_path};
use crate::{OsEvent, OsEventHandler};

/// Watches both buses (from `DBUS_SESSION_BUS_ADDRESS` and `DBUS_SYSTEM_BUS_ADDRESS`, or the
/// usual places) in the background, and what the desktop can do ([`crate::desk`]) into `desk`.
/// A bus that cannot be reached is logged and skipped.
pub fn spawn<H: OsEventHandler>(handler: Arc<H>, desk: DeskReport) {
    tokio::spawn(async move {
        let session = Connection::session()
            .await
            .map_err(|e| tracing::warn!("no session bus, so no screen-lock events from a screensaver: {e}"))
            .ok();
        let system = Connection::system()
            .await
            .map_err(|e| tracing::warn!("no system bus, so no sleep or shutdown events: {e}"))
            .ok();
        // One lock, whichever sources report it (a screensaver and logind's session both do on
        // GNOME): one lock event.
        let latch = Arc::new(LockLatch::default());
        if let Some(conn) = session.clone() {
            let (h, l) = (handler.clone(), latch.clone());
            tokio::spawn(async move { log_end("screensaver", watch_screensaver(&conn, h, l).await) });
        }
        if let Some(conn) = system.clone() {
            let (c, h) = (conn.clone(), handler.clone());
            tokio::spawn(async move { log_end("NetworkManager", watch_network(&c, h).await) });
            let (c, h) = (conn.clone(), handler.clone());
            tokio::spawn(async move { log_end("logind's session", watch_session_lock(&c, h, latch).await) });
            tokio::spawn(async move { log_end("logind", watch_login1(&conn, handler).await) });
        }
        crate::desk::watch(session, system, desk).await;
    });
}

/// Hands a lock or unlock to the handler, once per change whatever the number of sources.
async fn lock_event<H: OsEventHandler>(handler: &H, latch: &LockLatch, locked: bool, source: &str) {
    let event = if locked { AwayEvent::Locked } else { AwayEvent::Unlocked };
    if !latch.passes(locked) {
        tracing::debug!(?event, source, "already known from another source");
        return;
    }
    tracing::info!(?event, source, "screen lock");
    handler.handle(OsEvent::Away(event)).await;
}

fn log_end(what: &str, r: zbus::Result<()>) {
    if let Err(e) = r {
        tracing::warn!("stopped watching {what} signals: {e}");
    }
}

/// Whether `msg` was sent by the connection that owns `name` now. Any local program can send a
/// signal with any interface and path; only the owner of the screensaver's or logind's name is
/// believed, so no other program can make the app go offline or quit.
async fn sent_by_owner(conn: &Connection, msg: &zbus::Message, name: &str) -> bool {
    let Some(sender) = msg.header().sender().map(|s| s.as_str().to_owned()) else { return false };
    let Ok(name) = zbus::names::BusName::try_from(name) else { return false };
    let owner = match zbus::fdo::DBusProxy::new(conn).await {
        Ok(proxy) => proxy.get_name_owner(name).await.ok(),
        Err(_) => None,
    };
    owner.is_some_and(|o| o.as_str() == sender)
}

/// Lock and unlock, from any screensaver's name, when sent by that name's owner on its path.
pub async fn watch_screensaver<H: OsEventHandler>(
    conn: &Connection,
    handler: Arc<H>,
    latch: Arc<LockLatch>,
) -> zbus::Result<()> {
    let rule = MatchRule::builder().msg_type(Type::Signal).member("ActiveChanged")?.build();
    let mut stream = MessageStream::for_match_rule(rule, conn, None).await?;
    tracing::info!("watching screen-lock signals");
    while let Some(msg) = stream.next().await {
        let Ok(msg) = msg else { continue };
        let iface = msg.header().interface().map(|i| i.as_str().to_owned());
        let path = msg.header().path().map(|p| p.as_str().to_owned());
        let Some((name, _)) = SCREENSAVERS.iter().find(|(name, paths)| {
            iface.as_deref() == Some(*name) && paths.contains(&path.as_deref().unwrap_or(""))
        }) else {
            continue;
        };
        if !sent_by_owner(conn, &msg, name).await {
            tracing::warn!(interface = name, "ignored a screensaver signal not sent by the screensaver");
            continue;
        }
        let Ok(active) = msg.body().deserialize::<bool>() else { continue };
        lock_event(&*handler, &latch, active, name).await;
    }
    Ok(())
}

const LOGIN1_SESSION: &str = "org.freedesktop.login1.Session";

/// Lock and unlock from logind's session of this process, which knows of nearly every lock
/// (GNOME, KDE, Cinnamon and `loginctl lock-session` set it; sway's and i3's lockers that call
/// `loginctl lock-session` too): its `Lock`/`Unlock` signals and its `LockedHint` property,
/// believed only from logind (the owner of its name) on the session's own path.
pub async fn watch_session_lock<H: OsEventHandler>(
    conn: &Connection,
    handler: Arc<H>,
    latch: Arc<LockLatch>,
) -> zbus::Result<()> {
    let path = session_path(conn).await?;
    let rule = MatchRule::builder().msg_type(Type::Signal).path(path.clone())?.build();
    let mut stream = MessageStream::for_match_rule(rule, conn, None).await?;
    tracing::info!(session = path.as_str(), "watching logind's session lock");
    // logind's `Lock` and `Unlock` are requests to the session's locker (`loginctl
    // lock-session`), not its state; `LockedHint` is the state, set by lockers that report it.
    // A `Lock` is believed at once (going offline early is safe). Once the session has
    // reported a `LockedHint`, it alone says the screen is unlocked: an `Unlock` request the
    // locker may still refuse (a wrong password) brings no calls back.
    let mut hint_reported = false;
    while let Some(msg) = stream.next().await {
        let Ok(msg) = msg else { continue };
        let header = msg.header();
        let member = header.member().map(|m| m.as_str().to_owned());
        let interface = header.interface().map(|i| i.as_str().to_owned());
        let locked = match (interface.as_deref(), member.as_deref()) {
            (Some(LOGIN1_SESSION), Some("Lock")) => Some(true),
            (Some(LOGIN1_SESSION), Some("Unlock")) => Some(false),
            (Some("org.freedesktop.DBus.Properties"), Some("PropertiesChanged")) => locked_hint(&msg),
            _ => None,
        };
        let Some(locked) = locked else { continue };
        if !sent_by_owner(conn, &msg, LOGIN1).await {
            tracing::warn!(?member, "ignored a session lock signal not sent by logind");
            continue;
        }
        let is_hint = member.as_deref() == Some("PropertiesChanged");
        if !locked && !is_hint && hint_reported {
            tracing::info!("an Unlock request: waiting for the session's LockedHint to say it is unlocked");
            continue;
        }
        hint_reported |= is_hint;
        lock_event(&*handler, &latch, locked, "logind").await;
    }
    Ok(())
}

/// `LockedHint` from a session's `PropertiesChanged`, if it changed.
fn locked_hint(msg: &zbus::Message) -> Option<bool> {
    type Changed = (String, std::collections::HashMap<String, zbus::zvariant::OwnedValue>, Vec<String>);
    let (interface, changed, _) = msg.body().deserialize::<Changed>().ok()?;
    if interface != LOGIN1_SESSION {
        return None;
    }
    bool::try_from(changed.get("LockedHint")?).ok()
}

const NETWORK_MANAGER: &str = "org.freedesktop.NetworkManager";
const NETWORK_MANAGER_PATH: &str = "/org/freedesktop/NetworkManager";
/// NetworkManager's `NM_STATE_CONNECTED_LOCAL`: from here on (site, global) a request may get
/// through again.
const NM_CONNECTED_LOCAL: u32 = 50;

/// The network coming back: NetworkManager's `StateChanged` to a connected state (sent by its
/// owner, on its path) sends an away-offline still owed at once ([`OsEventHandler::network_changed`])
/// rather than at the end of its wait. Without NetworkManager nothing is lost: the owed offline
/// is tried again at the end of each wait anyway.
pub async fn watch_network<H: OsEventHandler>(conn: &Connection, handler: Arc<H>) -> zbus::Result<()> {
    let rule = MatchRule::builder()
        .msg_type(Type::Signal)
        .interface(NETWORK_MANAGER)?
        .member("StateChanged")?
        .build();
    let mut stream = MessageStream::for_match_rule(rule, conn, None).await?;
    tracing::info!("watching network signals");
    while let Some(msg) = stream.next().await {
        let Ok(msg) = msg else { continue };
        if msg.header().path().map(|p| p.as_str()) != Some(NETWORK_MANAGER_PATH)
            || !sent_by_owner(conn, &msg, NETWORK_MANAGER).await
        {
            tracing::warn!("ignored a network signal not sent by NetworkManager");
            continue;
        }
        let Ok(state) = msg.body().deserialize::<u32>() else { continue };
        if state >= NM_CONNECTED_LOCAL {
            tracing::info!(state, "the network is back");
            handler.network_changed();
        }
    }
    Ok(())
}

/// How long logind is given to answer the request for a sleep inhibitor.
const INHIBIT_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Sleep, wake and shutdown from logind (its owner, on its path), holding a delay inhibitor while
/// the handler waits before sleep ([`OsEventHandler::waits_before_sleep`]).
pub async fn watch_login1<H: OsEventHandler>(conn: &Connection, handler: Arc<H>) -> zbus::Result<()> {
    let rule = MatchRule::builder().msg_type(Type::Signal).interface(LOGIN1_MANAGER)?.build();
    let mut stream = MessageStream::for_match_rule(rule, conn, None).await?;
    tracing::info!("watching sleep and shutdown signals");
    let mut inhibitor = take_inhibitor(conn, handler.as_ref()).await;
    while let Some(msg) = stream.next().await {
        let Ok(msg) = msg else { continue };
        let member = msg.header().member().map(|m| m.as_str().to_owned());
        if msg.header().path().map(|p| p.as_str()) != Some(LOGIN1_PATH)
            || !sent_by_owner(conn, &msg, LOGIN1).await
        {
            tracing::warn!(?member, "ignored a logind signal not sent by logind");
            continue;
        }
        let Ok(starting) = msg.body().deserialize::<bool>() else { continue };
        match (member.as_deref(), starting) {
            (Some("PrepareForSleep"), true) => {
                handler.handle(OsEvent::Away(AwayEvent::Sleeping)).await;
                // Done: let the computer sleep.
                drop(inhibitor.take());
            }
            (Some("PrepareForSleep"), false) => {
                handler.handle(OsEvent::Away(AwayEvent::Woke)).await;
                inhibitor = take_inhibitor(conn, handler.as_ref()).await;
            }
            (Some("PrepareForShutdown"), true) => handler.handle(OsEvent::Shutdown).await,
            _ => {}
        }
    }
    Ok(())
}

/// A logind "delay" lock on sleep, when the agent wants to go offline before sleeping; `None`
/// when not wanted or not available (no logind, as in containers and tests).
async fn take_inhibitor<H: OsEventHandler>(
    conn: &Connection,
    handler: &H,
) -> Option<zbus::zvariant::OwnedFd> {
    if !handler.waits_before_sleep() {
        return None;
    }
    let args = ("sleep", "Exotel Agent Tray", "Going offline on Exotel before sleep", "delay");
    let call = conn.call_method(Some(LOGIN1), LOGIN1_PATH, Some(LOGIN1_MANAGER), "Inhibit", &args);
    // Bounded: a logind that does not answer must not hold up the signals that follow.
    let Ok(reply) = tokio::time::timeout(INHIBIT_WAIT, call).await else {
        tracing::info!("no sleep inhibitor: logind did not answer within {} s", INHIBIT_WAIT.as_secs());
        return None;
    };
    match reply.and_then(|r| r.body().deserialize::<zbus::zvariant::OwnedFd>()) {
        Ok(fd) => Some(fd),
        Err(e) => {
            tracing::info!("no sleep inhibitor (going offline may race the sleep): {e}");
            None
        }
    }
}
