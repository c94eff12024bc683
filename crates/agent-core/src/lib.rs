//! Everything about the agent's status that runs without a display: the status controller,
//! the settings file, the keyring, sign-in. The desktop shell and the command line are thin
//! layers over this crate.

mod account;
mod agent;
mod away;
mod backoff;
mod clock;
mod controller;
mod credentials;
pub mod detail;
mod error;
mod file_lock;
mod history;
pub mod paths;
pub mod placement;
pub mod policy;
pub mod present;
pub mod presets;
mod settings;
mod status;
mod supervise;
mod sync;
pub mod updates;
pub mod words;

pub use account::{Accounts, SignInInput};
pub use agent::{Agent, AgentHandler, BREAK_CHECK, MAX_BREAK, QuitOutcome};
pub use away::{AwayRules, OfflineDuty, Parked, toggle_target};
pub use backoff::Backoff;
pub use clock::{Clock, ManualClock, SystemClock};
pub use controller::{Controller, ControllerConfig, LIMIT_WAIT};
pub use credentials::{KEYRING_SERVICE, Keyring, KeyringTokenSink};
pub use desk_events::{AwayEvent, Desk, DeskReport, LockLatch, OsEvent, OsEventHandler, Protection, Support};
pub use error::{CoreError, ErrorKind, KeyringError, Result};
pub use file_lock::LOCK_WAIT;
pub use history::{ChangeSink, HISTORY_LIMIT, History};
pub use presets::{Presets, SignInDefaults};
pub use settings::{
    Account, BreakState, IDLE_MINUTES, Loaded, MIN_SYNC_INTERVAL_SECS, PreferenceChanges, Preferences,
    Settings, SettingsStore, WindowSize,
};
pub use status::{
    Change, ErrorInfo, Field, GoingOffline, Outcome, RECENT_CHANGES, RateWait, Source, Status, Target,
    UnixMillis, UserSummary, now_ms,
};
pub use supervise::{RESTART_PAUSE, spawn_supervised};
pub use sync::{
    MAX_PACE, MAX_SYNC_DELAY, SyncRules, Synced, first_wait, next_pace, next_wait, run_sync_loop, sync_delay,
};
