//! Sync against the real council service (identity + finance, in-process on loopback) into a
//! real SQLCipher store in a temporary folder. The faults are real too: the service stopped,
//! a TCP proxy that cuts a response mid-body, and 503 answers with Retry-After.

mod council;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use cfp_council_client::{
    ApiError, CouncilApi, CouncilHttp, HttpTimeouts, OsRandomness, OutboxAction, PersonSyncError,
    Secret, Sleeper, SyncError, SyncOptions, SyncProgress, SyncReport, Syncer,
};
use cfp_domain::{LineKind, Money, RemittanceAdvice, RemittanceHeader, RemittanceLine};
use cfp_store::{
    DocumentContent, DocumentFilter, PersonId, Store, StoreKey, StoreLocation, SyncCursor,
};
use council::proxy::{CuttingProxy, SlowProxy};
use council::Council;
use council_api::{ImportPerson, RemittanceImport};
use council_kit::clock::Clock as _;
use time::OffsetDateTime;
use url::Url;

/// Records every wait instead of sleeping, so tests are quick and can check each wait.
#[derive(Default)]
struct Waits(Mutex<Vec<Duration>>);

impl Sleeper for Waits {
    fn sleep(
        &self,
        duration: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        self.0.lock().unwrap().push(duration);
        Box::pin(async {})
    }
}

impl Waits {
    fn taken(&self) -> Vec<Duration> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The demo's five people and their advices, and one representative with access to all five.
struct World {
    council: Council,
    records: RemittanceImport,
    /// (person, their council id, the approved request's id), in the records' order.
    people: Vec<(ImportPerson, String, String)>,
    /// The representative's account, and an access token for it.
    sub: String,
    token: Secret,
    store: Store,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new() -> World {
        let council = Council::start().await;
        let records = council_finance::demo::records();
        let summary = council.import(records.clone()).await;
        assert_eq!(summary.documents_added as usize, records.document_count());
        let sub = council.account("Ruth", "ruth@example.org").await;
        let mut people = Vec::new();
        for person in &records.people {
            let request_id = council.grant(&sub, person).await;
            let person_id = council.person_id(person.client_id.as_str()).await;
            people.push((person.clone(), person_id, request_id));
        }
        let token = Secret::new(council.token(&sub, 3600).await);
        let dir = tempfile::tempdir().unwrap();
        let store = open_store(&dir).await;
        World {
            council,
            records,
            people,
            sub,
            token,
            store,
            _dir: dir,
        }
    }

    fn api(&self, url: &Url) -> CouncilApi {
        self.api_with(url, Duration::from_secs(20), time::Duration::ZERO)
    }

    /// A client of the API at `url` that gives up on a request after `timeout`, on a computer
    /// whose clock is `skew` away from the council's.
    fn api_with(&self, url: &Url, timeout: Duration, skew: time::Duration) -> CouncilApi {
        let clock = self.council.clock.clone();
        let http = CouncilHttp::new(HttpTimeouts {
            connect: Duration::from_secs(2),
            whole_request: timeout,
        })
        .unwrap();
        CouncilApi::new(http, url, Arc::new(move || clock.now() + skew)).unwrap()
    }

    /// One run through `url` with these options; waits are recorded, not slept.
    async fn sync_via(
        &self,
        url: &Url,
        options: SyncOptions,
        waits: &Waits,
    ) -> (Result<SyncReport, SyncError>, Vec<SyncProgress>) {
        self.sync_with(&self.api(url), options, waits, time::Duration::ZERO)
            .await
    }

    /// One run with this client, on a computer whose clock is `skew` away from the council's.
    async fn sync_with(
        &self,
        api: &CouncilApi,
        options: SyncOptions,
        waits: &Waits,
        skew: time::Duration,
    ) -> (Result<SyncReport, SyncError>, Vec<SyncProgress>) {
        let clock = self.council.clock.clone();
        let now = move || clock.now() + skew;
        let seen = Mutex::new(Vec::new());
        let record = |p: SyncProgress| seen.lock().unwrap().push(p);
        let result = Syncer::new(api, &self.store, &now, &OsRandomness)
            .with_options(options)
            .with_sleeper(waits)
            .run(&self.token, &record)
            .await;
        (result, seen.into_inner().unwrap())
    }

    async fn sync(&self) -> SyncReport {
        let (report, _) = self
            .sync_via(&self.council.api_url(), quick(), &Waits::default())
            .await;
        report.expect("the sync ran")
    }

    /// A fresh access token, as the app would get by refreshing (after the clock moved on, or
    /// after the council's database was restored without the last one's grant).
    async fn new_token(&mut self) {
        self.token = Secret::new(self.council.token(&self.sub, 3600).await);
    }

    /// Which of the records' people this is (the council lists people by name).
    fn index_of(&self, person_id: &PersonId) -> usize {
        self.people
            .iter()
            .position(|p| p.1 == person_id.0)
            .expect("one of the people")
    }

    fn person_id(&self, n: usize) -> PersonId {
        PersonId(self.people[n].1.clone())
    }

    /// What the store holds for the person: (document id, version), by id.
    async fn kept(&self, n: usize) -> Vec<(String, u32)> {
        kept(&self.store, &self.person_id(n)).await
    }

    /// The store holds exactly the council's documents (and versions) for everyone listed.
    async fn assert_store_matches_council(&self) {
        for n in 0..self.people.len() {
            if self
                .store
                .person(&self.person_id(n))
                .await
                .unwrap()
                .is_none()
            {
                continue;
            }
            let council: Vec<(String, u32)> = self
                .council
                .documents_of(&self.people[n].1)
                .await
                .into_iter()
                .map(|(id, version, _)| (id, version))
                .collect();
            assert_eq!(self.kept(n).await, council, "person {n}");
        }
    }

