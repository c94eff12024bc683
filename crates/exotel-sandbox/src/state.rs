//! What the sandbox knows: apps, users and their devices, tokens, faults and the request log.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The app credentials the sandbox is seeded with by default (also printed by the binary).
pub const DEMO_APP_ID: &str = "sandbox-app";
pub const DEMO_APP_SECRET: &str = "sandbox-secret-do-not-use";
/// The demo agent's user id.
pub const DEMO_USER_ID: &str = "1";

/// One of the three endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Endpoint {
    Token,
    Device,
    Usermapping,
}

impl Endpoint {
    pub fn from_path(path: &str) -> Option<Self> {
        match path.trim_end_matches('/') {
            "/v2/integrations/token" => Some(Endpoint::Token),
            "/v2/integrations/device" => Some(Endpoint::Device),
            "/v2/integrations/usermapping" => Some(Endpoint::Usermapping),
            _ => None,
        }
    }
}

/// A device as the sandbox stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceName {
    Phone,
    Sip,
}

/// A body to send instead of the real reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FaultBody {
    /// A proxy's HTML error page.
    Html,
    /// Bytes that are not JSON.
    Garbage,
    /// Nothing at all.
    Empty,
    /// Valid-looking JSON padding of this many bytes.
    Huge { bytes: usize },
    /// Exactly this text.
    Raw { text: String },
}

/// What to do to the next requests of one endpoint. Fields combine: the delay comes first,
/// then a dropped connection, else the status and body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fault {
    /// Reply with this HTTP status (with the contract's envelope and an `Error` text, unless
    /// `body` says otherwise). The request is not carried out.
    pub status: Option<u16>,
    /// Wait this long before doing anything.
    pub delay_ms: u64,
    /// Send this body instead (with `status`, or 200 if none). The request is not carried out.
    pub body: Option<FaultBody>,
    /// Override the reply's `Content-Type`.
    pub content_type: Option<String>,
    /// Close the connection without a reply. The request is not carried out.
    pub drop_connection: bool,
    /// A `Retry-After` header, in seconds.
    pub retry_after: Option<u64>,
    /// Apply to this many requests, then clear; `None`: until cleared.
    pub times: Option<u32>,
    /// Carry the request out, but reply with an `ActiveDeviceId` that matches neither device.
    pub bogus_active: bool,
    /// Add a random delay of up to this many milliseconds (for concurrency tests).
    pub jitter_ms: u64,
    /// With `status`: the `Error` text repeats the request's credentials (its `Authorization`
    /// header and any `Secret` in its body), as a careless server or proxy might.
    pub echo_credentials: bool,
    /// Carry the request out, but send the envelope's `Code` as text (`"200"`).
    pub code_as_text: bool,
    /// With `status` or `drop_connection`: carry the request out first, then fail the reply
    /// ("applied, reply lost": the change is made, the connection drops before the reply;
    /// "applied, then 5xx"). Without it a faulted request is never carried out.
    pub applied: bool,
    /// Let this many requests of the endpoint through untouched before the fault applies (to
    /// fault a retry, a second PUT or a read-back only).
    pub skip: u32,
}

impl Fault {
    pub fn status(code: u16) -> Self {
        Self { status: Some(code), ..Self::default() }
    }
    pub fn delay(d: Duration) -> Self {
        Self { delay_ms: u64::try_from(d.as_millis()).unwrap_or(u64::MAX), ..Self::default() }
    }
    pub fn body(body: FaultBody) -> Self {
        Self { body: Some(body), ..Self::default() }
    }
    pub fn dropped() -> Self {
        Self { drop_connection: true, ..Self::default() }
    }
    pub fn times(self, n: u32) -> Self {
        Self { times: Some(n), ..self }
    }
    pub fn with_retry_after(self, secs: u64) -> Self {
        Self { retry_after: Some(secs), ..self }
    }
    pub fn with_content_type(self, ct: &str) -> Self {
        Self { content_type: Some(ct.to_owned()), ..self }
    }
    pub fn bogus_active() -> Self {
        Self { bogus_active: true, ..Self::default() }
    }
    pub fn echoing_credentials(code: u16) -> Self {
        Self { status: Some(code), echo_credentials: true, ..Self::default() }
    }
    pub fn code_as_text() -> Self {
        Self { code_as_text: true, ..Self::default() }
    }
    /// The change is made, then the connection drops before the reply.
    pub fn applied_reply_lost() -> Self {
        Self { drop_connection: true, applied: true, ..Self::default() }
    }
    /// The change is made, then the reply is this 5xx.
    pub fn applied_then(code: u16) -> Self {
        Self { status: Some(code), applied: true, ..Self::default() }
    }
    pub fn after(self, skip: u32) -> Self {
        Self { skip, ..self }
    }
    pub fn jitter(max: Duration) -> Self {
        Self { jitter_ms: u64::try_from(max.as_millis()).unwrap_or(u64::MAX), ..Self::default() }
    }
    /// Whether the request is answered with something other than the real result.
    pub(crate) fn replaces_reply(&self) -> bool {
        self.status.is_some() || self.body.is_some() || self.drop_connection
    }
}

