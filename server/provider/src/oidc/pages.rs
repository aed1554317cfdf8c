//! The provider's own HTML pages: the login and sign-up forms, the
//! organization picker, and the error and signed-out pages, drawn by the
//! brand crate (the renderer the console's preview uses) with the
//! organization's branding. Every dynamic text is escaped; the pages load
//! nothing from elsewhere but the organization's logo.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

pub use orgdesk_brand::{Branding, escape};

/// A complete page with a strict Content-Security-Policy: no scripts at all,
/// styles only from this page, forms only to this origin.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    page_with_form_target(status, title, body, None, &Branding::default())
}

/// The branding an organization's `branding` JSON describes (Auth0's shape:
/// `logo_url`, `colors.primary`, `colors.page_background`). Nothing is checked
/// here: the brand crate writes only valid values into a page.
pub fn branding_of(value: Option<&serde_json::Value>) -> Branding {
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
    let Some(value) = value else {
        return Branding::default();
    };
    Branding {
        logo_url: text(value.get("logo_url")),
        primary: text(value.get("colors").and_then(|c| c.get("primary"))),
        page_background: text(value.get("colors").and_then(|c| c.get("page_background"))),
    }
}

/// The Content-Security-Policy of a page with this branding: the hash of its
/// one stylesheet, images only from the logo's origin, forms only to this
/// origin (and `form_target`, where a form's answer redirects).
pub fn content_security_policy(branding: &Branding, form_target: Option<&str>) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let style = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(
        orgdesk_brand::stylesheet(branding).as_bytes(),
    ));
    let img = branding
        .valid_logo()
        .and_then(|logo| origin_of(&logo))
        .unwrap_or_else(|| "'none'".to_owned());
    let form_action = match form_target {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'none'; style-src 'sha256-{style}'; img-src {img}; form-action {form_action}; \
         frame-ancestors 'none'; base-uri 'none'"
    )
}

