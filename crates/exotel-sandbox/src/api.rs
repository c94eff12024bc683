//! The three Exotel endpoints as the sandbox answers them, faults first.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::Shared;
use crate::limit::Verdict;
use crate::state::{DeviceName, Endpoint, Fault, FaultBody, Inner, RequestRecord};

/// The largest body a `Huge` fault sends: enough to pass any client's cap, and no more.
const MAX_FAULT_BODY: usize = 64 * 1024 * 1024;

/// Marks a response that must not be sent: the connection is closed instead.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// A reply before it becomes HTTP: a status and either `Data` or an `Error` text.
struct Reply {
    status: u16,
    data: Result<Value, String>,
}

impl Reply {
    fn ok(data: Value) -> Self {
        Self { status: 200, data: Ok(data) }
    }
    fn err(status: u16, message: impl Into<String>) -> Self {
        Self { status, data: Err(message.into()) }
    }
}

/// Every request that is not an admin request lands here.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::from_path(uri.path());
    let token = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let received_us = shared.lock().elapsed_us();
    let record = RequestRecord {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        endpoint,
        body: redacted_body(&body),
        auth_valid: shared.lock().token_app(token.as_deref()).is_some(),
        status: 0,
        received_us,
        replied_us: 0,
        seq: 0,
    };
    // Logged on arrival (status 0 until answered), so a request the client gave up on, whose
    // handler is then dropped mid-delay, is still counted.
    let seq = shared.lock().log_request(record);

    // The account's rate limit comes first: a refused request is neither faulted nor carried out.
    let verdict = endpoint.and_then(|e| {
        let mut inner = shared.lock();
        let app = match e {
            Endpoint::Token => json_object(&body)
                .and_then(|m| str_field(&m, "Id").map(str::to_owned))
                .filter(|id| inner.apps.contains_key(id)),
            _ => inner.token_app(token.as_deref()),
        };
        inner.limiter.admit(e, app.as_deref())
    });
    if let Some(v) = verdict.filter(|v| v.refused) {
        let mut response = envelope_response(Reply::err(429, default_error_text(429)));
        rate_headers(&mut response, &v);
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(v.reset_secs));
        shared.lock().replied(seq, 429);
        return response;
    }

    let fault = endpoint.and_then(|e| shared.lock().take_fault(e));
    if let Some(fault) = fault.as_ref().filter(|f| f.delay_ms > 0 || f.jitter_ms > 0) {
        let jitter = if fault.jitter_ms > 0 { fastrand::u64(0..=fault.jitter_ms) } else { 0 };
        tokio::time::sleep(Duration::from_millis(fault.delay_ms.saturating_add(jitter))).await;
    }
    let (bogus, content_type, code_as_text) = fault
        .as_ref()
        .map_or((false, None, false), |f| (f.bogus_active, f.content_type.clone(), f.code_as_text));
    let replaced = fault.filter(Fault::replaces_reply);
    let carried_out = || {
        let mut inner = shared.lock();
        // Re-check the token after the delay: it may have been expired meanwhile.
        let app = inner.token_app(token.as_deref());
        match (endpoint, &method) {
            (Some(Endpoint::Token), &Method::POST) => mint(&mut inner, &body),
            (Some(Endpoint::Device), &Method::PUT) => {
                authorised(app, |app| set_device(&mut inner, &app, &body))
            }
            (Some(Endpoint::Usermapping), &Method::GET) => {
                authorised(app, |app| user_mapping(&mut inner, &app, uri.query()))
            }
            (Some(_), _) => Reply::err(405, "Method not allowed"),
            (None, _) => Reply::err(404, "Not found"),
        }
    };
    let mut response = match replaced {
        Some(fault) => {
            if fault.applied {
                // Made, then the reply is lost or replaced.
                let _ = carried_out();
            }
            fault_response(&fault, || echoed_credentials(token.as_deref(), &body))
        }
        None => envelope(with_bogus_active(carried_out(), bogus), code_as_text),
    };
    if let Some(ct) = content_type.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
        response.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    if let Some(v) = &verdict {
        rate_headers(&mut response, v);
    }
    let status =
        if response.extensions().get::<DropConnection>().is_some() { 0 } else { response.status().as_u16() };
    // The log may have been cleared meanwhile: then there is nothing to fill in.
    shared.lock().replied(seq, status);
    response
}

