//! The sandbox's controls over HTTP, for the binary and for tests that drive a separate process.
//!
//! | method and path | body | does |
//! |---|---|---|
//! | `GET /_sandbox/requests` | | the request log, JSON |
//! | `DELETE /_sandbox/requests` | | clears the log |
//! | `PUT /_sandbox/faults/{token,device,usermapping}` | a [`Fault`] | sets a fault |
//! | `DELETE /_sandbox/faults` | | clears all faults and any lag |
//! | `POST /_sandbox/lag` | `{"reads": N}` | the next change lags for N reads |
//! | `POST /_sandbox/tokens/expire` | | every token stops working |
//! | `GET /_sandbox/users/{id}` | | the user as held, with `"active"`: `phone`/`sip`/`null` |
//! | `GET /_sandbox/limits` | | the rate limit and each minute's counts, JSON |
//! | `PUT /_sandbox/limits` | a [`RateLimits`] (`{"reads_per_min": 300, "writes_per_min": 200}`) | sets the rate limit |
//! | `PUT /_sandbox/users/{id}/active` | `{"device": "phone"\|"sip"\|null}` or `{"active_device_id": "..."}` | changes the device behind the app's back |

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Shared;
use crate::limit::RateLimits;
use crate::state::{DeviceName, Endpoint, Fault};

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_sandbox/requests", get(requests).delete(clear_requests))
        .route("/_sandbox/faults/{endpoint}", put(set_fault))
        .route("/_sandbox/faults", axum::routing::delete(clear_faults))
        .route("/_sandbox/lag", post(lag))
        .route("/_sandbox/tokens/expire", post(expire))
        .route("/_sandbox/limits", get(limits).put(set_limits))
        .route("/_sandbox/users/{id}", get(user))
        .route("/_sandbox/users/{id}/active", put(set_active))
}

async fn requests(State(s): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(s.lock().log))
}

async fn clear_requests(State(s): State<Arc<Shared>>) -> StatusCode {
    s.lock().log.clear();
    StatusCode::NO_CONTENT
}

async fn set_fault(
    State(s): State<Arc<Shared>>,
    Path(endpoint): Path<Endpoint>,
    Json(fault): Json<Fault>,
) -> StatusCode {
    s.lock().faults.insert(endpoint, fault);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(s): State<Arc<Shared>>) -> StatusCode {
    let mut inner = s.lock();
    inner.faults.clear();
    inner.lag = Default::default();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct LagBody {
    reads: u32,
}

async fn lag(State(s): State<Arc<Shared>>, Json(body): Json<LagBody>) -> StatusCode {
    s.lock().lag.armed_reads = Some(body.reads);
    StatusCode::NO_CONTENT
}

async fn limits(State(s): State<Arc<Shared>>) -> Json<Value> {
    let inner = s.lock();
    Json(json!({ "limits": inner.limiter.limits, "minutes": inner.limiter.minutes() }))
}

async fn set_limits(State(s): State<Arc<Shared>>, Json(limits): Json<RateLimits>) -> StatusCode {
    s.lock().limiter.limits = limits;
    StatusCode::NO_CONTENT
}

async fn expire(State(s): State<Arc<Shared>>) -> StatusCode {
    s.lock().tokens.clear();
    StatusCode::NO_CONTENT
}

async fn user(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Result<Json<Value>, StatusCode> {
    let inner = s.lock();
    let user = inner.users.get(&id).ok_or(StatusCode::NOT_FOUND)?;
    let active = match user.active() {
        Ok(d) => json!(d),
        Err(raw) => json!({ "unknown": raw }),
    };
    Ok(Json(json!({ "user": user, "active": active })))
}

#[derive(Deserialize)]
struct ActiveBody {
    #[serde(default)]
    device: Option<DeviceName>,
    #[serde(default)]
    active_device_id: Option<String>,
}

async fn set_active(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    Json(body): Json<ActiveBody>,
) -> StatusCode {
    let mut inner = s.lock();
    let Some(user) = inner.users.get_mut(&id) else {
        return StatusCode::NOT_FOUND;
    };
    user.active_device_id = match (body.active_device_id, body.device) {
        (Some(raw), _) => raw,
        (None, Some(d)) => user.device_id(d).to_owned(),
        (None, None) => String::new(),
    };
    StatusCode::NO_CONTENT
}
