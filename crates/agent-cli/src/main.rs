//! `exotel-agent`: the agent's status from the command line, on the same core, settings and
//! keyring as the desktop app.

mod doctor;
mod logging;
mod report;

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use std::sync::Arc;

use agent_core::detail::Part;
use agent_core::policy::Policies;
use agent_core::words::Words;
use agent_core::{
    Accounts, Agent, Controller, ControllerConfig, CoreError, History, SettingsStore, SignInInput, Source,
    Target,
};
use clap::{Parser, Subcommand};
use exotel_api::{Device, Secret};

use crate::report::Report;

/// Go offline or choose where calls ring (phone or computer) on Exotel, from the command line.
///
/// Shares its sign-in with the Exotel Agent Tray app: the settings file and the system
/// keyring. The app secret is never taken from the command line.
#[derive(Parser, Debug)]
#[command(name = "exotel-agent", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Also print the log (retries, warnings) on standard error. Without it, the log goes only
    /// to exotel-agent's log file; RUST_LOG sets the level and also prints it.
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sign in: checks the app id, secret and user id with Exotel, then keeps the secret in the
    /// system keyring and the rest in the settings file.
    Login {
        /// Exotel's integrations host (https; plain http only for a loopback sandbox).
        /// Default: the signed-in account's, else the admin's preset, else
        /// https://integrationscore.mum1.exotel.com.
        #[arg(long)]
        host: Option<String>,
        /// The app's id (from Exotel's app settings). Default: the signed-in account's, else
        /// the admin's preset.
        #[arg(long)]
        app_id: Option<String>,
        /// The agent's user id in the app. Default: the signed-in account's, else the admin's
        /// preset.
        #[arg(long)]
        user_id: Option<String>,
        /// Read the app secret from standard input instead of prompting for it.
        #[arg(long)]
        secret_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Read the status from Exotel.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Receive calls on the phone.
    Phone {
        #[arg(long)]
        json: bool,
    },
    /// Receive calls on the computer (web/SIP).
    #[command(visible_alias = "web")]
    Sip {
        #[arg(long)]
        json: bool,
    },
    /// Go offline: no new calls.
    Off {
        #[arg(long)]
        json: bool,
    },
    /// Sign out: removes the secret and token from the keyring and the account from the
    /// settings file.
    Logout,
    /// The last changes (at most 500), oldest first, from the app and this command line.
    History {
        #[arg(long)]
        json: bool,
    },
    /// What this computer can do for the app (screen lock, sleep, idle, tray, notifications,
    /// keyring, shortcut) and whether Exotel can be reached (DNS, TLS, proxy, clock, token,
    /// rate limit). Exit code 0: all is well; 6: a protection you turned on cannot work here;
    /// 4: Exotel cannot be reached.
    Doctor {
        #[arg(long)]
        json: bool,
    },
    /// Each setting in force and where it came from: the organisation (enforced, or its
    /// default), your own choice, or the app's default. `--set name=value` changes one of your
    /// own (refused, exit code 7, for one the organisation enforces); the running app follows.
    Settings {
        #[arg(long)]
        json: bool,
        /// A preference to change, as name=value (for example offline_on_lock=true).
        #[arg(long, value_name = "NAME=VALUE")]
        set: Vec<String>,
    },
    /// Whether a newer version is on the update channel (the organisation's, or the built-in
    /// one); nothing is asked when the organisation turned updates off. Installing is the
    /// app's: its tray menu and window offer it.
    Update {
        /// Look at the channel now.
        #[arg(long, required = true)]
        check: bool,
        #[arg(long)]
        json: bool,
    },
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    agent_core::paths::private_files();
    let cli = Cli::parse();
    logging::init(cli.verbose);
    let json = matches!(
        cli.command,
        Command::Login { json: true, .. }
            | Command::Status { json: true }
            | Command::Phone { json: true }
            | Command::Sip { json: true }
            | Command::Off { json: true }
            | Command::History { json: true }
            | Command::Doctor { json: true }
            | Command::Settings { json: true, .. }
            | Command::Update { json: true, .. }
    );
    let report = run(cli.command).await;
    report.print(json, words());
    report.code()
}

/// The language the agent chose in the app's *Settings* (else `EXOTEL_AGENT_LANG`, else the
/// system's): the command line speaks it too. `--json` stays English.
fn words() -> &'static Words {
    // Read without setting a damaged file aside (the app restores its own into it).
    let choice = SettingsStore::default_location()
        .ok()
        .and_then(|store| store.read_quietly())
        .map(|settings| settings.preferences.language)
        .unwrap_or_default();
    Words::chosen(choice)
}

