//! The status controller: the single owner of the agent's status.
//!
//! Requests (a change to a [`Target`], a read) go through one queue to one task, so two never
//! interleave. After each step the task publishes a [`Status`] on a `watch` channel that any
//! number of subscribers (tray, window, notifier, command line) read.
//!
//! The rule it keeps: **only what Exotel confirmed is shown.**
//! - After a PUT, the reply's `Data` decides. If it does not show the target (Exotel's replies
//!   can lag, as the seed's own example does), the controller reads the user back a few times
//!   with a short backoff; if no read confirms, the status becomes `Unknown` with an error.
//! - A failed PUT whose outcome is uncertain (network, timeout, 5xx, unreadable reply) is
//!   followed by one read, and the status is whatever that read says; if the read fails too,
//!   the last confirmed status stays, with the error beside it.
//! - Going offline turns off whichever device Exotel says is on, even if the app last saw the
//!   other one.
//!
//! How it shares the account's rate limit with every other agent's app:
//! - Reads (syncs and refreshes) wait in a queue of their own, behind everything else: a change
//!   the agent asked for is never queued behind a waiting read, and a sync's read in flight is
//!   dropped when a change arrives (a read changes nothing at Exotel, so dropping it is safe;
//!   a refresh is never dropped: its caller acts on what it reads).
//! - A change refused with 429 (or held back by an earlier 429's `Retry-After`) is sent again
//!   once the wait is over, while the status says so ([`Status::limited`]), as long as it ends
//!   within [`ControllerConfig::limit_wait`] of the click; past that it fails with the error.
//! - A sync ([`Controller::sync`]) is skipped while Exotel confirmed the status less than an
//!   interval ago, and while a read's `Retry-After` has not passed.

use std::sync::Arc;

use futures_util::FutureExt;
use std::time::Duration;

use exotel_api::{ApiError, Availability, Budget, DeviceChange, Session, User};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use crate::error::{CoreError, Result};
use crate::history::ChangeSink;
use crate::status::ErrorInfo;
use crate::status::{Change, Outcome, RateWait, Source, Status, Target, UnixMillis, UserSummary, now_ms};
use crate::sync::{SyncRules, Synced};

/// How hard the controller tries to confirm a change that the PUT's reply did not show.
#[derive(Debug, Clone)]
pub struct ControllerConfig {
    /// Reads after a reply that did not confirm the target.
    pub confirm_reads: u32,
    /// Wait before the first of them; doubled for each next one.
    pub confirm_backoff: Duration,
    /// Requests that may wait in the queue.
    pub queue: usize,
    /// Where every recorded change is also kept (the history file).
    pub history: Option<Arc<dyn ChangeSink>>,
    /// How long after the click a change refused by Exotel's rate limit may still be sent
    /// again (after its `Retry-After`); zero: never waited for.
    pub limit_wait: Duration,
    /// The waits between attempts of an away-offline that failed ([`crate::away::OfflineDuty`]).
    pub offline_retry: crate::backoff::Backoff,
}

/// The default [`ControllerConfig::limit_wait`].
pub const LIMIT_WAIT: Duration = Duration::from_secs(30);

impl Default for ControllerConfig {
    fn default() -> Self {
        Self {
            confirm_reads: 3,
            confirm_backoff: Duration::from_millis(150),
            queue: 64,
            history: None,
            limit_wait: LIMIT_WAIT,
            offline_retry: crate::backoff::Backoff::AWAY_OFFLINE,
        }
    }
}

enum Request {
    Change {
        target: Target,
        source: Source,
        /// 1 for a new change; more for an away-offline tried again ([`Controller::retry`]).
        attempt: u32,
        reply: oneshot::Sender<Result<Status>>,
    },
    /// Publishes what only the app knows (a break, what waits for the agent's return).
    Note { edit: Box<dyn FnOnce(&mut Status) + Send>, reply: oneshot::Sender<Status> },
    SetSession {
        session: Option<Arc<Session>>,
        note: Option<ErrorInfo>,
        sandbox: bool,
        reply: oneshot::Sender<Status>,
    },
}

