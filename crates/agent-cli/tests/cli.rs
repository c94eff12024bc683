//! `exotel-agent` end to end: the real binary, the sandbox binary, and a real Secret Service
//! keyring (gnome-keyring on a private D-Bus session) in a temporary HOME.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;
use test_session::{KeyringSession, KeyringState};

const APP_ID: &str = "sandbox-app";
const SECRET: &str = "sandbox-secret-do-not-use";

/// A binary built next to this package's binary (the workspace's one target folder).
fn sibling_binary(name: &str) -> PathBuf {
    let own = PathBuf::from(env!("CARGO_BIN_EXE_exotel-agent"));
    let path = own.with_file_name(name);
    assert!(path.exists(), "{} is missing: build it first (cargo build --workspace --bins)", path.display());
    path
}

/// The sandbox binary on a free loopback port.
struct SandboxProcess {
    child: Child,
    url: String,
}

impl SandboxProcess {
    fn start() -> Self {
        let mut child = Command::new(sibling_binary("exotel-sandbox"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start exotel-sandbox");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        reader.read_line(&mut line).expect("read the sandbox's URL");
        // Keep draining its output so it never writes to a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let url = line.trim().rsplit(' ').next().expect("a URL").to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{line}");
        Self { child, url }
    }

    async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let client = reqwest::Client::new();
        let mut req = client.request(method, format!("{}/_sandbox/{path}", self.url));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("sandbox admin request");
        assert!(resp.status().is_success(), "admin {path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }

    /// `phone`, `sip` or null: the sandbox's own truth.
    async fn active(&self) -> Value {
        self.admin(reqwest::Method::GET, "users/1", None).await["active"].clone()
    }

    async fn count(&self, endpoint: &str) -> usize {
        let log = self.admin(reqwest::Method::GET, "requests", None).await;
        log.as_array().expect("log").iter().filter(|r| r["endpoint"] == endpoint).count()
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {}", self.stdout))
    }
}

fn agent(session: &KeyringSession, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = session.command(env!("CARGO_BIN_EXE_exotel-agent"));
    cmd.args(args).env("RUST_LOG", "trace");
    let run = run(cmd, stdin);
    // Whatever happened, at the most verbose log level, the secret is never printed.
    assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET), "the secret was printed: {args:?}");
    run
}

/// Runs `cmd` to its end with `stdin` written to it.
fn run(mut cmd: Command, stdin: Option<&str>) -> Run {
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run exotel-agent");
    if let Some(mut pipe) = child.stdin.take()
        && let Some(text) = stdin
    {
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    let Output { status, stdout, stderr } = child.wait_with_output().expect("exotel-agent ends");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn login(session: &KeyringSession, host: &str, user: &str, secret: &str) -> Run {
    agent(
        session,
        &["login", "--host", host, "--app-id", APP_ID, "--user-id", user, "--secret-stdin", "--json"],
        Some(&format!("{secret}\n")),
    )
}

fn keyring_secret(session: &KeyringSession) -> Option<String> {
    session.app_secret().expect("secret-tool")
}

fn settings_path(session: &KeyringSession) -> PathBuf {
    session.home().join(".config/exotel-agent-tray/settings.toml")
}

#[tokio::test(flavor = "multi_thread")]
async fn login_status_switch_and_logout_with_a_real_keyring() {
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let sandbox = SandboxProcess::start();

    let run = login(&session, &sandbox.url, "1", SECRET);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.json();
    assert_eq!((out["availability"].as_str(), out["user_id"].as_str()), (Some("offline"), Some("1")));
    assert_eq!(out["name"], "Asha Demo");

    // The secret is in the keyring, as another program reads it, and in no file under HOME.
    assert_eq!(keyring_secret(&session).as_deref(), Some(SECRET));
    assert_eq!(session.files_containing(SECRET), Vec::<PathBuf>::new());
    let token = session
        .secret_tool_lookup(&[("service", "exotel-agent-tray"), ("username", "token")])
        .unwrap()
        .unwrap_or_default();
    // `v2:` and the token with the account it was minted for.
    let kept: Value = serde_json::from_str(token.strip_prefix("v2:").unwrap_or_default()).unwrap();
    assert_eq!(kept["account"]["host"], sandbox.url.as_str());
    assert_eq!(kept["account"]["user_id"], "1");
    let token = kept["token"].as_str().unwrap_or_default().to_owned();
    assert!(token.starts_with("sbx-token-"), "the keyring holds the minted token");
    assert_eq!(session.files_containing(&token), Vec::<PathBuf>::new());
    let settings = std::fs::read_to_string(settings_path(&session)).unwrap();
    assert!(settings.contains(&sandbox.url) && settings.contains("user_id = \"1\""), "{settings}");

    let status = agent(&session, &["status", "--json"], None);
    assert_eq!((status.code, status.json()["availability"].as_str()), (0, Some("offline")));

    for (args, word, active) in [
        (["phone", "--json"], "phone", Value::from("phone")),
        (["sip", "--json"], "sip", Value::from("sip")),
        (["off", "--json"], "offline", Value::Null),
        (["web", "--json"], "sip", Value::from("sip")),
    ] {
        let run = agent(&session, &args, None);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let out = run.json();
        assert_eq!(out["availability"], word, "{args:?}");
        assert_eq!(out["user_id"], "1");
        assert!(out["error"].is_null());
        assert_eq!(sandbox.active().await, active, "the sandbox follows {args:?}");
        for secret in [SECRET, token.as_str(), "sbx-sip-secret"] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "{args:?} printed a secret"
            );
        }
    }

    let human = agent(&session, &["phone"], None);
    assert_eq!(human.stdout.trim(), "Receiving calls on phone (Asha Demo, +910000000001)");

    // One token for the login and every command after it.
    assert_eq!(sandbox.count("token").await, 1);

    // The history has every change these commands made, in order.
    let history = agent(&session, &["history", "--json"], None);
    assert_eq!(history.code, 0, "{}", history.stderr);
    let tos: Vec<String> = history.json()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}:{}", c["to"].as_str().unwrap(), c["source"].as_str().unwrap()))
        .collect();
    // (`status` only read the state, so it is not a change.)
    assert_eq!(tos, ["phone:cli", "sip:cli", "offline:cli", "sip:cli", "phone:cli"]);
    let text = agent(&session, &["history"], None).stdout;
    let last = text.lines().last().unwrap_or_default();
    assert!(last.starts_with("today ") && last.ends_with(" → Phone, from the command line"), "{text}");