/// Like [`page`], branded, where a form's answer redirects to `form_target`
/// (an origin): browsers apply `form-action` to that redirect too.
pub(super) fn page_with_form_target(
    status: StatusCode,
    title: &str,
    body: &str,
    form_target: Option<&str>,
    branding: &Branding,
) -> Response {
    let html = orgdesk_brand::document(title, branding, body);
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    let policy = content_security_policy(branding, form_target);
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&policy).expect("origins are header-safe"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

/// An error of an organization's sign-in, on a page with its branding.
pub fn branded_error_page(
    status: StatusCode,
    message: &str,
    branding: &Branding,
    organization: Option<&str>,
) -> Response {
    page_with_form_target(
        status,
        "Sign-in error",
        &format!(
            "{logo}<h1>Something is wrong with this sign-in</h1><p role=\"alert\">{message}</p>",
            logo = orgdesk_brand::logo(branding, organization.unwrap_or("")),
            message = escape(message)
        ),
        None,
        branding,
    )
}

/// A page that sends the browser on to `location` at once (a zero-second
/// refresh, with a link for browsers that do not refresh).
///
/// The end of a federated sign-in answers with it instead of a redirect:
/// the customer's provider posted its own login form, and browsers apply
/// that page's `form-action` to every redirect that follows the post, so a
/// redirect chain from our callback on to the application would be blocked
/// by any provider that restricts `form-action` (as this provider does). A
/// page ends the chain; the refresh is a new navigation.
pub fn continue_page(location: &str) -> Response {
    let target = escape(location);
    let title = "Signing you in";
    let body = format!("<h1>{title}</h1><p><a id=\"continue\" href=\"{target}\">Continue</a></p>");
    let html = orgdesk_brand::document(title, &Branding::default(), &body).replacen(
        "<title>",
        &format!("<meta http-equiv=\"refresh\" content=\"0;url={target}\"><title>"),
        1,
    );
    let mut response = (StatusCode::OK, Html(html)).into_response();
    let headers = response.headers_mut();
    let policy = content_security_policy(&Branding::default(), None);
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&policy).expect("the policy is header-safe"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

/// An error shown on the provider itself, never sent to a redirect URI.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    branded_error_page(status, message, &Branding::default(), None)
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
    pub branding: &'a Branding,
    /// The password form (a database connection is enabled).
    pub password: bool,
    /// A sign-up link (the database connection allows sign-up).
    pub signup: bool,
    /// Enterprise connections shown as buttons: (name, label).
    pub connections: &'a [(String, String)],
}

/// The origin of a redirect URI, for the pages' `form-action`.
pub(super) fn origin_of(redirect_uri: &str) -> Option<String> {
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
    let tx = escape(form.transaction);
    let invited = match &form.invitation {
        Some(invitation) => invited_line(invitation, form.organization),
        None => String::new(),
    };
    let signup = if form.password && (form.invitation.is_some() || form.signup) {
        format!(
            "<p>New here? <a id=\"signup-link\" href=\"/u/signup?state={tx}\">Create your account</a></p>"
        )
    } else {
        String::new()
    };
    let password = if form.password {
        format!(
            "<form method=\"post\" action=\"/u/login\">\
             <input type=\"hidden\" name=\"state\" value=\"{tx}\">{email}\
             <label for=\"password\">Password</label>\
             <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
             <button type=\"submit\">Continue</button></form>",
            email = email_field(form.email, form.invitation.is_some()),
        )
    } else {
        String::new()
    };
    // Links, not forms: the answer redirects to the connection's own origin,
    // which `form-action` would (rightly) not allow.
    let buttons: String = form
        .connections
        .iter()
        .map(|(name, label)| {
            let query = serde_urlencoded::to_string([
                ("state", form.transaction),
                ("connection", name.as_str()),
            ])
            .unwrap_or_default();
            format!(
                "<a class=\"button connection\" data-connection=\"{name}\" href=\"/u/federate?{query}\">Continue with {label}</a>",
                name = escape(name),
                query = escape(&query),
                label = escape(label),
            )
        })
        .collect();
    let separator = if form.password && !buttons.is_empty() {
        "<p class=\"separator\">or</p>"
    } else {
        ""
    };
    let body = format!(
        "{logo}<h1>{heading}</h1><p>to continue to {client}</p>{invited}{error}\
         {password}{separator}{buttons}{signup}",
        logo = orgdesk_brand::logo(form.branding, form.organization.unwrap_or("")),
        heading = escape(&title),
        client = escape(form.client_name),
        error = error_paragraph(form.error),
    );
    page_with_form_target(
        status,
        &title,
        &body,
        origin_of(form.redirect_uri).as_deref(),
        form.branding,
    )
}

/// What the sign-up form (invitations only) shows.
pub struct SignupForm<'a> {
    pub transaction: &'a str,
    pub client_name: &'a str,
    pub organization: Option<&'a str>,
    /// Without an invitation (the database connection allows sign-up), the
    /// email is the person's to type.
    pub invitation: Option<InvitationView<'a>>,
    pub email: &'a str,
    pub branding: &'a Branding,
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
        "{logo}<h1>{heading}</h1><p>Create your account to continue to {client}</p>{invited}{error}\
         <form method=\"post\" action=\"/u/signup\">\
         <input type=\"hidden\" name=\"state\" value=\"{tx}\">{email}\
         <label for=\"name\">Your name</label>\
         <input id=\"name\" name=\"name\" autocomplete=\"name\" required value=\"{name}\">\
         <label for=\"password\">Password (at least {min} characters)</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"{min}\">\
         <button type=\"submit\">Create account</button></form>\
         <p>Already have an account? <a href=\"/u/login?state={tx}\">Sign in</a></p>",
        logo = orgdesk_brand::logo(form.branding, form.organization.unwrap_or("")),
        heading = escape(&title),
        client = escape(form.client_name),
        invited = form
            .invitation
            .as_ref()
            .map(|i| invited_line(i, form.organization))
            .unwrap_or_default(),
        error = error_paragraph(form.error),
        tx = escape(form.transaction),
        email = match &form.invitation {
            Some(invitation) => email_field(invitation.email, true),
            None => email_field(form.email, false),
        },
        name = escape(form.name),
        min = crate::password::MIN_LENGTH,
    );
    page_with_form_target(
        status,
        &title,
        &body,
        origin_of(form.redirect_uri).as_deref(),
        form.branding,
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
        &Branding::default(),
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
