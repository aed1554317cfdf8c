//! `GET /authorize`: the start of a sign-in. Public.
//!
//! Until the client and its exact redirect URI are known, errors show a page
//! here and never redirect; after that, errors go back to the redirect URI as
//! OAuth says. A valid request either completes at once (a live SSO session)
//! or waits as a transaction for the login page.

use axum::{
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::{
    TEN_MINUTES, grants,
    pages::error_page,
    session::{self, Session, TRANSACTION_COOKIE},
};
use crate::{
    ProviderState,
    clients::{self, AppType, OrganizationUsage},
    ids, now,
    store::organizations,
};

/// The parameters of an authorization request the provider reads.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct AuthorizeRequest {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub audience: Option<String>,
    pub organization: Option<String>,
    pub prompt: Option<String>,
    pub login_hint: Option<String>,
}

/// A checked request, as the login page keeps it.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Checked {
    pub client_id: String,
    pub client_name: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub org_id: Option<String>,
    pub org_display: Option<String>,
    pub login_hint: Option<String>,
}

/// An OAuth error sent back to the client's redirect URI.
pub fn redirect_error(
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let mut url = Url::parse(redirect_uri).expect("registered redirect URIs are URLs");
    url.query_pairs_mut()
        .append_pair("error", error)
        .append_pair("error_description", description);
    if let Some(state) = state {
        url.query_pairs_mut().append_pair("state", state);
    }
    Redirect::to(url.as_str()).into_response()
}

pub(crate) async fn authorize(
    State(state): State<ProviderState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let request: AuthorizeRequest =
        match serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()) {
            Ok(request) => request,
            Err(_) => {
                return error_page(StatusCode::BAD_REQUEST, "The sign-in request is malformed.");
            }
        };
    match check(&state, request).await {
        Ok((checked, prompt)) => begin(&state, &headers, checked, prompt.as_deref()).await,
        Err(response) => response,
    }
}

async fn check(
    state: &ProviderState,
    r: AuthorizeRequest,
) -> Result<(Checked, Option<String>), Response> {
    let db_error = |e: sqlx::Error| {
        tracing::error!(error = %e, "authorize: database");
        error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Sign-in is unavailable right now.",
        )
    };
    let client_id = r.client_id.clone().unwrap_or_default();
    let client = clients::find(&state.db, &client_id)
        .await
        .map_err(db_error)?
        .ok_or_else(|| error_page(StatusCode::BAD_REQUEST, "Unknown application (client_id)."))?;
    let redirect_uri = r
        .redirect_uri
        .clone()
        .filter(|uri| {
            client
                .redirect_uris
                .iter()
                .any(|registered| registered == uri)
        })
        .ok_or_else(|| {
            error_page(
                StatusCode::BAD_REQUEST,
                "The redirect_uri is not registered for this application.",
            )
        })?;
    let fail = |error: &str, description: &str| {
        redirect_error(&redirect_uri, r.state.as_deref(), error, description)
    };

    if r.response_type.as_deref() != Some("code") {
        return Err(fail(
            "unsupported_response_type",
            "Only response_type=code is supported",
        ));
    }
    match r.code_challenge_method.as_deref() {
        None | Some("S256") => {}
        Some(_) => {
            return Err(fail(
                "invalid_request",
                "code_challenge_method must be S256",
            ));
        }
    }
    let challenge = r.code_challenge.clone().filter(|c| !c.is_empty());
    if let Some(c) = &challenge {
        let ok = (43..=128).contains(&c.len())
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(fail(
                "invalid_request",
                "code_challenge must be a base64url SHA-256",
            ));
        }
    }
    let public = client.app_type == AppType::Spa || !client.is_confidential();
    if public && challenge.is_none() {
        return Err(fail(
            "invalid_request",
            "PKCE (code_challenge with S256) is required for this application",
        ));
    }
    if client.app_type == AppType::NonInteractive {
        return Err(fail(
            "unauthorized_client",
            "This application cannot sign people in",
        ));
    }
    if r.audience.as_deref().is_some_and(|a| !a.is_empty()) {
        return Err(fail(
            "access_denied",
            "Service not found: only the userinfo audience is served",
        ));
    }

    let organization = r.organization.clone().filter(|o| !o.is_empty());
    let (org_id, org_display) = match (&organization, client.organization_usage) {
        (Some(_), OrganizationUsage::Deny) => {
            return Err(fail(
                "invalid_request",
                "parameter organization is not allowed for this client",
            ));
        }
        (None, OrganizationUsage::Require) => {
            return Err(fail(
                "invalid_request",
                "parameter organization must be provided",
            ));
        }
        (None, _) => (None, None),
        (Some(key), _) => {
            let found = if key.starts_with("org_") {
                organizations::by_id(&state.db, key).await
            } else {
                organizations::by_name(&state.db, key).await
            }
            .map_err(db_error)?;
            let org = found.ok_or_else(|| {
                fail(
                    "invalid_request",
                    "the specified organization does not exist",
                )
            })?;
            let display = org.display_name.clone().unwrap_or_else(|| org.name.clone());
            (Some(org.id), Some(display))
        }
    };
    let checked = Checked {
        client_id: client.client_id,
        client_name: client.name,
        redirect_uri,
        scope: r
            .scope
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "openid".into()),
        state: r.state.clone(),
        nonce: r.nonce.clone(),
        code_challenge: challenge,
        org_id,
        org_display,
        login_hint: r.login_hint.clone(),
    };
    Ok((checked, r.prompt))
}