    let out = agent(&session, &["logout"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(keyring_secret(&session), None);
    assert_eq!(
        session.secret_tool_lookup(&[("service", "exotel-agent-tray"), ("username", "token")]).unwrap(),
        None
    );
    assert!(!std::fs::read_to_string(settings_path(&session)).unwrap().contains("user_id"));
    let after = agent(&session, &["status"], None);
    assert_eq!(after.code, 3);
    assert!(after.stderr.contains("You are not signed in"), "{}", after.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_exit_code_has_a_real_cause() {
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let sandbox = SandboxProcess::start();

    // 2: a host that is not https, an empty user id, an unknown user.
    let run = login(&session, "http://integrationscore.mum1.exotel.com", "1", SECRET);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("https://"), "{}", run.stderr);
    assert_eq!(run.json()["error"]["field"], "host");
    assert_eq!(login(&session, &sandbox.url, "  ", SECRET).code, 2);
    let unknown = login(&session, &sandbox.url, "no-such-agent", SECRET);
    assert_eq!((unknown.code, unknown.json()["error"]["field"].as_str()), (2, Some("user_id")));

    // 3: a wrong secret, and not signed in. Nothing was kept by any failed login.
    let wrong = login(&session, &sandbox.url, "1", "not-the-secret");
    assert_eq!(wrong.code, 3);
    assert!(wrong.stderr.contains("app secret is wrong"), "{}", wrong.stderr);
    assert_eq!(keyring_secret(&session), None);
    assert!(!settings_path(&session).exists());
    assert_eq!(agent(&session, &["off"], None).code, 3);

    // 4: the server fails; the message says what Exotel last confirmed.
    assert_eq!(login(&session, &sandbox.url, "1", SECRET).code, 0);
    sandbox.admin(reqwest::Method::PUT, "faults/device", Some(serde_json::json!({ "status": 500 }))).await;
    let failed = agent(&session, &["phone", "--json"], None);
    assert_eq!(failed.code, 4, "{}", failed.stderr);
    assert!(
        failed.stderr.contains("server error") && failed.stderr.contains("Exotel last confirmed: Offline"),
        "{}",
        failed.stderr
    );
    assert_eq!(failed.json()["availability"], "offline");
    assert_eq!(failed.json()["error"]["kind"], "server");
    assert_eq!(sandbox.active().await, Value::Null);

    // 4: Exotel's rate limit refuses the change for longer than a click waits (30 s).
    let limited = serde_json::json!({ "status": 429, "retry_after": 120 });
    sandbox.admin(reqwest::Method::PUT, "faults/device", Some(limited)).await;
    let refused = agent(&session, &["phone", "--json"], None);
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("Exotel is limiting requests. Try again in 120 s."),
        "{}",
        refused.stderr
    );
    assert_eq!(refused.json()["error"]["kind"], "rate_limited");
    assert_eq!(sandbox.active().await, Value::Null);

    // 4: Exotel unreachable.
    drop(sandbox);
    let gone = agent(&session, &["status", "--json"], None);
    assert_eq!(gone.code, 4);
    assert_eq!(gone.json()["error"]["kind"], "network");
    assert!(gone.stderr.contains("Could not reach Exotel"), "{}", gone.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_absent_or_locked_keyring_is_exit_5_and_nothing_is_written() {
    let sandbox = SandboxProcess::start();
    for state in [KeyringState::NoBus, KeyringState::Locked] {
        let session = KeyringSession::start(state).expect("keyring session");
        let run = login(&session, &sandbox.url, "1", SECRET);
        assert_eq!(run.code, 5, "{state:?}: {}", run.stderr);
        assert!(run.stderr.contains("keyring"), "{state:?}: {}", run.stderr);
        assert!(run.json()["error"]["kind"].as_str().unwrap_or_default().starts_with("keyring"));
        assert!(!settings_path(&session).exists(), "{state:?}: settings written");
        assert_eq!(session.files_containing(SECRET), Vec::<PathBuf>::new(), "{state:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupt_settings_file_is_backed_up_and_replaced_by_defaults() {
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let path = settings_path(&session);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "[account\nhost = ").unwrap();

    let run = agent(&session, &["status"], None);
    assert_eq!(run.code, 3, "defaults: not signed in. {}", run.stderr);
    assert!(run.stderr.contains("could not be read") && run.stderr.contains(".corrupt-"), "{}", run.stderr);
    let backups: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("settings.toml.corrupt-"))
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(std::fs::read_to_string(backups[0].path()).unwrap(), "[account\nhost = ");

    // Said once: the next run is quiet about it.
    let again = agent(&session, &["status"], None);
    assert!(!again.stderr.contains("could not be read"), "{}", again.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn keyring_and_disk_faults_give_their_own_errors_and_lose_nothing() {
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let sandbox = SandboxProcess::start();
    assert_eq!(login(&session, &sandbox.url, "1", SECRET).code, 0);
    assert_eq!(agent(&session, &["phone"], None).code, 0);

    // The secret deleted behind the app's back: "sign in again", and the settings stay.
    let cleared = session
        .command("secret-tool")
        .args(["clear", "service", "exotel-agent-tray", "username", "app-secret"])
        .status()
        .unwrap();
    assert!(cleared.success());
    let run = agent(&session, &["off", "--json"], None);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("no longer in the system keyring"), "{}", run.stderr);
    assert!(std::fs::read_to_string(settings_path(&session)).unwrap().contains("user_id = \"1\""));
    assert_eq!(sandbox.active().await, Value::from("phone"), "nothing was sent without a secret");

    // A settings file that cannot be read (here: a folder in its place) is an error of its own,
    // not a crash, and the folder is left alone.
    assert_eq!(login(&session, &sandbox.url, "1", SECRET).code, 0);
    let settings = settings_path(&session);
    let saved = std::fs::read(&settings).unwrap();
    std::fs::remove_file(&settings).unwrap();
    std::fs::create_dir(&settings).unwrap();
    let run = agent(&session, &["status"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("settings could not be read"), "{}", run.stderr);
    assert!(settings.is_dir());
    std::fs::remove_dir(&settings).unwrap();
    std::fs::write(&settings, &saved).unwrap();

    // The history cannot be written (its folder's place is taken by a file, as on a full or
    // broken disk): the change still happens and is reported, and the history kept so far is
    // not lost.
    let data = session.home().join(".local/share/exotel-agent-tray");
    let history = data.join("history.jsonl");
    let kept = std::fs::read(&history).unwrap();
    std::fs::rename(&data, session.home().join("moved")).unwrap();
    std::fs::write(&data, b"not a folder").unwrap();
    let run = agent(&session, &["sip", "--json"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["availability"], "sip");
    assert!(run.stderr.contains("could not add to the history"), "{}", run.stderr);
    assert_eq!(std::fs::read(session.home().join("moved/history.jsonl")).unwrap(), kept);

    // Signing in when the settings cannot be written: a clear error, and the keyring is left
    // clean (no secret without an account).
    std::fs::remove_file(&data).unwrap();
    assert_eq!(agent(&session, &["logout"], None).code, 0);
    let config = session.home().join(".config/exotel-agent-tray");
    std::fs::remove_dir_all(&config).unwrap();
    std::fs::write(&config, b"not a folder").unwrap();
    let run = login(&session, &sandbox.url, "1", SECRET);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("settings"), "{}", run.stderr);
    assert_eq!(keyring_secret(&session), None);
}

/// `login` with no flags after an admin preset the sign-in: the system file and the environment
/// fill it in (the environment winning), then the agent's own saved account wins over changed
/// presets, and a flag wins over both.
#[tokio::test(flavor = "multi_thread")]
async fn admin_presets_fill_in_login_and_the_agents_own_settings_win() {
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let sandbox = SandboxProcess::start();
    let presets = session.presets_file();
    std::fs::create_dir_all(presets.parent().unwrap()).unwrap();
    let write_presets = |host: &str| {
        let text = format!("[account]\nhost = \"{host}\"\napp_id = \"not-the-app\"\nuser_id = \"1\"\n");
        std::fs::write(&presets, text).unwrap();
    };
    write_presets(&sandbox.url);
    let no_flags = |env_app_id: &str, extra: &[&str]| {
        let mut cmd = session.command(env!("CARGO_BIN_EXE_exotel-agent"));
        cmd.args(["login", "--secret-stdin", "--json"]).args(extra).env("EXOTEL_AGENT_APP_ID", env_app_id);
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("run exotel-agent");
        child.stdin.take().unwrap().write_all(format!("{SECRET}\n").as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    // Host and user id from the file; the app id from the environment, over the file's.
    let (code, stdout, stderr) = no_flags(APP_ID, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("\"user_id\":\"1\""), "{stdout}");
    let settings = std::fs::read_to_string(settings_path(&session)).unwrap();
    assert!(settings.contains(&format!("host = \"{}\"", sandbox.url)), "{settings}");
    assert!(settings.contains(&format!("app_id = \"{APP_ID}\"")), "{settings}");

    // The admin moves everyone to another host, but this agent is signed in: their own account
    // (host, app id, user id) is used, not the new presets nor the environment's app id.
    write_presets("https://elsewhere.invalid");
    let (code, _, stderr) = no_flags("", &[]);
    assert_eq!(code, Some(0), "the saved account was used: {stderr}");
    assert_eq!(sandbox.count("token").await, 2, "both logins reached the sandbox");

    // A flag wins over the saved account: user 2 now.
    let (code, stdout, stderr) = no_flags("", &["--user-id", "2"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("Ravi Demo"), "{stdout}");

    // Signed out, the new presets apply again: the host that does not answer is the one tried.
    assert_eq!(agent(&session, &["logout"], None).code, 0);
    let (code, _, stderr) = no_flags(APP_ID, &[]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("elsewhere.invalid"), "the preset host was tried: {stderr}");
}

/// A proxy set in the environment (usual in call centres) is not used for the sandbox on
/// loopback: its plain-http requests would reach the proxy in clear, and fail there.
#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_in_the_environment_is_bypassed_for_loopback() {
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let sandbox = SandboxProcess::start();
    let mut cmd = session.command(env!("CARGO_BIN_EXE_exotel-agent"));
    cmd.args(["login", "--host", &sandbox.url, "--app-id", APP_ID, "--user-id", "1", "--secret-stdin"]);
    // Port 1 on loopback: nothing listens, so a request sent to the proxy fails at once.
    for var in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env(var, "http://127.0.0.1:1");
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run exotel-agent");
    child.stdin.take().unwrap().write_all(format!("{SECRET}\n").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(sandbox.count("token").await, 1, "the sandbox itself was reached");
}

/// A kept token is bound to the account it was minted for: when the signed-in account points
/// at another host, the old token is never sent there; a new one is minted.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_never_reaches_a_host_it_was_not_minted_by() {
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let first = SandboxProcess::start();
    let second = SandboxProcess::start();
    assert_eq!(login(&session, &first.url, "1", SECRET).code, 0);
    // The account now names the second host (as after a sign-in there whose token was then
    // overwritten by an app still running the first account), with the first host's token kept.
    let path = settings_path(&session);
    let text = std::fs::read_to_string(&path).unwrap().replace(&first.url, &second.url);
    std::fs::write(&path, text).unwrap();

    let run = agent(&session, &["status", "--json"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let log = second.admin(reqwest::Method::GET, "requests", None).await;
    let log = log.as_array().unwrap();
    assert_eq!(
        log.first().map(|r| r["endpoint"].as_str()),
        Some(Some("token")),
        "a new token first: {log:?}"
    );
    for r in log.iter().filter(|r| r["endpoint"] != "token") {
        assert_eq!(r["auth_valid"], true, "a foreign token was sent to the second host: {r}");
    }
}

/// A re-sign-in that fails after Exotel accepted it (here: the settings cannot be written)
/// leaves the account that worked before as it was, secret included.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_re_sign_in_keeps_the_previous_working_secret() {
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let sandbox = SandboxProcess::start();
    assert_eq!(login(&session, &sandbox.url, "1", SECRET).code, 0);
    let token_before =
        session.secret_tool_lookup(&[("service", "exotel-agent-tray"), ("username", "token")]).unwrap();

    // A wrong secret: refused by Exotel, nothing changes.
    assert_eq!(login(&session, &sandbox.url, "1", "not-the-secret").code, 3);
    assert_eq!(keyring_secret(&session).as_deref(), Some(SECRET));

    // Accepted by Exotel, but the settings cannot be written: the error says so, and the
    // keyring holds the previous secret and token again.
    let path = settings_path(&session);
    let saved = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let run = login(&session, &sandbox.url, "2", SECRET);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(keyring_secret(&session).as_deref(), Some(SECRET), "the working secret is kept");
    let token_after =
        session.secret_tool_lookup(&[("service", "exotel-agent-tray"), ("username", "token")]).unwrap();
    assert_eq!(token_after, token_before, "and its token");
    std::fs::remove_dir(&path).unwrap();
    std::fs::write(&path, saved).unwrap();
    let status = agent(&session, &["status", "--json"], None);
    assert_eq!((status.code, status.json()["user_id"].as_str()), (0, Some("1")), "{}", status.stderr);
}

/// `exotel-agent` as an agent runs it: the OS's locale is `locale`, no app variable chooses
/// the language, and no `RUST_LOG`.
fn agent_in(session: &KeyringSession, locale: &str, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = session.command(env!("CARGO_BIN_EXE_exotel-agent"));
    cmd.args(args)
        .env_remove("RUST_LOG")
        .env_remove("EXOTEL_AGENT_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", locale);
    let run = run(cmd, stdin);
    assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET), "the secret was printed: {args:?}");
    run
}

/// `login --secret-stdin` as an agent runs it ([`agent_in`]), with the app's id.
fn login_in(session: &KeyringSession, locale: &str, host: &str, user: &str, secret: &str) -> Run {
    let args = ["login", "--host", host, "--app-id", APP_ID, "--user-id", user, "--secret-stdin"];
    agent_in(session, locale, &args, Some(&format!("{secret}\n")))
}

/// What is left of a Hindi line once what may stay in Latin letters is taken out: text in
/// quotes (Exotel's own words, what was typed), the values of this test (the host, the agent's
/// name from Exotel), names and numbers.
fn app_words_of(line: &str, values: &[&str]) -> String {
    let mut out = agent_core::words::outside_quotes(line);
    let names = ["exotel-agent login", "exotel-agent", "Exotel", "SIP", "HTTP", "https://", "https", "http"];
    for value in values.iter().chain(names.iter()) {
        out = out.replace(value, "");
    }
    out
}

fn is_devanagari(c: char) -> bool {
    ('\u{0900}'..='\u{097F}').contains(&c)
}

/// A failure as the agent meets it: the exit code, nothing on standard output, and exactly one
/// line on standard error, with no log line.
fn one_line(run: &Run, code: i32, what: &str) -> String {
    assert_eq!(run.code, code, "{what}: {}", run.stderr);
    assert_eq!(run.stdout, "", "{what}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{what}: one line, not {:?}", run.stderr);
    for level in ["WARN", "INFO", "DEBUG", "ERROR"] {
        assert!(!run.stderr.contains(level), "{what}: a log line: {}", run.stderr);
    }
    lines[0].to_owned()
}

/// The faults a change can meet at Exotel, each with the exit code it ends with.
fn change_faults() -> Vec<(&'static str, Value, i32)> {
    use serde_json::json;
    vec![
        ("server page", json!({ "status": 502, "body": { "kind": "html" } }), 4),
        ("server words", json!({ "status": 503 }), 4),
        ("rate limit", json!({ "status": 429, "retry_after": 120 }), 4),
        ("dropped", json!({ "drop_connection": true }), 4),
        ("garbage", json!({ "body": { "kind": "garbage" } }), 4),
        ("web page", json!({ "body": { "kind": "html" } }), 4),
        ("empty", json!({ "body": { "kind": "empty" } }), 4),
        ("refused token", json!({ "status": 401 }), 3),
        ("unknown user", json!({ "status": 404 }), 2),
        ("invalid", json!({ "status": 400 }), 2),
    ]
}

/// With the OS in Hindi and no app variable, every line `exotel-agent` prints, for a success,
/// each kind of failure, `status` and `history`, is Hindi: no English word but names, numbers
/// and what Exotel or the agent wrote (quoted). Standard error is empty on success and one line
/// on failure, with no log line; the log went to the log file.
#[tokio::test(flavor = "multi_thread")]
async fn in_hindi_every_line_is_hindi_and_the_log_stays_out_of_the_terminal() {
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let sandbox = SandboxProcess::start();
    const HI: &str = "hi_IN.UTF-8";
    let values = [sandbox.url.as_str(), "Asha Demo", "ftp://typed.example"];
    let hindi = |line: &str, what: &str| {
        assert!(line.chars().any(is_devanagari), "{what}: not Hindi: {line}");
        let left = app_words_of(line, &values);
        assert!(!left.chars().any(|c| c.is_ascii_alphabetic()), "{what}: English in {line:?} ({left:?})");
    };

    // Bad input, before anything is sent.
    let bad_host = login_in(&session, HI, "ftp://typed.example", "1", SECRET);
    hindi(&one_line(&bad_host, 2, "a host that is not https"), "a host that is not https");
    let no_user = login_in(&session, HI, sandbox.url.as_str(), " ", SECRET);
    hindi(&one_line(&no_user, 2, "an empty user id"), "an empty user id");
    let wrong = login_in(&session, HI, sandbox.url.as_str(), "1", "not-the-secret");
    hindi(&one_line(&wrong, 3, "a wrong secret"), "a wrong secret");
    hindi(&one_line(&agent_in(&session, HI, &["off"], None), 3, "signed out"), "signed out");

    // A sign-in, a read and a change that work: one Hindi line each on standard output.
    let login = login_in(&session, HI, sandbox.url.as_str(), "1", SECRET);
    assert_eq!((login.code, login.stderr.as_str()), (0, ""), "a sign-in says nothing on stderr");
    hindi(login.stdout.trim(), "signed in");
    for args in [&["status"][..], &["phone"], &["settings"]] {
        let run = agent_in(&session, HI, args, None);
        assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{args:?}");
        for line in run.stdout.lines() {
            // `settings` lists each setting as `--set` takes it (name = value), then where it
            // came from, in words.
            let line = line.split_once("  (").map_or(line, |(_, origin)| origin);
            hindi(line, &format!("{args:?}"));
        }
    }

    // Every fault a change can meet at Exotel: one Hindi line, no log line.
    for (what, fault, code) in change_faults() {
        sandbox.admin(reqwest::Method::PUT, "faults/device", Some(fault)).await;
        let run = agent_in(&session, HI, &["off"], None);
        let line = one_line(&run, code, what);
        hindi(&line, what);
        sandbox.admin(reqwest::Method::DELETE, "faults", None).await;
    }
    // The 502's page, in the agent's words, and what Exotel last confirmed.
    sandbox
        .admin(
            reqwest::Method::PUT,
            "faults/device",
            Some(serde_json::json!({ "status": 502, "body": { "kind": "html" } })),
        )
        .await;
    let line = one_line(&agent_in(&session, HI, &["off"], None), 4, "a 502");
    assert!(line.contains("HTTP 502") && line.contains("वेब पेज"), "{line}");
    assert!(line.ends_with("Exotel ने आख़िरी बार बताया: फ़ोन पर कॉल आ रही हैं।"), "{line}");
    sandbox.admin(reqwest::Method::DELETE, "faults", None).await;

    // The history: each failed change says what was asked and why it was not done, with the
    // agent's local time.
    let history = agent_in(&session, HI, &["history"], None);
    assert_eq!((history.code, history.stderr.as_str()), (0, ""));
    let lines: Vec<&str> = history.stdout.lines().collect();
    assert!(lines.len() > change_faults().len(), "{}", history.stdout);
    for line in &lines {
        hindi(line, "history");
        assert!(line.starts_with("आज "), "today, in local time: {line}");
    }
    let failed: Vec<&&str> = lines.iter().filter(|l| l.contains("नहीं हुआ")).collect();
    assert_eq!(failed.len(), change_faults().len() + 1, "{}", history.stdout);
    for line in failed {
        assert!(line.contains("कमांड लाइन से ऑफ़लाइन माँगा: नहीं हुआ"), "names the target asked for: {line}");
        assert!(line.ends_with("(अब भी फ़ोन पर कॉल)"), "{line}");
    }
    assert!(lines.iter().any(|l| l.contains("Exotel की तरफ़ दिक़्क़त थी")), "{}", history.stdout);

    // `--json` keeps the machine form, and adds the time with its offset.
    let json = agent_in(&session, HI, &["history", "--json"], None).json();
    let last = &json["changes"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["target"]["target"].as_str(), last["error_kind"].as_str()),
        (Some("offline"), Some("server"))
    );
    let time = last["time"].as_str().unwrap_or_default();
    assert!(time.len() == "2026-12-05T10:42:07+05:30".len() && time.contains('T'), "{time}");
    assert!(time.ends_with("+00:00") || time[19..].starts_with(['+', '-']), "{time}");

    // The log went to the log file, with the retries the terminal did not show.
    let logs = session.home().join(".local/state/exotel-agent-tray/logs");
    let log: String = std::fs::read_dir(&logs)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("exotel-agent-cli"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(log.contains("retrying"), "the retries are in the log file: {log}");
    assert!(!log.contains(SECRET), "no secret in the log");

    // A locked keyring, in Hindi too.
    let locked = KeyringSession::start(KeyringState::Locked).expect("keyring session");
    let run = login_in(&locked, HI, sandbox.url.as_str(), "1", SECRET);
    hindi(&one_line(&run, 5, "a locked keyring"), "a locked keyring");
}

/// The same in English: one line on failure, nothing on success, no log line; `--verbose`
/// brings the log back to the terminal.
#[tokio::test(flavor = "multi_thread")]
async fn in_english_one_line_and_no_log_unless_asked() {
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let sandbox = SandboxProcess::start();
    const EN: &str = "en_IN.UTF-8";
    let login = login_in(&session, EN, sandbox.url.as_str(), "1", SECRET);
    assert_eq!((login.code, login.stderr.as_str()), (0, ""));
    let phone = agent_in(&session, EN, &["phone"], None);
    assert_eq!((phone.code, phone.stderr.as_str()), (0, ""));
    assert_eq!(phone.stdout.trim(), "Receiving calls on phone (Asha Demo, +910000000001)");

    for (what, fault, code) in change_faults() {
        sandbox.admin(reqwest::Method::PUT, "faults/device", Some(fault)).await;
        let line = one_line(&agent_in(&session, EN, &["off"], None), code, what);
        assert!(line.starts_with("exotel-agent: ") && line.ends_with('.'), "{what}: {line}");
        sandbox.admin(reqwest::Method::DELETE, "faults", None).await;
    }
    sandbox.admin(reqwest::Method::PUT, "faults/device", Some(serde_json::json!({ "status": 502 }))).await;
    let verbose = agent_in(&session, EN, &["off", "--verbose"], None);
    assert_eq!(verbose.code, 4);
    assert!(verbose.stderr.contains("WARN") && verbose.stderr.contains("retrying"), "{}", verbose.stderr);
    assert!(!verbose.stderr.contains(SECRET));

    let history = agent_in(&session, EN, &["history"], None);
    let failed = history.stdout.lines().filter(|l| l.contains("not done")).count();
    assert_eq!(failed, change_faults().len() + 1, "{}", history.stdout);
    let last = history.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("today ")
            && last.ends_with(
                "Offline asked from the command line: not done, Exotel had a problem (still receiving calls on phone)"
            ),
        "{last}"
    );
}

/// A static update channel on loopback: `/latest.json` answers `reply`; counts the requests.
async fn update_channel(
    reply: (u16, String),
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>, tokio::task::JoinHandle<()>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let asked = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let app = axum::Router::new().route(
        "/latest.json",
        axum::routing::get(move || {
            let (counter, reply) = (counter.clone(), reply.clone());
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                (axum::http::StatusCode::from_u16(reply.0).unwrap(), reply.1)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/latest.json", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, asked, server)
}

fn manifest(version: &str) -> String {
    let key = format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH);
    serde_json::json!({
        "version": version,
        "notes": "Fixes",
        "platforms": { key: { "url": "https://example.in/app.deb", "signature": "c2ln" } }
    })
    .to_string()
}

/// `exotel-agent update --check`: the channel the organisation sets, a newer version offered in
/// the agent's language and in `--json`; the same version is "up to date"; a channel with no
/// manifest is one line and exit 4; updates off: no request at all.
#[tokio::test(flavor = "multi_thread")]
async fn update_check_reads_the_organisations_channel_or_nothing_when_off() {
    use std::sync::atomic::Ordering;
    let session = KeyringSession::start(KeyringState::Unlocked).expect("keyring session");
    let presets = session.presets_file();
    std::fs::create_dir_all(presets.parent().unwrap()).unwrap();
    let current = env!("CARGO_PKG_VERSION");

    let (url, asked, server) = update_channel((200, manifest("99.0.0"))).await;
    std::fs::write(&presets, format!("[enforced]\nupdate_url = \"{url}\"\n")).unwrap();
    let json = agent_in(&session, "en_IN.UTF-8", &["update", "--check", "--json"], None);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let out = json.json();
    assert_eq!((out["available"].as_bool(), out["version"].as_str()), (Some(true), Some("99.0.0")));
    assert_eq!((out["current"].as_str(), out["channel"].as_str()), (Some(current), Some(url.as_str())));
    let hi = agent_in(&session, "hi_IN.UTF-8", &["update", "--check"], None);
    assert_eq!((hi.code, hi.stderr.as_str()), (0, ""));
    assert!(hi.stdout.contains("नया वर्शन 99.0.0 तैयार है"), "{}", hi.stdout);
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    server.abort();

    let (url, _, server) = update_channel((200, manifest(current))).await;
    std::fs::write(&presets, format!("[enforced]\nupdate_url = \"{url}\"\n")).unwrap();
    let same = agent_in(&session, "en_IN.UTF-8", &["update", "--check"], None);
    assert_eq!(same.stdout.trim(), format!("Exotel Agent Tray {current} is up to date."));
    server.abort();

    let (url, _, server) = update_channel((404, "<html>Not Found</html>".into())).await;
    std::fs::write(&presets, format!("[enforced]\nupdate_url = \"{url}\"\n")).unwrap();
    let missing = agent_in(&session, "hi_IN.UTF-8", &["update", "--check"], None);
    let line = one_line(&missing, 4, "no manifest there");
    assert!(line.contains("HTTP 404") && line.contains("अपडेट चैनल"), "{line}");
    let json = agent_in(&session, "en_IN.UTF-8", &["update", "--check", "--json"], None).json();
    assert_eq!(json["error"]["kind"], "update_status");
    server.abort();

    let (url, asked, server) = update_channel((200, manifest("99.0.0"))).await;
    std::fs::write(&presets, format!("[enforced]\nupdates = false\nupdate_url = \"{url}\"\n")).unwrap();
    let off = agent_in(&session, "en_IN.UTF-8", &["update", "--check", "--json"], None);
    assert_eq!((off.code, off.json()["updates"].as_str()), (0, Some("off")));
    let off = agent_in(&session, "en_IN.UTF-8", &["update", "--check"], None);
    assert!(off.stdout.starts_with("Updates are turned off by your organisation"), "{}", off.stdout);
    assert_eq!(asked.load(Ordering::SeqCst), 0, "updates off: the channel is never asked");
    server.abort();
}
