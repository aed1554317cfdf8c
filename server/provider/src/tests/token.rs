//! `/oauth/token` with client credentials, as Auth0 answers it.

use axum::body::Body;
use http::{Request, StatusCode, header};
use serde_json::{Value, json};

use super::{ALL_ORG_SCOPES, AUDIENCE, ISSUER, TestProvider, basic};

fn json_request(body: Value) -> Request<Body> {
    Request::post("/oauth/token")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn form_request(form: &str, authorization: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/oauth/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(auth) = authorization {
        request = request.header(header::AUTHORIZATION, auth);
    }
    request.body(Body::from(form.to_owned())).unwrap()
}

#[tokio::test]
async fn client_credentials_gives_a_management_token_with_the_granted_scopes() {
    let provider = TestProvider::new().await;
    let (id, secret) = provider.m2m_client("console-m2m", ALL_ORG_SCOPES).await;
    let answer = provider
        .call(json_request(json!({
            "grant_type": "client_credentials", "client_id": id, "client_secret": secret,
            "audience": AUDIENCE, "organization": null
        })))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(answer.body["token_type"], "Bearer");
    assert_eq!(answer.body["expires_in"], 86400);
    assert_eq!(answer.body["scope"], ALL_ORG_SCOPES.join(" "));

    // The token verifies with the published keys and says who it is for.
    let token = answer.body["access_token"].as_str().unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[AUDIENCE]);
    validation.set_issuer(&[ISSUER]);
    let claims: Value = provider
        .state
        .keys
        .verify(token, &validation)
        .await
        .unwrap();
    assert_eq!(claims["sub"], "console-m2m@clients");
    assert_eq!(claims["gty"], "client-credentials");
    assert_eq!(claims["azp"], "console-m2m");
}

#[tokio::test]
async fn basic_authentication_and_form_bodies_work_too() {
    let provider = TestProvider::new().await;
    let (id, secret) = provider
        .m2m_client("basic-client", &["read:organizations"])
        .await;
    let form = format!(
        "grant_type=client_credentials&audience={}",
        urlencode(AUDIENCE)
    );
    let answer = provider
        .call(form_request(&form, Some(&basic(&id, &secret))))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["scope"], "read:organizations");
}

#[tokio::test]
async fn refusals_say_why_in_oauths_words() {
    let provider = TestProvider::new().await;
    let (id, secret) = provider
        .m2m_client("granted", &["read:organizations"])
        .await;
    let (bare_id, bare_secret) = provider.m2m_client("no-grant", &[]).await;
    let aud = urlencode(AUDIENCE);
    let cases: Vec<(&str, String, Option<String>, u16, &str)> = vec![
        (
            "wrong secret",
            format!("grant_type=client_credentials&audience={aud}"),
            Some(basic(&id, "nope")),
            401,
            "invalid_client",
        ),
        (
            "unknown client",
            format!("grant_type=client_credentials&audience={aud}"),
            Some(basic("ghost", &secret)),
            401,
            "invalid_client",
        ),
        (
            "no client at all",
            format!("grant_type=client_credentials&audience={aud}"),
            None,
            400,
            "invalid_request",
        ),
        (
            "no grant type",
            format!("client_id={id}&client_secret={secret}&audience={aud}"),
            None,
            400,
            "invalid_request",
        ),
        (
            "unknown grant type",
            format!("grant_type=password&client_id={id}&client_secret={secret}"),
            None,
            400,
            "unsupported_grant_type",
        ),
        (
            "no audience",
            format!("grant_type=client_credentials&client_id={id}&client_secret={secret}"),
            None,
            400,
            "invalid_request",
        ),
        (
            "another audience",
            format!(
                "grant_type=client_credentials&client_id={id}&client_secret={secret}&audience=https%3A%2F%2Fapi.example.com%2F"
            ),
            None,
            403,
            "access_denied",
        ),
        (
            "no grant for the audience",
            format!(
                "grant_type=client_credentials&client_id={bare_id}&client_secret={bare_secret}&audience={aud}"
            ),
            None,
            403,
            "access_denied",
        ),
        (
            "only scopes not granted",
            format!(
                "grant_type=client_credentials&client_id={id}&client_secret={secret}&audience={aud}&scope=delete%3Aorganizations"
            ),
            None,
            403,
            "access_denied",
        ),
        (
            "two authentication methods",
            format!("grant_type=client_credentials&client_secret={secret}&audience={aud}"),
            Some(basic(&id, &secret)),
            400,
            "invalid_request",
        ),
    ];
    for (case, form, auth, status, error) in cases {
        let answer = provider.call(form_request(&form, auth.as_deref())).await;
        assert_eq!(answer.status.as_u16(), status, "{case}: {}", answer.body);
        assert_eq!(answer.body["error"], error, "{case}");
        assert!(answer.body["error_description"].is_string(), "{case}");
        assert!(
            !answer.body.to_string().contains(&secret),
            "{case}: no secret echoed"
        );
    }
}

#[tokio::test]
async fn asking_for_fewer_scopes_narrows_the_token() {
    let provider = TestProvider::new().await;
    let (id, secret) = provider.m2m_client("wide", ALL_ORG_SCOPES).await;
    let form = format!(
        "grant_type=client_credentials&audience={}&scope=read%3Aorganizations+not%3Agranted",
        urlencode(AUDIENCE)
    );
    let answer = provider
        .call(form_request(&form, Some(&basic(&id, &secret))))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["scope"], "read:organizations");
}

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