/// `X-RateLimit-Limit`, `-Remaining` and `-Reset` (seconds until the window starts over).
fn rate_headers(response: &mut Response, v: &Verdict) {
    let h = response.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(v.limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(v.remaining));
    h.insert("x-ratelimit-reset", HeaderValue::from(v.reset_secs));
}

/// The reply with its user's `ActiveDeviceId` replaced by an id that matches neither device.
fn with_bogus_active(mut reply: Reply, bogus: bool) -> Reply {
    if let (true, Ok(Value::Object(user))) = (bogus, reply.data.as_mut()) {
        user.insert("ActiveDeviceId".into(), Value::String("no-such-device-7".into()));
    }
    reply
}

fn authorised(app: Option<String>, f: impl FnOnce(String) -> Reply) -> Reply {
    match app {
        Some(app) => f(app),
        None => Reply::err(401, "Unauthorized. Invalid or expired token"),
    }
}

fn mint(inner: &mut Inner, body: &[u8]) -> Reply {
    let Some(req) = json_object(body) else {
        return Reply::err(400, "Invalid parameters: the body must be a JSON object");
    };
    let (Some(id), Some(secret)) = (str_field(&req, "Id"), str_field(&req, "Secret")) else {
        return Reply::err(400, "Invalid parameters: Id and Secret are required");
    };
    match str_field(&req, "Entity") {
        Some("app") | Some("customer") => {}
        _ => return Reply::err(400, "Invalid parameters: Entity must be app or customer"),
    }
    if inner.apps.get(id).map(String::as_str) != Some(secret) {
        return Reply::err(401, "Unauthorized. Check the entity id and secret");
    }
    let token = format!("sbx-token-{}", uuid::Uuid::new_v4().simple());
    inner.tokens.insert(token.clone(), id.to_owned());
    Reply::ok(Value::String(token))
}

fn set_device(inner: &mut Inner, app_id: &str, body: &[u8]) -> Reply {
    let Some(req) = json_object(body) else {
        return Reply::err(400, "Invalid parameters: the body must be a JSON object");
    };
    let Some(user_id) = str_field(&req, "UserId").filter(|s| !s.trim().is_empty()) else {
        return Reply::err(400, "Invalid parameters: UserId is required");
    };
    let status = match req.get("DeviceStatus") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            return Reply::err(400, "Invalid parameters: DeviceStatus must be true or false");
        }
    };
    let device = match req.get("DeviceName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == "phone" => Some(DeviceName::Phone),
        Some(Value::String(s)) if s == "sip" => Some(DeviceName::Sip),
        Some(_) => return Reply::err(400, "Invalid parameters: DeviceName must be phone or sip"),
    };
    // Turning on (or a bare DeviceName, read as "switch to it") needs a device.
    let turn_on = status.unwrap_or(device.is_some());
    if turn_on && device.is_none() {
        return Reply::err(400, "Invalid parameters: DeviceName is required when turning a device on");
    }
    let armed = inner.lag.armed_reads.take();
    let Some(user) = inner.users.get_mut(user_id) else {
        inner.lag.armed_reads = armed;
        return Reply::err(404, "User does not exist");
    };
    let before = user.active_device_id.clone();
    match (turn_on, device) {
        (true, Some(d)) => user.active_device_id = user.device_id(d).to_owned(),
        // Off with a name turns off that device only if it is the one that is on.
        (false, Some(d)) => {
            if user.active_device_id == user.device_id(d) {
                user.active_device_id.clear();
            }
        }
        (false, None) => user.active_device_id.clear(),
        (true, None) => {}
    }
    let shown = match armed {
        Some(reads) => {
            inner.lag.running = Some((user_id.to_owned(), before.clone(), reads));
            before
        }
        None => user.active_device_id.clone(),
    };
    Reply::ok(user.to_json(app_id, &shown))
}