    /// Every page is there whole or not at all: each person holds exactly the council's
    /// documents up to their cursor. Returns how many people are part way.
    async fn assert_whole_pages(&self) -> usize {
        let mut part_way = 0;
        for n in 0..self.people.len() {
            let cursor = self.store.cursor(&self.person_id(n)).await.unwrap();
            let upto = cursor.as_ref().map(change_number).unwrap_or(0);
            let council = self.council.documents_of(&self.people[n].1).await;
            let expected: Vec<(String, u32)> = (council.iter())
                .filter(|(_, _, change)| *change <= upto)
                .map(|(id, version, _)| (id.clone(), *version))
                .collect();
            assert_eq!(self.kept(n).await, expected, "person {n}");
            part_way += usize::from(expected.len() < council.len());
        }
        part_way
    }

    /// A snapshot of everything the store holds about people, documents and cursors.
    async fn snapshot(&self) -> Vec<(String, Option<OffsetDateTime>, Option<String>, usize)> {
        let mut all = Vec::new();
        for person in self.store.people().await.unwrap() {
            let id = person.access.person_id.clone();
            all.push((
                id.0.clone(),
                person.last_synced_at,
                self.store.cursor(&id).await.unwrap().map(|c| c.0),
                kept(&self.store, &id).await.len(),
            ));
        }
        all
    }
}

async fn kept(store: &Store, person_id: &PersonId) -> Vec<(String, u32)> {
    let mut list: Vec<(String, u32)> = store
        .list_documents(person_id, &DocumentFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.document_id.0, d.version))
        .collect();
    list.sort();
    list
}

async fn open_store(dir: &tempfile::TempDir) -> Store {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).unwrap();
    Store::open(
        &StoreLocation::File(dir.path().join("store.db")),
        &StoreKey::from_bytes(key),
    )
    .await
    .unwrap()
}

/// Small pages (so every person takes several) and millisecond backoffs.
fn quick() -> SyncOptions {
    SyncOptions {
        concurrency: 3,
        page_size: 5,
        max_retries: 3,
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_secs(10),
    }
}

/// The change number inside a cursor (the service's format `2.<change>.<mark>`, which the
/// app treats as opaque).
fn change_number(cursor: &SyncCursor) -> i64 {
    let (number, _mark) = cursor
        .as_str()
        .strip_prefix("2.")
        .unwrap()
        .split_once('.')
        .unwrap();
    number.parse().unwrap()
}

/// A copy of the advice with `extra` pence more paid, as a one-off line.
fn corrected(advice: &RemittanceAdvice, extra: i64) -> RemittanceAdvice {
    let mut lines = advice.lines().to_vec();
    lines.push(RemittanceLine {
        kind: LineKind::OneOffPayment,
        description: "One-off: backdated mileage".into(),
        amount: Money::from_pence(extra),
        weekly_rate: None,
        days: None,
        council_note: None,
    });
    let net = advice.net_amount() + Money::from_pence(extra);
    RemittanceAdvice::new(advice.header().clone(), lines, net).unwrap()
}

/// The next advice after this one: a new reference, four weeks later.
fn next_advice(advice: &RemittanceAdvice) -> RemittanceAdvice {
    let h = advice.header();
    let later = time::Duration::days(28);
    RemittanceAdvice::new(
        RemittanceHeader {
            reference: format!("{}-NEXT", h.reference),
            period_from: h.period_from + later,
            period_to: h.period_to + later,
            finalised_on: h.finalised_on + later,
            payment_date: h.payment_date + later,
            ..h.clone()
        },
        advice.lines().to_vec(),
        advice.net_amount(),
    )
    .unwrap()
}

/// The same advice under another reference (another document to the council).
fn renamed(advice: &RemittanceAdvice, suffix: &str) -> RemittanceAdvice {
    let mut header = advice.header().clone();
    header.reference.push_str(suffix);
    RemittanceAdvice::new(header, advice.lines().to_vec(), advice.net_amount()).unwrap()
}

fn advices_of<'a>(
    records: &'a RemittanceImport,
    person: &ImportPerson,
) -> Vec<&'a RemittanceAdvice> {
    records
        .remittances
        .iter()
        .filter(|a| a.header().client_id == person.client_id)
        .collect()
}

/// How many documents of every kind the records hold for the person.
fn documents_count(records: &RemittanceImport, person: &ImportPerson) -> usize {
    let id = person.client_id;
    advices_of(records, person).len()
        + (records.deferred_payment_statements.iter())
            .filter(|s| s.header().client_id == id)
            .count()
        + (records.assessments.iter())
            .filter(|a| a.client_id() == id)
            .count()
}

