//! Sync: brings the local store up to date with the council, for every person the user may
//! act for.
//!
//! One run:
//! 1. `GET /people` (the first request: if it finds no connection, the run stops there and
//!    says "offline", touching nothing); the store saves the list and purges anyone no longer
//!    on it.
//! 2. Sends the actions made offline (the outbox), each removed only once the council took it.
//! 3. Syncs each person's change feed from their stored cursor, a few people at a time. Each
//!    page is applied in one store transaction (documents, cursor and last-synced time
//!    together), so an interrupted run loses nothing and the next one resumes where it stopped.
//!    If the council answers `410 feedRestarted` (its records were restored from an earlier
//!    backup, so the kept cursor means nothing there), the person's feed is read again from
//!    the start: kept documents stay readable, are replaced by the council's versions as they
//!    come, and those it no longer holds go with the feed's last page.
//!
//! Requests that may work a moment later are retried with exponential backoff and full
//! jitter, or after the wait the council asks for in `Retry-After`. Once the council cannot be
//! reached, or the sign-in has ended, no new request is started: one clear answer instead of
//! an error per person.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::Duration;

use cfp_domain::{ClientId, DocumentKind};
use cfp_store::{
    DocumentId, PersonAccess, PersonId, Store, StoreChange, StoredDocument, SyncCursor,
};
use council_api::{DocumentChange, PersonGrant};
use futures_util::stream::{self, StreamExt};

use crate::api::{ApiError, CouncilApi};
use crate::outbox::OutboxAction;
use crate::{Clock, Randomness, Secret};

mod report;

pub use report::{
    DocumentFault, OutboxProblem, PersonSyncError, PersonSyncResult, SyncError, SyncProgress,
    SyncReport,
};

/// How hard sync works and how patiently it retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncOptions {
    /// People synced at the same time.
    pub concurrency: usize,
    /// Changes asked for per page (1 to [`council_api::MAX_PAGE_SIZE`]).
    pub page_size: u32,
    /// Retries of one request after its first try.
    pub max_retries: u32,
    /// The first backoff's upper bound; it doubles with each retry.
    pub base_backoff: Duration,
    /// No wait is longer than this, whatever `Retry-After` says.
    pub max_backoff: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            page_size: council_api::DEFAULT_PAGE_SIZE,
            max_retries: 4,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// Waits between retries; tests pass one that records the waits instead of sleeping.
pub trait Sleeper: Send + Sync {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// Waits on tokio's timer.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

static TOKIO_SLEEPER: TokioSleeper = TokioSleeper;

/// Why no new request should start.
const RUNNING: u8 = 0;
const OFFLINE: u8 = 1;
const SIGNED_OUT: u8 = 2;

/// Shared by every person's sync within one run.
struct RunState<'p> {
    stop: AtomicU8,
    expired: AtomicU8,
    people_total: usize,
    people_done: AtomicUsize,
    documents_received: AtomicUsize,
    progress: &'p (dyn Fn(SyncProgress) + Send + Sync),
}

impl RunState<'_> {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst) != RUNNING
    }

    /// Notes an error that means no other request will work either.
    fn note(&self, error: &ApiError) {
        match error {
            ApiError::Offline => {
                let _ = self.stop.compare_exchange(
                    RUNNING,
                    OFFLINE,
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                );
            }
            ApiError::Unauthorised { expired } => {
                self.expired.store(u8::from(*expired), Ordering::SeqCst);
                self.stop.store(SIGNED_OUT, Ordering::SeqCst);
            }
            _ => {}
        }
    }

    fn report(&self) {
        (self.progress)(SyncProgress {
            people_total: self.people_total,
            people_done: self.people_done.load(Ordering::SeqCst),
            documents_received: self.documents_received.load(Ordering::SeqCst),
        });
    }
}

/// Which failures a request is retried after.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// Reads: anything transient.
    Transient,
    /// The first request: not "offline" (that is the answer), but anything else transient.
    NotOffline,
    /// Writes (outbox): only when the council surely did not act on it (no connection, or it
    /// said "come back later"), so a request is not made twice in one run.
    NotActedOn,
}

/// Syncs one user's people into one store. Borrow everything; build one per run or keep it.
pub struct Syncer<'a> {
    api: &'a CouncilApi,
    store: &'a Store,
    clock: &'a dyn Clock,
    jitter: &'a dyn Randomness,
    sleeper: &'a dyn Sleeper,
    options: SyncOptions,
}