fn user_mapping(inner: &mut Inner, app_id: &str, query: Option<&str>) -> Reply {
    let user_id = query
        .into_iter()
        .flat_map(|q| form_urlencoded::parse(q.as_bytes()))
        .find(|(k, _)| k == "user_id")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.trim().is_empty());
    let Some(user_id) = user_id else {
        return Reply::err(400, "Invalid parameters: user_id is required");
    };
    let Some(user) = inner.users.get(&user_id) else {
        return Reply::err(404, "User does not exist");
    };
    let mut shown = user.active_device_id.clone();
    if let Some((lag_user, stale, reads)) = inner.lag.running.as_mut() {
        if *lag_user == user_id && *reads > 0 {
            shown = stale.clone();
            *reads -= 1;
        }
        if *reads == 0 {
            inner.lag.running = None;
        }
    }
    Reply::ok(user.to_json(app_id, &shown))
}

fn envelope_response(reply: Reply) -> Response {
    envelope(reply, false)
}

/// The contract's envelope around a reply; with `code_as_text`, its `Code` as a string.
fn envelope(reply: Reply, code_as_text: bool) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (ok, data, error) = match reply.data {
        Ok(data) => (true, data, String::new()),
        Err(e) => (false, Value::Null, e),
    };
    let body = json!({
        "RequestId": uuid::Uuid::new_v4().to_string(),
        "Status": if ok { "Success" } else { "Failed" },
        "Code": if code_as_text { json!(reply.status.to_string()) } else { json!(reply.status) },
        "Error": error,
        "Data": data,
    });
    (status, axum::Json(body)).into_response()
}

/// What an echoing fault repeats: the request's token and app secret.
fn echoed_credentials(token: Option<&str>, body: &[u8]) -> String {
    let secret = json_object(body).and_then(|m| str_field(&m, "Secret").map(str::to_owned));
    format!(
        "Request rejected (Authorization: {}; Secret: {})",
        token.unwrap_or("none"),
        secret.as_deref().unwrap_or("none")
    )
}

fn fault_response(fault: &Fault, echo: impl FnOnce() -> String) -> Response {
    if fault.drop_connection {
        let mut r = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        r.extensions_mut().insert(DropConnection);
        return r;
    }
    let code = fault.status.unwrap_or(200);
    let mut response = match &fault.body {
        None if fault.echo_credentials => envelope_response(Reply::err(code, echo())),
        None => envelope_response(Reply::err(code, default_error_text(code))),
        Some(body) => {
            let (text, ct) = fault_body(body, code);
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut r = (status, text).into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            r
        }
    };
    if let Some(secs) = fault.retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

fn fault_body(body: &FaultBody, code: u16) -> (Vec<u8>, &'static str) {
    match body {
        FaultBody::Html => (
            format!("<html>\r\n<head><title>{code} Bad Gateway</title></head>\r\n<body><center><h1>{code} Bad Gateway</h1></center><hr><center>nginx</center></body>\r\n</html>\r\n").into_bytes(),
            "text/html",
        ),
        FaultBody::Garbage => (b"\x00\x9f{{not json at all\xff".to_vec(), "application/json"),
        FaultBody::Empty => (Vec::new(), "application/json"),
        FaultBody::Huge { bytes } => {
            let mut v = b"{\"RequestId\":\"".to_vec();
            v.resize((*bytes).min(MAX_FAULT_BODY), b'x');
            (v, "application/json")
        }
        FaultBody::Raw { text } => (text.clone().into_bytes(), "application/json"),
    }
}

fn default_error_text(code: u16) -> &'static str {
    match code {
        400 => "Invalid parameters",
        401 => "Unauthorized. Check the entity id and secret",
        404 => "User does not exist",
        429 => "Too many requests",
        500..=599 => "Internal server error",
        _ => "Request failed",
    }
}

fn json_object(body: &[u8]) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice(body).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

fn str_field<'a>(obj: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Value::as_str)
}

/// The body as logged: JSON with any `Secret` value redacted, else the text itself.
fn redacted_body(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut m)) => {
            if m.contains_key("Secret") {
                m.insert("Secret".into(), Value::String("[redacted]".into()));
            }
            Value::Object(m).to_string()
        }
        _ => String::from_utf8_lossy(body).chars().take(2000).collect(),
    }
}