#[tokio::test]
async fn first_sync_gets_every_document_and_a_resync_gets_nothing_new() {
    let world = World::new().await;
    let (report, progress) = world
        .sync_via(&world.council.api_url(), quick(), &Waits::default())
        .await;
    let report = report.unwrap();
    let total = world.records.document_count();
    assert!(!report.offline);
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.people_added, 5);
    assert_eq!(report.people_removed, 0);
    assert_eq!(report.people.len(), 5);
    assert_eq!(report.new_documents(), total);
    assert_eq!(report.updated_documents(), 0);
    assert_eq!(report.finished_at, world.council.now());
    for result in &report.people {
        let n = world.index_of(&result.person_id);
        assert_eq!(
            result.new_documents,
            documents_count(&world.records, &world.people[n].0)
        );
    }
    world.assert_store_matches_council().await;
    assert_eq!(
        report.summary(),
        format!("Up to date: {total} new documents.")
    );

    // Progress: the people first, then counts that only go up, ending with everything.
    assert_eq!(
        progress[0],
        SyncProgress {
            people_total: 5,
            people_done: 0,
            documents_received: 0
        }
    );
    assert!(progress
        .windows(2)
        .all(|w| w[0].people_done <= w[1].people_done
            && w[0].documents_received <= w[1].documents_received));
    assert_eq!(
        *progress.last().unwrap(),
        SyncProgress {
            people_total: 5,
            people_done: 5,
            documents_received: total
        }
    );

    // What was kept is what the council published, to the penny, with the person's details.
    let (margaret, margaret_id, _) = &world.people[0];
    let stored = world
        .store
        .person(&PersonId(margaret_id.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.access.given_name, margaret.given_name);
    assert_eq!(stored.access.client_id, margaret.client_id);
    assert_eq!(stored.last_synced_at, Some(world.council.now()));
    let summaries = world
        .store
        .list_documents(&PersonId(margaret_id.clone()), &DocumentFilter::default())
        .await
        .unwrap();
    for summary in &summaries {
        let document = world
            .store
            .get_document(&PersonId(margaret_id.clone()), &summary.document_id)
            .await
            .unwrap()
            .unwrap();
        let advice = match document.content {
            DocumentContent::Remittance(advice) => advice,
            // Other kinds are kept as their typed body, listed with its reference and amount.
            DocumentContent::Other(json) => {
                assert_eq!(
                    summary.kind,
                    cfp_domain::DocumentKind::FinancialAssessmentResult
                );
                let result: cfp_domain::FinancialAssessmentResult =
                    serde_json::from_value(json).unwrap();
                assert_eq!(result.client_id(), margaret.client_id);
                assert_eq!(summary.reference.as_deref(), Some(result.reference()));
                assert_eq!(summary.net, Some(result.weekly_contribution()));
                continue;
            }
        };
        let published = advices_of(&world.records, margaret)
            .into_iter()
            .find(|a| a.header().reference == advice.header().reference)
            .unwrap();
        assert_eq!(&advice, published);
        assert_eq!(summary.net, Some(published.net_amount()));
    }

    // Again: nothing new, nothing changed, and last-synced moves on.
    let before = world.snapshot().await;
    world.council.clock.advance(time::Duration::minutes(5));
    let (again, progress) = world
        .sync_via(&world.council.api_url(), quick(), &Waits::default())
        .await;
    let again = again.unwrap();
    assert!(again.is_complete());
    assert_eq!((again.new_documents(), again.updated_documents()), (0, 0));
    assert_eq!((again.people_added, again.people_removed), (0, 0));
    assert_eq!(progress.last().unwrap().documents_received, 0);
    assert_eq!(again.summary(), "Up to date: no new documents.");
    let after = world.snapshot().await;
    assert_eq!(after.len(), before.len());
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(
            (&a.0, &a.2, a.3),
            (&b.0, &b.2, b.3),
            "same cursor and documents"
        );
        assert_eq!(a.1, Some(world.council.now()), "last synced now");
    }
}

#[tokio::test]
async fn new_corrected_and_withdrawn_advices_arrive_and_removed_access_purges() {
    let world = World::new().await;
    world.sync().await;

    // The finance system publishes one new advice, corrects one and withdraws one.
    let dennis = advices_of(&world.records, &world.people[1].0);
    let irene = advices_of(&world.records, &world.people[2].0);
    let thomas = advices_of(&world.records, &world.people[3].0);
    let fresh = next_advice(dennis.last().unwrap());
    let fixed = corrected(irene[0], 1_234);
    let summary = world
        .council
        .import(RemittanceImport {
            people: vec![],
            remittances: vec![fresh.clone(), fixed.clone()],
            withdrawn: vec![thomas[0].header().reference.clone()],
            ..Default::default()
        })
        .await;
    assert_eq!(
        (
            summary.documents_added,
            summary.documents_corrected,
            summary.documents_withdrawn
        ),
        (1, 1, 1)
    );

    let report = world.sync().await;
    assert!(report.is_complete(), "{report:?}");
    let mut counts = vec![(9, 9, 9); world.people.len()];
    for p in &report.people {
        counts[world.index_of(&p.person_id)] =
            (p.new_documents, p.updated_documents, p.removed_documents);
    }
    assert_eq!(
        counts,
        [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0)]
    );
    world.assert_store_matches_council().await;
    // The correction replaced the old version, with the new amount.
    let irene_docs = world
        .store
        .list_documents(&world.person_id(2), &DocumentFilter::default())
        .await
        .unwrap();
    let kept = irene_docs
        .iter()
        .find(|d| d.reference.as_deref() == Some(fixed.header().reference.as_str()))
        .unwrap();
    assert_eq!(kept.version, 2);
    assert_eq!(kept.net, Some(fixed.net_amount()));
    assert_eq!(
        kept.net.unwrap() - irene[0].net_amount(),
        Money::from_pence(1_234)
    );

    // The finance team takes away access to Thomas: he is no longer listed, so he is purged.
    world.council.remove_access(&world.people[3].2).await;
    let report = world.sync().await;
    assert_eq!(report.people_removed, 1);
    assert_eq!(report.people.len(), 4);
    assert_eq!(world.store.person(&world.person_id(3)).await.unwrap(), None);
    assert!(world.kept(3).await.is_empty());
    assert_eq!(world.store.cursor(&world.person_id(3)).await.unwrap(), None);

    // Access to Chloe goes while the app is syncing (after it read the people list): her feed
    // answers 404, and she is purged too.
    let request_id = world.people[4].2.clone();
    let finance = world.council.finance.clone();
    let clock = world.council.clock.clone();
    *world.council.after_people.lock().unwrap() = Some(Box::new(
        move || -> futures_util::future::BoxFuture<'static, ()> {
            Box::pin(async move {
                let mut conn = finance.pool().acquire().await.unwrap();
                council_finance::access::remove(
                    &mut conn,
                    &request_id,
                    "staff",
                    "Ended.",
                    clock.now(),
                )
                .await
                .unwrap();
            })
        },
    ));
    let report = world.sync().await;
    let chloe = report
        .people
        .iter()
        .find(|p| p.person_id == world.person_id(4))
        .unwrap();
    assert!(chloe.access_removed);
    assert!(chloe.error.is_none());
    assert_eq!(report.people_removed, 1);
    assert_eq!(world.store.person(&world.person_id(4)).await.unwrap(), None);
    assert!(world.kept(4).await.is_empty());
    // Everyone else is still there and up to date.
    assert_eq!(world.store.people().await.unwrap().len(), 3);
    world.assert_store_matches_council().await;
}

