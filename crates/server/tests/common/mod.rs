//! Shared by the integration tests: a storage per backend, a signing tablet, and requests
//! through the router with `oneshot`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body as HttpBody;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use ed25519_dalek::{Signer, SigningKey};
use http_body_util::BodyExt;
use mimik_domain::answers::{StrictMap, validate};
use mimik_domain::canonical;
use mimik_domain::content::{Content, FormContent};
use mimik_domain::envelope::{BODY_VERSION, Body, Envelope, Kind, Supersedes};
use mimik_domain::{Instrument, MissingMode, score};
use mimik_server::roles::Role;
use mimik_server::storage::postgres::PostgresStorage;
use mimik_server::{AppState, Config};
use mimik_server::{Storage, router};
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

/// Who the tests' own setup steps are audited as.
pub fn tester() -> mimik_server::storage::Actor {
    mimik_server::storage::Actor {
        name: "test-setup".into(),
        role: "admin".into(),
    }
}

/// A storage backend under test.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite pools of this test process, never dropped. A pool dropped with its test's runtime
/// closes its SQLCipher connections on sqlx's worker threads, and when that happens while the
/// process exits, OpenSSL's exit handler can free what a closing connection still uses: the
/// test binary then crashes (SIGSEGV) after every test passed. Kept here, the connections are
/// never closed, so nothing of SQLCipher runs during exit. (Tests that close their storage
/// explicitly, as `Storage::close` asks, need none of this.)
static KEPT_OPEN: std::sync::Mutex<Vec<Arc<dyn Storage>>> = std::sync::Mutex::new(Vec::new());

/// Storage on `backend`, with whatever keeps it alive (a temp dir).
pub async fn storage(backend: Backend) -> (Arc<dyn Storage>, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let storage = mimik_server::open(dir.path(), None).await.unwrap();
            KEPT_OPEN.lock().unwrap().push(Arc::clone(&storage));
            (storage, Some(dir))
        }
        Backend::Postgres => {
            let url = postgres_url().expect("checked by the caller");
            let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
            let storage = PostgresStorage::connect_in_schema(&url, &schema)
                .await
                .unwrap();
            (Arc::new(storage), None)
        }
    }
}

/// `MIMIK_TEST_POSTGRES_URL`, or `None` when `MIMIK_SKIP_POSTGRES=1` says to skip; panics when
/// neither is set: PostgreSQL is required in CI and must never be skipped silently.
pub fn postgres_url() -> Option<String> {
    match std::env::var("MIMIK_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("MIMIK_SKIP_POSTGRES").as_deref() == Ok("1") => {
            eprintln!("MIMIK_SKIP_POSTGRES=1: skipping the PostgreSQL backend test");
            None
        }
        _ => panic!(
            "MIMIK_TEST_POSTGRES_URL is not set: the PostgreSQL backend test is required. \
             Run scripts/test.sh (it starts PostgreSQL and sets it), or set \
             MIMIK_TEST_POSTGRES_URL=postgres://USER:PASSWORD@127.0.0.1/DB, or set \
             MIMIK_SKIP_POSTGRES=1 to skip it explicitly on a developer machine"
        ),
    }
}

/// The app over `storage`.
pub fn app(storage: Arc<dyn Storage>) -> (axum::Router, AppState) {
    let state = AppState::new(storage, Config::default()).unwrap();
    (router(state.clone()), state)
}

/// A response, decoded.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.clone()).unwrap()
    }
}

/// Send one request through the router.
pub async fn send(
    app: &axum::Router,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<HttpBody>,
) -> Reply {
    send_as(app, None, method, uri, headers, body).await
}

/// [`send`] from client address `peer`, as the listener records it (`ConnectInfo`).
pub async fn send_from(
    app: &axum::Router,
    peer: &str,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<HttpBody>,
) -> Reply {
    let peer: std::net::SocketAddr = peer.parse().unwrap();
    send_as(app, Some(peer), method, uri, headers, body).await
}

async fn send_as(
    app: &axum::Router,
    peer: Option<std::net::SocketAddr>,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<HttpBody>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(body.into()).unwrap();
    if let Some(peer) = peer {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
    }
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        bytes,
    }
}

/// POST JSON, optionally with a bearer token.
pub async fn post_json(app: &axum::Router, uri: &str, token: Option<&str>, body: &Value) -> Reply {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![(header::CONTENT_TYPE.as_str(), "application/json")];
    if let Some(auth) = &auth {
        headers.push((header::AUTHORIZATION.as_str(), auth.as_str()));
    }
    send(app, Method::POST, uri, &headers, body.to_string()).await
}

