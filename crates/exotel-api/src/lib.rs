//! A typed client of Exotel's integrations API, as far as `shared/exotel/CONTRACT.md` knows it:
//! mint an app token, switch the agent's device, read the agent back.
//!
//! - [`Host`]: the host rules (https, or http on loopback only).
//! - [`Client`]: one request per call, every reply typed or an [`ApiError`].
//! - [`Session`]: the token lifecycle (mint once, re-mint at 30 days or after a 401) and bounded
//!   retries of transient failures; no request before a 429's `Retry-After` has passed.
//! - [`RateGate`]: what the replies said about Exotel's rate limit, per budget.
//! - [`Secret`]: credentials that never print.

mod client;
mod error;
mod host;
mod model;
mod rate;
mod secret;
mod session;
mod text;

pub use client::{Client, HttpConfig, MAX_REPLY_BYTES, parse_token_reply, parse_user_reply, shared_http};
pub use error::{ApiError, ApiErrorKind, NetCause, Result, error_chain};
pub use host::{DEFAULT_HOST, Host, HostError, KNOWN_HOSTS};
pub use model::{Availability, Device, DeviceChange, User};
pub use rate::{Budget, DEFAULT_RETRY_AFTER, LOW_SHARE, MAX_RETRY_AFTER, RateGate, RateInfo};
pub use secret::Secret;
pub use session::{AppCredentials, RetryPolicy, Session, TOKEN_MAX_AGE, Token, TokenSink};
pub use text::{HIDDEN, JsonKind, Shape, describe_reply, printable};