impl fmt::Debug for Syncer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Syncer")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a> Syncer<'a> {
    /// `jitter` spreads retries out so many clients do not come back at the same moment.
    pub fn new(
        api: &'a CouncilApi,
        store: &'a Store,
        clock: &'a dyn Clock,
        jitter: &'a dyn Randomness,
    ) -> Self {
        Self {
            api,
            store,
            clock,
            jitter,
            sleeper: &TOKIO_SLEEPER,
            options: SyncOptions::default(),
        }
    }

    pub fn with_options(mut self, options: SyncOptions) -> Self {
        self.options = options;
        self
    }

    pub fn with_sleeper(mut self, sleeper: &'a dyn Sleeper) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// One sync run. `progress` is called as people and pages complete.
    ///
    /// Offline is not an error: the report says so. An error means the run could not go on
    /// (sign-in ended, the people list could not be had, the store failed); whatever it had
    /// saved stays saved.
    pub async fn run(
        &self,
        token: &Secret,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Result<SyncReport, SyncError> {
        let mut state = RunState {
            stop: AtomicU8::new(RUNNING),
            expired: AtomicU8::new(0),
            people_total: 0,
            people_done: AtomicUsize::new(0),
            documents_received: AtomicUsize::new(0),
            progress,
        };
        let people = match self
            .with_retries(&state, Retry::NotOffline, || self.api.people(token))
            .await
        {
            Ok(list) => list.people,
            Err(ApiError::Offline) => return Ok(SyncReport::offline(self.clock.now())),
            Err(ApiError::Unauthorised { expired }) => {
                return Err(SyncError::SignedOut { expired })
            }
            Err(error) => return Err(SyncError::Council(error)),
        };
        let access: Vec<PersonAccess> = people.iter().map(person_access).collect();
        let update = self.store.upsert_people(&access).await?;
        state.people_total = people.len();
        state.report();

        let (outbox_sent, outbox_problems) = self.send_outbox(&state, token).await?;

        // A bounded number of people at a time, on this task: the store and the API are
        // borrowed, and the work is mostly waiting on the network and on SQLite's threads.
        // (The futures are made up front by a method, not by a closure inside the stream,
        // so the run's future stays `Send` for callers that spawn it.)
        let shared = &state;
        let tasks: Vec<_> = people
            .iter()
            .enumerate()
            .map(|(n, grant)| self.person_task(shared, token, n, grant))
            .collect();
        let mut done: Vec<(usize, PersonSyncResult)> = stream::iter(tasks)
            .buffer_unordered(self.options.concurrency.max(1))
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .flatten()
            .collect();
        done.sort_by_key(|(n, _)| *n);
        let results: Vec<PersonSyncResult> = done.into_iter().map(|(_, r)| r).collect();

        if state.stop.load(Ordering::SeqCst) == SIGNED_OUT {
            return Err(SyncError::SignedOut {
                expired: state.expired.load(Ordering::SeqCst) == 1,
            });
        }
        let purged = results.iter().filter(|r| r.access_removed).count();
        Ok(SyncReport {
            offline: state.stop.load(Ordering::SeqCst) == OFFLINE,
            people: results,
            people_added: update.added.len(),
            people_removed: update.removed.len() + purged,
            outbox_sent,
            outbox_problems,
            finished_at: self.clock.now(),
        })
    }

    /// Sends every waiting action, oldest first.
    async fn send_outbox(
        &self,
        state: &RunState<'_>,
        token: &Secret,
    ) -> Result<(usize, Vec<OutboxProblem>), SyncError> {
        let mut sent = 0;
        let mut problems = Vec::new();
        for item in self.store.outbox_list().await? {
            if state.stopped() {
                break;
            }
            let Some(action) = OutboxAction::from_item(&item) else {
                problems.push(OutboxProblem {
                    id: item.id,
                    kind: item.kind,
                    attempts: item.attempts,
                    error: None,
                });
                continue;
            };
            let outcome = self
                .with_retries(state, Retry::NotActedOn, || action.send(self.api, token))
                .await;
            match outcome {
                Ok(_) => {
                    // Removed only now that the council has it.
                    self.store.outbox_remove(item.id).await?;
                    sent += 1;
                }
                Err(error) => {
                    state.note(&error);
                    if state.stop.load(Ordering::SeqCst) == SIGNED_OUT {
                        return Err(SyncError::SignedOut {
                            expired: matches!(error, ApiError::Unauthorised { expired: true }),
                        });
                    }
                    if error == ApiError::Offline {
                        break;
                    }
                    self.store.outbox_record_attempt(item.id).await?;
                    problems.push(OutboxProblem {
                        id: item.id,
                        kind: item.kind,
                        attempts: item.attempts + 1,
                        error: Some(error),
                    });
                }
            }
        }
        Ok((sent, problems))
    }

    async fn person_task(
        &self,
        state: &RunState<'_>,
        token: &Secret,
        n: usize,
        grant: &PersonGrant,
    ) -> Option<(usize, PersonSyncResult)> {
        self.sync_person(state, token, grant).await.map(|r| (n, r))
    }

    /// Syncs one person page by page from their cursor. `None` when the run was already
    /// stopping before this person started.
    async fn sync_person(
        &self,
        state: &RunState<'_>,
        token: &Secret,
        grant: &PersonGrant,
    ) -> Option<PersonSyncResult> {
        if state.stopped() {
            return None;
        }
        let person_id = PersonId(grant.person_id.clone());
        let mut result = PersonSyncResult::new(person_id.clone());
        if let Err(error) = self.sync_pages(state, token, grant, &mut result).await {
            result.error = Some(error);
        }
        state.people_done.fetch_add(1, Ordering::SeqCst);
        state.report();
        Some(result)
    }

    async fn sync_pages(
        &self,
        state: &RunState<'_>,
        token: &Secret,
        grant: &PersonGrant,
        result: &mut PersonSyncResult,
    ) -> Result<(), PersonSyncError> {
        let person_id = result.person_id.clone();
        let mut cursor = self.store.cursor(&person_id).await?;
        let mut read_again = false;
        loop {
            if state.stopped() {
                return Err(ApiError::Offline.into());
            }
            let fetched = self
                .with_retries(state, Retry::Transient, || {
                    self.api.changes(
                        token,
                        person_id.as_str(),
                        cursor.as_ref().map(SyncCursor::as_str),
                        self.options.page_size,
                    )
                })
                .await;
            let page = match fetched {
                Ok(page) => page,
                Err(ApiError::NotFound) => {
                    // The council took access away since the people list was read.
                    self.store.remove_person(&person_id).await?;
                    result.access_removed = true;
                    return Ok(());
                }
                Err(error) if error.is_feed_restarted() && cursor.is_some() && !read_again => {
                    // The council's records were restored from an earlier backup: the kept
                    // cursor points into changes it no longer has (or has handed out again).
                    // Read the whole feed again; what it no longer holds goes at its end.
                    self.store.read_again(&person_id).await?;
                    result.read_again = true;
                    read_again = true;
                    cursor = None;
                    continue;
                }
                Err(error) => {
                    state.note(&error);
                    return Err(error.into());
                }
            };
            if let Some(document_id) = page.unreadable.first() {
                return Err(PersonSyncError::DocumentRefused {
                    document_id: document_id.clone(),
                    fault: DocumentFault::Unreadable,
                });
            }
            let received = page.changes.len();
            let changes = page
                .changes
                .into_iter()
                .map(|change| store_change(change, &grant.client_id))
                .collect::<Result<Vec<_>, _>>()?;
            let next = SyncCursor(page.cursor);
            let outcome = self
                .store
                .apply_feed_page(&person_id, &changes, &next, self.clock.now(), !page.more)
                .await?;
            result.new_documents += outcome.added;
            result.updated_documents += outcome.replaced;
            result.removed_documents += outcome.removed;
            state
                .documents_received
                .fetch_add(received, Ordering::SeqCst);
            if received > 0 {
                state.report();
            }
            if !page.more {
                return Ok(());
            }
            cursor = Some(next);
        }
    }

    /// Runs `call`, retrying as `retry` allows while the run is not stopping.
    async fn with_retries<T, F, Fut>(
        &self,
        state: &RunState<'_>,
        retry: Retry,
        mut call: F,
    ) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut attempt = 0u32;
        loop {
            let error = match call().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let retryable = match retry {
                Retry::Transient => error.is_transient(),
                Retry::NotOffline => error.is_transient() && error != ApiError::Offline,
                Retry::NotActedOn => {
                    matches!(error, ApiError::Offline | ApiError::Unavailable { .. })
                }
            };
            if !retryable || attempt >= self.options.max_retries || state.stopped() {
                return Err(error);
            }
            self.sleeper
                .sleep(self.backoff(attempt, error.retry_after()))
                .await;
            attempt += 1;
        }
    }

    /// The wait before retry number `attempt + 1`: what the council asked for, else a random
    /// time up to `base × 2^attempt` ("full jitter"); never more than `max_backoff`.
    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.options.max_backoff);
        }
        let ceiling = self
            .options
            .base_backoff
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.options.max_backoff);
        let mut bytes = [0u8; 8];
        match self.jitter.fill(&mut bytes) {
            // 53 random bits make a fraction in [0, 1).
            Ok(()) => {
                ceiling.mul_f64((u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64)
            }
            Err(_) => ceiling,
        }
    }
}