#[tokio::test]
async fn offline_is_reported_once_and_the_next_sync_completes() {
    let mut world = World::new().await;
    world.sync().await;
    let fresh = next_advice(advices_of(&world.records, &world.people[0].0)[0]);
    world
        .council
        .import(RemittanceImport {
            people: vec![],
            remittances: vec![fresh],
            withdrawn: vec![],
            ..Default::default()
        })
        .await;

    world.council.stop().await;
    let before = world.snapshot().await;
    let waits = Waits::default();
    let (report, progress) = world
        .sync_via(&world.council.api_url(), quick(), &waits)
        .await;
    let report = report.expect("offline is not an error");
    assert!(report.offline);
    assert!(report.people.is_empty(), "no person was tried");
    assert!(progress.is_empty());
    assert!(
        waits.taken().is_empty(),
        "no retries of an unreachable council"
    );
    assert!(!report.is_complete());
    assert_eq!(
        report.summary(),
        "You are offline. You can still read the documents saved on this computer."
    );
    assert_eq!(world.snapshot().await, before, "the store is untouched");

    world.council.restart().await;
    let report = world.sync().await;
    assert!(report.is_complete());
    assert_eq!(report.new_documents(), 1);
    world.assert_store_matches_council().await;
}

#[tokio::test]
async fn a_connection_cut_mid_page_leaves_whole_pages_and_the_next_run_completes() {
    let world = World::new().await;
    // Response 1 is the people list; response 5 is a page of some person's feed.
    let proxy = CuttingProxy::start(world.council.addr, 5).await;
    let through_proxy = Url::parse(&format!("http://{}/api/v1/", proxy.addr)).unwrap();
    let no_retries = SyncOptions {
        max_retries: 0,
        ..quick()
    };
    let (report, _) = world
        .sync_via(&through_proxy, no_retries.clone(), &Waits::default())
        .await;
    let report = report.unwrap();
    assert_eq!(proxy.cuts.load(std::sync::atomic::Ordering::SeqCst), 1);
    let failed: Vec<_> = report.people.iter().filter(|p| p.error.is_some()).collect();
    assert_eq!(failed.len(), 1, "{report:?}");
    assert!(matches!(
        failed[0].error,
        Some(PersonSyncError::Council(ApiError::Interrupted))
    ));
    assert!(!report.offline);

    // Every page is there whole or not at all: each person holds exactly the council's
    // documents up to their cursor.
    for n in 0..world.people.len() {
        let cursor = world.store.cursor(&world.person_id(n)).await.unwrap();
        let upto = cursor.as_ref().map(change_number).unwrap_or(0);
        let expected: Vec<(String, u32)> = world
            .council
            .documents_of(&world.people[n].1)
            .await
            .into_iter()
            .filter(|(_, _, change)| *change <= upto)
            .map(|(id, version, _)| (id, version))
            .collect();
        assert_eq!(world.kept(n).await, expected, "person {n}");
        if world.person_id(n) == failed[0].person_id {
            assert!(
                expected.len() < world.council.documents_of(&world.people[n].1).await.len(),
                "the cut person is part way"
            );
        }
    }

    // The next run (the connection holds this time) resumes and completes exactly.
    let (report, _) = world
        .sync_via(&through_proxy, no_retries, &Waits::default())
        .await;
    let report = report.unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(proxy.cuts.load(std::sync::atomic::Ordering::SeqCst), 1);
    world.assert_store_matches_council().await;
    assert_eq!(
        world.store.people().await.unwrap().len(),
        world.records.people.len()
    );
}

#[tokio::test]
async fn a_cut_page_is_retried_within_the_run() {
    let world = World::new().await;
    let proxy = CuttingProxy::start(world.council.addr, 3).await;
    let through_proxy = Url::parse(&format!("http://{}/api/v1/", proxy.addr)).unwrap();
    let waits = Waits::default();
    let (report, _) = world.sync_via(&through_proxy, quick(), &waits).await;
    let report = report.unwrap();
    assert_eq!(proxy.cuts.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.new_documents(), world.records.document_count());
    let waits = waits.taken();
    assert_eq!(waits.len(), 1, "one retry");
    assert!(
        waits[0] <= Duration::from_millis(1),
        "within the first backoff"
    );
    world.assert_store_matches_council().await;
}

