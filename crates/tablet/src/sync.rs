//! The app's shared state and its sync: enrollment, "sync now" and the background task. Sync
//! runs on a second connection to the store, so the screens never wait for the network.

use super::dto::{EnrollResult, SyncSummary};
use super::{App, CommandError, CommandResult, ErrorCode};
use mimik_device::Error;
use mimik_device::store::{self, Store};
use mimik_device::sync::Backoff;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};
use tokio::time::Instant;

/// How often the background task syncs while all is well.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(30);

/// How long after the latest save the background task sends it: a visit saves several forms in
/// a row, and one pass then sends them together. Data should not wait for the next interval
/// (issue 13: a questionnaire saved just before the nurse locked the tablet sat there all night).
pub const SAVE_DEBOUNCE: Duration = Duration::from_secs(3);

/// How often the background task looks for new saves (one status query on the store).
const TICK: Duration = Duration::from_millis(500);

/// After failures the background task waits longer, up to five minutes ("sync now" is always
/// there for staff who know the network is back).
const RETRY: Backoff = Backoff {
    base: Duration::from_secs(30),
    cap: Duration::from_secs(5 * 60),
};

/// What the Tauri shell keeps as managed state.
#[derive(Debug)]
pub struct Shared {
    app: Mutex<App>,
    /// One sync at a time, whoever started it.
    sync_gate: Mutex<()>,
}

impl Shared {
    /// Shared state around `app`.
    pub fn new(app: App) -> Shared {
        Shared {
            app: Mutex::new(app),
            sync_gate: Mutex::new(()),
        }
    }

