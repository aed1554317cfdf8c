//! RP-initiated logout: `GET /oidc/logout` (OpenID Connect) and `GET /v2/logout`
//! (Auth0's own form). Public.
//!
//! A logout ends the provider session at once only when the request proves
//! it comes from the session's application: an `id_token_hint` this
//! provider signed (an expired one too: a logout often comes long after
//! sign-in), whose `sub` is the session's user and whose audience is the
//! `client_id`, when one is given. Anything else (a bare link another site
//! planted, a hint for someone else) gets a confirmation page instead: a
//! form that posts back here (`POST /oidc/logout`) with a token bound to
//! the session, so that no other site can end the session (logout CSRF).
//!
//! The browser is sent back only to a logout URL registered for the client.

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::Value;
use subtle::ConstantTimeEq;

use super::{
    pages::{self, escape},
    session::{self, Session},
};
use crate::{ProviderState, clients, ids};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct LogoutRequest {
    id_token_hint: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
    client_id: Option<String>,
    /// Auth0's `/v2/logout` names the return URL so.
    #[serde(rename = "returnTo")]
    return_to: Option<String>,
}

/// The confirmation form's answer.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Confirmed {
    #[serde(default)]
    csrf: String,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

/// What a verified ID token hint says.
struct Hint {
    sub: String,
    audiences: Vec<String>,
}

pub(crate) async fn logout(
    State(state): State<ProviderState>,
    headers: HeaderMap,
    Query(request): Query<LogoutRequest>,
) -> Response {
    let session = match session::current(&state.db, &state.issuer, &headers).await {
        Ok(session) => session,
        Err(error) => return failed(error),
    };
    let hint = match &request.id_token_hint {
        Some(hint) => verified_hint(&state, hint).await,
        None => None,
    };
    let wanted = request
        .post_logout_redirect_uri
        .clone()
        .or(request.return_to.clone());
    // The hint's audience names the client; `client_id`, when given, must agree.
    let client_id = match (&hint, &request.client_id) {
        (Some(hint), Some(asked)) if !hint.audiences.contains(asked) => None,
        (Some(hint), Some(asked)) => hint.audiences.iter().find(|a| *a == asked).cloned(),
        (Some(hint), None) => hint.audiences.first().cloned(),
        (None, asked) => asked.clone(),
    };
    if let Some(session) = &session {
        let proven = hint.as_ref().is_some_and(|h| {
            h.sub == session.user_id
                && request
                    .client_id
                    .as_ref()
                    .is_none_or(|asked| h.audiences.contains(asked))
        });
        if !proven {
            let target = match &request.client_id {
                Some(id) => registered(&state, id, wanted.as_deref()).await,
                None => None,
            };
            return confirmation_page(session, &request, target.as_deref());
        }
    }
    end_and_leave(&state, &headers, client_id, wanted, request.state).await
}

/// `POST /oidc/logout`: the confirmation page's form. Public; the token
/// bound to the session is the proof.
pub(crate) async fn confirm(
    State(state): State<ProviderState>,
    headers: HeaderMap,
    Form(form): Form<Confirmed>,
) -> Response {
    let session = match session::current(&state.db, &state.issuer, &headers).await {
        Ok(session) => session,
        Err(error) => return failed(error),
    };
    if let Some(session) = &session {
        let expected = csrf_token(session);
        if !bool::from(form.csrf.as_bytes().ct_eq(expected.as_bytes())) {
            return pages::error_page(
                StatusCode::BAD_REQUEST,
                "This sign-out form has expired or belongs to another browser. Nothing was changed.",
            );
        }
    }
    end_and_leave(
        &state,
        &headers,
        form.client_id,
        form.post_logout_redirect_uri,
        form.state,
    )
    .await
}

/// Ends the session (if any) and sends the browser to the client's
/// registered logout URL, or says it is signed out.
async fn end_and_leave(
    state: &ProviderState,
    headers: &HeaderMap,
    client_id: Option<String>,
    wanted: Option<String>,
    logout_state: Option<String>,
) -> Response {
    if let Err(error) = session::end(&state.db, &state.issuer, headers).await {
        return failed(error);
    }
    let target = match &client_id {
        Some(id) => registered(state, id, wanted.as_deref()).await,
        None => None,
    };
    let mut response = match target {
        Some(mut target) => {
            if let Some(s) = &logout_state {
                let mut url = url::Url::parse(&target).expect("registered logout URLs are URLs");
                url.query_pairs_mut().append_pair("state", s);
                target = url.to_string();
            }
            Redirect::to(&target).into_response()
        }
        None => pages::page(
            StatusCode::OK,
            "Signed out",
            "<h1>You are signed out</h1><p>You can close this window.</p>",
        ),
    };
    response.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(
            &state.issuer,
            session::session_cookie_name(&state.issuer),
            "",
            "/",
            0,
        ),
    );
    response
}

/// `wanted`, if it is a logout URL registered for the client.
async fn registered(
    state: &ProviderState,
    client_id: &str,
    wanted: Option<&str>,
) -> Option<String> {
    let wanted = wanted?;
    match clients::find(&state.db, client_id).await {
        Ok(Some(client)) if client.logout_urls.iter().any(|u| u == wanted) => {
            Some(wanted.to_owned())
        }
        _ => None,
    }
}

/// Binds the confirmation form to the session: derived from the session's
/// stored digest, which no other site knows, and useless once it ends.
fn csrf_token(session: &Session) -> String {
    ids::sha256_hex(&format!("logout:{}", session.id_sha256))
}

fn confirmation_page(session: &Session, request: &LogoutRequest, target: Option<&str>) -> Response {
    let hidden = |name: &str, value: Option<&str>| {
        value
            .map(|v| {
                format!(
                    "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                    escape(v)
                )
            })
            .unwrap_or_default()
    };
    let body = format!(
        "<h1>Sign out?</h1><p>An application asked to end your session here.</p>\
         <form method=\"post\" action=\"/oidc/logout\">{}{}{}{}\
         <button type=\"submit\">Sign out</button></form>",
        hidden("csrf", Some(&csrf_token(session))),
        hidden("client_id", request.client_id.as_deref()),
        hidden("post_logout_redirect_uri", target),
        hidden("state", request.state.as_deref()),
    );
    let origin = target.and_then(pages::origin_of);
    pages::page_with_form_target(
        StatusCode::OK,
        "Sign out",
        &body,
        origin.as_deref(),
        &pages::Branding::default(),
    )
}

/// An ID token this provider signed (signature and issuer checked; expiry
/// not: a logout often comes long after sign-in).
async fn verified_hint(state: &ProviderState, hint: &str) -> Option<Hint> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["iss", "sub", "aud"]);
    validation.set_issuer(&[state.issuer.as_str()]);
    let claims: Value = state.keys.verify(hint, &validation).await.ok()?;
    let audiences = match &claims["aud"] {
        Value::String(aud) => vec![aud.clone()],
        Value::Array(auds) => auds
            .iter()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect(),
        _ => return None,
    };
    Some(Hint {
        sub: claims["sub"].as_str()?.to_owned(),
        audiences,
    })
}

fn failed(error: sqlx::Error) -> Response {
    tracing::error!(%error, "logout: database");
    pages::error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sign-out failed; try again.",
    )
}
