//! The token lifecycle and the retry rule, around a [`Client`].
//!
//! - A token is minted once and reused. It is re-minted when it is [`TOKEN_MAX_AGE`] old (Exotel
//!   tokens live 90 days and cannot be refreshed; public integrations renew every 30) or after a
//!   401, and then the request that met the 401 is sent once more. Never a loop.
//! - Only transient failures (transport, timeout, 5xx) are retried, at most
//!   [`RetryPolicy::attempts`] sends in all, with exponential backoff.
//! - A 429 is not retried here: it is reported at once, and until its `Retry-After` has passed
//!   no request of the same budget (reads, or writes) is sent; each is refused at once with
//!   [`ApiError::RateLimited`] and the time left. Whoever asked decides whether to wait: the
//!   controller waits for a change the agent asked for (within a bound), the sync loop skips.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Mutex;

use crate::client::Client;
use crate::error::{ApiError, Result};
use crate::model::{DeviceChange, User};
use crate::rate::Budget;
use crate::secret::Secret;

/// Re-mint a token once it is this old.
pub const TOKEN_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The app's id and secret, from which tokens are minted.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    pub app_id: String,
    pub secret: Secret,
}

/// A token and when it was minted (so its age survives a restart when it is kept in a keyring).
#[derive(Debug, Clone)]
pub struct Token {
    pub value: Secret,
    pub minted_at: SystemTime,
}

impl Token {
    /// Old enough to renew; a mint time in the future (the clock moved back) also counts.
    pub fn is_stale(&self, now: SystemTime) -> bool {
        match now.duration_since(self.minted_at) {
            Ok(age) => age >= TOKEN_MAX_AGE,
            Err(_) => true,
        }
    }
}

/// Told about every token the session mints or drops, to keep it in a keyring; and asked,
/// before every request, whether the session's account is still the signed-in one.
pub trait TokenSink: Send + Sync {
    fn token_minted(&self, token: &Token);
    /// The cached token was rejected (401) and is being replaced.
    fn token_rejected(&self) {}
    /// `false` once the account was signed out or replaced elsewhere: then nothing more is
    /// sent, neither the token nor the secret ([`ApiError::AccountChanged`]).
    fn still_signed_in(&self) -> bool {
        true
    }
}

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Sends in all, the first included (1 = no retry).
    pub attempts: u32,
    /// The wait before the first retry; doubled each time, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Only without `honour_limits`: a 429 asking to wait at most this long is waited out and
    /// retried here.
    pub max_retry_after: Duration,
    /// Send nothing before a 429's `Retry-After` has passed, and never retry a 429 here (the
    /// default). Off only to measure the old behaviour (`agent-bench fleet`).
    pub honour_limits: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(5),
            honour_limits: true,
        }
    }
}

impl RetryPolicy {
    /// How long to wait before send number `attempt + 1`, or `None` to give up with `err`.
    fn delay_after(&self, attempt: u32, err: &ApiError) -> Option<Duration> {
        if attempt >= self.attempts || !err.is_transient() {
            return None;
        }
        let backoff = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_delay);
        match err {
            ApiError::RateLimited { .. } if self.honour_limits => None,
            ApiError::RateLimited { retry_after: Some(wait) } if *wait > self.max_retry_after => None,
            ApiError::RateLimited { retry_after: Some(wait) } => Some((*wait).max(backoff)),
            _ => Some(backoff),
        }
    }
}

/// One agent's authorised conversation with Exotel: app credentials, user id, cached token.
pub struct Session {
    client: Client,
    credentials: AppCredentials,
    user_id: String,
    token: Mutex<Option<Token>>,
    sink: Option<Arc<dyn TokenSink>>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("host", self.client.host())
            .field("app_id", &self.credentials.app_id)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy)]
enum Call {
    User,
    Device(DeviceChange),
}

impl Call {
    fn budget(self) -> Budget {
        match self {
            Call::User => Budget::Reads,
            Call::Device(_) => Budget::Writes,
        }
    }
}

impl Session {
    pub fn new(client: Client, credentials: AppCredentials, user_id: impl Into<String>) -> Self {
        Self {
            client,
            credentials,
            user_id: user_id.into(),
            token: Mutex::new(None),
            sink: None,
            retry: RetryPolicy::default(),
        }
    }

    /// Start from a token kept from an earlier run.
    pub fn with_token(self, token: Option<Token>) -> Self {
        Self { token: Mutex::new(token), ..self }
    }

    pub fn with_sink(self, sink: Arc<dyn TokenSink>) -> Self {
        Self { sink: Some(sink), ..self }
    }

    pub fn with_retry(self, retry: RetryPolicy) -> Self {
        Self { retry, ..self }
    }

    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Reads the agent from Exotel (`usermapping`).
    pub async fn user(&self) -> Result<User> {
        self.authorised(Call::User).await
    }

    /// Switches the agent's device; the reply's user.
    pub async fn set_device(&self, change: DeviceChange) -> Result<User> {
        self.authorised(Call::Device(change)).await
    }

