//! Everything about the agent's status that runs without a display: the status controller,
//! the settings file, the keyring, sign-in. The desktop shell and the command line are thin
//! layers over this crate.

mod account;
mod agent;
mod controller;
mod credentials;
mod error;
pub mod paths;
pub mod present;
mod settings;
mod status;

pub use account::{Accounts, SignInInput};
pub use agent::Agent;
pub use controller::{Controller, ControllerConfig};
pub use credentials::{KEYRING_SERVICE, Keyring, KeyringTokenSink};
pub use error::{CoreError, ErrorInfo, Field, KeyringError, Result};
pub use settings::{Account, Loaded, Settings, SettingsStore};
pub use status::{
    Change, Outcome, RECENT_CHANGES, Source, Status, Target, UnixMillis, UserSummary, now_ms,
};
