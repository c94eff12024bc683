//! A local server that behaves like Exotel's integrations API as `shared/exotel/CONTRACT.md`
//! describes it, for tests, benchmarks and demos, with faults on demand.
//!
//! - The three endpoints (`token`, `device`, `usermapping`) with the contract's envelope,
//!   seeded apps and users, state per user and Exotel-like validation (400/401/404).
//! - Faults per endpoint ([`Fault`]): a status, a delay, an HTML/garbage/empty/huge body, a
//!   dropped connection, `Retry-After`, each either instead of the request or after carrying
//!   it out (`applied`: "applied, reply lost", "applied, then 5xx"), from the Nth request on; plus a reply whose `ActiveDeviceId` lags the change
//!   ([`Sandbox::lag_next_change`]) and token expiry ([`Sandbox::expire_tokens`]).
//! - An account-wide rate limit, off unless set ([`limit`]): 429 with `Retry-After` and the
//!   `X-RateLimit-*` headers, reads and writes apart, and a count of each minute's requests.
//! - A log of every request ([`Sandbox::requests`]), so tests count what was sent.
//! - The same controls over HTTP under `/_sandbox/` (see [`admin`]), for the binary.
//!
//! Start it in-process with [`Sandbox::start`] (loopback, port 0).

pub mod admin;
mod api;
pub mod limit;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower::ServiceExt;

pub use limit::{MinuteStat, RateLimits};
pub use state::{
    DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Fault, FaultBody, RequestRecord,
    SandboxConfig, SandboxUser,
};

/// The sandbox's shared state.
#[derive(Debug)]
pub(crate) struct Shared(Mutex<state::Inner>);

impl Shared {
    /// The state, even if a panic elsewhere poisoned the lock (the data stays consistent:
    /// every change is made under one lock in one step).
    pub(crate) fn lock(&self) -> MutexGuard<'_, state::Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl Sandbox {
    /// Starts on 127.0.0.1 with an OS-chosen port and the default apps and users.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(SocketAddr::from(([127, 0, 0, 1], 0)), SandboxConfig::default()).await
    }

    pub async fn start_with(addr: SocketAddr, config: SandboxConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let routes = if config.admin { admin::routes() } else { Router::new() };
        let shared = Arc::new(Shared(Mutex::new(state::Inner::new(config))));
        let router = routes.fallback(api::handle).with_state(shared.clone());
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(serve(listener, router, stopped, addr.port()));
        Ok(Self { addr, shared, _stop: stop })
    }

    /// `http://127.0.0.1:PORT`, the host to give the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The arguments of `exotel-agent login` that sign in to this sandbox's demo account, the
    /// secret ([`DEMO_APP_SECRET`]) to be written to its standard input.
    pub fn cli_login_args(&self) -> Vec<String> {
        let url = self.url();
        ["login", "--host", &url, "--app-id", DEMO_APP_ID, "--user-id", DEMO_USER_ID, "--secret-stdin"]
            .map(str::to_owned)
            .to_vec()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Applies `fault` to the next requests of `endpoint` (replacing any fault set there).
    pub fn set_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.shared.lock().faults.insert(endpoint, fault);
    }

    pub fn clear_faults(&self) {
        let mut inner = self.shared.lock();
        inner.faults.clear();
        inner.lag = Default::default();
    }

    /// The next successful device change replies with the old `ActiveDeviceId`, and so do the
    /// next `reads` usermapping reads of that user (as in the seed's own example).
    pub fn lag_next_change(&self, reads: u32) {
        self.shared.lock().lag.armed_reads = Some(reads);
    }

    /// Sets the account-wide rate limit (the counts of the current minute are kept).
    pub fn set_limits(&self, limits: RateLimits) {
        self.shared.lock().limiter.limits = limits;
    }

    /// What each minute saw: requests by budget and how many the limit refused.
    pub fn minutes(&self) -> Vec<MinuteStat> {
        self.shared.lock().limiter.minutes()
    }

    /// Every token minted so far stops being honoured (as when a token expires).
    pub fn expire_tokens(&self) {
        self.shared.lock().tokens.clear();
    }

    /// How many tokens the sandbox honours now (at most [`SandboxConfig::max_tokens`]).
    pub fn tokens_honoured(&self) -> usize {
        self.shared.lock().tokens.len()
    }

    /// Every request received so far (the last [`SandboxConfig::max_log`]), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().log.iter().cloned().collect()
    }

    /// How many requests reached `endpoint`.
    pub fn count(&self, endpoint: Endpoint) -> usize {
        self.shared.lock().log.iter().filter(|r| r.endpoint == Some(endpoint)).count()
    }

    pub fn clear_requests(&self) {
        self.shared.lock().log.clear();
    }

    /// The user as the sandbox holds them now (its truth, not what any reply showed).
    pub fn user(&self, user_id: &str) -> Option<SandboxUser> {
        self.shared.lock().users.get(user_id).cloned()
    }

    /// Which device is on for `user_id`: `Ok(None)` offline, `Err(id)` for an id matching neither.
    pub fn active(&self, user_id: &str) -> Option<Result<Option<DeviceName>, String>> {
        self.user(user_id).map(|u| u.active())
    }

    /// Changes the device behind the app's back (as the agent's supervisor or another app would).
    pub fn set_active(&self, user_id: &str, device: Option<DeviceName>) -> bool {
        let mut inner = self.shared.lock();
        let Some(user) = inner.users.get_mut(user_id) else {
            return false;
        };
        user.active_device_id = device.map(|d| user.device_id(d).to_owned()).unwrap_or_default();
        true
    }

    /// Sets the raw `ActiveDeviceId`, e.g. one that matches neither device.
    pub fn set_active_device_id(&self, user_id: &str, id: &str) -> bool {
        let mut inner = self.shared.lock();
        let Some(user) = inner.users.get_mut(user_id) else {
            return false;
        };
        user.active_device_id = id.to_owned();
        true
    }
}

/// Whether a request's `Host` names this sandbox: a loopback name or address with its port.
/// Anything else is refused (421), so a web page that makes its own name resolve to 127.0.0.1
/// (DNS rebinding) cannot reach the sandbox from a browser on this computer.
fn addressed_to_us(headers: &axum::http::HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let Some(name) = host.strip_suffix(&format!(":{port}")) else {
        return false;
    };
    name.eq_ignore_ascii_case("localhost")
        || name == "[::1]"
        || name.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// The accept loop. Each connection is served by hyper directly, so that a response marked
/// [`api::DropConnection`] can close the connection without a reply.
async fn serve(listener: TcpListener, router: Router, mut stopped: oneshot::Receiver<()>, port: u16) {
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else { continue };
        let router = router.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let router = router.clone();
                async move {
                    if !addressed_to_us(req.headers(), port) {
                        let refused =
                            (axum::http::StatusCode::MISDIRECTED_REQUEST, "not this sandbox's host");
                        return Ok(axum::response::IntoResponse::into_response(refused));
                    }
                    let response = match router.oneshot(req.map(axum::body::Body::new)).await {
                        Ok(r) => r,
                        Err(never) => match never {},
                    };
                    if response.extensions().get::<api::DropConnection>().is_some() {
                        Err(DroppedOnPurpose)
                    } else {
                        Ok(response)
                    }
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

#[derive(Debug, thiserror::Error)]
#[error("connection dropped by a sandbox fault")]
struct DroppedOnPurpose;
