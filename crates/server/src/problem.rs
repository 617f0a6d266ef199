//! The one error type at the HTTP boundary: a status and a `{code, message, details}` body
//! (ODK Central's "problem" shape). Causes are logged here, once, with ids only: never answers,
//! free text or database internals in a response or a log line.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mimik_domain::protocol::{self, Limits, ProblemCode};
use serde_json::Value;

/// An HTTP error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: protocol::ApiError,
}

impl ApiError {
    /// A code of the catalogue, with its HTTP status, and a message for a person.
    pub fn new(code: ProblemCode, message: impl Into<String>) -> Self {
        let status = code
            .http_status()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::BAD_REQUEST);
        ApiError::with_status(status, code, message)
    }

    /// A code with a status the catalogue does not give it (an empty-bodied layer error).
    fn with_status(status: StatusCode, code: ProblemCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: protocol::ApiError::new(code, message),
        }
    }

    /// Attach structured details.
    pub fn with_details(mut self, details: Value) -> Self {
        self.body.details = details;
        self
    }

    /// 401: no token, or a token this server does not know.
    pub fn unauthorized() -> Self {
        ApiError::new(
            ProblemCode::Unauthorized,
            "a valid device token is required: enroll the device with a code from the coordinator",
        )
    }

    /// 403: the device was revoked.
    pub fn device_revoked() -> Self {
        ApiError::new(
            ProblemCode::DeviceRevoked,
            "this device has been revoked: keep its unsynced data and re-enroll it with a new code",
        )
    }

    /// 400: the body is not JSON of the expected shape (serde's message says where).
    pub fn malformed_json(serde_message: &str) -> Self {
        ApiError::new(
            ProblemCode::MalformedJson,
            format!("the request body is not valid JSON of the expected shape: {serde_message}"),
        )
    }

    /// 413: the body is larger than the limit. The details carry the server's [`Limits`], so
    /// a tablet learns them and splits its batch (NL-8).
    pub fn body_too_large(limits: Limits) -> Self {
        ApiError::new(
            ProblemCode::BodyTooLarge,
            format!(
                "the request body is larger than {} bytes: send fewer envelopes per batch",
                limits.max_request_bytes
            ),
        )
        .with_details(limits_details(limits, None))
    }

    /// 413: more envelopes than the server takes in one batch.
    pub fn batch_too_large(limits: Limits, items: usize) -> Self {
        ApiError::new(
            ProblemCode::BatchTooLarge,
            format!(
                "a batch holds at most {} envelopes: split it",
                limits.max_batch_items
            ),
        )
        .with_details(limits_details(limits, Some(items)))
    }

    /// The JSON error that replaces an empty-bodied error response from a layer (timeout,
    /// 404, 405) so that every error body has the same shape.
    pub fn for_status(status: StatusCode) -> Self {
        let (code, message) = match status {
            StatusCode::NOT_FOUND => (ProblemCode::NotFound, "there is nothing at this address"),
            StatusCode::METHOD_NOT_ALLOWED => (
                ProblemCode::MethodNotAllowed,
                "this address does not accept that method",
            ),
            StatusCode::REQUEST_TIMEOUT => (
                ProblemCode::RequestTimeout,
                "the request took too long: retry, with a smaller batch on a slow connection",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => return ApiError::body_too_large(Limits::default()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                ProblemCode::UnsupportedMediaType,
                "send the body as application/json",
            ),
            s if s.is_server_error() => (ProblemCode::Internal, "the server failed: retry later"),
            _ => (ProblemCode::BadRequest, "the request is not valid"),
        };
        ApiError::with_status(status, code, message)
    }
}

/// `{"max_request_bytes", "max_batch_items"[, "items"]}`.
fn limits_details(limits: Limits, items: Option<usize>) -> Value {
    let mut details = serde_json::to_value(limits).unwrap_or_default();
    if let (Some(items), Some(map)) = (items, details.as_object_mut()) {
        map.insert("items".into(), items.into());
    }
    details
}

impl From<crate::Error> for ApiError {
    fn from(error: crate::Error) -> Self {
        match &error {
            crate::Error::Database(_) | crate::Error::Migration(_) => {
                tracing::error!(error = %error, "storage failed");
                ApiError::new(
                    ProblemCode::StorageUnavailable,
                    "the server cannot reach its database: nothing was stored, retry later",
                )
            }
            _ => {
                tracing::error!(error = %error, "request failed");
                ApiError::new(
                    ProblemCode::Internal,
                    "the server failed: nothing was stored, retry later",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let unauthorized = self.status == StatusCode::UNAUTHORIZED;
        let mut response = (self.status, axum::Json(self.body)).into_response();
        if unauthorized {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use mimik_domain::problem::ProblemCode;

    /// The codes in backticks of `text`, in order.
    fn backticked(text: &str) -> Vec<String> {
        text.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_readme_lists_exactly_the_catalogue() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let section = readme
            .split("## Error codes")
            .nth(1)
            .unwrap()
            .split("\n## ")
            .next()
            .unwrap();
        let mut listed: Vec<(Option<u16>, String)> = Vec::new();
        for line in section.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if let [_, status, code, ..] = cells[..] {
                if let (Ok(status), Some(code)) = (status.parse::<u16>(), backticked(code).first())
                {
                    listed.push((Some(status), code.clone()));
                }
            } else if line.starts_with("Receipt reasons")
                || line.starts_with("`")
                || line.starts_with("Conflict reasons")
            {
                let text = line.split(". All are").next().unwrap();
                listed.extend(
                    backticked(text)
                        .into_iter()
                        .filter(|c| c != "rejected")
                        .map(|c| (None, c)),
                );
            }
        }
        let mut want: Vec<(Option<u16>, String)> = ProblemCode::ALL
            .iter()
            .map(|c| (c.http_status(), c.as_str().to_owned()))
            .collect();
        listed.sort();
        want.sort();
        assert_eq!(
            listed, want,
            "crates/server/README.md's error codes against ProblemCode::ALL"
        );
    }
}