/// Completes at once for a live session, or hands over to the login page.
async fn begin(
    state: &ProviderState,
    headers: &HeaderMap,
    checked: Checked,
    prompt: Option<&str>,
) -> Response {
    let session = match session::current(&state.db, headers).await {
        Ok(session) => session.filter(|_| prompt != Some("login")),
        Err(e) => return server_error(e),
    };
    if let Some(session) = session {
        return complete(state, &checked, &session).await;
    }
    if prompt == Some("none") {
        return redirect_error(
            &checked.redirect_uri,
            checked.state.as_deref(),
            "login_required",
            "Login required",
        );
    }
    let tx = ids::opaque_token();
    let saved =
        sqlx::query("INSERT INTO login_transactions (id, request, expires_at) VALUES ($1, $2, $3)")
            .bind(ids::sha256_hex(&tx))
            .bind(serde_json::to_string(&checked).expect("plain struct"))
            .bind(now() + TEN_MINUTES)
            .execute(state.db.pool())
            .await;
    if let Err(e) = saved {
        return server_error(e);
    }
    let mut response = Redirect::to(&format!("/u/login?state={tx}")).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session::set_cookie(&state.issuer, TRANSACTION_COOKIE, &tx, "/u/", TEN_MINUTES),
    );
    response
}

/// Issues the code for a signed-in person, after checking what the request
/// needs of them (membership of the organization it names).
pub async fn complete(state: &ProviderState, checked: &Checked, session: &Session) -> Response {
    let fail = |error: &str, description: &str| {
        redirect_error(
            &checked.redirect_uri,
            checked.state.as_deref(),
            error,
            description,
        )
    };
    if let Some(org_id) = &checked.org_id {
        match crate::store::users::is_member(&state.db, org_id, &session.user_id).await {
            Ok(true) => {}
            Ok(false) => return fail("access_denied", "user is not a member of the organization"),
            Err(e) => return server_error(e),
        }
    }
    let grant = grants::Grant {
        id: ids::opaque_token(),
        client_id: checked.client_id.clone(),
        user_id: session.user_id.clone(),
        org_id: checked.org_id.clone(),
        scope: checked.scope.clone(),
        audience: state.issuer.endpoint("userinfo"),
        auth_time: session.auth_time,
    };
    let issued = async {
        let grant = grants::create(&state.db, grant).await?;
        grants::issue_code(
            &state.db,
            &grant,
            &checked.redirect_uri,
            checked.nonce.as_deref(),
            checked.code_challenge.as_deref(),
        )
        .await
    }
    .await;
    let code = match issued {
        Ok(code) => code,
        Err(e) => return server_error(e),
    };
    let mut url = Url::parse(&checked.redirect_uri).expect("registered redirect URIs are URLs");
    url.query_pairs_mut().append_pair("code", &code);
    if let Some(s) = &checked.state {
        url.query_pairs_mut().append_pair("state", s);
    }
    Redirect::to(url.as_str()).into_response()
}

fn server_error(error: sqlx::Error) -> Response {
    tracing::error!(%error, "sign-in: database");
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sign-in is unavailable right now.",
    )
}