fn person_access(grant: &PersonGrant) -> PersonAccess {
    PersonAccess {
        person_id: PersonId(grant.person_id.clone()),
        client_id: grant.client_id,
        given_name: grant.given_name.clone(),
        family_name: grant.family_name.clone(),
        relationship: grant.relationship,
        granted_at: grant.granted_at,
    }
}

/// The store's form of one change. A document is kept only if it carries the checked body its
/// kind names (an advice, a Deferred Payment statement or an assessment result) for this person;
/// the body is kept, with its reference, date and amount as the summary lists show them.
fn store_change(
    change: DocumentChange,
    client_id: &ClientId,
) -> Result<StoreChange, PersonSyncError> {
    let document = match change {
        DocumentChange::Remove { document_id } => {
            return Ok(StoreChange::Remove(DocumentId(document_id)))
        }
        DocumentChange::Upsert { document } => document,
    };
    let refused = |fault| PersonSyncError::DocumentRefused {
        document_id: Some(document.document_id.clone()),
        fault,
    };
    if document.version == 0 {
        return Err(refused(DocumentFault::Unreadable));
    }
    let id = DocumentId(document.document_id.clone());
    let stored = match document.kind {
        DocumentKind::RemittanceAdvice => {
            let advice = document
                .remittance
                .as_ref()
                .ok_or_else(|| refused(DocumentFault::MissingAdvice))?;
            if advice.header().client_id != *client_id {
                return Err(refused(DocumentFault::OtherPerson));
            }
            StoredDocument::remittance(id, document.version, advice)
        }
        DocumentKind::DeferredPaymentStatement => {
            let statement = document
                .deferred_payment
                .as_ref()
                .ok_or_else(|| refused(DocumentFault::MissingAdvice))?;
            let header = statement.header();
            if header.client_id != *client_id {
                return Err(refused(DocumentFault::OtherPerson));
            }
            let body =
                serde_json::to_value(statement).map_err(|_| refused(DocumentFault::Unreadable))?;
            // Listed under the day the council issued it: the statement is news on that day,
            // and its period is kept as the period.
            StoredDocument::other(
                id,
                DocumentKind::DeferredPaymentStatement,
                document.version,
                Some(header.reference.clone()),
                header.issued_on,
                Some((header.period_from, header.period_to)),
                Some(statement.amounts().closing_balance),
                body,
            )
        }
        DocumentKind::FinancialAssessmentResult => {
            let result = document
                .assessment
                .as_ref()
                .ok_or_else(|| refused(DocumentFault::MissingAdvice))?;
            if result.client_id() != *client_id {
                return Err(refused(DocumentFault::OtherPerson));
            }
            let body =
                serde_json::to_value(result).map_err(|_| refused(DocumentFault::Unreadable))?;
            // Listed under the day the contribution starts, not the day it was worked out: a
            // list sorted by date then reads as "what I paid from when", and a backdated result
            // sits with the payments it changed (the screen still shows both dates).
            StoredDocument::other(
                id,
                DocumentKind::FinancialAssessmentResult,
                document.version,
                Some(result.reference().to_string()),
                result.applies_from(),
                None,
                Some(result.weekly_contribution()),
                body,
            )
        }
    };
    stored
        .map(StoreChange::Upsert)
        .map_err(|_| refused(DocumentFault::Unreadable))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(u8);
    impl Randomness for Fixed {
        fn fill(&self, dest: &mut [u8]) -> std::io::Result<()> {
            dest.fill(self.0);
            Ok(())
        }
    }

    fn api() -> CouncilApi {
        let http = crate::CouncilHttp::new(Default::default()).unwrap();
        CouncilApi::new(
            http,
            &url::Url::parse("http://127.0.0.1:9/api/v1/").unwrap(),
            std::sync::Arc::new(crate::SystemClock),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn backoff_doubles_with_full_jitter_and_honours_retry_after_up_to_the_cap() {
        let api = api();
        let store = Store::open(
            &cfp_store::StoreLocation::Memory,
            &cfp_store::StoreKey::from_bytes([7; 32]),
        )
        .await
        .unwrap();
        let options = SyncOptions {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            ..SyncOptions::default()
        };
        let highest = Fixed(0xff);
        let syncer =
            Syncer::new(&api, &store, &crate::SystemClock, &highest).with_options(options.clone());
        // The top of the jitter range: the ceiling, which doubles, then is capped.
        let waits: Vec<u128> = (0..6)
            .map(|a| syncer.backoff(a, None).as_millis())
            .collect();
        assert_eq!(waits, [100, 200, 400, 800, 1000, 1000]);
        // The middle of the range: about half of each ceiling.
        let middle = Fixed(0x80);
        let syncer =
            Syncer::new(&api, &store, &crate::SystemClock, &middle).with_options(options.clone());
        let waits: Vec<u128> = (0..6)
            .map(|a| syncer.backoff(a, None).as_millis())
            .collect();
        assert_eq!(waits, [50, 100, 200, 401, 501, 501]);
        let lowest = Fixed(0);
        let syncer =
            Syncer::new(&api, &store, &crate::SystemClock, &lowest).with_options(options.clone());
        assert_eq!(syncer.backoff(3, None), Duration::ZERO);
        // Retry-After is honoured as asked, but never beyond the cap.
        assert_eq!(
            syncer.backoff(0, Some(Duration::from_millis(700))),
            Duration::from_millis(700)
        );
        assert_eq!(
            syncer.backoff(0, Some(Duration::from_secs(3600))),
            Duration::from_secs(1)
        );
    }

    fn advice_for(client_id: &str) -> cfp_domain::RemittanceAdvice {
        use cfp_domain::{LineKind, Money, RemittanceHeader, RemittanceLine};
        use time::macros::date;
        let line = RemittanceLine {
            kind: LineKind::Budget,
            description: "Care budget".into(),
            amount: Money::from_pence(60_000),
            weekly_rate: None,
            days: None,
            council_note: None,
        };
        cfp_domain::RemittanceAdvice::new(
            RemittanceHeader {
                reference: "RA-1".into(),
                client_id: client_id.parse().unwrap(),
                client_name: "A B".into(),
                payee: "A B".into(),
                period_from: date!(2026 - 03 - 01),
                period_to: date!(2026 - 03 - 28),
                finalised_on: date!(2026 - 02 - 20),
                payment_date: date!(2026 - 02 - 27),
            },
            vec![line],
            Money::from_pence(60_000),
        )
        .unwrap()
    }

    fn upsert(kind: DocumentKind, version: u32, advice: Option<&str>) -> DocumentChange {
        DocumentChange::Upsert {
            document: council_api::Document {
                document_id: "d-1".into(),
                kind,
                version,
                published_at: time::macros::datetime!(2026-03-01 09:30 UTC),
                remittance: advice.map(advice_for),
                deferred_payment: None,
                assessment: None,
            },
        }
    }

    #[test]
    fn only_advices_for_this_person_are_kept() {
        let person: ClientId = "100234567".parse().unwrap();
        let kept = store_change(
            upsert(DocumentKind::RemittanceAdvice, 2, Some("100234567")),
            &person,
        )
        .unwrap();
        let StoreChange::Upsert(doc) = kept else {
            panic!("an upsert")
        };
        assert_eq!((doc.document_id().as_str(), doc.version()), ("d-1", 2));
        let fault = |change| match store_change(change, &person) {
            Err(PersonSyncError::DocumentRefused { document_id, fault }) => {
                assert_eq!(document_id.as_deref(), Some("d-1"));
                fault
            }
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(
            fault(upsert(DocumentKind::RemittanceAdvice, 1, Some("100999999"))),
            DocumentFault::OtherPerson
        );
        assert_eq!(
            fault(upsert(DocumentKind::RemittanceAdvice, 1, None)),
            DocumentFault::MissingAdvice
        );
        assert_eq!(
            fault(upsert(DocumentKind::RemittanceAdvice, 0, Some("100234567"))),
            DocumentFault::Unreadable
        );
        assert_eq!(
            store_change(
                DocumentChange::Remove {
                    document_id: "d-9".into()
                },
                &person
            )
            .unwrap(),
            StoreChange::Remove(DocumentId("d-9".into()))
        );
    }

    fn statement_for(client_id: &str) -> cfp_domain::DeferredPaymentStatement {
        cfp_domain::samples::deferred_payment_statement("DPS-7", client_id, "A B", "153000.00")
    }

    fn assessment_for(client_id: &str) -> cfp_domain::FinancialAssessmentResult {
        cfp_domain::samples::assessment_result("FA-7", client_id, "A B", None)
    }

    /// A document of `kind` carrying `body` (a client id) as the body `body_kind` names.
    fn typed(kind: DocumentKind, body_kind: DocumentKind, client: Option<&str>) -> DocumentChange {
        let DocumentChange::Upsert { mut document } = upsert(kind, 3, None) else {
            unreachable!()
        };
        match body_kind {
            DocumentKind::RemittanceAdvice => document.remittance = client.map(advice_for),
            DocumentKind::DeferredPaymentStatement => {
                document.deferred_payment = client.map(statement_for).map(Box::new)
            }
            DocumentKind::FinancialAssessmentResult => {
                document.assessment = client.map(assessment_for).map(Box::new)
            }
        }
        DocumentChange::Upsert { document }
    }

    fn kept(change: DocumentChange, person: &ClientId) -> cfp_store::StoredDocument {
        match store_change(change, person) {
            Ok(StoreChange::Upsert(doc)) => doc,
            other => panic!("expected an upsert, got {other:?}"),
        }
    }

    fn refusal(change: DocumentChange, person: &ClientId) -> DocumentFault {
        match store_change(change, person) {
            Err(PersonSyncError::DocumentRefused { document_id, fault }) => {
                assert_eq!(document_id.as_deref(), Some("d-1"));
                fault
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_deferred_payment_statement_is_kept_with_its_reference_issue_date_and_closing_balance() {
        let person: ClientId = "100234567".parse().unwrap();
        let kind = DocumentKind::DeferredPaymentStatement;
        let doc = kept(typed(kind, kind, Some("100234567")), &person);
        use time::macros::date;
        // Listed by reference, issue date, period and closing balance; the statement itself
        // is the body, so it reads back typed and checked.
        let statement = statement_for("100234567");
        let expected = cfp_store::StoredDocument::other(
            DocumentId("d-1".into()),
            kind,
            3,
            Some("DPS-7".into()),
            date!(2026 - 04 - 10),
            Some((date!(2025 - 10 - 01), date!(2026 - 03 - 31))),
            Some(
                cfp_domain::samples::STATEMENT_CLOSING_BALANCE
                    .parse()
                    .unwrap(),
            ),
            serde_json::to_value(&statement).unwrap(),
        )
        .unwrap();
        assert_eq!(doc, expected);

        assert_eq!(
            refusal(typed(kind, kind, Some("100999999")), &person),
            DocumentFault::OtherPerson
        );
        assert_eq!(
            refusal(typed(kind, kind, None), &person),
            DocumentFault::MissingAdvice
        );
    }

    #[test]
    fn an_assessment_result_is_kept_under_the_day_it_applies_from_with_its_weekly_amount() {
        let person: ClientId = "100234567".parse().unwrap();
        let kind = DocumentKind::FinancialAssessmentResult;
        let doc = kept(typed(kind, kind, Some("100234567")), &person);
        // Backdated: it applies from before the day it was worked out, and is listed there,
        // with the weekly contribution as its amount.
        let expected = cfp_store::StoredDocument::other(
            DocumentId("d-1".into()),
            kind,
            3,
            Some("FA-7".into()),
            time::macros::date!(2026 - 01 - 05),
            None,
            Some(
                cfp_domain::samples::ASSESSMENT_WEEKLY_CONTRIBUTION
                    .parse()
                    .unwrap(),
            ),
            serde_json::to_value(assessment_for("100234567")).unwrap(),
        )
        .unwrap();
        assert_eq!(doc, expected);

        assert_eq!(
            refusal(typed(kind, kind, Some("100999999")), &person),
            DocumentFault::OtherPerson
        );
        assert_eq!(
            refusal(typed(kind, kind, None), &person),
            DocumentFault::MissingAdvice
        );
    }

    #[test]
    fn the_run_can_be_spawned() {
        fn assert_send<T: Send>(_: &T) {}
        let api = api();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let store = runtime
            .block_on(Store::open(
                &cfp_store::StoreLocation::Memory,
                &cfp_store::StoreKey::from_bytes([7; 32]),
            ))
            .unwrap();
        let syncer = Syncer::new(&api, &store, &crate::SystemClock, &crate::OsRandomness);
        let token = Secret::new("t".into());
        let future = syncer.run(&token, &|_: SyncProgress| {});
        assert_send(&future);
    }
}
