//! The three endpoints, one request each, with every reply turned into a typed value or an
//! [`ApiError`]. No retries and no token logic here: that is [`crate::Session`]'s job.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Result};
use crate::host::Host;
use crate::model::{DeviceChange, DeviceRequest, Envelope, User};
use crate::rate::{Budget, RateGate, RateInfo};
use crate::secret::Secret;
use crate::text::{JsonKind, Shape, describe_body, printable, server_message};

/// The largest reply read. Exotel's replies are a few kilobytes; anything bigger is refused
/// as malformed instead of being buffered.
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;

/// How the process's one HTTP client is built.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    /// For the whole request, reply included.
    pub request_timeout: Duration,
    pub user_agent: String,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            user_agent: format!("exotel-agent-tray/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

impl HttpConfig {
    /// A client for `host`, with rustls, these timeouts, keep-alive and the user agent.
    ///
    /// Proxies: a remote host goes through the system's proxy settings (`HTTPS_PROXY`,
    /// `ALL_PROXY`, `NO_PROXY`, as reqwest reads them), as call centres usually require. A
    /// loopback host (the sandbox) never does: its plain-http requests would otherwise reach
    /// the proxy in clear, and a proxy cannot reach this computer's loopback anyway.
    pub fn build(&self, host: &Host) -> Result<reqwest::Client> {
        self.build_with(host, reqwest::redirect::Policy::none())
    }

    /// The same, following redirects as `redirects` says: Exotel's API never redirects (a
    /// redirect there is an error), but a file host (an update channel) may.
    pub fn build_with(&self, host: &Host, redirects: reqwest::redirect::Policy) -> Result<reqwest::Client> {
        let builder = reqwest::Client::builder();
        let builder = if host.is_loopback() { builder.no_proxy() } else { builder };
        builder
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .user_agent(self.user_agent.clone())
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .redirect(redirects)
            .build()
            .map_err(|e| ApiError::Network {
                cause: crate::NetCause::Tls,
                host: None,
                text: format!("could not set up HTTPS: {e}"),
            })
    }
}

/// The process-wide client for `host` (built once, on first use), so every request shares one
/// connection pool: one client for remote hosts (through any system proxy) and one for
/// loopback hosts (never through a proxy), see [`HttpConfig::build`].
pub fn shared_http(host: &Host) -> Result<reqwest::Client> {
    static REMOTE: OnceLock<reqwest::Client> = OnceLock::new();
    static LOOPBACK: OnceLock<reqwest::Client> = OnceLock::new();
    let cell = if host.is_loopback() { &LOOPBACK } else { &REMOTE };
    if let Some(c) = cell.get() {
        return Ok(c.clone());
    }
    let built = HttpConfig::default().build(host)?;
    Ok(cell.get_or_init(|| built).clone())
}

/// Which endpoint a reply came from: a 401 means different things on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Token,
    Device,
    UserMapping,
}

impl Endpoint {
    fn budget(self) -> Budget {
        match self {
            Endpoint::UserMapping => Budget::Reads,
            Endpoint::Token | Endpoint::Device => Budget::Writes,
        }
    }
}

/// A typed client of one Exotel host. Cheap to clone (the HTTP client is shared, and so is
/// what its replies said about the rate limit, [`Client::rate`]).
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    host: Host,
    rate: Arc<RateGate>,
}

impl Client {
    pub fn new(host: Host, http: reqwest::Client) -> Self {
        Self { http, host, rate: Arc::default() }
    }

    pub fn host(&self) -> &Host {
        &self.host
    }

    /// What the replies so far said about Exotel's rate limit, per budget.
    pub fn rate(&self) -> &RateGate {
        &self.rate
    }

    /// `POST /v2/integrations/token` with `Entity: "app"`: a new token.
    pub async fn mint_token(&self, app_id: &str, secret: &Secret) -> Result<Secret> {
        let body = serde_json::json!({ "Id": app_id, "Secret": secret.expose(), "Entity": "app" });
        let req = self.http.request(Method::POST, self.host.endpoint("token")).json(&body);
        let token: String = self.send(req, Endpoint::Token, &[secret.expose()]).await?;
        if token.trim().is_empty() {
            return Err(ApiError::Malformed { status: 200, shape: Shape::EmptyToken });
        }
        Ok(Secret::new(token))
    }

