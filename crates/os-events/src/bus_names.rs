//! Where the desktop's services are on D-Bus, and logind's session of this process: shared by
//! the signal watchers ([`crate::dbus`]) and what the desk can do ([`crate::desk`]).

use zbus::Connection;

/// Where each screensaver's signal may come from: its interface (which is also the bus name
/// that must own the sender) and the object paths it uses (KDE also uses `/ScreenSaver`).
/// Cinnamon (Linux Mint), MATE and XFCE use names of their own.
pub const SCREENSAVERS: &[(&str, &[&str])] = &[
    ("org.freedesktop.ScreenSaver", &["/org/freedesktop/ScreenSaver", "/ScreenSaver"]),
    ("org.gnome.ScreenSaver", &["/org/gnome/ScreenSaver"]),
    ("org.cinnamon.ScreenSaver", &["/org/cinnamon/ScreenSaver"]),
    ("org.mate.ScreenSaver", &["/org/mate/ScreenSaver"]),
    ("org.xfce.ScreenSaver", &["/org/xfce/ScreenSaver"]),
];

pub const LOGIN1: &str = "org.freedesktop.login1";
pub const LOGIN1_PATH: &str = "/org/freedesktop/login1";
pub const LOGIN1_MANAGER: &str = "org.freedesktop.login1.Manager";

/// This process's logind session (`GetSessionByPID`).
pub async fn session_path(conn: &Connection) -> zbus::Result<zbus::zvariant::OwnedObjectPath> {
    let reply = conn
        .call_method(
            Some(LOGIN1),
            LOGIN1_PATH,
            Some(LOGIN1_MANAGER),
            "GetSessionByPID",
            &(std::process::id(),),
        )
        .await?;
    reply.body().deserialize::<zbus::zvariant::OwnedObjectPath>()
}
