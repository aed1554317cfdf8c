//! The security headers of every console response, set in this one place.
//!
//! - Pages get a strict nonce-based Content Security Policy: scripts run only
//!   with the nonce Leptos put on its hydration scripts (and what those load,
//!   `'strict-dynamic'`), WebAssembly may compile, nothing may frame the
//!   page, forms go only to the console and the identity provider. The shell
//!   hands the nonce over in [`NONCE_HEADER`], which never leaves the server.
//! - Every other response gets a policy that allows no script at all.
//! - Always: `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
//!   `Referrer-Policy: strict-origin`; on https, HSTS.
//! - Pages and answers with data (HTML, JSON, text) are `Cache-Control:
//!   no-store` unless they say otherwise; stylesheets, scripts and images are
//!   left to the asset handler.
//!
//! Styles may be inline (`'unsafe-inline'` in `style-src` only): the branding
//! tab's live preview is a sandboxed `srcdoc` frame, which inherits this
//! policy, and its stylesheet changes with every keystroke.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::Response,
};

use super::WebPolicy;
use crate::AppState;

/// The header in which the page shell reports the nonce of its scripts.
pub use orgdesk_app::ssr::NONCE_HEADER;

/// HSTS for a console served over https: a year.
const HSTS: &str = "max-age=31536000";

/// Middleware: the headers above on every response.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    apply(&state.web, response.headers_mut());
    response
}

/// Middleware for the built-in provider served over https: HSTS (its own
/// pages set their own CSP and framing rules).
pub async fn hsts(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .entry(header::STRICT_TRANSPORT_SECURITY)
        .or_insert(HeaderValue::from_static(HSTS));
    response
}

/// Sets the headers on a response (those a handler set itself stay).
pub fn apply(policy: &WebPolicy, headers: &mut HeaderMap) {
    let nonce = headers
        .remove(NONCE_HEADER)
        .and_then(|v| v.to_str().ok().map(str::to_owned))
        .filter(|n| {
            n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b))
        });
    let csp = match nonce {
        Some(nonce) => page_policy(policy, &nonce),
        None => NO_SCRIPT_POLICY.to_owned(),
    };
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(csp);
    }
    let fixed = [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin"),
    ];
    for (name, value) in fixed {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if policy.https {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS));
    }
    let personal = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|t| {
            ["text/html", "application/json", "text/plain"]
                .iter()
                .any(|kind| t.starts_with(kind))
        });
    if personal {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
}

/// For answers that are not console pages (server functions, sign-in's own
/// pages, files): no script, no frame, the console's stylesheet.
const NO_SCRIPT_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

fn page_policy(policy: &WebPolicy, nonce: &str) -> String {
    let provider = &policy.provider_origin;
    format!(
        "default-src 'none'; \
         script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         connect-src 'self'; \
         style-src 'self' 'unsafe-inline'; \
         img-src 'self' {provider} https: data:; \
         font-src 'self'; \
         frame-src 'self'; \
         form-action 'self' {provider}; \
         frame-ancestors 'none'; \
         base-uri 'none'; \
         object-src 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(https: bool) -> WebPolicy {
        let scheme = if https { "https" } else { "http" };
        WebPolicy::new(
            &format!("{scheme}://console.example").parse().unwrap(),
            &format!("{scheme}://id.example/").parse().unwrap(),
        )
    }

    #[test]
    fn a_page_gets_a_nonce_policy_and_the_nonce_stays_on_the_server() {
        let mut headers = HeaderMap::new();
        headers.insert(NONCE_HEADER, HeaderValue::from_static("abc123+/="));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        apply(&policy(true), &mut headers);
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("script-src 'nonce-abc123+/=' 'strict-dynamic'"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(
            csp.contains("form-action 'self' https://id.example"),
            "{csp}"
        );
        assert!(!csp.contains("script-src 'self'") && !csp.contains("'unsafe-eval'"));
        assert!(headers.get(NONCE_HEADER).is_none());
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "strict-origin");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(headers[header::STRICT_TRANSPORT_SECURITY], HSTS);
    }

    #[test]
    fn other_answers_allow_no_script_and_http_gets_no_hsts() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        apply(&policy(false), &mut headers);
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], NO_SCRIPT_POLICY);
        assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");

        // A nonce that is not a plain token is not trusted into the policy.
        let mut headers = HeaderMap::new();
        headers.insert(NONCE_HEADER, HeaderValue::from_static("x'; script-src *"));
        apply(&policy(false), &mut headers);
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], NO_SCRIPT_POLICY);
    }

    #[test]
    fn assets_keep_their_caching() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css"));
        apply(&policy(false), &mut headers);
        assert!(headers.get(header::CACHE_CONTROL).is_none());
    }
}