/// One request the sandbox received (admin requests excluded).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub endpoint: Option<Endpoint>,
    /// The body, with the value of any `Secret` field replaced by `[redacted]`.
    pub body: String,
    /// Whether an `Authorization` header carried a token the sandbox issued and still honours.
    pub auth_valid: bool,
    /// The status sent, or 0 when the connection was dropped.
    pub status: u16,
    /// When the request arrived and when its reply was ready, in microseconds since the
    /// sandbox started (to check that requests did not overlap).
    pub received_us: u64,
    pub replied_us: u64,
    /// The request's number: 1 for the first the sandbox received.
    #[serde(default)]
    pub seq: u64,
}

/// A seeded agent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SandboxUser {
    pub user_id: String,
    pub name: String,
    pub agent_number: String,
    pub email: String,
    pub phone_device_id: String,
    pub sip_device_id: String,
    /// The agent's SIP password, returned in every user reply like Exotel does.
    pub sip_secret: String,
    /// The raw `ActiveDeviceId`: "" (offline), one of the two ids, or anything else.
    pub active_device_id: String,
}

impl SandboxUser {
    pub fn new(user_id: &str, name: &str, n: u32) -> Self {
        Self {
            user_id: user_id.to_owned(),
            name: name.to_owned(),
            agent_number: format!("+9100000000{n:02}"),
            email: format!("agent{n}@example.com"),
            phone_device_id: format!("{:03}", 50 + n),
            sip_device_id: format!("{}", 9000 + n),
            sip_secret: format!("sbx-sip-secret-{n}-Q7#v"),
            active_device_id: String::new(),
        }
    }

    pub fn device_id(&self, device: DeviceName) -> &str {
        match device {
            DeviceName::Phone => &self.phone_device_id,
            DeviceName::Sip => &self.sip_device_id,
        }
    }

    /// Which device is on, as the contract derives it (`None` for offline, `Err` for an id
    /// matching neither).
    pub fn active(&self) -> Result<Option<DeviceName>, String> {
        if self.active_device_id.is_empty() {
            Ok(None)
        } else if self.active_device_id == self.phone_device_id {
            Ok(Some(DeviceName::Phone))
        } else if self.active_device_id == self.sip_device_id {
            Ok(Some(DeviceName::Sip))
        } else {
            Err(self.active_device_id.clone())
        }
    }

    /// The contract's user object, with `active_device_id` as given.
    pub(crate) fn to_json(&self, app_id: &str, active_device_id: &str) -> serde_json::Value {
        serde_json::json!({
            "CustomerId": "5b0c4c1e-0000-4000-8000-000000000001",
            "AppID": app_id,
            "AppUserId": self.user_id,
            "ExotelAccountSid": "sandbox",
            "ExotelUserId": format!("exo-{}", self.user_id),
            "AppUsername": self.name,
            "ExotelUserName": self.name,
            "AgentNumber": self.agent_number,
            "ActiveDeviceId": active_device_id,
            "PhoneDeviceID": self.phone_device_id,
            "SipDeviceID": self.sip_device_id,
            "VirtualNumber": "01100000000",
            "Email": self.email,
            "OutboundActive": false,
            "Role": "agent",
            "SipId": format!("sip:sbx{}", self.user_id),
            "SipSecret": self.sip_secret,
            "IsActive": true,
            "UserDetail": null,
            "CreatedAt": "0001-01-01T00:00:00Z",
            "UpdatedAt": "0001-01-01T00:00:00Z",
        })
    }
}