/// A read, served after every other request and dropped when one arrives.
struct Read {
    kind: ReadKind,
    reply: oneshot::Sender<Result<Synced>>,
}

#[derive(Debug, Clone, Copy)]
enum ReadKind {
    /// Read now (a refresh asked for by a person or at start).
    Refresh(Source),
    /// The sync loop's read, skipped by its rules.
    Sync { interval: Duration, rules: SyncRules },
}

/// A handle to the controller task. Cheap to clone; the task ends when every handle is gone.
#[derive(Debug, Clone)]
pub struct Controller {
    requests: mpsc::Sender<Request>,
    reads: mpsc::Sender<Read>,
    status: watch::Receiver<Status>,
}

impl Controller {
    /// Starts the controller task on the current tokio runtime.
    pub fn spawn(session: Option<Arc<Session>>, config: ControllerConfig) -> Self {
        let initial = Status { signed_in: session.is_some(), ..Status::default() };
        let (publish, status) = watch::channel(initial);
        let (requests, queue) = mpsc::channel(config.queue.max(1));
        let (reads, read_queue) = mpsc::channel(config.queue.max(1));
        let actor = Actor { session, config, publish, sandbox: false, heard: std::sync::Mutex::new(None) };
        tokio::spawn(actor.run(queue, read_queue));
        Self { requests, reads, status }
    }

    /// Every published status, from the current one on.
    pub fn subscribe(&self) -> watch::Receiver<Status> {
        self.status.clone()
    }

    /// The status published last.
    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// Asks Exotel for `target` and waits until the change is confirmed or has failed. The
    /// returned status is the one published at the end.
    pub async fn change(&self, target: Target, source: Source) -> Result<Status> {
        self.ask(|reply| Request::Change { target, source, attempt: 1, reply }).await?
    }

    /// Attempt number `attempt` of a change whose first attempt failed (an away-offline owed
    /// through an outage, a quit waiting for Exotel; 1 is the first, as [`Self::change`]):
    /// a later attempt's failure is published but not recorded again
    /// (the recent changes and the history keep the first, not one line per retry); the
    /// confirmed change, when it comes, is recorded with its count of attempts.
    pub async fn retry(&self, target: Target, source: Source, attempt: u32) -> Result<Status> {
        self.ask(|reply| Request::Change { target, source, attempt, reply }).await?
    }

    /// Reads the state from Exotel; a difference from the last known state is published as a
    /// change from `source` (normally [`Source::Sync`]). Served after every request already
    /// waiting; always read (never skipped or dropped, unlike [`Controller::sync`]).
    pub async fn refresh(&self, source: Source) -> Result<Status> {
        match self.read(ReadKind::Refresh(source)).await? {
            Synced::Read { status, .. } => Ok(*status),
            _ => Err(CoreError::Internal),
        }
    }

    /// The sync loop's read: skipped ([`Synced::Fresh`]) while Exotel confirmed the status less
    /// than `interval` ago (with [`SyncRules::skip_fresh`]), and ([`Synced::Limited`]) while an
    /// earlier read's `Retry-After` has not passed; dropped ([`Synced::Superseded`]) when a
    /// change arrives while it is in flight. Otherwise as [`Controller::refresh`].
    pub async fn sync(&self, interval: Duration, rules: SyncRules) -> Result<Synced> {
        self.read(ReadKind::Sync { interval, rules }).await
    }

    async fn read(&self, kind: ReadKind) -> Result<Synced> {
        let (reply, rx) = oneshot::channel();
        self.reads.send(Read { kind, reply }).await.map_err(|_| CoreError::Stopped)?;
        rx.await.map_err(|_| CoreError::Internal)?
    }