    /// A valid token: the cached one if fresh, else a newly minted one.
    pub async fn token(&self) -> Result<Token> {
        let mut cached = self.token.lock().await;
        if let Some(t) = cached.as_ref().filter(|t| !t.is_stale(SystemTime::now())) {
            return Ok(t.clone());
        }
        let fresh = self.mint().await?;
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    async fn authorised(&self, call: Call) -> Result<User> {
        let token = self.token().await?;
        match self.with_retries(|| self.send(call, &token.value)).await {
            Err(ApiError::Unauthorized { .. }) => {
                tracing::info!("token rejected by Exotel; minting a new one and retrying once");
                let fresh = self.replace_rejected(&token).await?;
                self.with_retries(|| self.send(call, &fresh.value)).await
            }
            other => other,
        }
    }

    /// Refuses to send for an account that is no longer the signed-in one.
    fn check_account(&self) -> Result<()> {
        match &self.sink {
            Some(sink) if !sink.still_signed_in() => {
                tracing::warn!("the account changed elsewhere; not sending");
                Err(ApiError::AccountChanged)
            }
            _ => Ok(()),
        }
    }

    /// How long Exotel asked to wait before the next request of `budget` (`None`: it may be
    /// sent now, or limits are not honoured).
    pub fn rate_wait(&self, budget: Budget) -> Option<Duration> {
        if !self.retry.honour_limits {
            return None;
        }
        self.client.rate().wait(budget)
    }

    /// When the budget is running low ([`crate::RateGate::running_low`]): the time until its
    /// window starts over (`None` when there is room, nothing is known, or limits are not
    /// honoured).
    pub fn rate_low(&self, budget: Budget) -> Option<Duration> {
        if !self.retry.honour_limits {
            return None;
        }
        self.client.rate().running_low(budget)
    }

    /// Refuses, without sending, a request of `budget` before a 429's `Retry-After` has passed.
    fn check_rate(&self, budget: Budget) -> Result<()> {
        match self.rate_wait(budget) {
            Some(wait) => {
                tracing::debug!(
                    ?budget,
                    wait_ms = wait.as_millis() as u64,
                    "Exotel asked to wait; not sending"
                );
                Err(ApiError::RateLimited { retry_after: Some(wait) })
            }
            None => Ok(()),
        }
    }

    async fn send(&self, call: Call, token: &Secret) -> Result<User> {
        self.check_account()?;
        self.check_rate(call.budget())?;
        match call {
            Call::User => self.client.user(token, &self.user_id).await,
            Call::Device(change) => self.client.set_device(token, &self.user_id, change).await,
        }
    }

    /// Drops `rejected` (unless another request already replaced it) and mints a new token.
    async fn replace_rejected(&self, rejected: &Token) -> Result<Token> {
        let mut cached = self.token.lock().await;
        if let Some(current) = cached.as_ref().filter(|c| c.value != rejected.value) {
            return Ok(current.clone());
        }
        *cached = None;
        if let Some(sink) = &self.sink {
            sink.token_rejected();
        }
        let fresh = self.mint().await?;
        *cached = Some(fresh.clone());
        Ok(fresh)
    }

    async fn mint(&self) -> Result<Token> {
        let creds = &self.credentials;
        let value = self
            .with_retries(|| async {
                self.check_account()?;
                self.check_rate(Budget::Writes)?;
                self.client.mint_token(&creds.app_id, &creds.secret).await
            })
            .await?;
        let token = Token { value, minted_at: SystemTime::now() };
        tracing::info!("minted a new Exotel token");
        if let Some(sink) = &self.sink {
            sink.token_minted(&token);
        }
        Ok(token)
    }

    async fn with_retries<T, F, Fut>(&self, mut op: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut attempt = 1;
        loop {
            match op().await {
                Ok(v) => return Ok(v),
                Err(err) => match self.retry.delay_after(attempt, &err) {
                    Some(wait) => {
                        tracing::warn!(kind = ?err.kind(), attempt, wait_ms = wait.as_millis() as u64, "transient failure; retrying");
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                    }
                    None => return Err(err),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_go_stale_at_thirty_days_or_from_the_future() {
        let now = SystemTime::now();
        let t = |age: Duration| Token { value: Secret::new("t"), minted_at: now - age };
        assert!(!t(Duration::from_secs(29 * 86_400)).is_stale(now));
        assert!(t(Duration::from_secs(30 * 86_400)).is_stale(now));
        let future = Token { value: Secret::new("t"), minted_at: now + Duration::from_secs(3600) };
        assert!(future.is_stale(now));
    }

    #[test]
    fn retry_policy_retries_only_transient_failures_and_bounds_them() {
        let p = RetryPolicy { honour_limits: false, ..RetryPolicy::default() };
        assert_eq!(p.delay_after(1, &ApiError::Timeout), Some(Duration::from_millis(250)));
        assert_eq!(p.delay_after(2, &ApiError::Timeout), Some(Duration::from_millis(500)));
        assert_eq!(p.delay_after(3, &ApiError::Timeout), None);
        assert_eq!(p.delay_after(1, &ApiError::InvalidRequest { message: String::new() }), None);
        assert_eq!(p.delay_after(1, &ApiError::Unauthorized { message: String::new() }), None);
        let soon = ApiError::RateLimited { retry_after: Some(Duration::from_secs(2)) };
        assert_eq!(p.delay_after(1, &soon), Some(Duration::from_secs(2)));
        let late = ApiError::RateLimited { retry_after: Some(Duration::from_secs(60)) };
        assert_eq!(p.delay_after(1, &late), None);
        // Honouring limits (the default), a 429 is never retried here, however short its wait.
        assert_eq!(RetryPolicy::default().delay_after(1, &soon), None);
        assert_eq!(
            RetryPolicy::default().delay_after(1, &ApiError::Timeout),
            Some(Duration::from_millis(250))
        );
    }
}
