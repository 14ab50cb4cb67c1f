//! Benchmark (prints figures; never a pass/fail test): the documents API over loopback.
//!
//! - a page of 500 documents (about 10 lines each), the page size limit;
//! - a first sync of 3,250 documents: 25 people with 130 advices each, every page followed to
//!   the end, as the desktop app does (sequentially, and 4 people at a time).
//!
//! Run: `cargo run --release -p council-finance --example api_bench`
//! (The target for the page of 500 is 50 ms or less on a 2-core machine.)

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use council_api::{ChangesPage, ImportPerson, PeopleList, RemittanceImport};
use council_finance::{access, demo, import, Finance, FinanceConfig};
use council_identity::accounts::AccountDetails;
use council_identity::{AccessTokenClaims, Identity, IdentityConfig, Policy};
use council_kit::clock::{Clock, SystemClock};
use council_kit::mail::Mailer;
use council_kit::secret::{random_token, OsRandomness};
use time::macros::date;

const PEOPLE: u32 = 25;
const PER_PERSON: u32 = 130;
const BIG_PAGE: u32 = 500;
const RUNS: usize = 20;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let pool = council_kit::db::open_sqlite(&format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ))
    .await
    .unwrap();
    let mailer = Arc::new(
        Mailer::outbox("Bench <no-reply@example.org>", &dir.path().join("outbox")).unwrap(),
    );
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let identity = Identity::start(
        IdentityConfig {
            issuer: url::Url::parse(&base).unwrap(),
            council_name: "Bench Council".into(),
            service_name: "Your council account".into(),
            access_token_audience: council_api::AUDIENCE.into(),
            policy: Policy::default(),
            clients: vec![],
        },
        pool.clone(),
        mailer.clone(),
        clock.clone(),
        Arc::new(OsRandomness),
    )
    .await
    .unwrap();
    let finance = Finance::start(
        FinanceConfig {
            council_name: "Bench Council".into(),
            import_credential: None,
            secure_cookies: false,
        },
        pool.clone(),
        identity.access_token_verifier(),
        mailer,
        clock.clone(),
        Arc::new(OsRandomness),
    )
    .await
    .unwrap();

    // 25 people with 130 advices each, and one with 600 for the big page.
    let mut records = RemittanceImport {
        people: vec![],
        remittances: vec![],
        withdrawn: vec![],
        ..Default::default()
    };
    for n in 0..=PEOPLE {
        let person = ImportPerson {
            client_id: format!("2{n:08}").parse().unwrap(),
            given_name: format!("Person{n}"),
            family_name: "Bench".into(),
            date_of_birth: date!(1940 - 01 - 01),
            address: "1 Bench Street, Worcester".into(),
            postcode: "WR1 1AA".parse().unwrap(),
        };
        let count = if n == PEOPLE { 600 } else { PER_PERSON };
        records
            .remittances
            .extend(demo::bulk_advices(&person, count));
        records.people.push(person);
    }
    let started = Instant::now();
    let mut next = 0u64;
    let summary = import::apply(
        finance.pool(),
        "bench data",
        &import::Batch::from_push(records.clone()),
        move || {
            next += 1;
            format!("bench-{next:08}")
        },
        clock.now(),
    )
    .await
    .unwrap();
    println!(
        "Imported {} people and {} documents in one transaction: {:.0} ms",
        summary.people_added,
        summary.documents_added,
        started.elapsed().as_secs_f64() * 1000.0
    );

    // One account with a grant for everyone.
    let sub = identity
        .create_confirmed_account(
            &AccountDetails {
                given_name: "Bench".into(),
                family_name: "Reader".into(),
                address: "1 Bench Street".into(),
                postcode: "WR1 1AA".into(),
                email: "bench@example.org".into(),
            },
            "bench password long enough",
        )
        .await
        .unwrap()
        .unwrap();
    let requester = access::Requester {
        sub: sub.clone(),
        name: "Bench Reader".into(),
        email: "bench@example.org".into(),
    };
    let mut conn = pool.acquire().await.unwrap();
    for (n, person) in records.people.iter().enumerate() {
        let request = council_api::NewAccessRequest {
            relationship: cfp_domain::Relationship::LastingPowerOfAttorney,
            person: council_api::RequestedPerson {
                given_name: person.given_name.clone(),
                family_name: person.family_name.clone(),
                date_of_birth: person.date_of_birth,
                postcode: person.postcode.clone(),
                client_id: Some(person.client_id),
            },
            evidence: Some("V000-0000-0000".into()),
        };
        let id = format!("bench-request-{n}");
        access::create(&mut conn, &id, &requester, &request, clock.now())
            .await
            .unwrap();
        access::approve(&mut conn, &id, "bench", clock.now())
            .await
            .unwrap();
    }
    drop(conn);
    let token = mint(&pool, &base, &sub).await;

    let app = identity
        .router()
        .merge(finance.router())
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = reqwest::Client::builder().build().unwrap();
    let api = |path: &str| format!("{base}/api/v1{path}");

    let people: PeopleList = http
        .get(api("/people"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let big = people
        .people
        .iter()
        .find(|p| p.given_name == format!("Person{PEOPLE}"))
        .unwrap()
        .person_id
        .clone();
    let small: Vec<String> = people
        .people
        .iter()
        .filter(|p| p.person_id != big)
        .map(|p| p.person_id.clone())
        .collect();
    assert_eq!(small.len(), PEOPLE as usize);

    // A page of 500 documents.
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let response = http
            .get(api(&format!("/people/{big}/changes?limit={BIG_PAGE}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let body = response.bytes().await.unwrap();
        times.push(started.elapsed());
        bytes = body.len();
        let page: ChangesPage = serde_json::from_slice(&body).unwrap();
        assert_eq!(page.changes.len(), BIG_PAGE as usize);
    }
    println!(
        "A page of {BIG_PAGE} documents (~10 lines each, gzip): median {:.1} ms, best {:.1} ms, worst {:.1} ms over {RUNS} runs ({} KB of JSON)   target <= 50 ms",
        ms(median(&mut times)),
        ms(times[0]),
        ms(*times.last().unwrap()),
        bytes / 1024
    );
    bench_figure(
        &format!("API: serve a page of {BIG_PAGE} documents (median)"),
        ms(median(&mut times)),
        50.0,
        "ms",
    );

    // First sync of 25 x 130 documents, sequentially and 4 people at a time.
    for concurrency in [1usize, 4] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let mut total = 0;
            for chunk in small.chunks(concurrency) {
                let handles: Vec<_> = chunk
                    .iter()
                    .map(|person| {
                        let http = http.clone();
                        let token = token.clone();
                        let url = api(&format!("/people/{person}/changes"));
                        tokio::spawn(async move { sync_one(&http, &url, &token).await })
                    })
                    .collect();
                for handle in handles {
                    total += handle.await.unwrap();
                }
            }
            times.push(started.elapsed());
            assert_eq!(total, (PEOPLE * PER_PERSON) as usize);
        }
        println!(
            "First sync of {} documents ({PEOPLE} people x {PER_PERSON}, pages of 200, {concurrency} at a time): median {:.0} ms, best {:.0} ms",
            PEOPLE * PER_PERSON,
            ms(median(&mut times)),
            ms(times[0])
        );
    }
}

async fn sync_one(http: &reqwest::Client, url: &str, token: &str) -> usize {
    let mut cursor: Option<String> = None;
    let mut count = 0;
    loop {
        let mut request = http.get(url).bearer_auth(token);
        if let Some(c) = &cursor {
            request = request.query(&[("cursor", c)]);
        }
        let page: ChangesPage = request.send().await.unwrap().json().await.unwrap();
        count += page.changes.len();
        if !page.more {
            return count;
        }
        cursor = Some(page.cursor);
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// An access token signed with the provider's own key, as its token endpoint signs them, for a
/// live grant (the API checks the grant on every request, as it would for the app).
async fn mint(pool: &sqlx::SqlitePool, issuer: &str, sub: &str) -> String {
    use base64::Engine;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    sqlx::query(
        "INSERT INTO identity_grants (id, account_id, client_id, scope, auth_time, created_at) \
         VALUES ('bench-grant', ?, 'bench', 'openid', ?, ?)",
    )
    .bind(sub)
    .bind(now)
    .bind(now)
    .execute(pool)
    .await
    .unwrap();
    let (kid, key): (String, String) = sqlx::query_as(
        "SELECT kid, private_key_pkcs1_base64 FROM identity_signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let der = base64::engine::general_purpose::STANDARD
        .decode(key)
        .unwrap();
    let claims = AccessTokenClaims {
        iss: issuer.into(),
        sub: sub.into(),
        aud: council_api::AUDIENCE.into(),
        exp: now + 3600,
        iat: now,
        scope: "openid".into(),
        client_id: "bench".into(),
        email: "bench@example.org".into(),
        name: "Bench Reader".into(),
        jti: random_token(&OsRandomness),
        sid: "bench-grant".into(),
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

/// One machine-readable line per figure with a goal, for `bash .ci/bench`'s table:
/// `bench-figure<TAB>what<TAB>measured<TAB>goal<TAB>unit` (met when measured <= goal).
fn bench_figure(what: &str, measured: f64, goal: f64, unit: &str) {
    println!("bench-figure\t{what}\t{measured:.2}\t{goal}\t{unit}");
}