    /// Signs the controller in (with a session) or out (`None`): the status starts over, with
    /// `note` as its last error (for example, why the saved session could not be opened).
    pub async fn set_session(
        &self,
        session: Option<Arc<Session>>,
        note: Option<ErrorInfo>,
    ) -> Result<Status> {
        self.ask(|reply| Request::SetSession { session, note, sandbox: false, reply }).await
    }

    /// Signs the controller in to a sandbox: its changes are published (with
    /// [`Status::sandbox`] set) but never kept in the history, which is the agent's real
    /// account's.
    pub async fn set_sandbox_session(&self, session: Arc<Session>) -> Result<Status> {
        self.ask(|reply| Request::SetSession { session: Some(session), note: None, sandbox: true, reply })
            .await
    }

    /// Publishes the end of a timed break in progress (or `None` when there is none).
    pub async fn set_break(&self, until: Option<UnixMillis>) -> Result<Status> {
        self.ask(|reply| Request::Note { edit: Box::new(move |s| s.break_until = until), reply }).await
    }

    /// Publishes the away-offline being tried again (or `None` when nothing is owed).
    pub async fn set_going_offline(&self, going: Option<crate::status::GoingOffline>) -> Result<Status> {
        self.ask(|reply| Request::Note { edit: Box::new(move |s| s.going_offline = going), reply }).await
    }

    /// Publishes the device waiting for the agent's return (or `None`).
    pub async fn set_parked(&self, parked: Option<exotel_api::Device>) -> Result<Status> {
        self.ask(|reply| Request::Note { edit: Box::new(move |s| s.parked = parked), reply }).await
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Request) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        self.requests.send(make(tx)).await.map_err(|_| CoreError::Stopped)?;
        // No answer from a running controller: handling the request panicked (and was logged).
        rx.await.map_err(|_| CoreError::Internal)
    }
}

struct Actor {
    session: Option<Arc<Session>>,
    config: ControllerConfig,
    publish: watch::Sender<Status>,
    /// The session is a sandbox's: nothing is kept in the history.
    sandbox: bool,
    /// When Exotel last answered about the agent's status.
    heard: std::sync::Mutex<Option<Instant>>,
}

enum Next {
    Request(Request),
    Read(Read),
}

impl Actor {
    async fn run(mut self, mut queue: mpsc::Receiver<Request>, mut reads: mpsc::Receiver<Read>) {
        loop {
            let next = tokio::select! {
                biased;
                r = queue.recv() => r.map(Next::Request),
                r = reads.recv() => r.map(Next::Read),
            };
            let request = match next {
                None => return,
                Some(Next::Request(request)) => request,
                Some(Next::Read(read)) => {
                    // Only a sync gives way, and only to a change arriving meanwhile: a refresh
                    // was asked for (a break's end, a return, a person) and its caller acts on
                    // what Exotel says; any other request waits for the read (bounded by the
                    // request timeout) rather than lose what it learns.
                    let yields = matches!(read.kind, ReadKind::Sync { .. });
                    let (result, arrived) = {
                        let reading = std::panic::AssertUnwindSafe(self.read(read.kind)).catch_unwind();
                        tokio::pin!(reading);
                        if yields {
                            tokio::select! {
                                biased;
                                r = queue.recv() => match r {
                                    Some(change @ Request::Change { .. }) => (None, Some(change)),
                                    other => (Some((&mut reading).await), other),
                                },
                                done = &mut reading => (Some(done), None),
                            }
                        } else {
                            (Some(reading.await), None)
                        }
                    };
                    match result {
                        Some(Ok(result)) => {
                            let _ = read.reply.send(result);
                        }
                        Some(Err(_)) => self.panicked(),
                        None => {
                            tracing::debug!("a change arrived during a sync's read; the read is dropped");
                            let _ = read.reply.send(Ok(Synced::Superseded));
                        }
                    }
                    match arrived {
                        Some(request) => request,
                        None => continue,
                    }
                }
            };
            // A panic while handling one request (a bug) is caught: the request's caller gets
            // `CoreError::Internal`, nothing is left in flight, and the next request is served.
            let handled = std::panic::AssertUnwindSafe(self.handle(request)).catch_unwind().await;
            if handled.is_err() {
                self.panicked();
            }
        }
    }

