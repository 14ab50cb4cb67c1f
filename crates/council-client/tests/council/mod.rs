//! The real council service (identity + finance over one SQLite file) on a loopback port, for
//! the sync tests and the sync benchmark, with the finance system's and the finance team's
//! parts played through the finance crate's own functions.
//!
//! The service can be stopped (every connection closed, as when the process ends) and started
//! again on the same port, and an optional layer can answer the first requests with 503.

#![allow(dead_code)] // The tests and the benchmark each use a different part of this.

pub mod proxy;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use council_api::{ImportPerson, NewAccessRequest, RemittanceImport, RequestedPerson};
use council_finance::{access, import, Finance, FinanceConfig};
use council_identity::accounts::AccountDetails;
use council_identity::{AccessTokenClaims, Identity, IdentityConfig, Policy};
use council_kit::clock::{Clock, ManualClock};
use council_kit::mail::Mailer;
use council_kit::secret::{random_token, OsRandomness};
use time::OffsetDateTime;
use tokio::sync::oneshot;
use url::Url;

/// What the 503 layer should do: answer this many requests to the API with 503, each with
/// the `Retry-After` value made by `retry_after` (given the request's number, from 0).
#[derive(Clone, Default)]
pub struct Busy {
    pub remaining: Arc<AtomicUsize>,
    pub answered: Arc<AtomicUsize>,
    pub retry_after: Arc<Mutex<Vec<String>>>,
}

impl Busy {
    pub fn for_next(&self, values: &[&str]) {
        *self.retry_after.lock().unwrap() = values.iter().map(|v| v.to_string()).collect();
        self.remaining.store(values.len(), Ordering::SeqCst);
    }
}

/// Something to do once, right after the council answers `GET /people` (a change the finance
/// team makes while the app is syncing).
pub type AfterPeople =
    Arc<Mutex<Option<Box<dyn FnOnce() -> futures_util::future::BoxFuture<'static, ()> + Send>>>>;

pub struct Council {
    pub addr: SocketAddr,
    pub base: String,
    pub identity: Identity,
    pub finance: Finance,
    pub clock: ManualClock,
    pub busy: Busy,
    pub after_people: AfterPeople,
    /// Requests the service has answered (the 503 layer counts too).
    pub requests: Arc<AtomicUsize>,
    ids: Arc<AtomicUsize>,
    _dir: tempfile::TempDir,
    running: Option<(oneshot::Sender<()>, tokio::task::JoinHandle<()>)>,
}

impl Drop for Council {
    fn drop(&mut self) {
        if let Some((_, task)) = self.running.take() {
            task.abort();
        }
    }
}

/// Identity and finance over the database in `dir` (made on first use).
async fn services(base: &str, dir: &std::path::Path, clock: &ManualClock) -> (Identity, Finance) {
    let pool =
        council_kit::db::open_sqlite(&format!("sqlite://{}", dir.join("council.db").display()))
            .await
            .unwrap();
    let mailer =
        Arc::new(Mailer::outbox("Test Council <no-reply@example.org>", &dir.join("mail")).unwrap());
    let identity = Identity::start(
        IdentityConfig {
            issuer: Url::parse(base).unwrap(),
            council_name: "Test Council".into(),
            service_name: "Your council account".into(),
            access_token_audience: council_api::AUDIENCE.into(),
            policy: Policy::default(),
            clients: vec![],
        },
        pool.clone(),
        mailer.clone(),
        Arc::new(clock.clone()),
        Arc::new(OsRandomness),
    )
    .await
    .unwrap();
    let finance = Finance::start(
        FinanceConfig {
            council_name: "Test Council".into(),
            import_credential: None,
            secure_cookies: false,
        },
        pool,
        identity.access_token_verifier(),
        mailer,
        Arc::new(clock.clone()),
        Arc::new(OsRandomness),
    )
    .await
    .unwrap();
    (identity, finance)
}

impl Council {
    pub async fn start() -> Council {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::starting_now();
        let (identity, finance) = services(&base, dir.path(), &clock).await;
        let mut council = Council {
            addr,
            base,
            identity,
            finance,
            clock,
            busy: Busy::default(),
            after_people: Arc::new(Mutex::new(None)),
            requests: Arc::new(AtomicUsize::new(0)),
            ids: Arc::new(AtomicUsize::new(0)),
            _dir: dir,
            running: None,
        };
        council.serve(listener);
        council
    }