#[tokio::test]
async fn a_busy_council_is_waited_for_as_its_retry_after_says() {
    let world = World::new().await;
    // The first answer asks for 2 seconds; the second names a moment 3 seconds from now.
    let at = std::time::SystemTime::from(world.council.now() + time::Duration::seconds(3));
    let date = httpdate::fmt_http_date(at);
    world.council.busy.for_next(&["2", date.as_str()]);
    let waits = Waits::default();
    let (report, _) = world
        .sync_via(&world.council.api_url(), quick(), &waits)
        .await;
    let report = report.unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(
        world
            .council
            .busy
            .answered
            .load(std::sync::atomic::Ordering::SeqCst),
        2
    );
    // The date is measured from the council's own `Date` header (whole seconds, like the date
    // it names), so it gives exactly the 3 seconds the council meant.
    let waits = waits.taken();
    assert_eq!(waits, [Duration::from_secs(2), Duration::from_secs(3)]);
    world.assert_store_matches_council().await;

    // A wait longer than the cap is capped.
    world.council.busy.for_next(&["3600"]);
    let capped = SyncOptions {
        max_backoff: Duration::from_secs(5),
        ..quick()
    };
    let waits = Waits::default();
    let (report, _) = world
        .sync_via(&world.council.api_url(), capped, &waits)
        .await;
    assert!(report.unwrap().is_complete());
    assert_eq!(waits.taken(), [Duration::from_secs(5)]);

    // Still busy after every retry: the run says so, and nothing changed.
    let before = world.snapshot().await;
    world.council.busy.for_next(&["1"; 10]);
    let few = SyncOptions {
        max_retries: 2,
        ..quick()
    };
    let waits = Waits::default();
    let (result, _) = world.sync_via(&world.council.api_url(), few, &waits).await;
    assert!(matches!(
        result,
        Err(SyncError::Council(ApiError::Unavailable {
            retry_after: Some(d)
        })) if d == Duration::from_secs(1)
    ));
    assert_eq!(waits.taken().len(), 2);
    assert_eq!(world.snapshot().await, before);
}

#[tokio::test]
async fn access_requests_made_offline_are_sent_when_back_online() {
    let mut world = World::new().await;
    // A person the council holds whom the representative has not asked for yet.
    let george = ImportPerson {
        client_id: "100999001".parse().unwrap(),
        given_name: "George".into(),
        family_name: "Bennett".into(),
        date_of_birth: time::macros::date!(1950 - 04 - 12),
        address: "9 Henwick Road, Worcester".into(),
        postcode: "WR2 5NS".parse().unwrap(),
    };
    world
        .council
        .import(RemittanceImport {
            people: vec![george.clone()],
            remittances: vec![],
            withdrawn: vec![],
            ..Default::default()
        })
        .await;
    world.council.stop().await;

    let good = OutboxAction::RequestAccess(council::ask_for(&george));
    // An attorney must say what shows it: the council refuses this one as invalid.
    let mut without_evidence = council::ask_for(&george);
    without_evidence.evidence = None;
    let refused = OutboxAction::RequestAccess(without_evidence);
    let made = world.council.now();
    let good_id = good.queue(&world.store, made).await.unwrap();
    let refused_id = refused.queue(&world.store, made).await.unwrap();

    let report = world.sync().await;
    assert!(report.offline);
    assert_eq!(report.outbox_sent, 0);
    let waiting = world.store.outbox_list().await.unwrap();
    assert_eq!(waiting.len(), 2);
    assert!(
        waiting.iter().all(|i| i.attempts == 0),
        "offline is not an attempt"
    );

    world.council.restart().await;
    let report = world.sync().await;
    assert_eq!(report.outbox_sent, 1);
    assert_eq!(report.outbox_problems.len(), 1);
    let problem = &report.outbox_problems[0];
    assert_eq!(problem.id, refused_id);
    assert_eq!(problem.attempts, 1);
    assert!(matches!(
        &problem.error,
        Some(ApiError::Invalid { status: 400, code, .. }) if code == "invalidRequest"
    ));
    assert!(report
        .summary()
        .ends_with("1 waiting request sent. 1 request could not be sent."));
    let waiting = world.store.outbox_list().await.unwrap();
    assert_eq!(
        waiting.len(),
        1,
        "the sent one is gone, the refused one kept"
    );
    assert_eq!((waiting[0].id, waiting[0].attempts), (refused_id, 1));
    assert_ne!(waiting[0].id, good_id);

    // The council has the request, waiting for review.
    let api = world.api(&world.council.api_url());
    let requests = api.access_requests(&world.token).await.unwrap();
    let sent: Vec<_> = requests
        .iter()
        .filter(|r| r.person.given_name == "George")
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].state, cfp_domain::AccessRequestState::Pending);
    assert_eq!(sent[0].person.client_id, Some(george.client_id));

    // Sent once only: the next run sends nothing new and tries the refused one again.
    let report = world.sync().await;
    assert_eq!(report.outbox_sent, 0);
    assert_eq!(report.outbox_problems[0].attempts, 2);
    let requests = api.access_requests(&world.token).await.unwrap();
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.person.given_name == "George")
            .count(),
        1
    );
}

