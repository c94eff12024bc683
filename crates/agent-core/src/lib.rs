//! Everything about the agent's status that runs without a display: the status controller,
//! the settings file, the keyring, sign-in. The desktop shell and the command line are thin
//! layers over this crate.

mod account;
mod controller;
mod credentials;
mod error;
pub mod paths;
mod settings;
mod status;

pub use account::{Accounts, SignInInput};
pub use controller::{Controller, ControllerConfig};
pub use credentials::{KEYRING_SERVICE, Keyring, KeyringTokenSink};
pub use error::{CoreError, ErrorInfo, Field, KeyringError, Result};
pub use settings::{Account, Loaded, Settings, SettingsStore};
pub use status::{Change, Outcome, Source, Status, Target, UnixMillis, UserSummary, now_ms};
