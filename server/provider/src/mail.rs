//! The provider's outgoing email: over SMTP when a server is configured,
//! otherwise kept in its database (the outbox), which `/dev/outbox` can show.
//!
//! A message that goes over SMTP is sent before the write it belongs to, so a
//! failure to send leaves nothing behind; an outbox message is written in the
//! same transaction as that write.

use std::fmt;
use std::time::Duration;

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};
use orgdesk_brand::Branding;
use orgdesk_config::Secret;
use sqlx::{AnyConnection, Row};

use crate::{
    ProviderState, ids,
    oidc::pages::{escape, page},
    timestamp::{iso8601, now_millis},
};

/// Time allowed for one SMTP exchange.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);
/// The outbox page shows this many messages, newest first.
const OUTBOX_PAGE_SIZE: i64 = 100;

/// A checked SMTP server and sender. `Debug` never shows the URL, which
/// holds a password.
#[derive(Clone)]
pub struct SmtpSettings {
    url: Secret,
    from: Mailbox,
}

/// Why SMTP settings were refused. Messages never repeat the URL.
#[derive(Debug, thiserror::Error)]
pub enum MailSettingsError {
    #[error(
        "the SMTP URL must look like smtps://user:password@host:465 or \
         smtp://user:password@host:587?tls=required"
    )]
    Url,
    #[error("the sender must be an address such as \"Orgdesk <no-reply@example.com>\"")]
    From,
}

impl SmtpSettings {
    pub fn new(url: Secret, from: &str) -> Result<Self, MailSettingsError> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|_| MailSettingsError::Url)?;
        let from = from.parse().map_err(|_| MailSettingsError::From)?;
        Ok(Self { url, from })
    }
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("url", &self.url)
            .field("from", &self.from.to_string())
            .finish()
    }
}

/// One email, in plain text and HTML.
#[derive(Clone, Debug, PartialEq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why an email was not sent. Logged; callers answer with a fixed message.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the recipient address is not valid")]
    Recipient,
    #[error("building the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

/// Where the provider's emails go.
pub(crate) enum Mailer {
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    Outbox,
}

/// What became of an email handed to [`Mailer::send_or_keep`].
#[must_use]
pub(crate) enum Dispatch {
    /// The SMTP server accepted it.
    Sent,
    /// It goes in the outbox, with the caller's write: see [`Dispatch::finish`].
    Keep(Email),
}

impl Mailer {
    pub fn new(settings: Option<&SmtpSettings>) -> Self {
        match settings {
            Some(settings) => Mailer::Smtp {
                transport: Box::new(
                    AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.url.expose())
                        .expect("SmtpSettings::new checked the URL")
                        .timeout(Some(SMTP_TIMEOUT))
                        .build(),
                ),
                from: settings.from.clone(),
            },
            None => Mailer::Outbox,
        }
    }

    /// Sends now over SMTP, or hands the email back to be kept in the outbox
    /// within the caller's transaction.
    pub async fn send_or_keep(&self, email: Email) -> Result<Dispatch, SendError> {
        match self {
            Mailer::Outbox => Ok(Dispatch::Keep(email)),
            Mailer::Smtp { transport, from } => {
                let to: Mailbox = email.to.parse().map_err(|_| SendError::Recipient)?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(email.subject)
                    .multipart(MultiPart::alternative_plain_html(email.text, email.html))?;
                transport.send(message).await?;
                Ok(Dispatch::Sent)
            }
        }
    }
}

impl Dispatch {
    /// Writes a kept email to the outbox (on the caller's transaction).
    pub async fn finish(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        match self {
            Dispatch::Sent => Ok(()),
            Dispatch::Keep(email) => {
                sqlx::query(
                    "INSERT INTO outbox (id, recipient, subject, text_body, html_body, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(ids::opaque_token())
                .bind(&email.to)
                .bind(&email.subject)
                .bind(&email.text)
                .bind(&email.html)
                .bind(now_millis())
                .execute(conn)
                .await?;
                Ok(())
            }
        }
    }
}

/// An organization's stored branding (`{logo_url, colors: {primary,
/// page_background}}`) in the form `orgdesk_brand` renders. Whatever is
/// stored, the renderers write only values that pass its checks.
pub fn branding_of(stored: Option<&serde_json::Value>) -> Branding {
    let text =
        |value: Option<&serde_json::Value>| value.and_then(|v| v.as_str()).map(str::to_owned);
    match stored {
        Some(b) => Branding {
            logo_url: text(b.get("logo_url")),
            primary: text(b.get("colors").and_then(|c| c.get("primary"))),
            page_background: text(b.get("colors").and_then(|c| c.get("page_background"))),
        },
        None => Branding::default(),
    }
}

/// The color of text on the branding's primary color, as the hosted pages
/// draw it (read from the one stylesheet `orgdesk_brand` writes).
fn on_primary(branding: &Branding) -> &'static str {
    if orgdesk_brand::stylesheet(branding).contains("--on-primary:#000000") {
        "#000000"
    } else {
        "#ffffff"
    }
}