/// What the sandbox starts with.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// App id and secret pairs that may mint tokens.
    pub apps: Vec<(String, String)>,
    pub users: Vec<SandboxUser>,
    /// Serve the controls under `/_sandbox/` ([`crate::admin`]). Off inside the desktop app,
    /// where any local user could otherwise set faults or read the request log.
    pub admin: bool,
    /// The request log keeps the last this many requests.
    pub max_log: usize,
    /// At most this many tokens are honoured at once; minting one more forgets the oldest
    /// (as if it had expired).
    pub max_tokens: usize,
    /// The account-wide rate limit ([`crate::limit`]); none by default.
    pub limits: crate::limit::RateLimits,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            apps: vec![(DEMO_APP_ID.to_owned(), DEMO_APP_SECRET.to_owned())],
            users: vec![
                SandboxUser::new(DEMO_USER_ID, "Asha Demo", 1),
                SandboxUser::new("2", "Ravi Demo", 2),
                SandboxUser::new("agent+3", "Plus Sign", 3),
            ],
            admin: true,
            max_log: 100_000,
            max_tokens: 10_000,
            limits: crate::limit::RateLimits::default(),
        }
    }
}

impl SandboxConfig {
    /// The desktop app's *Try the sandbox*: no controls over HTTP, a short log, few tokens.
    pub fn in_app() -> Self {
        Self { admin: false, max_log: 256, max_tokens: 16, ..Self::default() }
    }
}

/// The tokens the sandbox honours, oldest first, at most `max`.
#[derive(Debug)]
pub(crate) struct Tokens {
    app_of: HashMap<String, String>,
    order: VecDeque<String>,
    max: usize,
}

impl Tokens {
    fn new(max: usize) -> Self {
        Self { app_of: HashMap::new(), order: VecDeque::new(), max: max.max(1) }
    }

    pub fn insert(&mut self, token: String, app_id: String) {
        while self.order.len() >= self.max {
            if let Some(oldest) = self.order.pop_front() {
                self.app_of.remove(&oldest);
            }
        }
        self.order.push_back(token.clone());
        self.app_of.insert(token, app_id);
    }

    pub fn clear(&mut self) {
        self.app_of.clear();
        self.order.clear();
    }

    pub fn len(&self) -> usize {
        self.app_of.len()
    }
}

/// A pending or running "the reply lags the change" fault.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lag {
    /// Armed: the next successful device change lags, then this many reads show the old id.
    pub armed_reads: Option<u32>,
    /// Running: (user id, stale ActiveDeviceId, reads left).
    pub running: Option<(String, String, u32)>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub apps: HashMap<String, String>,
    pub users: HashMap<String, SandboxUser>,
    /// Token -> the app id it was minted for.
    pub tokens: Tokens,
    pub faults: HashMap<Endpoint, Fault>,
    /// The last `max_log` requests, oldest first.
    pub log: VecDeque<RequestRecord>,
    max_log: usize,
    next_seq: u64,
    pub lag: Lag,
    pub started: std::time::Instant,
    pub limiter: crate::limit::Limiter,
}

impl Inner {
    pub fn elapsed_us(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    pub fn new(config: SandboxConfig) -> Self {
        Self {
            apps: config.apps.into_iter().collect(),
            users: config.users.into_iter().map(|u| (u.user_id.clone(), u)).collect(),
            tokens: Tokens::new(config.max_tokens),
            faults: HashMap::new(),
            log: VecDeque::new(),
            max_log: config.max_log.max(1),
            next_seq: 0,
            lag: Lag::default(),
            started: std::time::Instant::now(),
            limiter: crate::limit::Limiter::new(config.limits),
        }
    }

    /// The fault for this endpoint, counting one use of it (or one request let through).
    pub fn take_fault(&mut self, endpoint: Endpoint) -> Option<Fault> {
        let fault = self.faults.get_mut(&endpoint)?;
        if fault.skip > 0 {
            fault.skip -= 1;
            return None;
        }
        let out = fault.clone();
        if let Some(n) = fault.times.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.faults.remove(&endpoint);
            }
        }
        Some(out)
    }

    /// The app id a valid token belongs to.
    pub fn token_app(&self, token: Option<&str>) -> Option<String> {
        self.tokens.app_of.get(token?.trim()).cloned()
    }

    /// Logs a request on arrival, forgetting the oldest beyond `max_log`; its number, to fill
    /// in its reply with [`Self::replied`].
    pub fn log_request(&mut self, mut record: RequestRecord) -> u64 {
        self.next_seq += 1;
        record.seq = self.next_seq;
        while self.log.len() >= self.max_log {
            self.log.pop_front();
        }
        self.log.push_back(record);
        self.next_seq
    }

    /// Fills in the reply of request `seq`, if it is still in the log.
    pub fn replied(&mut self, seq: u64, status: u16) {
        let replied_us = self.elapsed_us();
        if let Some(r) = self.log.iter_mut().rev().find(|r| r.seq == seq) {
            r.status = status;
            r.replied_us = replied_us;
        }
    }
}