    /// `PUT /v2/integrations/device`: the user after the change, as Exotel replied.
    pub async fn set_device(&self, token: &Secret, user_id: &str, change: DeviceChange) -> Result<User> {
        let req = self
            .http
            .request(Method::PUT, self.host.endpoint("device"))
            .header(header::AUTHORIZATION, token.expose())
            .json(&DeviceRequest::new(user_id, change));
        self.send(req, Endpoint::Device, &[token.expose()]).await
    }

    /// `GET /v2/integrations/usermapping?user_id=`: the user as Exotel has them now.
    pub async fn user(&self, token: &Secret, user_id: &str) -> Result<User> {
        let mut url = self.host.endpoint("usermapping");
        // `query_pairs_mut` percent-encodes, so a `+` in the id is sent as `%2B`.
        url.query_pairs_mut().append_pair("user_id", user_id);
        let req = self.http.request(Method::GET, url).header(header::AUTHORIZATION, token.expose());
        self.send(req, Endpoint::UserMapping, &[token.expose()]).await
    }

    /// Sends and reads the reply, telling [`Client::rate`] what its headers said. `known` are
    /// the request's own credentials (the app secret, the token): no error message ever
    /// repeats them, whatever the reply holds.
    async fn send<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
        endpoint: Endpoint,
        known: &[&str],
    ) -> Result<T> {
        // One span per request, open until its reply is read: the logs can tell requests
        // apart, and the fleet benchmark knows when one is in flight.
        let span = tracing::debug_span!("exotel_request", endpoint = ?endpoint);
        tracing::Instrument::instrument(
            async {
                let mut resp = req.send().await.map_err(transport_error)?;
                let status = resp.status();
                let rate = RateInfo::from_headers(resp.headers());
                self.rate.observe(endpoint.budget(), &rate, status == StatusCode::TOO_MANY_REQUESTS);
                let body = read_capped(&mut resp).await?;
                interpret(status, rate.retry_after, &body, endpoint, known)
            },
            span,
        )
        .await
    }
}

async fn read_capped(resp: &mut reqwest::Response) -> Result<Vec<u8>> {
    let status = resp.status().as_u16();
    if resp.content_length().is_some_and(|n| n > MAX_REPLY_BYTES as u64) {
        return Err(too_large(status));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > MAX_REPLY_BYTES {
            return Err(too_large(status));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large(status: u16) -> ApiError {
    ApiError::Malformed { status, shape: Shape::TooLarge { kib: MAX_REPLY_BYTES / 1024 } }
}

/// Parses a device or usermapping reply (HTTP status and body) into the user, exactly as the
/// client does. Public for property tests and fuzzing.
pub fn parse_user_reply(status: u16, body: &[u8]) -> Result<User> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    interpret(status, None, body, Endpoint::Device, &[])
}

/// Parses a token reply into the token, exactly as the client does. Public for property tests
/// and fuzzing.
pub fn parse_token_reply(status: u16, body: &[u8]) -> Result<Secret> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    interpret::<String>(status, None, body, Endpoint::Token, &[]).map(Secret::new)
}

/// Turns a status and body into the value or the error. Pure, so every shape is testable.
/// Error messages describe the reply's shape and quote only Exotel's `Error` text, cleaned by
/// [`crate::text`]: never a value from the reply, never one of `known`.
fn interpret<T: DeserializeOwned>(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
    endpoint: Endpoint,
    known: &[&str],
) -> Result<T> {
    let envelope: Option<Envelope<serde_json::Value>> = serde_json::from_slice(body).ok();
    let message = envelope
        .as_ref()
        .and_then(|e| e.error.as_deref())
        .map(|m| server_message(m, known))
        .unwrap_or_default();

    if !status.is_success() {
        return Err(status_error(status.as_u16(), message, retry_after, body, endpoint, known));
    }
    let Some(envelope) = envelope else {
        return Err(ApiError::Malformed { status: status.as_u16(), shape: describe_body(body, known) });
    };
    // A 200 whose envelope says it failed: believe the envelope's code when it is an error code.
    let failed = envelope.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("failed"));
    if failed {
        let code = envelope.code.and_then(|c| u16::try_from(c).ok()).filter(|c| *c >= 400).unwrap_or(500);
        return Err(status_error(code, message, retry_after, body, endpoint, known));
    }
    let Some(data) = envelope.data.filter(|d| !d.is_null()) else {
        return Err(ApiError::Malformed { status: status.as_u16(), shape: Shape::NoData });
    };
    // serde's own message may quote the value (`invalid type: string "..."`): only the shape.
    let kind = JsonKind::of(&data);
    serde_json::from_value(data)
        .map_err(|_| ApiError::Malformed { status: status.as_u16(), shape: Shape::WrongData(kind) })
}

