//! How a [`Status`](crate::Status) is put into words and pictures: pure functions over a
//! catalog ([`crate::words::Words`]), so the shell only applies them and they are tested without
//! a display. One file a job:
//! - [`time`]: how long, since when, how long left, and whether what is shown is fresh;
//! - [`tray`]: the tray's icon, tooltip and menu, and what a click asks for;
//! - [`notice`]: the notification due for a change, and whether it may show;
//! - [`phrases`]: the words for the parts of a status;
//! - [`view`]: the window's whole view, and the page's words;
//! - [`desk`]: what this computer can do, as the window, the tray and `doctor` say it;
//! - [`update`]: where the app stands with updates, and the offer of a new version.

pub mod desk;
pub mod notice;
pub mod phrases;
pub mod time;
pub mod tray;
pub mod update;
pub mod view;

pub use notice::{Notice, NoticeKind, escape_markup, last_quit_notice, notice, wanted};
pub use phrases::{
    availability_words, capitalise, device_words, error_words, kind_words, short_words, source_words,
    status_line, status_sentence, target_words, user_words,
};
pub use time::{
    Moment, STALE_AFTER_INTERVALS, change_time, clock_time, duration_words, going_offline_line, iso_time,
    limited_line, since, since_line, stale_line, time_left,
};
pub use tray::{
    BREAK_MINUTES, CheckItem, MenuAction, MenuModel, TrayIcon, TrayView, menu_action, menu_id, tooltip,
};

#[cfg(test)]
mod tests;
