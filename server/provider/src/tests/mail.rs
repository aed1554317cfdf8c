//! Invitation emails over real SMTP (a minimal SMTP server in the test that
//! keeps what lettre sends it), and the outbox page.

use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use http::{Request, StatusCode};
use orgdesk_config::Secret;
use serde_json::json;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};
use tower::ServiceExt;

use super::{
    TestProvider,
    invitations::{body_for, invite, setup, setup_with},
};
use crate::{ProviderOptions, SmtpSettings};

/// What the SMTP server received in one session.
#[derive(Clone, Debug, Default)]
struct Received {
    /// The decoded `AUTH PLAIN` credentials: user and password.
    auth: Option<(String, String)>,
    rcpt: Vec<String>,
    data: String,
}

/// An SMTP server on a local port that accepts (or, with `refuse`, refuses
/// recipients of) every message and keeps what it received.
struct SmtpSink {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

async fn smtp_sink(refuse: bool) -> SmtpSink {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let mut session = Received::default();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-sink\r\n250 AUTH PLAIN\r\n"
                    } else if let Some(encoded) = line.strip_prefix("AUTH PLAIN ") {
                        let decoded = STANDARD.decode(encoded.trim()).unwrap();
                        let parts: Vec<String> = decoded
                            .split(|b| *b == 0)
                            .map(|p| String::from_utf8_lossy(p).into_owned())
                            .collect();
                        session.auth = Some((parts[1].clone(), parts[2].clone()));
                        b"235 2.7.0 accepted\r\n"
                    } else if upper.starts_with("MAIL FROM") {
                        b"250 ok\r\n"
                    } else if upper.starts_with("RCPT TO") {
                        if refuse {
                            b"550 5.1.1 mailbox unavailable\r\n"
                        } else {
                            session.rcpt.push(line[8..].trim().to_owned());
                            b"250 ok\r\n"
                        }
                    } else if upper == "DATA" {
                        write.write_all(b"354 go ahead\r\n").await.unwrap();
                        while let Ok(Some(data)) = lines.next_line().await {
                            if data == "." {
                                break;
                            }
                            session.data.push_str(&data);
                            session.data.push_str("\r\n");
                        }
                        kept.lock().unwrap().push(session.clone());
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    SmtpSink { port, received }
}

/// Undoes quoted-printable (soft line breaks and `=XX`), enough to read the
/// bodies lettre writes.
fn unquote(data: &str) -> String {
    let joined = data.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn provider_with_smtp(sink: &SmtpSink) -> TestProvider {
    let url = format!("smtp://mailer:smtp-pw-7@127.0.0.1:{}", sink.port);
    TestProvider::with_options(ProviderOptions {
        smtp: Some(
            SmtpSettings::new(Secret::new(url), "Travel0 <no-reply@travel0.example>").unwrap(),
        ),
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn with_smtp_the_invitation_email_reaches_the_server_with_its_link() {
    let sink = smtp_sink(false).await;
    let (provider, token, org, _) = setup_with(provider_with_smtp(&sink).await).await;
    let created = invite(
        &provider,
        &token,
        &org,
        body_for("new.hire@adventurez.example"),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);

    let received = sink.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(
        mail.auth,
        Some(("mailer".into(), "smtp-pw-7".into())),
        "authenticated with the URL's credentials"
    );
    assert_eq!(mail.rcpt, ["<new.hire@adventurez.example>"]);
    let data = unquote(&mail.data).replace("\r\n ", " ");
    assert!(
        data.contains("Subject: Sumana invited you to join AdventureZ <Tours>"),
        "{data}"
    );
    assert!(
        data.contains("From: Travel0 <no-reply@travel0.example>"),
        "{data}"
    );
    let link = created.body["invitation_url"].as_str().unwrap();
    assert!(
        data.contains(link),
        "the plain text carries the link: {data}"
    );
    assert!(
        data.contains(&link.replace('&', "&amp;")),
        "the HTML carries it escaped: {data}"
    );
    assert!(
        data.contains("AdventureZ &lt;Tours&gt;"),
        "names escaped in HTML"
    );
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(provider.db.pool())
        .await
        .unwrap();
    assert_eq!(kept, 0, "sent, not kept");
}

#[tokio::test]
async fn an_email_the_server_refuses_leaves_no_invitation() {
    let sink = smtp_sink(true).await;
    let (provider, token, org, _) = setup_with(provider_with_smtp(&sink).await).await;
    let refused = invite(&provider, &token, &org, body_for("gone@adventurez.example")).await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert_eq!(refused.body["errorCode"], "email_not_sent");
    let message = refused.body["message"].as_str().unwrap();
    assert!(message.contains("no invitation was created"), "{message}");
    assert!(!refused.body.to_string().contains("smtp-pw-7"));
    let listed = provider
        .api(
            "GET",
            &format!("/organizations/{org}/invitations"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(listed.body, json!([]), "nothing remains");

    // Nobody listening at all: the same.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let down = SmtpSink {
        port: closed,
        received: Default::default(),
    };
    let (provider, token, org, _) = setup_with(provider_with_smtp(&down).await).await;
    let refused = invite(&provider, &token, &org, body_for("gone@adventurez.example")).await;
    assert_eq!(refused.status, 503);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations")
        .fetch_one(provider.db.pool())
        .await
        .unwrap();
    assert_eq!(count, 0);
}

async fn page(provider: &TestProvider, path: &str) -> (StatusCode, String) {
    let response = provider
        .app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_outbox_page_is_off_by_default() {
    let (provider, ..) = setup().await;
    assert_eq!(
        page(&provider, "/dev/outbox").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_outbox_page_lists_kept_emails_newest_first_with_links_escaped() {
    let provider = TestProvider::with_options(ProviderOptions {
        outbox_page: true,
        ..Default::default()
    })
    .await;
    let (provider, token, org, _) = setup_with(provider).await;
    let first = invite(
        &provider,
        &token,
        &org,
        body_for("first@adventurez.example"),
    )
    .await
    .body;
    sqlx::query("UPDATE outbox SET created_at = created_at - 1000")
        .execute(provider.db.pool())
        .await
        .unwrap();
    let mut second = body_for("second@adventurez.example");
    second["inviter"]["name"] = "<b>Mallory</b>".into();
    let second = invite(&provider, &token, &org, second).await.body;

    let (status, html) = page(&provider, "/dev/outbox").await;
    assert_eq!(status, StatusCode::OK);
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {html}"))
    };
    assert!(
        at("second@adventurez.example") < at("first@adventurez.example"),
        "newest first"
    );
    for invitation in [&first, &second] {
        let link = invitation["invitation_url"]
            .as_str()
            .unwrap()
            .replace('&', "&amp;");
        assert!(
            html.contains(&format!("<a href=\"{link}\">")),
            "clickable: {link}"
        );
    }
    assert!(html.contains("&lt;b&gt;Mallory&lt;/b&gt;"), "escaped");
    assert!(!html.contains("<b>Mallory"), "{html}");
}
