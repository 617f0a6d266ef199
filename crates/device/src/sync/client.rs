//! The HTTP half of sync: three requests of protocol v1, with every answer checked.

use crate::error::{Error, Result};
use mimik_domain::problem::ProblemCode;
use mimik_domain::protocol::{
    ApiError, BatchRequest, BatchResponse, EnrollRequest, EnrollResponse, StudyResponse,
};
use reqwest::{StatusCode, Url, header};
use serde::de::DeserializeOwned;
use std::net::IpAddr;
use std::time::Duration;

/// A client for one study server.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
}

/// Plain `http://` only to loopback addresses; anything else must be `https://` (DESIGN.md §7).
pub fn check_server_url(url: &str) -> Result<Url> {
    let parsed = Url::parse(url)
        .map_err(|e| Error::BadServerUrl(format!("not a URL ({e}): use https://host[:port]")))?;
    let host = parsed.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if loopback => Ok(parsed),
        "http" => Err(Error::BadServerUrl(
            "plain http:// is only allowed to this machine (127.0.0.1, localhost): use https://"
                .into(),
        )),
        other => Err(Error::BadServerUrl(format!(
            "unsupported scheme {other:?}: use https://"
        ))),
    }
}

impl Client {
    /// A client for `server_url`; `extra_root_pem` adds a trusted CA (a study's own CA).
    pub fn new(server_url: &str, extra_root_pem: Option<&[u8]>) -> Result<Client> {
        let base = check_server_url(server_url)?;
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .https_only(base.scheme() == "https")
            // A redirect would resend patient data to another address: never follow one.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("mimik/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = extra_root_pem {
            let cert = reqwest::Certificate::from_pem(pem).map_err(|e| {
                Error::BadServerUrl(format!("the CA certificate is not valid PEM: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder.build().map_err(|e| Error::Network(e.to_string()))?;
        Ok(Client { http, base })
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.base
            .join(path)
            .map_err(|e| Error::BadServerUrl(e.to_string()))
    }

    /// `POST /v1/enroll`.
    pub async fn enroll(&self, request: &EnrollRequest) -> Result<EnrollResponse> {
        let response = self
            .http
            .post(self.url("/v1/enroll")?)
            .json(request)
            .send()
            .await
            .map_err(network)?;
        parse(response).await
    }

    /// `POST /v1/submissions`.
    pub async fn submit(&self, token: &str, batch: &BatchRequest) -> Result<BatchResponse> {
        let response = self
            .http
            .post(self.url("/v1/submissions")?)
            .bearer_auth(token)
            .json(batch)
            .send()
            .await
            .map_err(network)?;
        parse(response).await
    }

    /// `GET /v1/study`; `None` when unchanged since `etag`. Says which bundle version is in
    /// force here (`Mimik-Bundle-Version`), for the coordinator's devices page.
    pub async fn study(
        &self,
        token: &str,
        etag: Option<&str>,
        bundle_version: u64,
    ) -> Result<Option<(StudyResponse, Option<String>)>> {
        let mut request = self
            .http
            .get(self.url("/v1/study")?)
            .bearer_auth(token)
            .header(
                mimik_domain::protocol::BUNDLE_VERSION_HEADER,
                bundle_version,
            );
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        let response = request.send().await.map_err(network)?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let etag = response
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Some((parse(response).await?, etag)))
    }
}

fn network(error: reqwest::Error) -> Error {
    // The URL is ours and carries no secret; reqwest's text says what failed (DNS, TLS, reset).
    Error::Network(format!("{error}").chars().take(300).collect())
}

async fn parse<T: DeserializeOwned>(response: reqwest::Response) -> Result<T> {
    let status = response.status();
    let bytes = response.bytes().await.map_err(network)?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| Error::BadResponse(e.to_string()));
    }
    let error: Option<ApiError> = serde_json::from_slice(&bytes).ok();
    match (status, error) {
        (StatusCode::FORBIDDEN, Some(e)) if e.code == ProblemCode::DeviceRevoked => {
            Err(Error::DeviceRevoked)
        }
        (StatusCode::UNAUTHORIZED, _) => Err(Error::Unauthorized),
        // Any 413, even a proxy's without our error shape, means "send less" (NL-8).
        (StatusCode::PAYLOAD_TOO_LARGE, e) => Err(Error::TooLarge {
            limits: e
                .as_ref()
                .and_then(|e| serde_json::from_value(e.details.clone()).ok()),
            code: e.map(|e| e.code),
        }),
        (status, Some(e)) => Err(Error::Server {
            status: status.as_u16(),
            code: Some(e.code),
            message: e.message,
        }),
        (status, None) => Err(Error::Server {
            status: status.as_u16(),
            code: None,
            message: "the server's error answer is not in the documented form".into(),
        }),
    }
}