#[tokio::test]
async fn an_ended_sign_in_stops_the_run_with_one_clear_error() {
    let world = World::new().await;
    let sub = world.council.account("Owen", "owen@example.org").await;
    let short = Secret::new(world.council.token(&sub, 60).await);
    world.council.clock.advance(time::Duration::minutes(2));
    let api = world.api(&world.council.api_url());
    let clock = world.council.clock.clone();
    let now = move || clock.now();
    let result = Syncer::new(&api, &world.store, &now, &OsRandomness)
        .with_options(quick())
        .run(&short, &|_: SyncProgress| {})
        .await;
    let error = result.unwrap_err();
    assert!(
        matches!(error, SyncError::SignedOut { expired: true }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "Your sign-in has ended. Please sign in again."
    );
    assert!(world.store.people().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_api_client_speaks_every_route() {
    let world = World::new().await;
    let api = world.api(&world.council.api_url());
    let me = api.me(&world.token).await.unwrap();
    assert_eq!(me.name, "Rep Tester");
    let people = api.people(&world.token).await.unwrap();
    assert_eq!(people.people.len(), 5);
    let page = api
        .changes(&world.token, &world.people[0].1, None, 2)
        .await
        .unwrap();
    assert_eq!(page.changes.len(), 2);
    assert!(page.more && page.unreadable.is_empty());
    let rest = api
        .changes(&world.token, &world.people[0].1, Some(&page.cursor), 500)
        .await
        .unwrap();
    assert!(!rest.more);
    assert_eq!(
        page.changes.len() + rest.changes.len(),
        world.council.documents_of(&world.people[0].1).await.len()
    );
    assert_eq!(
        api.changes(&world.token, "no-such-person", None, 5)
            .await
            .unwrap_err(),
        ApiError::NotFound
    );
    assert!(matches!(
        api.changes(&world.token, &world.people[0].1, Some("not-a-cursor"), 5)
            .await
            .unwrap_err(),
        ApiError::Invalid { status: 400, .. }
    ));
    assert_eq!(
        api.people(&Secret::new("not a token".into()))
            .await
            .unwrap_err(),
        ApiError::Unauthorised { expired: false }
    );

    // Create, withdraw, and send again with corrected details.
    let george = ImportPerson {
        client_id: "100999002".parse().unwrap(),
        given_name: "Georgina".into(),
        family_name: "Price".into(),
        date_of_birth: time::macros::date!(1948 - 02 - 03),
        address: "3 Bath Road, Worcester".into(),
        postcode: "WR5 3AB".parse().unwrap(),
    };
    let created = api
        .create_access_request(&world.token, &council::ask_for(&george))
        .await
        .unwrap();
    assert_eq!(created.state, cfp_domain::AccessRequestState::Pending);
    let withdrawn = api
        .withdraw_access_request(&world.token, &created.request_id)
        .await
        .unwrap();
    assert_eq!(withdrawn.state, cfp_domain::AccessRequestState::Withdrawn);
    let again = api
        .withdraw_access_request(&world.token, &created.request_id)
        .await
        .unwrap_err();
    assert!(matches!(again, ApiError::Invalid { status: 409, ref code, .. } if code == "conflict"));
    let mut fixed = council::ask_for(&george);
    fixed.evidence = Some("V9ZZ-1111-2222".into());
    let resent = api
        .resubmit_access_request(&world.token, &created.request_id, &fixed)
        .await
        .unwrap();
    assert_eq!(resent.state, cfp_domain::AccessRequestState::Pending);
    assert_eq!(resent.evidence.as_deref(), Some("V9ZZ-1111-2222"));
    assert_eq!(
        api.withdraw_access_request(&world.token, "no-such-request")
            .await
            .unwrap_err(),
        ApiError::NotFound
    );
    let listed = api.access_requests(&world.token).await.unwrap();
    assert!(listed.iter().any(|r| r.request_id == created.request_id));

    // Nothing listens on this port: offline, said plainly.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let nowhere = world.api(&Url::parse(&format!("http://127.0.0.1:{port}/api/v1/")).unwrap());
    let error = nowhere.people(&world.token).await.unwrap_err();
    assert_eq!(error, ApiError::Offline);
    assert!(!error.to_string().contains("127.0.0.1"));
}

#[tokio::test]
async fn a_link_at_5_kb_per_second_times_out_plainly_and_a_later_run_completes() {
    let world = World::new().await;
    // Margaret has sixty more advices, each with a note that does not compress, so a page of
    // her feed is tens of kilobytes even gzipped: seconds at 5 KB/s.
    let first = advices_of(&world.records, &world.people[0].0)[0];
    let more: Vec<RemittanceAdvice> = (0..60)
        .map(|n| {
            let mut noise = [0u8; 300];
            getrandom::fill(&mut noise).unwrap();
            let note = base64::engine::general_purpose::STANDARD.encode(noise);
            let advice = renamed(&next_advice(first), &format!("-{n}"));
            let mut lines = advice.lines().to_vec();
            lines[0].council_note = Some(note);
            RemittanceAdvice::new(advice.header().clone(), lines, advice.net_amount()).unwrap()
        })
        .collect();
    world
        .council
        .import(RemittanceImport {
            remittances: more,
            ..Default::default()
        })
        .await;
    let proxy = SlowProxy::start(world.council.addr, 5 * 1024).await;
    let through_proxy = Url::parse(&format!("http://{}/api/v1/", proxy.addr)).unwrap();
    let big_pages = SyncOptions {
        page_size: 100,
        max_retries: 1,
        ..quick()
    };
    // A client that gives up on a request after one second: the people list (a few hundred
    // bytes) arrives, Margaret's first page cannot.
    let impatient = world.api_with(&through_proxy, Duration::from_secs(1), time::Duration::ZERO);
    let (report, _) = world
        .sync_with(
            &impatient,
            big_pages.clone(),
            &Waits::default(),
            time::Duration::ZERO,
        )
        .await;
    let report = report.expect("a slow link is an answer, not a failure");
    assert!(report.offline, "{report:?}");
    assert!(!report.is_complete());
    assert_eq!(
        report.summary(),
        "You are offline. You can still read the documents saved on this computer."
    );
    assert_eq!(
        world.store.people().await.unwrap().len(),
        world.people.len(),
        "the people list arrived"
    );
    let part_way = world.assert_whole_pages().await;
    assert!(part_way > 0, "the slow link stopped the run part way");
    let slowly = proxy.forwarded.load(std::sync::atomic::Ordering::SeqCst);

    // Later, on the same slow link, with the app's own timeout (30 seconds): the run resumes
    // and completes, slowly.
    let patient = world.api_with(
        &through_proxy,
        Duration::from_secs(30),
        time::Duration::ZERO,
    );
    let (report, _) = world
        .sync_with(&patient, big_pages, &Waits::default(), time::Duration::ZERO)
        .await;
    let report = report.unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert!(proxy.forwarded.load(std::sync::atomic::Ordering::SeqCst) > slowly);
    world.assert_store_matches_council().await;
}

/// The computer's clock a day ahead of the council's, or a day behind: the access token (which
/// the council judges by its own clock) still works, "last checked" is the computer's own time,
/// and a `Retry-After` date means the wait the council asked for.
async fn a_skewed_clock_changes_nothing(skew: time::Duration) {
    let mut world = World::new().await;
    let api = world.api_with(&world.council.api_url(), Duration::from_secs(20), skew);
    // The council is busy for one answer and names a moment 3 seconds after its own now.
    let at = std::time::SystemTime::from(world.council.now() + time::Duration::seconds(3));
    world
        .council
        .busy
        .for_next(&[httpdate::fmt_http_date(at).as_str()]);
    let waits = Waits::default();
    let (report, _) = world.sync_with(&api, quick(), &waits, skew).await;
    let report = report.unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert_eq!(report.new_documents(), world.records.document_count());
    assert_eq!(
        waits.taken(),
        [Duration::from_secs(3)],
        "the council's 3 seconds"
    );
    assert_eq!(report.finished_at, world.council.now() + skew);
    world.assert_store_matches_council().await;
    for person in world.store.people().await.unwrap() {
        assert_eq!(person.last_synced_at, Some(world.council.now() + skew));
    }

    // A day later by both clocks, a new advice: it arrives, and only it.
    world.council.clock.advance(time::Duration::days(1));
    world.new_token().await;
    let fresh = next_advice(advices_of(&world.records, &world.people[0].0)[0]);
    world
        .council
        .import(RemittanceImport {
            remittances: vec![fresh],
            ..Default::default()
        })
        .await;
    let (report, _) = world.sync_with(&api, quick(), &waits, skew).await;
    let report = report.unwrap();
    assert!(report.is_complete(), "{report:?}");
    assert_eq!((report.new_documents(), report.updated_documents()), (1, 0));
    assert!(waits.taken().is_empty());
    world.assert_store_matches_council().await;
    let margaret = world
        .store
        .person(&world.person_id(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(margaret.last_synced_at, Some(world.council.now() + skew));
}

#[tokio::test]
async fn a_computer_clock_a_day_ahead_syncs_as_usual() {
    a_skewed_clock_changes_nothing(time::Duration::days(1)).await;
}

#[tokio::test]
async fn a_computer_clock_a_day_behind_syncs_as_usual() {
    a_skewed_clock_changes_nothing(-time::Duration::days(1)).await;
}

#[tokio::test]
async fn a_council_restored_from_yesterdays_backup_is_read_again_without_loss_or_duplicates() {
    let mut world = World::new().await;
    world.sync().await;
    let last_night = world.council.backup().await;

    // The next day: a new advice for Dennis, a correction for Irene, one of Thomas's withdrawn.
    world.council.clock.advance(time::Duration::days(1));
    world.new_token().await;
    let records = world.records.clone();
    let people: Vec<ImportPerson> = world.people.iter().map(|p| p.0.clone()).collect();
    let margaret = advices_of(&records, &people[0]);
    let dennis = advices_of(&records, &people[1]);
    let irene = advices_of(&records, &people[2]);
    let thomas = advices_of(&records, &people[3]);
    world
        .council
        .import(RemittanceImport {
            remittances: vec![
                next_advice(dennis.last().unwrap()),
                corrected(irene[0], 500),
            ],
            withdrawn: vec![thomas[0].header().reference.clone()],
            ..Default::default()
        })
        .await;
    let report = world.sync().await;
    assert_eq!((report.new_documents(), report.updated_documents()), (1, 1));
    world.assert_store_matches_council().await;

    // The council loses its database and restores last night's backup: that day's changes are
    // gone, and its change numbers are handed out again to what the finance system sends next
    // (a different advice for Dennis and a new one for Margaret).
    world.council.restore(&last_night).await;
    world.new_token().await;
    let other = renamed(&next_advice(dennis[0]), "-AGAIN");
    world
        .council
        .import(RemittanceImport {
            remittances: vec![other, next_advice(margaret.last().unwrap())],
            ..Default::default()
        })
        .await;

    let report = world.sync().await;
    assert!(report.is_complete(), "{report:?}");
    let mut read_again: Vec<usize> = (report.people.iter())
        .filter(|p| p.read_again)
        .map(|p| world.index_of(&p.person_id))
        .collect();
    read_again.sort_unstable();
    assert_eq!(
        read_again,
        [1, 2, 3],
        "those whose cursors were past the backup"
    );
    // Exactly the council's documents and versions: Dennis's lost advice gone and his new one
    // there, Irene's advice back at the version the council holds, Thomas's advice back.
    world.assert_store_matches_council().await;
    assert_eq!(
        world.kept(2).await.iter().map(|d| d.1).max(),
        Some(1),
        "Irene's correction was lost with the day"
    );
    for n in 0..world.people.len() {
        let ids: Vec<String> = world.kept(n).await.into_iter().map(|d| d.0).collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique, "no document twice for person {n}");
    }

    // Not stalled: the next run is an ordinary, quiet one.
    let again = world.sync().await;
    assert!(again.is_complete());
    assert!(again.people.iter().all(|p| !p.read_again));
    assert_eq!((again.new_documents(), again.updated_documents()), (0, 0));
    world.assert_store_matches_council().await;
}

/// Set in the child process of the SIGKILL test: `store path|key hex|API address|token`.
const SYNC_CHILD: &str = "CFP_TEST_SYNC_CHILD";

/// The child's whole life: open the store and sync it, page by page, as the app would.
async fn sync_as_child(spec: &str) {
    let parts: Vec<&str> = spec.split('|').collect();
    let [path, key, url, token] = parts[..] else {
        panic!("the child's instructions have four parts");
    };
    let mut bytes = [0u8; 32];
    for (n, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&key[2 * n..2 * n + 2], 16).unwrap();
    }
    let store = Store::open(
        &StoreLocation::File(path.into()),
        &StoreKey::from_bytes(bytes),
    )
    .await
    .unwrap();
    let http = CouncilHttp::new(HttpTimeouts::default()).unwrap();
    let api = CouncilApi::new(
        http,
        &Url::parse(url).unwrap(),
        Arc::new(cfp_council_client::SystemClock),
    )
    .unwrap();
    let one_page_at_a_time = SyncOptions {
        concurrency: 1,
        page_size: 500,
        ..quick()
    };
    let report = Syncer::new(
        &api,
        &store,
        &cfp_council_client::SystemClock,
        &OsRandomness,
    )
    .with_options(one_page_at_a_time)
    .run(&Secret::new(token.into()), &|_: SyncProgress| {})
    .await
    .unwrap();
    assert!(report.is_complete(), "{report:?}");
}

#[tokio::test]
async fn a_sync_killed_while_applying_a_page_leaves_a_whole_store_and_resumes() {
    if let Ok(spec) = std::env::var(SYNC_CHILD) {
        return sync_as_child(&spec).await;
    }
    let world = World::new().await;
    // The first person the council lists gets 400 more advices, so their first page (500
    // changes) takes the child tens of milliseconds to read, check and write.
    let api = world.api(&world.council.api_url());
    let first = api.people(&world.token).await.unwrap().people[0]
        .person_id
        .clone();
    let n = world.people.iter().position(|p| p.1 == first).unwrap();
    let one = advices_of(&world.records, &world.people[n].0)[0];
    world
        .council
        .import(RemittanceImport {
            remittances: (0..400)
                .map(|k| renamed(&next_advice(one), &format!("-{k}")))
                .collect(),
            ..Default::default()
        })
        .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("killed.db");
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).unwrap();
    let key_hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let open = || async {
        Store::open(
            &StoreLocation::File(path.clone()),
            &StoreKey::from_bytes(key),
        )
        .await
        .expect("the store opens after the kill")
    };
    // Every page is whole or absent: each person holds exactly the council's documents up to
    // their cursor. Returns whether the first person's big page is in.
    let check = |round: usize| {
        let (world, open, first) = (&world, &open, &first);
        async move {
            let store = open().await;
            for (n, person) in world.people.iter().enumerate() {
                let id = PersonId(person.1.clone());
                let cursor = store.cursor(&id).await.unwrap();
                let upto = cursor.as_ref().map(change_number).unwrap_or(0);
                let expected: Vec<(String, u32)> = (world.council.documents_of(&person.1))
                    .await
                    .into_iter()
                    .filter(|(_, _, change)| *change <= upto)
                    .map(|(id, version, _)| (id, version))
                    .collect();
                assert_eq!(
                    kept(&store, &id).await,
                    expected,
                    "round {round}, person {n}"
                );
            }
            store
                .cursor(&PersonId(first.clone()))
                .await
                .unwrap()
                .is_some()
        }
    };
    let run_child = |hold_after: usize, kill_after: Option<Duration>| {
        let (world, path, key_hex) = (&world, &path, &key_hex);
        async move {
            let proxy = CuttingProxy::start(world.council.addr, 0).await;
            (proxy.hold_after).store(hold_after, std::sync::atomic::Ordering::SeqCst);
            let url = format!("http://{}/api/v1/", proxy.addr);
            let spec = format!(
                "{}|{key_hex}|{url}|{}",
                path.display(),
                world.token.expose()
            );
            let mut child = tokio::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "a_sync_killed_while_applying_a_page_leaves_a_whole_store_and_resumes",
                    "--exact",
                    "--test-threads=1",
                ])
                .env(SYNC_CHILD, spec)
                .stdout(std::process::Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .unwrap();
            let status = tokio::select! {
                () = proxy.held.notified(), if kill_after.is_some() => {
                    // This delay places the fault; it synchronises nothing: every moment
                    // must leave a whole store.
                    tokio::time::sleep(kill_after.unwrap()).await;
                    let _ = child.start_kill(); // SIGKILL on Unix
                    child.wait().await.unwrap()
                }
                status = child.wait() => status.unwrap(),
            };
            status
        }
    };

    // The proxy passes on the people list and the big page, then holds every later answer.
    // Each round the child is killed with SIGKILL a little later after the page's last byte
    // (0, 2, 4 ... ms), so the kills sweep across reading, checking and writing the page, until
    // one comes after the page is in.
    let mut killed = 0;
    for round in 0.. {
        assert!(round < 200, "the page never went in");
        let delay = Duration::from_millis(2 * round as u64);
        let status = run_child(2, Some(delay)).await;
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(9),
            "killed, not finished or failed: {status:?}"
        );
        killed += 1;
        if check(round).await {
            break;
        }
    }
    assert!(killed >= 2, "killed {killed} times before the page went in");

    // Then the sync, unheld, resumes from the cursors and finishes: everything the council holds.
    let status = run_child(0, None).await;
    assert!(status.success(), "the resumed sync completed: {status:?}");
    let store = open().await;
    for (n, person) in world.people.iter().enumerate() {
        let council: Vec<(String, u32)> = (world.council.documents_of(&person.1))
            .await
            .into_iter()
            .map(|(id, version, _)| (id, version))
            .collect();
        assert_eq!(
            kept(&store, &PersonId(person.1.clone())).await,
            council,
            "person {n}"
        );
    }
}