    fn panicked(&self) {
        tracing::error!("the controller's request panicked; carrying on");
        let info = CoreError::Internal.info();
        self.publish(|s| {
            s.pending = None;
            s.limited = None;
            s.last_error = Some(info);
        });
    }

    fn heard_now(&self) {
        *self.heard.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
    }

    fn last_heard(&self) -> Option<Instant> {
        *self.heard.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn read(&self, kind: ReadKind) -> Result<Synced> {
        let source = match kind {
            ReadKind::Refresh(source) => source,
            ReadKind::Sync { interval, rules } => {
                let session = self.session.clone().ok_or(CoreError::NotSignedIn)?;
                let since = self.last_heard().map(|t| t.elapsed());
                if let Some(since) = since.filter(|s| rules.skip_fresh && *s < interval) {
                    return Ok(Synced::Fresh(interval.saturating_sub(since)));
                }
                if let Some(wait) = session.rate_wait(Budget::Reads) {
                    return Ok(Synced::Limited(wait));
                }
                Source::Sync
            }
        };
        let status = self.refresh(source).await?;
        let low_for = self.session.as_ref().and_then(|s| s.rate_low(Budget::Reads));
        Ok(Synced::Read { status: Box::new(status), low_for })
    }

    async fn handle(&mut self, request: Request) {
        match request {
            Request::Change { target, source, attempt, reply } => {
                let _ = reply.send(self.change(target, source, attempt).await);
            }
            Request::Note { edit, reply } => {
                self.publish(edit);
                let _ = reply.send(self.current());
            }
            Request::SetSession { session, note, sandbox, reply } => {
                self.session = session;
                *self.heard.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
                let signed_in = self.session.is_some();
                self.sandbox = sandbox && signed_in;
                let sandbox = self.sandbox;
                self.publish(|s| {
                    *s = Status {
                        signed_in,
                        sandbox,
                        last_error: note,
                        revision: s.revision,
                        ..Status::default()
                    }
                });
                let _ = reply.send(self.current());
            }
        }
    }

    fn current(&self) -> Status {
        self.publish.borrow().clone()
    }

    fn publish(&self, edit: impl FnOnce(&mut Status)) {
        self.publish.send_modify(|s| {
            edit(s);
            s.revision += 1;
        });
    }

    async fn change(&mut self, target: Target, source: Source, attempt: u32) -> Result<Status> {
        let session = self.session.clone().ok_or(CoreError::NotSignedIn)?;
        let mut from = self.current().availability;
        self.publish(|s| s.pending = Some(target));
        tracing::info!(target = target.availability().as_str(), source = ?source, "changing status");

        // A retry's 429 is not waited out here: the owed offline's own wait honours it, with a
        // spread ([`crate::backoff::Backoff::delay`]), so a floor of agents refused together
        // does not send again together.
        let limit_wait = if attempt > 1 { Duration::ZERO } else { self.config.limit_wait };
        let result = self.apply_within_limit(&session, target, &mut from, limit_wait).await;
        let outcome = match result {
            Ok(Some(user)) => Ok(user),
            Ok(None) => Err((CoreError::Unconfirmed { target }, None)),
            Err(e) => {
                let known = if may_have_applied(&e) { session.user().await.ok() } else { None };
                Err((CoreError::Api(e), known))
            }
        };
        match outcome {
            Ok(user) => {
                self.confirm(&session, &user, source, Some(target), from, attempt);
                Ok(self.current())
            }
            Err((error, known)) => {
                self.fail(&session, &error, known, Attempted { source, target, from, attempt });
                Err(error)
            }
        }
    }

    /// [`Self::apply`], sent again after each 429's `Retry-After` while that ends within
    /// `limit_wait` of the start; the status says what it waits for.
    async fn apply_within_limit(
        &self,
        session: &Session,
        target: Target,
        from: &mut Availability,
        limit_wait: Duration,
    ) -> Result<Option<User>, ApiError> {
        let started = Instant::now();
        loop {
            let result = self.apply(session, target, from).await;
            let Err(ApiError::RateLimited { retry_after }) = &result else {
                return result;
            };
            let wait = retry_after.unwrap_or(exotel_api::DEFAULT_RETRY_AFTER);
            if started.elapsed().saturating_add(wait) > limit_wait {
                return result;
            }
            let seconds = wait.as_secs_f64().ceil() as u64;
            tracing::info!(
                seconds,
                target = target.availability().as_str(),
                "Exotel is limiting requests; waiting to send the change again"
            );
            let until = now_ms().saturating_add(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX));
            self.publish(|s| s.limited = Some(RateWait { seconds, until }));
            tokio::time::sleep(wait).await;
            self.publish(|s| s.limited = None);
        }
    }