    /// The documents API's address, as a council profile gives it.
    pub fn api_url(&self) -> Url {
        Url::parse(&format!("{}/api/v1/", self.base)).unwrap()
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        let busy = self.busy.clone();
        let after_people = self.after_people.clone();
        let requests = self.requests.clone();
        let clock = self.clock.clone();
        let app: Router = self.identity.router().merge(self.finance.router()).layer(
            axum::middleware::from_fn(move |request: Request, next: Next| {
                let busy = busy.clone();
                let after_people = after_people.clone();
                let requests = requests.clone();
                let clock = clock.clone();
                async move { layer(busy, after_people, requests, clock, request, next).await }
            }),
        );
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        self.running = Some((stop, task));
    }

    /// Stops the service as a process ending would: no more connections, and the open
    /// keep-alive connections closed.
    pub async fn stop(&mut self) {
        let (stop, task) = self.running.take().expect("the service is running");
        let _ = stop.send(());
        if tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .is_err()
        {
            panic!("the service did not stop");
        }
    }

    /// A backup of the council's whole database as it is now (SQLite's `VACUUM INTO`, which
    /// copies one consistent moment while the service runs).
    pub async fn backup(&self) -> std::path::PathBuf {
        let path = self
            ._dir
            .path()
            .join(format!("backup-{}.db", self.next_id()));
        sqlx::query("VACUUM INTO ?")
            .bind(path.display().to_string())
            .execute(self.finance.pool())
            .await
            .unwrap();
        path
    }

    /// What an operator does after losing the database: stop the service, put the backup in
    /// its place, and start the service again on it (same port, same clock).
    pub async fn restore(&mut self, backup: &std::path::Path) {
        self.stop().await;
        self.finance.pool().close().await;
        self.identity.pool().close().await;
        let db = self._dir.path().join("council.db");
        for end in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{end}", db.display()));
        }
        std::fs::copy(backup, &db).unwrap();
        let (identity, finance) = services(&self.base, self._dir.path(), &self.clock).await;
        self.identity = identity;
        self.finance = finance;
        self.restart().await;
    }

    /// Starts it again on the same port (the issuer in the tokens names the port).
    pub async fn restart(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
    }

    fn next_id(&self) -> String {
        format!("t-{:08}", self.ids.fetch_add(1, Ordering::SeqCst))
    }

    /// The finance system's import, in one transaction.
    pub async fn import(&self, records: RemittanceImport) -> council_api::ImportSummary {
        let ids = self.ids.clone();
        import::apply(
            self.finance.pool(),
            "test data",
            &import::Batch::from_push(records),
            move || format!("t-{:08}", ids.fetch_add(1, Ordering::SeqCst)),
            self.clock.now(),
        )
        .await
        .unwrap()
    }

    /// An account with a confirmed email.
    pub async fn account(&self, given: &str, email: &str) -> String {
        self.identity
            .create_confirmed_account(
                &AccountDetails {
                    given_name: given.into(),
                    family_name: "Tester".into(),
                    address: "1 High Street, Worcester".into(),
                    postcode: "WR1 2AB".into(),
                    email: email.into(),
                },
                "kettle orange bicycle",
            )
            .await
            .unwrap()
            .expect("a new account")
    }

    /// The account asks for access to the person as their attorney, and the finance team
    /// approves it. Returns the request's id (to take access away later).
    pub async fn grant(&self, sub: &str, person: &ImportPerson) -> String {
        let requester = access::Requester {
            sub: sub.into(),
            name: "Rep Tester".into(),
            email: "rep@example.org".into(),
        };
        let id = self.next_id();
        let mut conn = self.finance.pool().acquire().await.unwrap();
        access::create(
            &mut conn,
            &id,
            &requester,
            &ask_for(person),
            self.clock.now(),
        )
        .await
        .unwrap();
        access::approve(&mut conn, &id, "test-staff", self.clock.now())
            .await
            .unwrap();
        id
    }

    /// The finance team takes access away.
    pub async fn remove_access(&self, request_id: &str) {
        let mut conn = self.finance.pool().acquire().await.unwrap();
        access::remove(
            &mut conn,
            request_id,
            "test-staff",
            "The power of attorney has ended.",
            self.clock.now(),
        )
        .await
        .unwrap();
    }

    /// The person's published documents as the council holds them: (id, version, change
    /// number), by id.
    pub async fn documents_of(&self, person_id: &str) -> Vec<(String, u32, i64)> {
        sqlx::query_as::<_, (String, i64, i64)>(
            "SELECT document_id, version, change_number FROM finance_documents \
             WHERE person_id = ? AND NOT withdrawn ORDER BY document_id",
        )
        .bind(person_id)
        .fetch_all(self.finance.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|(id, version, change)| (id, version as u32, change))
        .collect()
    }

    /// The council's opaque id of a person, by client ID.
    pub async fn person_id(&self, client_id: &str) -> String {
        sqlx::query_scalar("SELECT person_id FROM finance_people WHERE client_id = ?")
            .bind(client_id)
            .fetch_one(self.finance.pool())
            .await
            .unwrap()
    }

    /// An access token for the account, signed with the provider's active key as its token
    /// endpoint signs them.
    pub async fn token(&self, sub: &str, lifetime_seconds: i64) -> String {
        use base64::Engine;
        let (kid, key): (String, String) = sqlx::query_as(
            "SELECT kid, private_key_pkcs1_base64 FROM identity_signing_keys \
             WHERE retired_at IS NULL ORDER BY created_at DESC, kid DESC LIMIT 1",
        )
        .fetch_one(self.identity.pool())
        .await
        .unwrap();
        let der = base64::engine::general_purpose::STANDARD
            .decode(key)
            .unwrap();
        let now = self.clock.now().unix_timestamp();
        // A live grant (one sign-in of the account to the app), as the token endpoint makes:
        // the API checks on every call that the token's grant has not been revoked.
        let grant = random_token(&OsRandomness);
        sqlx::query(
            "INSERT INTO identity_grants (id, account_id, client_id, scope, auth_time, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&grant)
        .bind(sub)
        .bind("client-finance-portal-desktop")
        .bind("openid email profile")
        .bind(now)
        .bind(now)
        .execute(self.identity.pool())
        .await
        .unwrap();
        let claims = AccessTokenClaims {
            iss: self.base.clone(),
            sub: sub.into(),
            aud: council_api::AUDIENCE.into(),
            exp: now + lifetime_seconds,
            iat: now,
            scope: "openid email profile".into(),
            client_id: "client-finance-portal-desktop".into(),
            email: "rep@example.org".into(),
            name: "Rep Tester".into(),
            jti: random_token(&OsRandomness),
            sid: grant,
        };
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.kid = Some(kid);
        header.typ = Some("at+jwt".into());
        jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_rsa_der(&der),
        )
        .unwrap()
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }
}

