//! Reading a request's JSON body and query string, with Auth0's 400 answers.

use axum::body::Bytes;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The JSON body, or 400 `invalid_body` saying what is wrong with it.
pub fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| invalid_body(e.to_string()))
}

/// 400 `invalid_body`, in Auth0's words.
pub fn invalid_body(message: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "invalid_body",
        format!("Payload validation error: {message}"),
    )
}

/// The query string's pairs, or 400 `invalid_query_string`.
pub fn query(raw: Option<String>) -> Result<Vec<(String, String)>, ApiError> {
    serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()).map_err(|_| {
        ApiError::bad_request(
            "invalid_query_string",
            "Query validation error: malformed query string",
        )
    })
}

/// The last value of a query parameter.
pub fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// 400 `invalid_query_string`, in Auth0's words.
pub fn invalid_query(message: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "invalid_query_string",
        format!("Query validation error: {message}"),
    )
}
