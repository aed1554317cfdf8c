//! `/api/v2/organizations` as Auth0 serves it: scopes, rules, shapes, paging.

use serde_json::{Value, json};

use super::{ALL_ORG_SCOPES, AUDIENCE, ISSUER, TestProvider};
use crate::{ProviderOptions, RateLimit, now, oauth::token::ManagementClaims};

async fn create(provider: &TestProvider, token: &str, body: Value) -> super::Answer {
    provider
        .api("POST", "/organizations", Some(token), Some(body))
        .await
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn callers_without_a_valid_token_get_401_in_auth0s_shape() {
    let provider = TestProvider::new().await;
    let forged = {
        let other = TestProvider::new().await; // another provider's keys
        other.token(ALL_ORG_SCOPES).await
    };
    let claims = |aud: &str, exp: i64| ManagementClaims {
        iss: ISSUER.into(),
        sub: "x@clients".into(),
        aud: aud.into(),
        iat: now() - 100,
        exp,
        scope: ALL_ORG_SCOPES.join(" "),
        gty: "client-credentials".into(),
        azp: "x".into(),
    };
    let expired = provider.state.keys.sign(&claims(AUDIENCE, now() - 60));
    let wrong_audience = provider
        .state
        .keys
        .sign(&claims("https://api.example.com/", now() + 600));
    for (case, token) in [
        ("no token", None),
        ("garbage", Some("not-a-jwt")),
        ("another provider's key", Some(forged.as_str())),
        ("expired", Some(expired.as_str())),
        ("another audience", Some(wrong_audience.as_str())),
    ] {
        let answer = provider.api("GET", "/organizations", token, None).await;
        assert_eq!(answer.status, 401, "{case}");
        assert_eq!(answer.body["statusCode"], 401, "{case}");
        assert_eq!(answer.body["error"], "Unauthorized", "{case}");
        assert!(answer.body["message"].is_string(), "{case}");
    }
}

#[tokio::test]
async fn create_returns_auth0s_shape_and_the_lookups_find_it() {
    let provider = TestProvider::new().await;
    let token = provider.token(ALL_ORG_SCOPES).await;
    let created = create(
        &provider,
        &token,
        json!({"name": "metahexa-bank", "display_name": "MetaHexa Bank",
               "metadata": {"plan": "enterprise"},
               "branding": {"logo_url": "https://cdn.example.com/mh.png", "colors": {"primary": "#0055AA"}}}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let org = created.body;
    let id = org["id"].as_str().unwrap();
    assert!(id.starts_with("org_") && id.len() == 20, "{id}");
    assert_eq!(org["display_name"], "MetaHexa Bank");
    assert_eq!(org["metadata"], json!({"plan": "enterprise"}));
    assert_eq!(org["branding"]["colors"]["primary"], "#0055aa");

    let by_id = provider
        .api("GET", &format!("/organizations/{id}"), Some(&token), None)
        .await;
    assert_eq!(by_id.body, org);
    let by_name = provider
        .api(
            "GET",
            "/organizations/name/metahexa%2Dbank",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(by_name.body, org, "path parameters are percent-decoded");

    for path in [
        "/organizations/org_0000000000000000",
        "/organizations/name/nobody",
    ] {
        let missing = provider.api("GET", path, Some(&token), None).await;
        assert_eq!(missing.status, 404, "{path}");
        assert_eq!(missing.body["errorCode"], "inexistent_organization");
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_a_reason_and_writes_nothing() {
    let provider = TestProvider::new().await;
    let token = provider.token(ALL_ORG_SCOPES).await;
    assert_eq!(
        create(&provider, &token, json!({"name": "taken"}))
            .await
            .status,
        201
    );
    let many: serde_json::Map<String, Value> =
        (0..26).map(|i| (format!("k{i}"), json!("v"))).collect();
    let cases = [
        (json!({"name": "Upper"}), 400, "invalid_body"),
        (json!({"name": "ab"}), 400, "invalid_body"),
        (
            json!({"name": "ok-name", "display_name": "x".repeat(256)}),
            400,
            "invalid_body",
        ),
        (
            json!({"name": "ok-name", "metadata": many}),
            400,
            "invalid_body",
        ),
        (
            json!({"name": "ok-name", "metadata": {"k": 1}}),
            400,
            "invalid_body",
        ),
        (
            json!({"name": "ok-name", "branding": {"logo_url": "javascript:alert(1)"}}),
            400,
            "invalid_body",
        ),
        (
            json!({"name": "ok-name", "id": "org_chosenbycaller0"}),
            400,
            "invalid_body",
        ),
        (json!({"display_name": "No name"}), 400, "invalid_body"),
        (json!({"name": "taken"}), 409, "conflict"),
    ];
    for (body, status, code) in cases {
        let answer = create(&provider, &token, body.clone()).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        assert_eq!(answer.body["errorCode"], code, "{body}");
        assert_eq!(answer.body["statusCode"], status, "{body}");
    }
    let all = provider
        .api("GET", "/organizations", Some(&token), None)
        .await
        .body;
    assert_eq!(names(&all), ["taken"], "no refused request wrote anything");
}

#[tokio::test]
async fn patch_replaces_the_given_fields_and_delete_removes() {
    let provider = TestProvider::new().await;
    let token = provider.token(ALL_ORG_SCOPES).await;
    let org = create(
        &provider,
        &token,
        json!({"name": "hoekstra", "metadata": {"a": "1", "b": "2"},
        "branding": {"colors": {"primary": "#112233"}}}),
    )
    .await
    .body;
    create(&provider, &token, json!({"name": "gupta-smith"})).await;
    let path = format!("/organizations/{}", org["id"].as_str().unwrap());

    let patched = provider
        .api(
            "PATCH",
            &path,
            Some(&token),
            Some(json!({"display_name": "Hoekstra & Associates",
            "metadata": {"c": "3"}, "branding": null})),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["display_name"], "Hoekstra & Associates");
    assert_eq!(
        patched.body["metadata"],
        json!({"c": "3"}),
        "metadata is replaced as a whole"
    );
    assert!(
        patched.body.get("branding").is_none(),
        "null removes branding"
    );
    assert_eq!(patched.body["name"], "hoekstra");

    let clash = provider
        .api(
            "PATCH",
            &path,
            Some(&token),
            Some(json!({"name": "gupta-smith"})),
        )
        .await;
    assert_eq!(clash.status, 409);
    let after = provider.api("GET", &path, Some(&token), None).await.body;
    assert_eq!(after, patched.body, "a refused PATCH changes nothing");

    assert_eq!(
        provider
            .api("DELETE", &path, Some(&token), None)
            .await
            .status,
        204
    );
    assert_eq!(
        provider.api("GET", &path, Some(&token), None).await.status,
        404
    );
    assert_eq!(
        provider
            .api("DELETE", &path, Some(&token), None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn lists_come_in_auth0s_three_forms_ordered_by_name() {
    let provider = TestProvider::new().await;
    let token = provider.token(ALL_ORG_SCOPES).await;
    let all = [
        "adventurez",
        "gupta-smith",
        "hoekstra",
        "many-student-u",
        "metahexa-bank",
        "rocky-mountain",
        "suzies-rafting",
    ];
    for name in all.iter().rev() {
        create(&provider, &token, json!({"name": name})).await;
    }
    let get = |query: &str| {
        let path = format!("/organizations{query}");
        let token = token.clone();
        let provider = &provider;
        async move { provider.api("GET", &path, Some(&token), None).await }
    };

    assert_eq!(names(&get("").await.body), all, "no paging: a bare array");
    assert_eq!(names(&get("?page=1&per_page=3").await.body), all[3..6]);
    assert_eq!(
        names(&get("?page=5&per_page=3").await.body),
        Vec::<String>::new(),
        "past the end: empty"
    );
    let totals = get("?page=0&per_page=2&include_totals=true").await.body;
    assert_eq!(
        (
            totals["start"].clone(),
            totals["limit"].clone(),
            totals["total"].clone()
        ),
        (json!(0), json!(2), json!(7))
    );
    assert_eq!(names(&totals["organizations"]), all[..2]);
    assert_eq!(
        names(&get("?from=").await.body),
        all,
        "an empty from counts as absent"
    );
    assert_eq!(
        get("?page=20&per_page=50").await.body["errorCode"],
        "invalid_paging"
    );

    // Checkpoints: follow `next` until it is gone.
    let mut seen = Vec::new();
    let mut query = "?take=3".to_owned();
    loop {
        let page = get(&query).await.body;
        seen.extend(names(&page["organizations"]));
        match page.get("next").and_then(Value::as_str) {
            Some(next) => query = format!("?take=3&from={next}"),
            None => break,
        }
    }
    assert_eq!(seen, all);
}

#[tokio::test]
async fn every_answer_carries_rate_limit_headers_and_a_spent_limit_answers_429() {
    let provider = TestProvider::with_options(ProviderOptions {
        rate_limit: Some(RateLimit {
            burst: 2,
            per_second: 0.5,
        }),
        ..Default::default()
    })
    .await;
    let token = provider.token(&["read:organizations"]).await;
    let first = provider
        .api("GET", "/organizations", Some(&token), None)
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(first.headers["x-ratelimit-limit"], "2");
    assert_eq!(first.headers["x-ratelimit-remaining"], "1");
    provider
        .api("GET", "/organizations", Some(&token), None)
        .await;
    let refused = provider
        .api("GET", "/organizations", Some(&token), None)
        .await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.body["statusCode"], 429);
    assert_eq!(refused.body["error"], "Too Many Requests");
    let reset: i64 = refused.headers["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset > now(), "reset is a UNIX time in the future");
}