    /// Sends the change: the user Exotel confirmed it with, `None` if no reply confirmed it,
    /// `Err` when a request failed outright.
    async fn apply(
        &self,
        session: &Session,
        target: Target,
        from: &mut Availability,
    ) -> Result<Option<User>, ApiError> {
        let reply = match target {
            Target::Receiving(device) => session.set_device(DeviceChange::On(device)).await?,
            Target::Offline => {
                let device = match *from {
                    Availability::Receiving(d) => Some(d),
                    // Not known which device is on: ask Exotel first.
                    _ => {
                        let user = session.user().await?;
                        // What the read found is where the change starts from (the status
                        // shown was unknown, or stale): so a device turned off is a change.
                        *from = user.availability();
                        match user.availability() {
                            Availability::Offline => return Ok(Some(user)),
                            Availability::Receiving(d) => Some(d),
                            Availability::Unknown => None,
                        }
                    }
                };
                let reply = session.set_device(DeviceChange::Off(device)).await?;
                match (device, reply.availability()) {
                    // Exotel says the other device is on (changed behind the app's back):
                    // turn that one off too. Bounded: one more request.
                    (Some(asked), Availability::Receiving(other)) if other != asked => {
                        tracing::info!(device = other.api_name(), "the other device was on; turning it off");
                        session.set_device(DeviceChange::Off(Some(other))).await?
                    }
                    _ => reply,
                }
            }
        };
        if reply.availability() == target.availability() {
            return Ok(Some(reply));
        }
        Ok(self.read_back(session, target).await)
    }

    /// Reads the user until Exotel shows `target`, a bounded number of times.
    async fn read_back(&self, session: &Session, target: Target) -> Option<User> {
        let mut wait = self.config.confirm_backoff;
        for attempt in 1..=self.config.confirm_reads {
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
            match session.user().await {
                Ok(user) if user.availability() == target.availability() => return Some(user),
                Ok(user) => {
                    tracing::info!(attempt, shows = %user.availability(), "Exotel has not confirmed the change yet")
                }
                Err(e) => tracing::warn!(attempt, kind = ?e.kind(), "read-back failed"),
            }
        }
        None
    }

    async fn refresh(&self, source: Source) -> Result<Status> {
        let session = self.session.clone().ok_or(CoreError::NotSignedIn)?;
        match session.user().await {
            Ok(user) => {
                let from = self.current().availability;
                self.confirm(&session, &user, source, None, from, 1);
                Ok(self.current())
            }
            Err(e) => {
                let error = CoreError::Api(e);
                let info = error.info();
                self.publish(|s| s.last_error = Some(info));
                Err(error)
            }
        }
    }

