//! The commands the page may call, as one typed enum: parsed once where a call arrives from the
//! window process ([`Command::parse`]), then matched by variant, never by name.

use agent_core::PreferenceChanges;
use exotel_api::{Device, Secret};
use serde::Deserialize;
use serde_json::Value;

/// One call from the page, with its arguments (camelCase keys, as Tauri's own commands take).
#[derive(Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    GetStatus,
    GetAccount,
    SignInForm,
    SignIn(SignInArgs),
    SignOut,
    SetAvailability {
        target: Choice,
    },
    Refresh,
    TrySandbox,
    GetPreferences,
    /// The settings the window shows, by name (the others keep their values).
    SetPreferences {
        preferences: PreferenceChanges,
    },
    /// A break of `seconds` (the window offers 5, 15, 30 and 60 minutes).
    StartBreak {
        seconds: u64,
    },
    EndBreak,
    GetHistory,
    /// "Quiet for 1 hour", or notify again if quiet now (as the tray's item does).
    ToggleQuiet,
    /// The page's words in the chosen language.
    GetWords,
    /// Escape in the window. Answered by the window process itself, which closes its window
    /// (and so ends); it never reaches the tray process.
    CloseWindow,
    /// Quits the app (going offline first if the agent asked for that).
    Quit,
    /// *Check for updates*: a look now; the outcome comes with the next status event.
    CheckUpdates,
    /// *Install and restart*: offline first, then the installer.
    InstallUpdate,
}

/// Never the arguments: a sign-in's hold the secret typed into the form.
impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInArgs {
    pub host: String,
    pub app_id: String,
    pub secret: Secret,
    pub user_id: String,
}

/// The window's three choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    Offline,
    Phone,
    Sip,
}

impl Choice {
    pub fn target(self) -> agent_core::Target {
        match self {
            Choice::Offline => agent_core::Target::Offline,
            Choice::Phone => agent_core::Target::Receiving(Device::Phone),
            Choice::Sip => agent_core::Target::Receiving(Device::Sip),
        }
    }
}

impl Command {
    /// The command `name` with the page's `args` (an object, or nothing), or why it is not one.
    pub fn parse(name: &str, args: Value) -> Result<Self, String> {
        let mut object = match args {
            Value::Object(map) => map,
            Value::Null => serde_json::Map::new(),
            _ => return Err(format!("the arguments of {name:?} are not an object")),
        };
        object.insert("command".into(), Value::String(name.to_owned()));
        serde_json::from_value(Value::Object(object)).map_err(|e| format!("{name:?}: {e}"))
    }

    /// The name the page calls it by.
    pub fn name(&self) -> &'static str {
        match self {
            Command::GetStatus => "get_status",
            Command::GetAccount => "get_account",
            Command::SignInForm => "sign_in_form",
            Command::SignIn(_) => "sign_in",
            Command::SignOut => "sign_out",
            Command::SetAvailability { .. } => "set_availability",
            Command::Refresh => "refresh",
            Command::TrySandbox => "try_sandbox",
            Command::GetPreferences => "get_preferences",
            Command::SetPreferences { .. } => "set_preferences",
            Command::StartBreak { .. } => "start_break",
            Command::EndBreak => "end_break",
            Command::GetHistory => "get_history",
            Command::ToggleQuiet => "toggle_quiet",
            Command::GetWords => "get_words",
            Command::CloseWindow => "close_window",
            Command::Quit => "quit",
            Command::CheckUpdates => "check_updates",
            Command::InstallUpdate => "install_update",
        }
    }
}

/// The name of [`Command::CloseWindow`], which the window process answers itself.
pub const CLOSE_WINDOW: &str = "close_window";

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::commands::names::COMMANDS;
    use serde_json::json;

    /// Arguments each command accepts, as the page sends them.
    fn sample(name: &str) -> Value {
        match name {
            "sign_in" => json!({"host": "https://h", "appId": "a", "secret": "s", "userId": "u"}),
            "set_availability" => json!({"target": "sip"}),
            "set_preferences" => json!({"preferences": {"offline_on_quit": true}}),
            "start_break" => json!({"seconds": 300}),
            _ => json!({}),
        }
    }

    /// The list `build.rs` declares to Tauri and the enum the tray process matches are the
    /// same commands: each name parses to the variant of that name.
    #[test]
    fn every_declared_command_parses_to_its_own_variant() {
        for name in COMMANDS {
            let command = Command::parse(name, sample(name)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(command.name(), *name);
        }
        assert!(COMMANDS.contains(&CLOSE_WINDOW));
    }

    #[test]
    fn wrong_names_and_arguments_are_refused_with_the_reason() {
        let unknown = Command::parse("launch_missiles", json!({})).err().unwrap();
        assert!(unknown.contains("launch_missiles"), "{unknown}");
        let bad = Command::parse("set_availability", json!({"target": "pager"})).err().unwrap();
        assert!(bad.contains("pager") || bad.contains("variant"), "{bad}");
        assert!(Command::parse("start_break", json!([1])).is_err());
        let Command::SetAvailability { target } =
            Command::parse("set_availability", json!({"target": "phone"})).unwrap()
        else {
            panic!("not set_availability")
        };
        assert_eq!(target.target(), agent_core::Target::Receiving(Device::Phone));
    }

    /// The window's capability grants exactly the declared commands: one it lacks fails in the
    /// page with "not allowed", one it has beyond them is a door nobody meant to open.
    #[test]
    fn the_window_is_granted_exactly_the_declared_commands() {
        let capability: Value = serde_json::from_str(include_str!("../../capabilities/main.json")).unwrap();
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|p| p.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        granted.sort();
        let mut declared: Vec<String> = COMMANDS.iter().map(|c| (*c).to_owned()).collect();
        declared.sort();
        assert_eq!(granted, declared);
    }

    #[test]
    fn a_command_never_shows_its_arguments() {
        let command =
            Command::parse("sign_in", json!({"host": "h", "appId": "a", "secret": "s3cr3t", "userId": "u"}));
        let shown = format!("{:?}", command.unwrap());
        assert_eq!(shown, "sign_in");
    }
}