/// The invitation email: who invites whom to which organization, the link,
/// and when it expires. The HTML part carries the organization's logo and
/// its primary color on the button; only a checked https logo URL and
/// `#rrggbb` colors ever reach the markup (an unchecked value falls back to
/// no logo and the default color).
pub fn invitation_email(
    to: &str,
    inviter: &str,
    organization: &str,
    application: &str,
    link: &str,
    expires_at_millis: i64,
    branding: &Branding,
) -> Email {
    let expires = iso8601(expires_at_millis);
    let expires = format!("{} at {} UTC", &expires[..10], &expires[11..16]);
    let text = format!(
        "Hello,\n\n\
         {inviter} invited you to join {organization} in {application}.\n\n\
         Accept the invitation:\n{link}\n\n\
         The invitation expires on {expires}. If you did not expect it, ignore this email.\n"
    );
    let primary = branding
        .primary
        .as_deref()
        .filter(|c| orgdesk_brand::is_color(c))
        .unwrap_or(orgdesk_brand::DEFAULT_PRIMARY);
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"></head><body>\
         {logo}\
         <p>Hello,</p>\
         <p>{inviter} invited you to join <strong>{organization}</strong> in {application}.</p>\
         <p><a id=\"accept\" href=\"{link}\" style=\"display:inline-block;padding:10px 18px;\
         border-radius:6px;text-decoration:none;font-weight:600;background:{primary};color:{on}\">\
         Accept the invitation</a></p>\
         <p>Or open this link: {link}</p>\
         <p>The invitation expires on {expires}. If you did not expect it, ignore this email.</p>\
         </body></html>",
        logo = orgdesk_brand::logo(branding, organization),
        inviter = escape(inviter),
        organization = escape(organization),
        application = escape(application),
        link = escape(link),
        on = on_primary(branding),
    );
    let subject: String = format!("{inviter} invited you to join {organization}")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Email {
        to: to.to_owned(),
        subject,
        text,
        html,
    }
}

/// `GET /dev/outbox`: the kept emails, newest first, with their links
/// clickable. Served only when the outbox page is turned on.
pub(crate) async fn outbox_page(State(state): State<ProviderState>) -> Response {
    let rows = sqlx::query(
        "SELECT recipient, subject, text_body, created_at FROM outbox \
         ORDER BY created_at DESC, id DESC LIMIT $1",
    )
    .bind(OUTBOX_PAGE_SIZE)
    .fetch_all(state.db.pool())
    .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(error) => {
            tracing::error!(%error, "outbox page: database");
            return (StatusCode::INTERNAL_SERVER_ERROR, "Outbox unavailable").into_response();
        }
    };
    let mut body = String::from(
        "<h1>Outbox</h1><p>Emails the provider kept instead of sending (no SMTP server is \
         configured), newest first.</p>",
    );
    if rows.is_empty() {
        body.push_str("<p>No emails yet.</p>");
    }
    for row in &rows {
        let field = |name: &str| row.try_get::<String, _>(name).unwrap_or_default();
        let at: i64 = row.try_get("created_at").unwrap_or_default();
        body.push_str(&format!(
            "<article><h2>{subject}</h2><p>To {to} · {at}</p><pre>{text}</pre></article>",
            subject = escape(&field("subject")),
            to = escape(&field("recipient")),
            at = iso8601(at),
            text = linkify(&field("text_body")),
        ));
    }
    page(StatusCode::OK, "Outbox", &body)
}