    /// The app, for one command.
    pub async fn app(&self) -> MutexGuard<'_, App> {
        self.app.lock().await
    }

    /// Enroll with a study server using a one-time code from its coordinator.
    pub async fn enroll(&self, server_url: &str, code: &str) -> CommandResult<EnrollResult> {
        self.app.lock().await.staff_only()?;
        let (mut conn, ca) = self.second_connection(Caller::Staff).await?;
        match mimik_device::sync::enroll(&mut conn, server_url.trim(), code, ca.as_deref()).await {
            Ok(device_id) => Ok(EnrollResult { device_id }),
            Err(Error::Server {
                status, message, ..
            }) if (400..500).contains(&status) => Err(CommandError::new(
                ErrorCode::EnrollmentFailed,
                format!("the server refused the enrollment: {message}"),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// The queue as staff see it.
    pub async fn sync_status(&self) -> CommandResult<SyncSummary> {
        self.app.lock().await.sync_status()
    }

    /// One sync pass now. A failure to reach the server is not an error of the command: it is
    /// in `lastError`, and everything stays queued.
    pub async fn sync_now(&self) -> CommandResult<SyncSummary> {
        self.sync_pass(Caller::Staff, &|_| {}).await
    }

    async fn sync_pass(
        &self,
        by: Caller,
        report: &(dyn Fn(&SyncSummary) + Sync),
    ) -> CommandResult<SyncSummary> {
        let _one_at_a_time = self.sync_gate.lock().await;
        let (mut conn, ca) = self.second_connection(by).await?;
        {
            let mut app = self.app.lock().await;
            app.last_sync.running = true;
            if let Ok(status) = app.queue_summary() {
                report(&status);
            }
        }
        let outcome = mimik_device::sync::sync_once(&mut conn, ca.as_deref()).await;
        drop(conn);
        let mut app = self.app.lock().await;
        app.last_sync.running = false;
        match outcome {
            Ok(summary) => {
                app.last_sync.bundle_refused = summary.bundle_refused;
                match summary.error {
                    None => {
                        app.last_sync.ok_at = Some(store::Moment::now().utc_text());
                        app.last_sync.error = None;
                    }
                    Some(error) => app.last_sync.error = Some(error),
                }
            }
            Err(error) => app.last_sync.error = Some(error.to_string()),
        }
        // The sync connection may have adopted a new study bundle: new sessions use it.
        if let Some(store) = app.store.as_mut() {
            store.refresh_bundle()?;
        }
        let status = app.queue_summary()?;
        report(&status);
        Ok(status)
    }

    async fn second_connection(&self, by: Caller) -> CommandResult<(Store, Option<Vec<u8>>)> {
        let app = self.app.lock().await;
        let store = match by {
            Caller::Staff => app.store()?,
            // The key in memory is enough: the queue drains behind a locked screen too.
            Caller::Background => app.held_store()?,
        };
        Ok((store.another_connection()?, app.ca_pem.clone()))
    }

    /// Sync every `timing.interval` while the tablet holds its key (unlocked, or behind a locked
    /// screen) and is enrolled, and
    /// `timing.debounce` after the latest save, backing off after failures; `report` gets the
    /// queue state when a pass starts and when it ends.
    pub async fn run_background_with(
        self: Arc<Self>,
        timing: Timing,
        report: impl Fn(&SyncSummary) + Send + Sync + 'static,
    ) {
        let tick = TICK.min(timing.interval);
        let mut failures: u32 = 0;
        let mut next_due: Option<Instant> = None;
        let mut last_seq: Option<i64> = None;
        let mut saved_at: Option<Instant> = None;
        loop {
            tokio::time::sleep(tick).await;
            let Some(seq) = self.last_saved_seq().await else {
                // Locked or not enrolled: start over once it is both.
                (failures, next_due, last_seq, saved_at) = (0, None, None, None);
                continue;
            };
            let now = Instant::now();
            let due = *next_due.get_or_insert(now + timing.interval);
            if last_seq != Some(seq) {
                // A new save (or the first look after unlocking, which may follow saves the
                // loop has not seen): wait for the visit's next save before sending them together.
                saved_at = Some(now);
            }
            last_seq = Some(seq);
            let save_waiting = saved_at.is_some_and(|at| now >= at + timing.debounce);
            if now < due && !save_waiting {
                continue;
            }
            saved_at = None;
            failures = match self.sync_pass(Caller::Background, &report).await {
                Ok(status) if status.last_error.is_none() => 0,
                Ok(_) => failures.saturating_add(1),
                // Locked meanwhile: the next tick starts over.
                Err(_) => 0,
            };
            let wait = match failures {
                0 => timing.interval,
                n => timing.retry.delay(n - 1, jitter()).max(timing.interval),
            };
            next_due = Some(Instant::now() + wait);
        }
    }

    /// The store's latest device sequence number while the tablet holds its key and is
    /// enrolled: it grows with every save. Forgets a key whose quick-unlock window ran out.
    async fn last_saved_seq(&self) -> Option<i64> {
        let mut app = self.app.lock().await;
        app.expire_quick_unlock();
        let store = app.store.as_ref()?;
        if !store::is_enrolled(&app.dir) {
            return None;
        }
        store.last_device_seq().ok()
    }
}

/// Who asked for a connection: staff commands need an unlocked screen, the background task only
/// the key in memory.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Staff,
    Background,
}

/// When the background task syncs.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Between passes while all is well.
    pub interval: Duration,
    /// After failures, waits grow like this (never below `interval`) ...
    pub retry: Backoff,
    /// ... but a save is sent this long after the latest one whatever the wait (a failed pass
    /// then counts as one more failure).
    pub debounce: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            interval: SYNC_INTERVAL,
            retry: RETRY,
            debounce: SAVE_DEBOUNCE,
        }
    }
}

fn jitter() -> f64 {
    let bits = mimik_device::keys::random::<4>()
        .map(u32::from_le_bytes)
        .unwrap_or(0);
    f64::from(bits) / f64::from(u32::MAX)
}

impl App {
    /// The queue now, with the outcome of this run's last sync attempt.
    pub fn sync_status(&self) -> CommandResult<SyncSummary> {
        self.store()?;
        self.queue_summary()
    }

    /// [`App::sync_status`] for the background task, behind a locked screen too.
    fn queue_summary(&self) -> CommandResult<SyncSummary> {
        let store = self.held_store()?;
        let status = store.status()?;
        let revoked = store.device_identity()?.is_some_and(|d| d.revoked);
        let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
        Ok(SyncSummary {
            pending: count(status.pending),
            acknowledged: count(status.acknowledged),
            quarantined: count(status.quarantined),
            oldest_pending_age_s: status.oldest_pending_age_s.map(count),
            // Before any attempt in this run, the queue's own record of the last failure.
            last_error: if self.last_sync.ok_at.is_some() || self.last_sync.error.is_some() {
                self.last_sync.error.clone()
            } else if status.pending > 0 {
                status.last_error
            } else {
                None
            },
            last_sync_at: self.last_sync.ok_at.clone(),
            syncing: self.last_sync.running,
            revoked,
            bundle_version: u32::try_from(store.bundle().bundle.version).unwrap_or(u32::MAX),
            bundle_refused: self.last_sync.bundle_refused.clone(),
        })
    }
}