fn status_error(
    status: u16,
    message: String,
    retry_after: Option<Duration>,
    body: &[u8],
    endpoint: Endpoint,
    known: &[&str],
) -> ApiError {
    match status {
        400 => ApiError::InvalidRequest { message },
        401 if endpoint == Endpoint::Token => ApiError::BadCredentials,
        401 | 403 => ApiError::Unauthorized { message },
        404 => ApiError::NotFound { message },
        429 => ApiError::RateLimited { retry_after },
        500..=599 => {
            let reply = (message.is_empty() && !body.is_empty() && !looks_like_json(body))
                .then(|| describe_body(body, known));
            ApiError::Server { status, message, reply }
        }
        _ => ApiError::Malformed { status, shape: describe_body(body, known) },
    }
}

fn looks_like_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok()
}

fn transport_error(e: reqwest::Error) -> ApiError {
    if e.is_timeout() {
        return ApiError::Timeout;
    }
    // The innermost cause is the one a person recognises ("Connection refused").
    let mut cause: &dyn std::error::Error = &e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    if text.to_ascii_lowercase().contains("timed out") {
        return ApiError::Timeout;
    }
    // Which host could not be reached (never the path or query): a mistyped or preset host is
    // then plain to see.
    ApiError::Network {
        cause: crate::NetCause::of(&e),
        host: e.url().and_then(|u| u.host_str()).map(printable),
        text: printable(&text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Availability, Device};

    const SEED: &str = r#"{ "RequestId": "ebf58ac4-fea1-4cd3-bf88-ffae7b8539a4", "Status": "Success", "Code": 200, "Error": "", "Data": { "CustomerId": "99fa98a1-2ce0-457c-9371-0d3a01eb6ef0", "AppID": "2e6440ed-ff62-49d7-bb00-5494b313a863", "AppUserId": "1", "ExotelAccountSid": "abc", "ExotelUserId": "fasdfdsf", "AppUsername": "Temp Name", "ExotelUserName": "Temp Name", "AgentNumber": "+0000000000", "ActiveDeviceId": "", "PhoneDeviceID": "057", "SipDeviceID": "9012", "VirtualNumber": "01135124165", "Email": "temp.user@company.in", "OutboundActive": false, "Role": "admin", "SipId": "sip:a4343j", "SipSecret": "b*5#TGC$2!r&s#X2H1Rt", "IsActive": true, "UserDetail": null, "CreatedAt": "0001-01-01T00:00:00Z", "UpdatedAt": "0001-01-01T00:00:00Z" } }"#;

    fn parse_user(status: u16, body: &str) -> Result<User> {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        interpret(status, None, body.as_bytes(), Endpoint::Device, &[])
    }

    #[test]
    fn the_seeds_exact_reply_parses_and_reads_as_offline() {
        let user = parse_user(200, SEED).unwrap_or_default();
        assert_eq!(user.app_user_id.as_deref(), Some("1"));
        assert_eq!(user.exotel_user_name.as_deref(), Some("Temp Name"));
        assert_eq!(user.agent_number.as_deref(), Some("+0000000000"));
        assert_eq!(user.phone_device_id.as_deref(), Some("057"));
        assert_eq!(user.sip_device_id.as_deref(), Some("9012"));
        assert_eq!(user.email.as_deref(), Some("temp.user@company.in"));
        assert_eq!(user.outbound_active, Some(false));
        assert_eq!(user.is_active, Some(true));
        assert_eq!(user.sip_secret.as_ref().map(Secret::expose), Some("b*5#TGC$2!r&s#X2H1Rt"));
        // The seed answers "phone on" with an empty ActiveDeviceId: by the contract, offline.
        assert_eq!(user.availability(), Availability::Offline);
        let with_phone = SEED.replace(r#""ActiveDeviceId": """#, r#""ActiveDeviceId": "057""#);
        assert_eq!(
            parse_user(200, &with_phone).map(|u| u.availability()),
            Ok(Availability::Receiving(Device::Phone))
        );
    }

    #[test]
    fn every_bad_shape_is_an_error_not_a_panic() {
        for body in
            ["", "null", "[]", "<html>oops</html>", "{", "{\"Data\":null}", "{\"Data\":5}", "\u{0}\u{1}"]
        {
            let r = parse_user(200, body);
            assert!(matches!(r, Err(ApiError::Malformed { .. })), "{body:?} gave {r:?}");
        }
        let failed = parse_user(200, r#"{"Status":"Failed","Code":400,"Error":"bad UserId"}"#);
        assert_eq!(failed.err(), Some(ApiError::InvalidRequest { message: "bad UserId".into() }));
    }

    #[test]
    fn error_statuses_map_to_kinds_with_the_servers_words() {
        let body = r#"{"Status":"Failed","Code":400,"Error":"DeviceName invalid"}"#;
        assert_eq!(
            parse_user(400, body).err(),
            Some(ApiError::InvalidRequest { message: "DeviceName invalid".into() })
        );
        assert!(matches!(parse_user(401, "").err(), Some(ApiError::Unauthorized { .. })));
        let token: Result<String> = interpret(StatusCode::UNAUTHORIZED, None, b"", Endpoint::Token, &[]);
        assert_eq!(token.err(), Some(ApiError::BadCredentials));
        assert!(matches!(parse_user(404, "{}").err(), Some(ApiError::NotFound { .. })));
        let html = parse_user(502, "<html><title>502 Bad Gateway</title></html>").err();
        match html {
            Some(ApiError::Server { status: 502, message, reply: Some(Shape::Html { title }) }) => {
                assert!(message.is_empty(), "{message}");
                assert_eq!(title.as_deref(), Some("502 Bad Gateway"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_error_repeats_a_value_from_the_reply() {
        let secret = "app-Secret-1";
        let token = "sbx-token-0123456789abcdef";
        let token_reply = |status: u16, body: &str| {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            interpret::<String>(status, None, body.as_bytes(), Endpoint::Token, &[secret])
        };
        let user_reply = |status: u16, body: &str| {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            interpret::<User>(status, None, body.as_bytes(), Endpoint::Device, &[token])
        };
        let cases: Vec<Result<String>> = vec![
            // A token reply that is a bare string, not the envelope.
            token_reply(200, &format!("\"{token}\"")),
            // Data of the wrong shape: serde's message would quote it.
            token_reply(200, &format!(r#"{{"Status":"Success","Data":{{"t":"{token}"}}}}"#)),
            user_reply(200, &format!(r#"{{"Status":"Success","Data":"{token}"}}"#)).map(|_| String::new()),
            // Exotel's own Error text echoing what was sent.
            token_reply(400, &format!(r#"{{"Status":"Failed","Error":"bad Secret {secret}"}}"#)),
            user_reply(401, &format!(r#"{{"Status":"Failed","Error":"token {token} expired"}}"#))
                .map(|_| String::new()),
            user_reply(500, &format!(r#"{{"Status":"Failed","Error":"Authorization: {token}"}}"#))
                .map(|_| String::new()),
            // An HTML page or a list that carries it.
            user_reply(502, &format!("<html><title>{token}</title></html>")).map(|_| String::new()),
            user_reply(418, &format!("[\"{token}\"]")).map(|_| String::new()),
        ];
        for case in cases {
            let text = case.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(!text.is_empty(), "every case is an error");
            assert!(!text.contains(token) && !text.contains(secret), "{text}");
        }
    }

    #[test]
    fn a_code_sent_as_text_is_read_as_a_code() {
        let body = SEED.replace(r#""Code": 200"#, r#""Code": "200""#);
        assert!(parse_user(200, &body).is_ok());
        let failed = parse_user(200, r#"{"Status":"Failed","Code":"404","Error":"User does not exist"}"#);
        assert!(matches!(failed, Err(ApiError::NotFound { .. })), "{failed:?}");
    }
}