/// Escapes text and makes its http(s) URLs links.
fn linkify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            if word.starts_with("https://") || word.starts_with("http://") {
                let word = escape(word);
                out.push_str(&format!("<a href=\"{word}\">{word}</a>"));
            } else {
                out.push_str(&escape(word));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_emails_escape_names_in_html_and_carry_the_link_and_expiry() {
        let email = invitation_email(
            "new@example.com",
            "Ann <script>",
            "Acme & Co",
            "Orgdesk",
            "https://app.example/login?invitation=T&organization=org_1",
            1_597_950_606_299,
            &Branding::default(),
        );
        assert_eq!(email.subject, "Ann <script> invited you to join Acme & Co");
        assert!(
            email
                .text
                .contains("https://app.example/login?invitation=T&organization=org_1")
        );
        assert!(email.text.contains("2020-08-20 at 19:10 UTC"));
        assert!(email.html.contains("Ann &lt;script&gt;"));
        assert!(email.html.contains("Acme &amp; Co"));
        assert!(
            email
                .html
                .contains("href=\"https://app.example/login?invitation=T&amp;organization=org_1\"")
        );
        assert!(!email.html.contains("<script>"));
    }

    fn branded(stored: serde_json::Value) -> Email {
        invitation_email(
            "new@example.com",
            "Ann",
            "MetaHexa Bank",
            "Orgdesk",
            "https://app.example/login?invitation=T",
            1_597_950_606_299,
            &branding_of(Some(&stored)),
        )
    }

    #[test]
    fn invitation_emails_carry_the_organizations_logo_and_primary_color() {
        let email = branded(serde_json::json!({
            "logo_url": "https://metahexa.example/logo.svg",
            "colors": {"primary": "#0b5cab", "page_background": "#eef4fb"}
        }));
        assert!(
            email
                .html
                .contains("src=\"https://metahexa.example/logo.svg\"")
        );
        assert!(email.html.contains("alt=\"MetaHexa Bank\""));
        assert!(email.html.contains("background:#0b5cab;color:#ffffff"));
        // A light primary color gets dark text on the button.
        let light = branded(serde_json::json!({"colors": {"primary": "#fde047"}}));
        assert!(light.html.contains("background:#fde047;color:#000000"));
        // Unbranded: no logo, the default color.
        let plain = invitation_email(
            "a@b.example",
            "Ann",
            "Acme",
            "Orgdesk",
            "https://x.example/",
            0,
            &Branding::default(),
        );
        assert!(!plain.html.contains("<img"));
        assert!(
            plain
                .html
                .contains(&format!("background:{}", orgdesk_brand::DEFAULT_PRIMARY))
        );
    }

    #[test]
    fn only_checked_branding_values_reach_the_email() {
        // Values that never pass the Management API's checks, as if written
        // to the database some other way.
        let email = branded(serde_json::json!({
            "logo_url": "javascript:alert(1)//\"><script>alert(1)</script>",
            "colors": {"primary": "red;background:url(https://evil.example/)"}
        }));
        assert!(!email.html.contains("<img"));
        assert!(!email.html.contains("javascript:"));
        assert!(!email.html.contains("<script>"));
        assert!(!email.html.contains("evil.example"));
        assert!(
            email
                .html
                .contains(&format!("background:{}", orgdesk_brand::DEFAULT_PRIMARY))
        );
        let http_logo =
            branded(serde_json::json!({"logo_url": "http://metahexa.example/logo.svg"}));
        assert!(!http_logo.html.contains("<img"));
    }

    #[test]
    fn outbox_text_gets_links_and_nothing_else_is_markup() {
        assert_eq!(
            linkify("Go to https://x.test/?a=1&b=\"2\" now\n<b>"),
            "Go to <a href=\"https://x.test/?a=1&amp;b=&quot;2&quot;\">https://x.test/?a=1&amp;b=&quot;2&quot;</a> now\n&lt;b&gt;"
        );
        assert_eq!(linkify("javascript:alert(1)"), "javascript:alert(1)");
    }

    #[test]
    fn smtp_settings_never_print_the_password() {
        let settings = SmtpSettings::new(
            Secret::new("smtps://mailer:pw-123@smtp.example.com:465"),
            "Orgdesk <no-reply@example.com>",
        )
        .unwrap();
        assert!(!format!("{settings:?}").contains("pw-123"));
        assert!(matches!(
            SmtpSettings::new(Secret::new("https://smtp.example.com"), "a@b.example"),
            Err(MailSettingsError::Url)
        ));
        assert!(matches!(
            SmtpSettings::new(Secret::new("smtp://smtp.example.com"), "nobody"),
            Err(MailSettingsError::From)
        ));
    }
}
