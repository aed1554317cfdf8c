//! Logs: human-readable or JSON lines, each inside the span of its request,
//! which carries the request id that the response returns in `x-request-id`.

use std::time::Instant;

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use orgdesk_config::{LogConfig, LogFormat};
use tracing::Instrument;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// The header that carries a request's id in and out.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Installs the global log subscriber. `RUST_LOG`, when set, overrides the
/// configured filter. Calling it twice keeps the first.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match config.format {
        LogFormat::Human => registry.with(fmt::layer().with_target(false)).try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init(),
    };
}

/// Gives every request an id (the caller's `x-request-id` when it is a plain
/// token, a new UUID otherwise), logs the request inside a span that carries the
/// id, and returns the id on the response. Only the path is logged: query
/// strings can carry codes and tokens.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_plain_token(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let header = HeaderValue::from_str(&id).expect("a plain token is a header value");
    request.headers_mut().insert(REQUEST_ID, header.clone());

    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    async move {
        let started = Instant::now();
        let mut response = next.run(request).await;
        tracing::info!(
            status = response.status().as_u16(),
            latency_ms = started.elapsed().as_secs_f64() * 1000.0,
            "response"
        );
        response.headers_mut().insert(REQUEST_ID, header);
        response
    }
    .instrument(span)
    .await
}

/// 1 to 64 letters, digits, `-` or `_`: safe to echo in a header and a log line.
fn is_plain_token(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::is_plain_token;

    #[test]
    fn only_plain_tokens_are_kept_as_request_ids() {
        let cases = [
            ("abc-123_DEF", true),
            ("0b0e1c7e-5e7a-4c8e-9d5b-2f1f4c1d9a77", true),
            ("", false),
            ("has space", false),
            ("line\nbreak", false),
            ("quote\"", false),
            (&"x".repeat(65), false),
        ];
        for (value, plain) in cases {
            assert_eq!(is_plain_token(value), plain, "{value:?}");
        }
    }
}