async fn run(command: Command) -> Report {
    let accounts = match Accounts::default_location() {
        Ok(a) => a,
        Err(e) => return Report::failed(e, None),
    };
    match command {
        Command::Login { host, app_id, user_id, secret_stdin, .. } => {
            let secret = match read_secret(secret_stdin) {
                Ok(s) => s,
                Err(e) => return Report::failed(e, None),
            };
            // Flags win; what they leave out comes from the account or the admin's presets.
            let policies = Policies::load();
            let form = accounts.sign_in_defaults().under(&policies);
            let input = SignInInput {
                host: host.unwrap_or(form.host),
                app_id: app_id.unwrap_or(form.app_id),
                secret,
                user_id: user_id.unwrap_or(form.user_id),
            };
            if let Err(e) = policies.check_sign_in(&input.host, &input.app_id, &input.user_id) {
                return Report::failed(e, None);
            }
            match accounts.sign_in(input).await {
                Ok((session, user)) => {
                    Report::signed_in(session.client().host().as_str(), session.user_id(), &user)
                }
                Err(e) => Report::failed(e, None),
            }
        }
        Command::Logout => match accounts.sign_out() {
            Ok(()) => Report::signed_out(),
            Err(e) => Report::failed(e, None),
        },
        Command::Status { .. } => {
            with_controller(&accounts, |c| async move { c.refresh(Source::Cli).await }).await
        }
        Command::Phone { .. } => change(&accounts, Target::Receiving(Device::Phone)).await,
        Command::Sip { .. } => change(&accounts, Target::Receiving(Device::Sip)).await,
        Command::Off { .. } => change(&accounts, Target::Offline).await,
        Command::History { .. } => match History::default_location().and_then(|h| h.read()) {
            Ok(changes) => Report::history(changes),
            Err(e) => Report::failed(e, None),
        },
        Command::Doctor { .. } => {
            // The language's choice and the protections turned on, as the app reads them.
            let prefs = SettingsStore::default_location()
                .ok()
                .and_then(|store| store.read_quietly())
                .map(|settings| settings.preferences)
                .unwrap_or_default();
            Report::Doctor(Box::new(doctor::examine(&accounts, &prefs, words()).await))
        }
        Command::Settings { set, .. } => settings(&accounts, &set),
        Command::Update { .. } => {
            use agent_core::updates::{check, platform_keys, this_install};
            let rules = Policies::load().update_rules();
            let current = env!("CARGO_PKG_VERSION");
            let found = if rules.enabled {
                Some(check(&rules, current, &platform_keys(this_install())).await)
            } else {
                None
            };
            Report::Update { rules, current, found }
        }
    }
}

/// `exotel-agent settings`: changes what `set` asks for (all or nothing), then lists.
fn settings(accounts: &Accounts, set: &[String]) -> Report {
    let agent = Agent::new(accounts.clone(), ControllerConfig::default());
    if !set.is_empty() {
        let mut changes = serde_json::Map::new();
        for pair in set {
            let Some((name, value)) = pair.split_once('=') else {
                let usage = Part::new("error-set-usage").text("input", pair.as_str());
                return Report::failed(CoreError::BadRequest(usage), None);
            };
            // true, false and numbers as themselves; anything else as text.
            let value =
                serde_json::from_str(value.trim()).unwrap_or_else(|_| serde_json::Value::from(value.trim()));
            changes.insert(name.trim().to_owned(), value);
        }
        let saved = agent_core::PreferenceChanges(changes)
            .apply_to(&agent.preferences())
            .and_then(|wanted| agent.set_preferences(wanted));
        if let Err(e) = saved {
            return Report::failed(e, None);
        }
    }
    let store = accounts.settings();
    let kept = store.read_quietly().unwrap_or_default();
    let policies = agent.policies();
    Report::Settings {
        listed: policies.listing(&kept.preferences, &kept.chosen_preferences()),
        problems: policies.problems.clone(),
    }
}

/// A change through the same library call as the app's ([`Agent::change`]): it cancels a break
/// kept in the settings file (the running app follows) and wins over anything the app parked.
async fn change(accounts: &Accounts, target: Target) -> Report {
    if let Err(e) = accounts.open_session() {
        return Report::failed(e, None);
    }
    let agent =
        Agent::new(accounts.clone(), ControllerConfig { history: history(), ..ControllerConfig::default() });
    match agent.change(target, Source::Cli).await {
        Ok(status) => Report::status(status),
        Err(e) => Report::failed(e, Some(agent.status())),
    }
}

fn history() -> Option<Arc<dyn agent_core::ChangeSink>> {
    History::default_location().ok().map(|h| Arc::new(h) as Arc<dyn agent_core::ChangeSink>)
}

/// Opens the signed-in session, runs one request through a controller and reports its end.
async fn with_controller<F, Fut>(accounts: &Accounts, request: F) -> Report
where
    F: FnOnce(Controller) -> Fut,
    Fut: Future<Output = agent_core::Result<agent_core::Status>>,
{
    let session = match accounts.open_session() {
        Ok(s) => s,
        Err(e) => return Report::failed(e, None),
    };
    let controller = Controller::spawn(
        Some(session),
        ControllerConfig { history: history(), ..ControllerConfig::default() },
    );
    match request(controller.clone()).await {
        Ok(status) => Report::status(status),
        Err(e) => Report::failed(e, Some(controller.status())),
    }
}

/// The app secret: from standard input with `--secret-stdin`, else prompted for without echo.
fn read_secret(from_stdin: bool) -> agent_core::Result<Secret> {
    let usage =
        |id: &str| CoreError::InvalidInput { field: agent_core::Field::Secret, detail: Part::new(id) };
    let unreadable = |e: std::io::Error| {
        tracing::warn!(error = %e, "the app secret could not be read");
        usage("error-secret-unreadable")
    };
    if from_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(unreadable)?;
        let line = text.strip_suffix('\n').unwrap_or(&text);
        return Ok(Secret::new(line.strip_suffix('\r').unwrap_or(line)));
    }
    if !std::io::stdin().is_terminal() {
        return Err(usage("error-secret-no-terminal"));
    }
    let prompt = format!("{} ", words().get("cli-secret-prompt"));
    rpassword::prompt_password(prompt).map(Secret::new).map_err(unreadable)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn web_is_an_alias_of_sip_and_there_is_no_secret_flag() {
        use clap::Parser;
        assert!(matches!(
            super::Cli::try_parse_from(["exotel-agent", "web", "--json"]),
            Ok(super::Cli { command: super::Command::Sip { json: true }, verbose: false })
        ));
        let secret_flag = super::Cli::try_parse_from([
            "exotel-agent",
            "login",
            "--app-id",
            "a",
            "--user-id",
            "1",
            "--secret",
            "x",
        ]);
        assert!(secret_flag.is_err());
    }
}
