//! The shell: the one actor of the tray process. It holds the tray, the open window, the
//! global shortcut, the sandbox, the quitting state and the last status shown, and is the only
//! code that changes them. Everything else sends it a [`Message`] through a [`ShellHandle`]
//! (with a reply channel where an answer is needed). It also follows the status the controller publishes: each
//! one becomes the tray's icon and menu, the window's view, and a notification when
//! [`agent_core::present::notice`] says one is due. During a break it refreshes the tray's time
//! left every 30 seconds (and only then: no timer runs otherwise).
//!
//! A panic while handling one message is caught and logged; the shell carries on with the next
//! (its state is plain values, each message's change small), so the tray never stops following
//! the status.

use std::collections::BTreeSet;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use agent_core::present::desk::{problem_notice, tray_warning};
use agent_core::present::{MenuAction, Moment, Notice, menu_action, notice, wanted};
use agent_core::words::{Words, s};
use agent_core::{Agent, DeskReport, Protection, QuitOutcome, Source, Status, Target, now_ms};
use tauri::AppHandle;
use tauri_plugin_autostart::ManagerExt;
use tokio::sync::{mpsc, oneshot};

use crate::shell_handle::{Applied, Message, QuitFrom, ShellHandle};
use crate::shortcut::{PORTAL_QUICK, ShortcutSlot};
use crate::tray::Tray;
use crate::updates::{Found, Ready, UpdateBoard};
use crate::window::host::{OpenWindow, STATUS_EVENT, WORDS_EVENT};
use crate::window::protocol::ToWindow;
use agent_core::updates::{InstallTime, UpdateError, UpdateRules, UpdateState};

/// The longest quitting waits for Exotel's confirmation.
pub const QUIT_LIMIT: Duration = Duration::from_secs(3);

/// "Quiet for 1 hour".
pub const QUIET_HOUR: Duration = Duration::from_secs(60 * 60);

/// How long a last notification is given to reach the notification server before exit.
const NOTICE_GRACE: Duration = Duration::from_millis(500);

/// The longest a look at the update channel may take, its download included (the download's own
/// limit is [`crate::updates::DOWNLOAD_LIMIT`]).
const LOOK_LIMIT: Duration = Duration::from_secs(15 * 60);

/// How often what ages is shown again while signed in (the break's time left, the time in the
/// current state, staleness), or every half sync interval if that is shorter: the tray changes
/// only when its words do.
const TICK: Duration = Duration::from_secs(30);

/// The shell's state.
struct Shell {
    app: AppHandle,
    shell: ShellHandle,
    agent: Arc<Agent>,
    tray: Tray,
    /// The status last shown.
    shown: Status,
    window: Option<OpenWindow>,
    /// The number of the last window process started.
    generation: u64,
    quitting: bool,
    /// Who asked to quit.
    quit_from: QuitFrom,
    /// The agent's quit could not go offline: the app keeps trying (this many attempts so
    /// far) and quits once Exotel confirms, or at once on "Quit anyway".
    quit_waiting: Option<u32>,
    /// The id of the last notification shown, which the next replaces.
    last_notice: Option<u32>,
    /// The desktop is going away: nothing is shown any more, and quitting exits directly.
    session_ending: bool,
    /// What this computer can do ([`agent_core::Desk`]), as the OS side finds it.
    desk: DeskReport,
    /// The grace after start is over ([`desk_grace`]): a protection the agent turned on that
    /// cannot work is now said in the tray and notified.
    desk_settled: bool,
    /// The protections whose problem was notified in this run (once per start each).
    told: BTreeSet<Protection>,
    /// The global shortcut held, or why not.
    shortcut: ShortcutSlot,
    /// Saves of the settings waiting for the portal's answer on the shortcut asked for as
    /// `.0`, with start at login's error (`.2`).
    saves_waiting: Vec<(u64, oneshot::Sender<Applied>, Option<String>)>,
    /// The built-in sandbox, while *Try the sandbox* is in use.
    sandbox: Option<exotel_sandbox::Sandbox>,
    /// Where the app stands with updates (shared with the window's commands).
    updates: UpdateBoard,
    /// The organisation's rules for updates, read at start.
    update_rules: UpdateRules,
    /// A new version downloaded and verified, waiting for the agent.
    ready: Option<Box<Ready>>,
    /// The agent asked to install it: the quit under way goes offline whatever "offline on
    /// quit" says, then runs the installer and restarts.
    install_asked: bool,
}

