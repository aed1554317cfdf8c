//! Every request that may change state (any method but GET, HEAD and
//! OPTIONS) passes here before any handler or server function runs:
//!
//! 1. It must come from a page of this console: its `Origin` is the
//!    console's own (or, from a browser that sends none, `Sec-Fetch-Site:
//!    same-origin`). `Origin: null`, another port of the same host and a
//!    sibling subdomain are all other origins.
//! 2. With a session cookie, it must carry that session's request token
//!    (header `x-orgdesk-request-token`, sent by the console's server
//!    function client, or form field `request_token`, in the console's own
//!    plain forms). Another origin can neither read the token nor, without a
//!    CORS preflight the console never grants, send the header.
//! 3. Its body is at most [`BODY_LIMIT`] bytes of `application/x-www-form-urlencoded`
//!    (what every server function takes) whose keys and values decode to
//!    valid UTF-8: nothing is read lossily.
//!
//! A refusal is a 4xx with a short message and a log line; nothing behind it runs.

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use subtle::ConstantTimeEq;

use crate::AppState;

/// The largest body a state-changing request may have.
pub const BODY_LIMIT: usize = 64 * 1024;
pub use orgdesk_app::api::{
    REQUEST_TOKEN_FIELD as TOKEN_FIELD, REQUEST_TOKEN_HEADER as TOKEN_HEADER,
};

/// Why a request was refused.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    Forged(&'static str),
    TooLarge,
    UnsupportedType,
    NotText,
}

impl Refusal {
    fn into_response(self, path: &str) -> Response {
        let (status, message) = match self {
            Refusal::Forged(why) => {
                tracing::warn!(
                    path,
                    why,
                    "refused a request that did not come from the console"
                );
                (
                    StatusCode::FORBIDDEN,
                    "This request did not come from an Orgdesk page; nothing was changed. Reload the page and try again.",
                )
            }
            Refusal::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request is too large; nothing was changed.",
            ),
            Refusal::UnsupportedType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The request must be a form (application/x-www-form-urlencoded); nothing was changed.",
            ),
            Refusal::NotText => (
                StatusCode::BAD_REQUEST,
                "The request is not valid UTF-8 text; nothing was changed.",
            ),
        };
        if status != StatusCode::FORBIDDEN {
            tracing::info!(
                path,
                status = status.as_u16(),
                "refused a malformed request"
            );
        }
        (status, message).into_response()
    }
}

/// Middleware: the checks above, then the request with its body restored.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(with_token(&state, request)).await;
    }
    let path = request.uri().path().to_owned();
    match checked(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => refusal.into_response(&path),
    }
}

/// Gives pages the session's request token (for their forms and the
/// server function client), through the request's extensions.
fn with_token(state: &AppState, mut request: Request) -> Request {
    if let Some(token) = state.auth.forgery_token(request.headers()) {
        request
            .extensions_mut()
            .insert(orgdesk_app::ssr::RequestToken(token));
    }
    request
}

async fn checked(state: &AppState, request: Request) -> Result<Request, Refusal> {
    same_origin(request.headers(), &state.web.console_origin).map_err(Refusal::Forged)?;
    let request = with_token(state, request);
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| Refusal::TooLarge)?;
    if !bytes.is_empty() && !is_form(&parts.headers) {
        return Err(Refusal::UnsupportedType);
    }
    let fields = strict_form_fields(&bytes).ok_or(Refusal::NotText)?;
    if let Some(expected) = parts.extensions.get::<orgdesk_app::ssr::RequestToken>() {
        let given = parts
            .headers
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| {
                fields
                    .into_iter()
                    .find(|(k, _)| k == TOKEN_FIELD)
                    .map(|(_, v)| v)
            });
        let matches = given.is_some_and(|g| bool::from(g.as_bytes().ct_eq(expected.0.as_bytes())));
        if !matches {
            return Err(Refusal::Forged("no valid request token"));
        }
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The request comes from the console's own origin.
fn same_origin(headers: &HeaderMap, console_origin: &str) -> Result<(), &'static str> {
    match headers.get(header::ORIGIN) {
        Some(origin) if origin.as_bytes() == console_origin.as_bytes() => Ok(()),
        Some(_) => Err("another origin"),
        None => match headers.get("sec-fetch-site").map(|v| v.as_bytes()) {
            Some(b"same-origin") => Ok(()),
            Some(_) => Err("another site"),
            None => Err("no Origin"),
        },
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The fields of a urlencoded body, or `None` when a key or value is not
/// valid UTF-8 once decoded (raw or percent-encoded).
fn strict_form_fields(body: &[u8]) -> Option<Vec<(String, String)>> {
    let decode = |part: &[u8]| -> Option<String> {
        let spaced: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        String::from_utf8(percent_encoding::percent_decode(&spaced).collect()).ok()
    };
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |&b| b == b'=');
            let key = decode(halves.next().unwrap_or_default())?;
            let value = decode(halves.next().unwrap_or_default())?;
            Some((key, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn only_the_consoles_own_origin_passes() {
        let console = "http://127.0.0.1:3000";
        let cases: &[(&[(&'static str, &'static str)], bool)] = &[
            (&[("origin", "http://127.0.0.1:3000")], true),
            (&[("origin", "http://127.0.0.1:3001")], false),
            (&[("origin", "http://evil.example")], false),
            (&[("origin", "null")], false),
            (&[("sec-fetch-site", "same-origin")], true),
            (&[("sec-fetch-site", "same-site")], false),
            (&[("sec-fetch-site", "cross-site")], false),
            (&[], false),
            // A wrong Origin is not excused by a same-origin fetch header.
            (
                &[
                    ("origin", "http://evil.example"),
                    ("sec-fetch-site", "same-origin"),
                ],
                false,
            ),
        ];
        for (given, passes) in cases {
            assert_eq!(
                same_origin(&headers(given), console).is_ok(),
                *passes,
                "{given:?}"
            );
        }
    }

    #[test]
    fn form_bodies_must_decode_to_utf8() {
        assert_eq!(
            strict_form_fields(b"a=1&b=caf%C3%A9+au+lait&request_token=x"),
            Some(vec![
                ("a".into(), "1".into()),
                ("b".into(), "café au lait".into()),
                ("request_token".into(), "x".into()),
            ])
        );
        assert_eq!(strict_form_fields(b""), Some(vec![]));
        assert_eq!(strict_form_fields(b"name=%FF%FE"), None);
        assert_eq!(strict_form_fields(b"name=\xff"), None);
        assert_eq!(strict_form_fields(b"%C3=x"), None);
    }

    #[test]
    fn only_urlencoded_forms_are_taken() {
        assert!(is_form(&headers(&[(
            "content-type",
            "application/x-www-form-urlencoded; charset=UTF-8"
        )])));
        for other in [
            "application/json",
            "text/plain",
            "multipart/form-data; boundary=x",
        ] {
            let mut map = HeaderMap::new();
            map.insert("content-type", HeaderValue::from_static(other));
            assert!(!is_form(&map), "{other}");
        }
        assert!(!is_form(&HeaderMap::new()));
    }
}
