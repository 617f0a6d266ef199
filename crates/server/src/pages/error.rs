//! What a page answers when it cannot show itself.

use super::page;
use crate::problem::ApiError;
use crate::roles::Forbidden;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

/// A page's error: the role may not open it (403, an HTML page saying so), it shows nothing
/// that exists in the user's scope (404: another site's participant is not revealed), or what
/// went wrong below (the API's error shape).
#[derive(Debug)]
pub enum PageError {
    /// The role does not have the page's action.
    Forbidden(Forbidden),
    /// No such thing, or not in the user's sites.
    NotFound,
    /// Storage or data.
    Api(ApiError),
}

impl From<Forbidden> for PageError {
    fn from(forbidden: Forbidden) -> Self {
        PageError::Forbidden(forbidden)
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        PageError::Api(error)
    }
}

impl From<crate::Error> for PageError {
    fn from(error: crate::Error) -> Self {
        PageError::Api(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Forbidden(forbidden) => {
                let mut response = page(
                    "Not part of your role",
                    None,
                    html! {
                        p { "This page is not part of the " (forbidden.role) " role. "
                            a href="/" { "Go to your start page" } "." }
                    },
                );
                *response.status_mut() = StatusCode::FORBIDDEN;
                response
            }
            PageError::NotFound => ApiError::for_status(StatusCode::NOT_FOUND).into_response(),
            PageError::Api(error) => error.into_response(),
        }
    }
}
