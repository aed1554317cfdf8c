//! Errors as Auth0's Management API writes them:
//! `{"statusCode": 404, "error": "Not Found", "message": "…", "errorCode": "…"}`.
//! Internal failures are logged here and answered with a fixed message.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

/// An error answer of the Management API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    error_code: Option<&'static str>,
}

impl ApiError {
    fn new(
        status: StatusCode,
        error_code: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            message: message.into(),
            error_code,
        }
    }

    /// 400: the request's body or query breaks a rule.
    pub fn bad_request(error_code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(error_code), message)
    }

    /// 401: no token, or one that does not verify.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, None, message)
    }

    /// 403: the token lacks the scope the endpoint requires.
    pub fn insufficient_scope(scope: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            Some("insufficient_scope"),
            format!("Insufficient scope, expected any of: {scope}"),
        )
    }

    /// 404 with Auth0's error code for the missing kind of resource.
    pub fn not_found(error_code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, Some(error_code), message)
    }

    /// 409: a unique value is taken.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, Some("conflict"), message)
    }

    /// 409 with Auth0's error code for that kind of conflict.
    pub fn conflict_code(error_code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, Some(error_code), message)
    }

    /// 429: the rate limit is spent until the `x-ratelimit-reset` time.
    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            Some("too_many_requests"),
            "Global limit has been reached",
        )
    }

    /// 503: a service the request needs (such as the SMTP server) failed;
    /// the message says what it means for the caller, never the cause.
    pub fn unavailable(error_code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, Some(error_code), message)
    }

    /// 500: logs the cause; the caller learns nothing about it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error in the provider");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, None, "Internal error")
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message the caller reads.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "statusCode": self.status.as_u16(),
            "error": self.status.canonical_reason().unwrap_or("Error"),
            "message": self.message,
        });
        if let Some(code) = self.error_code {
            body["errorCode"] = code.into();
        }
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
