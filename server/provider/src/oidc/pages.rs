//! The provider's own HTML pages: the login and sign-up forms, the
//! organization picker, and the error and signed-out pages. Every dynamic text is escaped; the pages load nothing from elsewhere.

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

/// The invitation a sign-in page is about.
pub struct InvitationView<'a> {
    pub inviter: &'a str,
    pub email: &'a str,
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
    /// With an invitation, the email is fixed and sign-up is offered.
    pub invitation: Option<InvitationView<'a>>,
}

/// The origin of a redirect URI, for the pages' `form-action`.
fn origin_of(redirect_uri: &str) -> Option<String> {
    url::Url::parse(redirect_uri)
        .ok()
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null")
}

fn error_paragraph(error: Option<&str>) -> String {
    error
        .map(|e| {
            format!(
                "<p class=\"error\" role=\"alert\" id=\"login-error\">{}</p>",
                escape(e)
            )
        })
        .unwrap_or_default()
}

/// "Ann invited bob@example.com to join Acme."
fn invited_line(invitation: &InvitationView<'_>, organization: Option<&str>) -> String {
    format!(
        "<p id=\"invitation\">{inviter} invited <strong>{email}</strong> to join {org}.</p>",
        inviter = escape(invitation.inviter),
        email = escape(invitation.email),
        org = escape(organization.unwrap_or("the organization")),
    )
}

/// The email field: fixed (read-only) for an invitation.
fn email_field(email: &str, fixed: bool) -> String {
    format!(
        "<label for=\"email\">Email address</label>\
         <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{email}\"{readonly}>",
        email = escape(email),
        readonly = if fixed { " readonly" } else { "" },
    )
}

pub fn login_page(status: StatusCode, form: &LoginForm<'_>) -> Response {
    let title = match form.organization {
        Some(org) => format!("Sign in to {org}"),
        None => "Sign in".to_owned(),
    };
    let (invited, signup) = match &form.invitation {
        Some(invitation) => (
            invited_line(invitation, form.organization),
            format!(
                "<p>New here? <a href=\"/u/signup?state={tx}\">Create your account</a></p>",
                tx = escape(form.transaction)
            ),
        ),
        None => (String::new(), String::new()),
    };
    let body = format!(
        "<h1>{heading}</h1><p>to continue to {client}</p>{invited}{error}\
         <form method=\"post\" action=\"/u/login\">\
         <input type=\"hidden\" name=\"state\" value=\"{tx}\">{email}\
         <label for=\"password\">Password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\">Continue</button></form>{signup}",
        heading = escape(&title),
        client = escape(form.client_name),
        error = error_paragraph(form.error),
        tx = escape(form.transaction),
        email = email_field(form.email, form.invitation.is_some()),
    );
    page_with_form_target(
        status,
        &title,
        &body,
        origin_of(form.redirect_uri).as_deref(),
    )
}

/// What the sign-up form (invitations only) shows.
pub struct SignupForm<'a> {
    pub transaction: &'a str,
    pub client_name: &'a str,
    pub organization: Option<&'a str>,
    pub invitation: InvitationView<'a>,
    pub name: &'a str,
    pub error: Option<&'a str>,
    pub redirect_uri: &'a str,
}

pub fn signup_page(status: StatusCode, form: &SignupForm<'_>) -> Response {
    let title = match form.organization {
        Some(org) => format!("Join {org}"),
        None => "Create your account".to_owned(),
    };
    let body = format!(
        "<h1>{heading}</h1><p>Create your account to continue to {client}</p>{invited}{error}\
         <form method=\"post\" action=\"/u/signup\">\
         <input type=\"hidden\" name=\"state\" value=\"{tx}\">{email}\
         <label for=\"name\">Your name</label>\
         <input id=\"name\" name=\"name\" autocomplete=\"name\" required value=\"{name}\">\
         <label for=\"password\">Password (at least {min} characters)</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"{min}\">\
         <button type=\"submit\">Create account</button></form>\
         <p>Already have an account? <a href=\"/u/login?state={tx}\">Sign in</a></p>",
        heading = escape(&title),
        client = escape(form.client_name),
        invited = invited_line(&form.invitation, form.organization),
        error = error_paragraph(form.error),
        tx = escape(form.transaction),
        email = email_field(form.invitation.email, true),
        name = escape(form.name),
        min = crate::password::MIN_LENGTH,
    );
    page_with_form_target(
        status,
        &title,
        &body,
        origin_of(form.redirect_uri).as_deref(),
    )
}

/// A signed-in person opened an invitation meant for another address.
pub struct OtherAccount<'a> {
    pub signed_in: &'a str,
    pub invitee: &'a str,
    pub organization: Option<&'a str>,
    /// The login page of a transaction for the invitation.
    pub login_link: &'a str,
    /// Back to the application, refused.
    pub back_link: &'a str,
}

pub fn other_account_page(page_data: &OtherAccount<'_>) -> Response {
    let body = format!(
        "<h1>This invitation is for someone else</h1>\
         <p role=\"alert\" id=\"other-account\">You are signed in as <strong>{signed_in}</strong>, \
         but the invitation to join {org} is for <strong>{invitee}</strong>.</p>\
         <p><a id=\"switch-account\" href=\"{login}\">Sign in as {invitee}</a></p>\
         <p><a href=\"{back}\">Go back to the application</a></p>",
        signed_in = escape(page_data.signed_in),
        invitee = escape(page_data.invitee),
        org = escape(page_data.organization.unwrap_or("the organization")),
        login = escape(page_data.login_link),
        back = escape(page_data.back_link),
    );
    page(StatusCode::OK, "Invitation for another account", &body)
}

/// The organizations a person may continue with, by display name.
pub struct Picker<'a> {
    pub transaction: &'a str,
    pub client_name: &'a str,
    /// (organization id, display name)
    pub organizations: &'a [(String, String)],
    pub redirect_uri: &'a str,
}

pub fn organization_picker_page(picker: &Picker<'_>) -> Response {
    let buttons: String = picker
        .organizations
        .iter()
        .map(|(id, display)| {
            format!(
                "<button type=\"submit\" name=\"organization\" value=\"{id}\">{display}</button>",
                id = escape(id),
                display = escape(display),
            )
        })
        .collect();
    let body = format!(
        "<h1>Choose an organization</h1><p>to continue to {client}</p>\
         <form method=\"post\" action=\"/u/organization\">\
         <input type=\"hidden\" name=\"state\" value=\"{tx}\">{buttons}</form>",
        client = escape(picker.client_name),
        tx = escape(picker.transaction),
    );
    page_with_form_target(
        StatusCode::OK,
        "Choose an organization",
        &body,
        origin_of(picker.redirect_uri).as_deref(),
    )
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
