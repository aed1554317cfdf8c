//! The provider's own HTML pages: the login form and the error and signed-out
//! pages. Every dynamic text is escaped; the pages load nothing from elsewhere.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f1f5f9;color:#0f172a;margin:0}\
main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.75rem;box-shadow:0 1px 3px #0002}\
h1{font-size:1.25rem;margin:0 0 .25rem}p{color:#475569}label{display:block;margin-top:1rem;font-weight:600}\
input{width:100%;box-sizing:border-box;padding:.6rem;margin-top:.25rem;border:1px solid #cbd5e1;border-radius:.375rem;font-size:1rem}\
button{margin-top:1.5rem;width:100%;padding:.7rem;border:0;border-radius:.375rem;background:#4f46e5;color:#fff;font-size:1rem;font-weight:600}\
.error{background:#fef2f2;color:#991b1b;padding:.6rem;border-radius:.375rem;margin-top:1rem}";

/// A complete page with a strict Content-Security-Policy: no scripts at all,
/// styles only from this page, forms only to this origin.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    page_with_form_target(status, title, body, None)
}

/// Like [`page`], where a form's answer redirects to `form_target` (an
/// origin): browsers apply `form-action` to that redirect too.
fn page_with_form_target(
    status: StatusCode,
    title: &str,
    body: &str,
    form_target: Option<&str>,
) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        title = escape(title)
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    let form_action = match form_target {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    let policy = format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src https:; form-action {form_action}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&policy).expect("origins are header-safe"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

/// An error shown on the provider itself, never sent to a redirect URI.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    page(
        status,
        "Sign-in error",
        &format!(
            "<h1>Something is wrong with this sign-in</h1><p role=\"alert\">{}</p>",
            escape(message)
        ),
    )
}

/// What the login form shows.
pub struct LoginForm<'a> {
    pub transaction: &'a str,
    pub client_name: &'a str,
    pub organization: Option<&'a str>,
    pub email: &'a str,
    pub error: Option<&'a str>,
    /// The client's redirect URI: its origin is where the form's answer leads.
    pub redirect_uri: &'a str,
}

pub fn login_page(status: StatusCode, form: &LoginForm<'_>) -> Response {
    let title = match form.organization {
        Some(org) => format!("Sign in to {org}"),
        None => "Sign in".to_owned(),
    };
    let heading = escape(&title);
    let error = form
        .error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"login-error\">{}</p>",
                escape(e)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1>{heading}</h1><p>to continue to {client}</p>{error}\
         <form method=\"post\" action=\"/u/login\">\
         <input type=\"hidden\" name=\"state\" value=\"{tx}\">\
         <label for=\"email\">Email address</label>\
         <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{email}\">\
         <label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\">Continue</button></form>",
        client = escape(form.client_name),
        tx = escape(form.transaction),
        email = escape(form.email),
    );
    let origin = url::Url::parse(form.redirect_uri)
        .ok()
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null");
    page_with_form_target(status, &title, &body, origin.as_deref())
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_in_text_is_inert() {
        assert_eq!(
            super::escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;y&#x27;"
        );
    }
}