    /// Publishes what Exotel confirmed. A change of availability is recorded as a change.
    /// Hands a recorded change to the history, outside the publish lock. A read that only
    /// learns the state (from unknown, at start or sign-in) changed nothing at Exotel and is not
    /// kept.
    fn keep(&self, change: Option<&Change>) {
        let learned_only = |c: &Change| c.target.is_none() && c.from == Availability::Unknown;
        if self.sandbox {
            return;
        }
        if let (Some(sink), Some(change)) = (&self.config.history, change.filter(|c| !learned_only(c))) {
            sink.record(change);
        }
    }

    fn confirm(
        &self,
        session: &Session,
        user: &User,
        source: Source,
        target: Option<Target>,
        from: Availability,
        attempt: u32,
    ) {
        let to = user.availability();
        let summary = UserSummary::from_user(session.user_id(), user);
        let at = now_ms();
        self.heard_now();
        let made_here = (from != to).then_some(Change {
            at,
            from,
            to,
            source,
            outcome: Outcome::Confirmed,
            target,
            error_kind: None,
            attempts: (attempt > 1).then_some(attempt),
        });
        // A difference found by a read that `exotel-agent` already recorded (since the last
        // confirmation here) is that change, shown as it was made and not recorded twice.
        let recorded_elsewhere = made_here
            .as_ref()
            .filter(|c| c.target.is_none() && c.source == Source::Sync)
            .and_then(|_| self.config.history.as_ref()?.latest_confirmed())
            .filter(|c| {
                c.outcome == Outcome::Confirmed
                    && c.to == to
                    && c.source != Source::Sync
                    && self.current().confirmed_at.is_none_or(|confirmed| c.at > confirmed)
            });
        let change = recorded_elsewhere.clone().or(made_here);
        self.publish(|s| {
            s.availability = to;
            s.user = Some(summary);
            s.pending = None;
            s.limited = None;
            s.last_error = None;
            s.confirmed_at = Some(at);
            if let Some(c) = &change {
                s.record(c.clone());
            }
        });
        if recorded_elsewhere.is_none() {
            self.keep(change.as_ref());
        }
        tracing::info!(from = %from, to = %to, source = ?source, "status confirmed by Exotel");
    }

    /// Publishes a failed change: what a read learned, else the last confirmed state; an
    /// unconfirmed change makes it unknown. A retry's failure ([`Controller::retry`]) is not
    /// recorded again.
    fn fail(&self, session: &Session, error: &CoreError, known: Option<User>, attempted: Attempted) {
        let Attempted { source, target, from, attempt } = attempted;
        let info = error.info();
        let at = now_ms();
        if known.is_some() {
            self.heard_now();
        }
        let (to, summary) = match (&known, error) {
            (Some(user), _) => (user.availability(), Some(UserSummary::from_user(session.user_id(), user))),
            (None, CoreError::Unconfirmed { .. }) => (Availability::Unknown, None),
            (None, _) => (from, None),
        };
        let change = Change {
            at,
            from,
            to,
            source,
            outcome: Outcome::Failed,
            target: Some(target),
            error_kind: Some(info.kind),
            attempts: None,
        };
        let first = attempt <= 1;
        self.publish(|s| {
            s.availability = to;
            if let Some(summary) = summary {
                s.user = Some(summary);
                s.confirmed_at = Some(at);
            }
            s.pending = None;
            s.limited = None;
            if first {
                s.record(change.clone());
            }
            s.last_error = Some(info);
        });
        if first {
            self.keep(Some(&change));
        }
        tracing::warn!(kind = %error.kind(), target = target.availability().as_str(), now = %to, "status change failed");
    }
}

/// A change that was sent: what for, from where, from what, and which attempt it was.
struct Attempted {
    source: Source,
    target: Target,
    from: Availability,
    attempt: u32,
}

/// Whether a failed request may still have changed the device (so a read is needed to know).
fn may_have_applied(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Network { .. } | ApiError::Timeout | ApiError::Server { .. } | ApiError::Malformed { .. }
    )
}