/// A tablet: its key, and once enrolled, its id and token.
#[derive(Debug)]
pub struct Tablet {
    pub key: SigningKey,
    pub device_id: String,
    pub token: String,
    pub next_seq: u64,
}

impl Tablet {
    /// A tablet whose key is derived from `seed`.
    pub fn new(seed: u8) -> Self {
        Tablet {
            key: SigningKey::from_bytes(&[seed; 32]),
            device_id: String::new(),
            token: String::new(),
            next_seq: 1,
        }
    }

    pub fn public_key(&self) -> String {
        data_encoding::HEXLOWER.encode(self.key.verifying_key().as_bytes())
    }

    /// Enroll through the API with a fresh code for `site` (made if it does not exist yet).
    pub async fn enroll(&mut self, app: &axum::Router, state: &AppState, site: &str) {
        let code = code_for(state.storage.as_ref(), site).await;
        self.enroll_with(app, &code).await;
    }

    /// Enroll through the API with `code`.
    pub async fn enroll_with(&mut self, app: &axum::Router, code: &str) {
        let reply = post_json(
            app,
            "/v1/enroll",
            None,
            &json!({"code": code, "public_key": self.public_key()}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let body = reply.json();
        self.device_id = body["device_id"].as_str().unwrap().to_owned();
        self.token = body["token"].as_str().unwrap().to_owned();
    }

    /// A signed envelope with the next `device_seq`.
    pub fn envelope(&mut self, body: &Body) -> Envelope {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.envelope_at(body, seq, uuid::Uuid::now_v7())
    }

    /// A signed envelope with an explicit seq and id.
    pub fn envelope_at(&self, body: &Body, device_seq: u64, id: uuid::Uuid) -> Envelope {
        let text = String::from_utf8(body.to_canonical().unwrap()).unwrap();
        self.sign(text, body.kind, body.recorded_at, device_seq, id)
    }

    /// A signed envelope with the next `device_seq` around a body given as JSON: for bad
    /// content that no typed body can hold.
    pub fn envelope_json(&mut self, body: &Value) -> Envelope {
        let seq = self.next_seq;
        self.next_seq += 1;
        let text = String::from_utf8(canonical::to_vec(body).unwrap()).unwrap();
        let kind = serde_json::from_value(body["kind"].clone()).unwrap();
        let recorded_at = serde_json::from_value(body["recorded_at"].clone()).unwrap();
        self.sign(text, kind, recorded_at, seq, uuid::Uuid::now_v7())
    }

    fn sign(
        &self,
        text: String,
        kind: Kind,
        created_at: chrono::DateTime<chrono::Utc>,
        device_seq: u64,
        id: uuid::Uuid,
    ) -> Envelope {
        let mut envelope = Envelope {
            id: mimik_domain::envelope::SubmissionId::new(id).unwrap(),
            device_id: self.device_id.clone(),
            device_seq,
            kind,
            created_at,
            body_sha256: canonical::sha256_hex(text.as_bytes()),
            body: text,
            signature: String::new(),
        };
        envelope.signature =
            data_encoding::HEXLOWER.encode(&self.key.sign(&envelope.signing_payload()).to_bytes());
        envelope
    }

    /// POST a batch.
    pub async fn submit(&self, app: &axum::Router, envelopes: &[Envelope]) -> Reply {
        post_json(
            app,
            "/v1/submissions",
            Some(&self.token),
            &json!({ "envelopes": envelopes }),
        )
        .await
    }
}

pub fn body(
    kind: Kind,
    participant: &str,
    timepoint: Option<&str>,
    minute: u32,
    content: Value,
) -> Body {
    Body {
        v: BODY_VERSION,
        kind,
        participant: participant.to_owned(),
        timepoint: timepoint.map(str::to_owned),
        recorded_at: chrono::DateTime::from_timestamp(1_790_000_000 + i64::from(minute) * 60, 0)
            .unwrap(),
        utc_offset_minutes: 60,
        staff_id: "staff-1".to_owned(),
        session_id: None,
        supersedes: None,
        content: mimik_domain::envelope::decode_content(kind, content).unwrap(),
        // The reference bundle every test server publishes on first use.
        protocol_version: Some(1),
    }
}

/// The form content of a questionnaire or clinician-form body.
pub fn form_mut(body: &mut Body) -> &mut FormContent {
    match &mut body.content {
        Content::Form(form) => form,
        other => panic!("not a form: {other:?}"),
    }
}

/// `body` as JSON with `edit` applied (send it with `envelope_json`).
pub fn edited(body: &Body, edit: impl FnOnce(&mut Value)) -> Value {
    let mut value = serde_json::to_value(body).unwrap();
    edit(&mut value);
    value
}

/// The SHA-256 of the reference bundle's English pack of `instrument`.
pub fn reference_pack_sha256(instrument: Instrument) -> String {
    mimik_domain::bundle::reference::bundle()
        .unwrap()
        .bundle
        .packs
        .into_iter()
        .find(|p| p.instrument == instrument.id() && p.language == "en")
        .unwrap()
        .sha256
}

/// A questionnaire or clinician form body with every item answered `code` (clamped to the
/// item's range), scored with `mimik-domain`.
pub fn form(
    participant: &str,
    timepoint: &str,
    instrument: Instrument,
    code: u8,
    minute: u32,
) -> Body {
    let answers: std::collections::BTreeMap<String, Value> = instrument
        .items()
        .iter()
        .map(|item| (item.id.to_owned(), json!(code.clamp(item.min, item.max))))
        .collect();
    let validated = validate(instrument, &StrictMap(answers)).unwrap();
    let scores = score(&validated, MissingMode::Strict);
    let kind = if instrument.is_patient_reported() {
        Kind::Questionnaire
    } else {
        Kind::ClinicianForm
    };
    body(
        kind,
        participant,
        Some(timepoint),
        minute,
        json!({
            "instrument": instrument.id(),
            "algorithm": instrument.algorithm(),
            "content_pack_sha256": reference_pack_sha256(instrument),
            "language": "en",
            "missing": "strict",
            "answers": validated.to_json(),
            "scores": scores.values_json(),
            "notes": scores.notes_json(),
        }),
    )
}

/// A participant registration body.
pub fn participant(pseudonym: &str, inclusion: &str, surgery: Option<&str>, minute: u32) -> Body {
    body(
        Kind::Participant,
        pseudonym,
        None,
        minute,
        json!({"inclusion_date": inclusion, "surgery_date": surgery, "botox_dates": []}),
    )
}

/// A free-text side effect body.
pub fn side_effect(pseudonym: &str, timepoint: &str, text: &str, minute: u32) -> Body {
    body(
        Kind::SideEffect,
        pseudonym,
        Some(timepoint),
        minute,
        json!({ "text": text }),
    )
}

/// A correction of `of`.
pub fn correcting(mut body: Body, of: &Envelope) -> Body {
    body.supersedes = Some(Supersedes {
        id: of.id,
        reason: "typo".to_owned(),
    });
    body
}

/// Add a user `name` with `role` (and `sites` for a coordinator or clinician, made when missing)
/// and the password "a long password".
pub async fn add_user(storage: &dyn Storage, name: &str, role: Role, sites: &[&str]) {
    for site in sites {
        if mimik_server::sites::find(storage, None, site)
            .await
            .is_err()
        {
            mimik_server::sites::add(storage, site, None, None, &tester())
                .await
                .unwrap();
        }
    }
    let sites: Vec<String> = sites.iter().map(|s| (*s).to_owned()).collect();
    mimik_server::users::add(storage, name, "a long password", role, &sites, &tester())
        .await
        .unwrap();
}

/// Add a user named after `role` (see [`add_user`]), log in through `/login`, and return the
/// session cookie (`name=value`), checking that it is HttpOnly and SameSite=Strict.
pub async fn login_as(app: &axum::Router, state: &AppState, role: Role, sites: &[&str]) -> String {
    add_user(state.storage.as_ref(), role.name(), role, sites).await;
    log_in(app, role.name()).await
}

/// Log `name` in with the password "a long password"; the session cookie (`name=value`).
pub async fn log_in(app: &axum::Router, name: &str) -> String {
    let reply = send(
        app,
        Method::POST,
        "/login",
        &[("content-type", "application/x-www-form-urlencoded")],
        format!("name={name}&password=a+long+password"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let cookie = reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    cookie.split(';').next().unwrap().to_owned()
}

/// A fresh one-time enrollment code for `site` of the only study, adding the site first when it
/// does not exist (a test may have stored one directly, as the sites migration does).
pub async fn code_for(storage: &dyn mimik_server::Storage, site: &str) -> String {
    if mimik_server::sites::find(storage, None, site)
        .await
        .is_err()
    {
        mimik_server::sites::add(storage, site, None, None, &tester())
            .await
            .unwrap();
    }
    mimik_server::api::enroll::issue_code(storage, None, site, 1, &tester())
        .await
        .unwrap()
}