/// How long after start a protection may be missing before the agent is told: at login the
/// app may start before the desktop's panel (the tray host), its screensaver or its
/// notification server. `EXOTEL_AGENT_DESK_GRACE_SECS` sets it (tests; an admin whose desktop
/// starts slowly).
fn desk_grace() -> Duration {
    let secs = std::env::var("EXOTEL_AGENT_DESK_GRACE_SECS").ok().and_then(|s| s.trim().parse::<u64>().ok());
    secs.map_or(DESK_GRACE, Duration::from_secs)
}

/// [`desk_grace`]'s default.
const DESK_GRACE: Duration = Duration::from_secs(20);

/// Starts the shell on the async runtime; it runs until the app ends.
pub fn spawn(
    app: AppHandle,
    shell: ShellHandle,
    inbox: mpsc::UnboundedReceiver<Message>,
    agent: Arc<Agent>,
    tray: Tray,
    desk: DeskReport,
    (updates, update_rules): (UpdateBoard, UpdateRules),
) {
    let shown = agent.status();
    let shell_state = Shell {
        app,
        shell,
        agent,
        tray,
        shown,
        window: None,
        generation: 0,
        quitting: false,
        quit_from: QuitFrom::Unattended,
        quit_waiting: None,
        last_notice: None,
        session_ending: false,
        desk,
        desk_settled: false,
        told: BTreeSet::new(),
        shortcut: ShortcutSlot::default(),
        saves_waiting: Vec::new(),
        sandbox: None,
        updates,
        update_rules,
        ready: None,
        install_asked: false,
    };
    tauri::async_runtime::spawn(shell_state.run(inbox));
}

