//! A stand-in for logind's session of the process under test, on a test bus: the owner of
//! `org.freedesktop.login1` whose manager answers `GetSessionByPID` with one session, and which
//! sends that session's `Lock`/`Unlock` signals and `LockedHint` changes as logind does.

use std::collections::HashMap;

/// The one session's object path.
pub const SESSION: &str = "/org/freedesktop/login1/session/c1";
const SESSION_IFACE: &str = "org.freedesktop.login1.Session";

struct Manager;

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl Manager {
    #[zbus(name = "GetSessionByPID")]
    fn get_session_by_pid(&self, _pid: u32) -> zbus::fdo::Result<zbus::zvariant::OwnedObjectPath> {
        zbus::zvariant::OwnedObjectPath::try_from(SESSION)
            .map_err(|e| zbus::fdo::Error::Failed(e.to_string()))
    }
}

/// logind on the bus at `address`, for as long as it is kept.
#[derive(Debug, Clone)]
pub struct FakeLogind {
    conn: zbus::Connection,
}

impl FakeLogind {
    pub async fn start(address: &str) -> zbus::Result<Self> {
        let conn = zbus::connection::Builder::address(address)?
            .name("org.freedesktop.login1")?
            .serve_at("/org/freedesktop/login1", Manager)?
            .build()
            .await?;
        Ok(Self { conn })
    }

    /// The session's `Lock` or `Unlock` signal (`member`), from logind.
    pub async fn session_signal(&self, member: &str) -> zbus::Result<()> {
        self.conn.emit_signal(None::<&str>, SESSION, SESSION_IFACE, member, &()).await
    }

    /// The session's `LockedHint` changed, as logind says it (`PropertiesChanged`).
    pub async fn locked_hint(&self, locked: bool) -> zbus::Result<()> {
        let changed: HashMap<&str, zbus::zvariant::Value<'_>> =
            HashMap::from([("LockedHint", locked.into())]);
        let body = (SESSION_IFACE, changed, Vec::<&str>::new());
        self.conn
            .emit_signal(None::<&str>, SESSION, "org.freedesktop.DBus.Properties", "PropertiesChanged", &body)
            .await
    }
}
