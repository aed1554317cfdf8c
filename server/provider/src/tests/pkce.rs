//! A confidential client can be made to require PKCE (`require_pkce`, an
//! Orgdesk extension): `/authorize` without a `code_challenge` is refused
//! back to the client; other confidential clients keep PKCE optional.

use orgdesk_config::Secret;

use super::{
    TestProvider,
    browser::{Browser, param},
};
use crate::{
    ClientSpec,
    clients::{AppType, OrganizationUsage},
};

const CALLBACK: &str = "http://console.test/callback";
const CHALLENGE: &str = "92buggaDif6qgwTEEpw2ympu-WlLKosDGBzcafYYc08";

async fn provider() -> TestProvider {
    let provider = TestProvider::new().await;
    let client = |id: &str, require_pkce| ClientSpec {
        client_id: id.into(),
        name: id.into(),
        client_secret: Some(Secret::new("a-secret")),
        app_type: AppType::RegularWeb,
        redirect_uris: vec![CALLBACK.into()],
        logout_urls: vec![],
        organization_usage: OrganizationUsage::Deny,
        initiate_login_uri: None,
        management_api_scopes: vec![],
        require_pkce,
    };
    provider
        .state
        .provision(&[client("strict", true), client("relaxed", false)])
        .await
        .unwrap();
    provider
}

#[tokio::test]
async fn a_client_that_requires_pkce_is_refused_a_code_without_it() {
    let provider = provider().await;
    let mut browser = Browser::new(&provider);
    for (client, challenge, refused) in [
        ("strict", None, true),
        ("strict", Some(CHALLENGE), false),
        ("relaxed", None, false),
    ] {
        let mut params = vec![
            ("client_id", client),
            ("redirect_uri", CALLBACK),
            ("response_type", "code"),
            ("scope", "openid"),
            ("state", "st"),
        ];
        if let Some(challenge) = challenge {
            params.push(("code_challenge", challenge));
            params.push(("code_challenge_method", "S256"));
        }
        let page = browser.authorize(&params).await;
        let location = page.location.expect("a redirect");
        if refused {
            assert!(location.as_str().starts_with(CALLBACK), "{location}");
            assert_eq!(
                param(&location, "error").as_deref(),
                Some("invalid_request")
            );
            assert_eq!(param(&location, "state").as_deref(), Some("st"));
        } else {
            assert_eq!(location.path(), "/u/login", "{client} {challenge:?}");
        }
    }
}