impl Shell {
    fn words(&self) -> &'static Words {
        self.agent.words()
    }

    /// Now, how often Exotel should be read, and whether notifications are quiet.
    fn moment(&self) -> Moment {
        Moment::at(now_ms(), self.agent.sync_interval())
            .quiet(self.agent.quiet_until())
            .quit_waiting(self.quit_waiting.is_some())
    }

    /// Shows a notification in place of the last one.
    fn notify(&self, notice: &Notice) {
        crate::notify::show(&self.app, &self.shell, notice, self.last_notice);
    }

    /// Shows the last status again, in the current words and at the current time.
    fn refresh(&mut self) {
        let (w, fresh) = (self.words(), self.moment());
        self.tray.show(w, &self.shown, &fresh, self.warning(), self.update_line());
        self.send_view(w, &self.shown, &fresh);
    }

    /// The tray's item for a new version, if there is one to say.
    fn update_line(&self) -> Option<(String, bool)> {
        agent_core::present::update::menu_line(self.words(), &self.updates.get())
    }

    /// The tray's warning line, once the grace after start is over.
    fn warning(&self) -> Option<String> {
        let found = self.desk.now();
        self.desk_settled.then(|| tray_warning(self.words(), &found, &self.agent.preferences())).flatten()
    }

    /// What this computer can do changed, or the grace after start is over: shown again, and
    /// each protection the agent turned on that cannot work is notified (once per start).
    fn desk_changed(&mut self) {
        if self.session_ending {
            return;
        }
        self.refresh();
        if !self.desk_settled {
            return;
        }
        let found = self.desk.now();
        let prefs = self.agent.preferences();
        for p in found.problems(|p| prefs.relies_on(p)) {
            if self.told.insert(p) {
                let n = problem_notice(self.words(), p, &found.get(p));
                tracing::warn!(protection = p.key(), "told: {}", n.body);
                if wanted(&n, &self.agent.preferences(), &self.moment()) {
                    self.notify(&n);
                }
            }
        }
    }

    async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<Message>) {
        let mut updates = self.agent.controller().subscribe();
        let first = updates.borrow_and_update().clone();
        self.guarded("show the first status", |this| {
            let w = this.words();
            this.tray.show(w, &first, &this.moment(), None, None);
            this.shown = first;
        });
        self.guarded("take the shortcut", |this| {
            this.apply_shortcut();
        });
        self.guarded("start at login as the organisation enforces", Self::enforce_start_at_login);
        let mut desk = self.desk.subscribe();
        let grace = tokio::time::sleep(desk_grace());
        tokio::pin!(grace);
        loop {
            // While signed in, what is shown ages: the break's time left, "on phone for 12 min",
            // and a status that stops being confirmed turns stale.
            let signed_in = self.shown.signed_in;
            let every = TICK.min(self.agent.sync_interval() / 2);
            let tick = async {
                if signed_in { tokio::time::sleep(every).await } else { std::future::pending::<()>().await }
            };
            tokio::select! {
                changed = updates.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let now = updates.borrow_and_update().clone();
                    self.guarded("show a status", |this| this.show(now));
                }
                message = inbox.recv() => {
                    let Some(message) = message else { break };
                    self.guarded("handle a message", |this| this.handle(message));
                }
                changed = desk.changed() => {
                    if changed.is_ok() {
                        desk.borrow_and_update();
                        self.guarded("show what this computer can do", Self::desk_changed);
                    }
                }
                () = &mut grace, if !self.desk_settled => {
                    self.desk_settled = true;
                    self.guarded("show what this computer cannot do", Self::desk_changed);
                }
                () = tick => self.guarded("refresh what ages", |this| {
                    if !this.session_ending {
                        this.refresh();
                    }
                }),
            }
        }
    }

    /// Runs `work`, logging a panic in it (a bug) instead of ending the this.
    fn guarded(&mut self, what: &str, work: impl FnOnce(&mut Self)) {
        if std::panic::catch_unwind(AssertUnwindSafe(|| work(self))).is_err() {
            tracing::error!("the shell could not {what}; it carries on");
        }
    }

    /// A newly published status: the tray, the window and, when one is due, a notification.
    fn show(&mut self, now: Status) {
        if self.session_ending {
            // The event loop is over (Windows' session end): nothing more is shown.
            self.shown = now;
            return;
        }
        let (w, fresh) = (self.words(), self.moment());
        self.tray.show(w, &now, &fresh, self.warning(), self.update_line());
        self.send_view(w, &now, &fresh);
        if let Some(n) = notice(w, &self.shown, &now) {
            if wanted(&n, &self.agent.preferences(), &fresh) {
                self.notify(&n);
            } else {
                tracing::info!(kind = ?n.kind, "a notification the agent's settings keep quiet");
            }
        }
        self.shown = now;
    }

    fn send_view(&self, w: &Words, status: &Status, fresh: &Moment) {
        let Some(window) = &self.window else { return };
        let view = crate::commands::dispatch::window_view(
            w,
            status,
            fresh,
            &self.agent,
            &self.desk,
            (&self.updates, &crate::updates::current_version(&self.app)),
        );
        match serde_json::to_value(view) {
            Ok(payload) => window.event(STATUS_EVENT, payload),
            Err(e) => tracing::warn!("could not send the status to the window: {e}"),
        }
    }

    fn handle(&mut self, message: Message) {
        match message {
            Message::Menu(id) => self.menu(&id),
            Message::Toggle => {
                let agent = self.agent.clone();
                tauri::async_runtime::spawn(async move {
                    let _ = agent.toggle().await;
                });
            }
            Message::OpenWindow => self.open_window(),
            Message::CloseWindow => {
                if let Some(open) = self.window.as_mut() {
                    open.closing = true;
                    open.reopen = false;
                    let _ = open.to_window.send(ToWindow::Close);
                }
            }
            Message::WindowClosing { generation, reopen } => {
                if let Some(open) = self.window.as_mut().filter(|o| o.generation == generation) {
                    open.closing = true;
                    open.reopen |= reopen;
                }
            }
            Message::WindowEnded { generation } => {
                if self.window.as_ref().is_some_and(|o| o.generation == generation) {
                    let reopen = self.window.take().is_some_and(|o| o.reopen);
                    if reopen {
                        self.open_window();
                    }
                }
            }
            Message::Notify(n) => self.notify(&n),
            // A failure stays on screen: the next notification comes beside it, not over it.
            Message::Notified { id, failure } => self.last_notice = (!failure).then_some(id),
            Message::ToggleQuiet => self.toggle_quiet(),
            Message::PreferencesSaved { before, reply } => self.preferences_saved(&before, reply),
            Message::ShortcutError(reply) => {
                let _ = reply.send(self.shortcut.error().cloned());
            }
            Message::PortalAnswered { generation, answer } => {
                let shortcut = self.agent.preferences().shortcut;
                if self.shortcut.portal_answered(shortcut.trim(), generation, answer) {
                    self.shortcut_reported();
                    self.answer_saves(generation);
                }
            }
            Message::PortalSlow { generation } => self.answer_saves(generation),
            Message::StartSandbox(reply) => self.start_sandbox(reply),
            Message::SandboxStarted { started, reply } => {
                let answer = match started {
                    // Two clicks may start two: the first kept is the one used (the other
                    // stops here).
                    Ok(sandbox) => {
                        self.sandbox.get_or_insert(sandbox);
                        self.sandbox_url()
                    }
                    Err(_) if self.sandbox.is_some() => self.sandbox_url(),
                    Err(why) => Err(why),
                };
                let _ = reply.send(answer);
            }
            Message::StopSandbox => self.sandbox = None,
            Message::Quit { from, session_end } => self.quit(from, session_end),
            Message::Quitted(outcome) => self.quitted(outcome),
            Message::CheckUpdates => self.check_updates(),
            Message::UpdateLooked(found) => self.update_looked(found),
            Message::InstallUpdate => self.install_update(),
            Message::Installed { result, ready, restart } => self.installed(result, ready, restart),
        }
    }

    /// A click in the tray menu: the same requests the window sends.
    fn menu(&self, id: &str) {
        let now = self.agent.status();
        match menu_action(id, &now) {
            Some(MenuAction::Change(target)) => self.change(target, Source::Tray),
            Some(MenuAction::StartBreak(minutes)) => {
                let agent = self.agent.clone();
                tauri::async_runtime::spawn(async move {
                    let _ = agent.start_break(Duration::from_secs(minutes * 60)).await;
                });
            }
            Some(MenuAction::EndBreak) => {
                let agent = self.agent.clone();
                tauri::async_runtime::spawn(async move {
                    let _ = agent.end_break().await;
                });
            }
            Some(MenuAction::ToggleQuiet) => self.shell.send(Message::ToggleQuiet),
            Some(MenuAction::OpenWindow) => self.shell.send(Message::OpenWindow),
            Some(MenuAction::InstallUpdate) => self.shell.send(Message::InstallUpdate),
            Some(MenuAction::Quit) => {
                self.shell.send(Message::Quit { from: QuitFrom::Agent, session_end: false })
            }
            None => {}
        }
        // A check item ticks itself when clicked; put the ticks back to the confirmed state.
        self.tray.restore_ticks(self.words(), &now);
    }

    /// Registers the shortcut of the preferences in place of the one held; the generation a
    /// portal's answer is awaited under, if one is.
    fn apply_shortcut(&mut self) -> Option<u64> {
        let shortcut = self.agent.preferences().shortcut;
        let description = self.words().get("shortcut-description");
        let (pressed, answered) = (self.shell.clone(), self.shell.clone());
        let waiting = self.shortcut.apply(
            &self.app,
            &shortcut,
            description,
            move || pressed.send(Message::Toggle),
            move |generation, answer| answered.send(Message::PortalAnswered { generation, answer }),
        );
        self.shortcut_reported();
        waiting
    }

    /// What became of the shortcut goes under "On this computer" (while the agent has one).
    fn shortcut_reported(&self) {
        if !self.agent.preferences().shortcut.trim().is_empty() {
            self.desk.set(Protection::Shortcut, self.shortcut.support());
        }
    }

    /// Start at login, when the organisation enforces it, is made so at each start (an agent
    /// who removed the entry by hand gets it back); otherwise it changes only when the agent
    /// saves it.
    fn enforce_start_at_login(&mut self) {
        if self.agent.policies().enforced("start_at_login").is_none() {
            return;
        }
        let wanted = self.agent.preferences().start_at_login;
        if self.app.autolaunch().is_enabled().ok() != Some(wanted) && self.set_start_at_login(wanted).is_ok()
        {
            tracing::info!(wanted, "start at login set as the organisation enforces");
        }
    }

    /// Turns start at login on or off; a failure is logged (the system's words) and returned.
    fn set_start_at_login(&self, wanted: bool) -> Result<(), String> {
        let autolaunch = self.app.autolaunch();
        let done = if wanted { autolaunch.enable() } else { autolaunch.disable() };
        done.map_err(|e| {
            tracing::warn!(wanted, error = %e, "start at login could not be changed");
            e.to_string()
        })
    }

    /// The window saved the preferences: the shortcut (if it changed) and start at login are
    /// applied, and the window answered with what could not be, once the portal has answered
    /// or [`PORTAL_QUICK`] has passed.
    fn preferences_saved(&mut self, before: &agent_core::Preferences, reply: oneshot::Sender<Applied>) {
        let now = self.agent.preferences();
        let autostart_error = self.set_start_at_login(now.start_at_login).err();
        let waiting = if now.shortcut == before.shortcut { None } else { self.apply_shortcut() };
        match waiting {
            Some(generation) => {
                self.saves_waiting.push((generation, reply, autostart_error));
                let shell = self.shell.clone();
                tauri::async_runtime::spawn(async move {
                    tokio::time::sleep(PORTAL_QUICK).await;
                    shell.send(Message::PortalSlow { generation });
                });
            }
            None => {
                let _ =
                    reply.send(Applied { shortcut_error: self.shortcut.error().cloned(), autostart_error });
            }
        }
        if let Some(window) = &self.window {
            window.event(WORDS_EVENT, serde_json::Value::Null);
        }
        // A protection just turned on may be one that cannot work here.
        self.desk_changed();
    }

    /// Answers the saves waiting on the shortcut asked for as `generation` (and any for an
    /// older one, which nobody will answer now).
    fn answer_saves(&mut self, generation: u64) {
        let current = self.shortcut.is_current(generation);
        let error = self.shortcut.error().cloned().filter(|_| current);
        for (_, reply, autostart_error) in self.saves_waiting.extract_if(.., |(g, ..)| *g <= generation) {
            let _ = reply.send(Applied { shortcut_error: error.clone(), autostart_error });
        }
    }

    /// The sandbox's address, starting it on first use (on a task of its own: the shell never
    /// waits).
    fn start_sandbox(&mut self, reply: oneshot::Sender<Result<String, String>>) {
        if self.sandbox.is_some() {
            let _ = reply.send(self.sandbox_url());
            return;
        }
        let shell = self.shell.clone();
        tauri::async_runtime::spawn(async move {
            // Without its controls over HTTP, and with bounded logs (any local user can reach
            // it).
            let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
            let config = exotel_sandbox::SandboxConfig::in_app();
            let started =
                exotel_sandbox::Sandbox::start_with(loopback, config).await.map_err(|e| e.to_string());
            shell.send(Message::SandboxStarted { started, reply });
        });
    }

    fn sandbox_url(&self) -> Result<String, String> {
        self.sandbox.as_ref().map(exotel_sandbox::Sandbox::url).ok_or_else(|| "it did not start".to_owned())
    }

    /// Asks the controller for a change; its outcome is published (and so shown and notified).
    fn change(&self, target: Target, source: Source) {
        let agent = self.agent.clone();
        tauri::async_runtime::spawn(async move {
            // A failed change is published by the controller; one refused before it (an update
            // installing: the tray's line says so) is only logged.
            if let Err(e) = agent.change(target, source).await {
                tracing::info!(kind = %e.kind(), ?target, "the change was not made: {e}");
            }
        });
    }

    /// Quiets the notifications of changes for [`QUIET_HOUR`], or notifies again if quiet now
    /// (an hour that is over counts as not quiet, as the menu's label says); kept in the
    /// settings file, so a restart keeps it.
    fn toggle_quiet(&mut self) {
        let length = self.moment().quiet_until.is_none().then_some(QUIET_HOUR);
        let until = length.map(|l| now_ms().saturating_add(u64::try_from(l.as_millis()).unwrap_or(u64::MAX)));
        if let Err(e) = self.agent.set_quiet_until(until) {
            tracing::warn!("could not keep the quiet hour in the settings: {e}");
        }
        tracing::info!(?until, "notifications of changes quiet");
        self.refresh();
    }

    /// Shows the window: brings the open one to the front, or starts its process.
    fn open_window(&mut self) {
        // The status is read whenever the window is asked for, so it opens on a fresh one.
        self.agent.sync_soon();
        if let Some(open) = self.window.as_mut() {
            if open.closing {
                open.reopen = true;
                return;
            }
            if open.to_window.send(ToWindow::Focus).is_ok() {
                return;
            }
        }
        self.generation += 1;
        self.window = Some(OpenWindow::start(
            &self.app,
            &self.shell,
            self.generation,
            self.words().lang(),
            self.agent.window_size(),
        ));
    }

    /// Offline first (if the agent asked for that), then exit; once. While the agent's quit
    /// waits for Exotel, a quit from anywhere ends it now: the agent's "Quit anyway", or a
    /// signal or the session's end, where nobody can wait.
    fn quit(&mut self, from: QuitFrom, session_end: bool) {
        self.session_ending |= session_end;
        if self.quit_waiting.is_some() {
            tracing::warn!(?from, "quitting without Exotel's confirmation of the offline");
            self.exit_now();
            return;
        }
        if std::mem::replace(&mut self.quitting, true) {
            return;
        }
        self.quit_from = from;
        self.try_quit_offline(1, Duration::ZERO);
    }

    /// Sends the offline before quitting (attempt number `attempt`), after `wait`; its outcome
    /// comes back as [`Message::Quitted`].
    fn try_quit_offline(&self, attempt: u32, wait: Duration) {
        let install = self.quit_installs();
        let (agent, shell) = (self.agent.clone(), self.shell.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(wait).await;
            let outcome = if install {
                agent.offline_before_install(QUIT_LIMIT, attempt).await
            } else {
                agent.quit_offline_attempt(QUIT_LIMIT, attempt).await
            };
            shell.send(Message::Quitted(outcome));
        });
    }

    /// Whether this quit ends in an install: the agent asked for one, or a version is ready, it
    /// installs at quit, and the agent quit (never a signal's or a script's quit, where nobody
    /// could answer the installer's password prompt). Such a quit goes offline first whatever
    /// the agent's "offline on quit", as the window's line promises.
    fn quit_installs(&self) -> bool {
        self.install_asked
            || (self.update_rules.install == InstallTime::AtQuit
                && self.quit_from == QuitFrom::Agent
                && self.ready.is_some())
    }

    /// Where the app stands with updates, shown at once in the tray and the window.
    fn set_update(&mut self, state: UpdateState) {
        self.updates.set(state);
        if !self.session_ending {
            self.refresh();
        }
    }

    /// One look at the channel, on a task of its own; its outcome comes back as
    /// [`Message::UpdateLooked`].
    fn check_updates(&mut self) {
        if !self.update_rules.enabled || !self.updates.get().can_check() || self.quitting {
            return;
        }
        self.set_update(UpdateState::Checking);
        let (app, shell, rules) = (self.app.clone(), self.shell.clone(), self.update_rules.clone());
        let msi_properties = self.agent.policies().msi_properties();
        tauri::async_runtime::spawn(async move {
            // The look on a task of its own, within LOOK_LIMIT: whatever becomes of it (a
            // download that stalls, a bug that panics), an outcome comes back, so the state
            // never stays at Checking (which would refuse every later look).
            let look = tauri::async_runtime::spawn(async move {
                crate::updates::look(&app, &rules, &msi_properties).await
            });
            let found = match tokio::time::timeout(LOOK_LIMIT, look).await {
                Ok(Ok(found)) => found,
                Ok(Err(e)) => Err(UpdateError::Install(format!("the look ended unexpectedly: {e}"))),
                Err(_) => Err(UpdateError::Timeout),
            };
            shell.send(Message::UpdateLooked(found));
        });
    }

    fn update_looked(&mut self, found: Result<Found, UpdateError>) {
        let state = match found {
            Ok(Found::Nothing) => UpdateState::UpToDate { at_ms: now_ms() },
            Ok(Found::PackageManager(version)) => UpdateState::PackageManager { version },
            Ok(Found::NotInstallable(version)) => UpdateState::NotInstallable { version },
            Ok(Found::Ready(ready)) => {
                let state =
                    UpdateState::Ready { version: ready.version.clone(), install: self.update_rules.install };
                self.ready = Some(ready);
                state
            }
            Err(error) => {
                tracing::warn!(kind = error.kind(), "no update: {error}");
                UpdateState::Failed { error, at_ms: now_ms() }
            }
        };
        tracing::info!(?state, "update state");
        self.set_update(state);
    }

    /// The agent asked to install the version ready: offline first (the quit's path, recorded
    /// in the history as a quit), then the installer.
    fn install_update(&mut self) {
        let Some(version) = self.ready.as_ref().map(|r| r.version.clone()) else { return };
        if self.quitting {
            return;
        }
        tracing::info!(%version, "the agent asked to install the update: offline first");
        self.install_asked = true;
        self.set_update(UpdateState::Installing { version });
        self.quit(QuitFrom::Agent, false);
    }

    /// Runs the installer on a blocking thread (pkexec waits for the agent's password).
    fn run_installer(&mut self, ready: Box<Ready>, restart: bool) {
        self.set_update(UpdateState::Installing { version: ready.version.clone() });
        let shell = self.shell.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let result = crate::updates::install(&ready, restart);
            shell.send(Message::Installed { result, ready, restart });
        });
    }

    /// The installer returned: the app starts again in the new version (or, at quit, ends). If
    /// it failed nothing was installed: the agent is told (a notification), and this version
    /// carries on, offline, still offering the download for another try (at quit, it ends as
    /// asked).
    fn installed(&mut self, result: Result<(), UpdateError>, ready: Box<Ready>, restart: bool) {
        match result {
            Ok(()) if restart => {
                tracing::info!(version = %ready.version, "installed; starting again");
                self.app.request_restart();
            }
            Ok(()) => {
                tracing::info!(version = %ready.version, "installed at quit");
                self.app.exit(0);
            }
            Err(error) => {
                tracing::warn!(kind = error.kind(), "the update was not installed: {error}");
                let w = self.words();
                let n = Notice::from_words(
                    w,
                    "update-failed-notice",
                    "update-failed-notice-body",
                    &[s("error", error.detail().render(w))],
                );
                self.notify(&n);
                if !restart {
                    let app = self.app.clone();
                    tauri::async_runtime::spawn(async move {
                        tokio::time::sleep(NOTICE_GRACE).await;
                        app.exit(0);
                    });
                    return;
                }
                self.quitting = false;
                self.quit_waiting = None;
                self.install_asked = false;
                let agent = self.agent.clone();
                tauri::async_runtime::spawn(async move { agent.install_failed().await });
                let version = ready.version.clone();
                self.ready = Some(ready);
                tracing::info!(%version, "the download is kept for another try");
                self.set_update(UpdateState::Ready { version, install: self.update_rules.install });
            }
        }
    }

    fn exit_now(&self) {
        if self.session_ending {
            std::process::exit(0);
        }
        self.app.exit(0);
    }

    /// Exits: through the event loop, or directly once the session is ending (also when it
    /// began ending during a quit already under way). A failed offline is said first.
    ///
    /// The agent's own quit (tray, window) that could not go offline does not exit: they are
    /// told, the tray offers "Quit anyway", and the offline is tried again (1 s doubling to
    /// a minute) until Exotel confirms it, then the app quits.
    fn quitted(&mut self, outcome: QuitOutcome) {
        tracing::info!(?outcome, "quitting");
        if self.session_ending {
            // No notification either: the desktop is going away. Straight out, without writing
            // the log out first: Windows may end the process at any moment now (a clean run
            // under Wine lost the session end's log lines once with the writer closed here).
            std::process::exit(0);
        }
        let app = self.app.clone();
        let QuitOutcome::Failed(reason) = outcome else {
            // Offline (or not needed): an update the agent asked for, or one that installs at
            // the agent's own quit, installs now.
            let install = self.quit_installs();
            if let Some(ready) = self.ready.take().filter(|_| install) {
                self.run_installer(ready, self.install_asked);
                return;
            }
            app.exit(0);
            return;
        };
        let w = self.words();
        if self.quit_from == QuitFrom::Agent {
            let attempts = self.quit_waiting.map_or(1, |n| n.saturating_add(1));
            if self.quit_waiting.is_none() {
                let n = Notice::from_words(
                    w,
                    "notice-quit-waiting",
                    "notice-quit-waiting-body",
                    &[s("error", reason.clause(w))],
                );
                self.notify(&n);
            }
            self.quit_waiting = Some(attempts);
            self.refresh();
            let wait = agent_core::Backoff::AWAY_OFFLINE.next(attempts, None);
            tracing::info!(
                attempts,
                wait_ms = wait.as_millis() as u64,
                "quit waits for Exotel; trying again"
            );
            self.try_quit_offline(attempts.saturating_add(1), wait);
            return;
        }
        let n = Notice::from_words(
            w,
            "notice-quit-failed",
            "notice-quit-failed-body",
            &[s("error", reason.clause(w))],
        );
        self.notify(&n);
        // The plugin's show() hands the D-Bus call to a background task and returns at once;
        // give it a moment to be delivered before the process ends.
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(NOTICE_GRACE).await;
            app.exit(0);
        });
    }
}
