//! Where a sign-in returns to: a path of this console, and nothing else.
//!
//! The raw `return_to` is parsed as a browser parses a link on a console
//! page (WHATWG URL rules: tabs and newlines removed, `\` read as `/`,
//! controls and non-ASCII percent-encoded). Only a result on the console's
//! own origin is kept, and it is rebuilt from the parsed path and query, so
//! the value is always printable ASCII: it can be sent as a `Location`
//! header and can never name another host.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use url::Url;

/// A same-origin path and query of the console. Made only by [`ReturnPath::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnPath(String);

impl ReturnPath {
    /// The console's home, where anything unacceptable falls back to.
    pub fn home() -> Self {
        ReturnPath("/".to_owned())
    }

    /// `raw` as a browser would resolve it on `console`, when that stays on
    /// the console's origin; home otherwise.
    pub fn parse(console: &Url, raw: Option<&str>) -> Self {
        let Some(raw) = raw.filter(|r| r.starts_with('/')) else {
            return Self::home();
        };
        let Ok(resolved) = console.join(raw) else {
            return Self::home();
        };
        if resolved.origin() != console.origin() {
            return Self::home();
        }
        let mut path = resolved.path().to_owned();
        if let Some(query) = resolved.query() {
            path.push('?');
            path.push_str(query);
        }
        // `/.//host` resolves to the path `//host`, which a browser would read
        // as another host when sent back as a Location.
        if path.starts_with("//") || !path.bytes().all(|b| b.is_ascii_graphic()) {
            return Self::home();
        }
        ReturnPath(path)
    }

    /// The console's sign-in to an organization, returning to `then`.
    pub fn sign_in_to(org_id: &str, then: &ReturnPath) -> Self {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("organization", org_id)
            .append_pair("return_to", then.as_str())
            .finish();
        ReturnPath(format!("/auth/login?{query}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A 303 to this path.
    pub fn redirect(&self) -> Response {
        let location =
            HeaderValue::from_str(&self.0).unwrap_or_else(|_| HeaderValue::from_static("/"));
        (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::ReturnPath;

    #[test]
    fn only_paths_of_the_console_are_kept_after_a_browsers_parsing() {
        let console = url::Url::parse("http://127.0.0.1:3000/").unwrap();
        let cases = [
            (Some("/organizations?q=acme"), "/organizations?q=acme"),
            (
                Some("/organizations/org_1/members"),
                "/organizations/org_1/members",
            ),
            (None, "/"),
            (Some(""), "/"),
            (Some("organizations"), "/"),
            (Some("//evil.example/x"), "/"),
            (Some("https://evil.example/"), "/"),
            (Some("/\\evil.example"), "/"),
            // A tab or newline is dropped by the browser: `/\t/evil` is `//evil`.
            (Some("/\t/evil.example/"), "/"),
            (Some("/\n/evil.example/"), "/"),
            (Some("/\r\n/evil.example/"), "/"),
            (Some("/./\t/evil.example/"), "/"),
            (Some("/.//evil.example/"), "/"),
            // Controls that are not dropped are percent-encoded, never sent raw.
            (Some("/organizations\u{b}x"), "/organizations%0Bx"),
            (Some("/organizations\u{7f}"), "/organizations%7F"),
            (Some("/a\u{0}b"), "/a%00b"),
            // Leading and trailing controls and spaces are trimmed, as browsers do.
            (Some("/organizations\u{0}"), "/organizations"),
            (Some("/a?b=\u{0}c"), "/a?b=%00c"),
            (Some("/caf\u{e9}"), "/caf%C3%A9"),
            (Some("/a/../organizations"), "/organizations"),
        ];
        for (given, expected) in cases {
            assert_eq!(
                ReturnPath::parse(&console, given).as_str(),
                expected,
                "{given:?}"
            );
        }
    }

    #[test]
    fn a_return_path_always_makes_a_redirect() {
        let console = url::Url::parse("https://orgdesk.example.com/").unwrap();
        for raw in ["/x\u{0}\n\r\u{b}\u{7f}y", "/%0d%0aSet-Cookie:%20x=1"] {
            let path = ReturnPath::parse(&console, Some(raw));
            let response = path.redirect();
            assert_eq!(response.status(), 303);
            let location = response.headers()["location"].to_str().unwrap();
            assert!(!location.contains(['\r', '\n']), "{location}");
        }
    }
}