/// An access request for the person, as their attorney (with the evidence that role needs).
pub fn ask_for(person: &ImportPerson) -> NewAccessRequest {
    NewAccessRequest {
        relationship: cfp_domain::Relationship::LastingPowerOfAttorney,
        person: RequestedPerson {
            given_name: person.given_name.clone(),
            family_name: person.family_name.clone(),
            date_of_birth: person.date_of_birth,
            postcode: person.postcode.clone(),
            client_id: Some(person.client_id),
        },
        evidence: Some("V4KM-9QXT-2PLR".into()),
    }
}

/// The 503 answers and the after-people hook, in front of the real routes.
async fn layer(
    busy: Busy,
    after_people: AfterPeople,
    requests: Arc<AtomicUsize>,
    clock: ManualClock,
    request: Request,
    next: Next,
) -> Response {
    requests.fetch_add(1, Ordering::SeqCst);
    let is_api = request.uri().path().starts_with("/api/v1/");
    if is_api
        && busy
            .remaining
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    {
        let n = busy.answered.fetch_add(1, Ordering::SeqCst);
        let value = {
            let values = busy.retry_after.lock().unwrap();
            values[n % values.len()].clone()
        };
        let mut response = (
            StatusCode::SERVICE_UNAVAILABLE,
            [("content-type", "application/json")],
            r#"{"code":"internalError","message":"Closed for maintenance."}"#,
        )
            .into_response();
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from_str(&value).unwrap());
        // The council's own clock stamps the answer (hyper would use the computer's).
        let date = httpdate::fmt_http_date(std::time::SystemTime::from(clock.now()));
        response
            .headers_mut()
            .insert("date", HeaderValue::from_str(&date).unwrap());
        return response;
    }
    let is_people = request.uri().path() == "/api/v1/people";
    let response = next.run(request).await;
    if is_people {
        let hook = after_people.lock().unwrap().take();
        if let Some(hook) = hook {
            hook().await;
        }
    }
    response
}
