//! `GET /authorize`: the start of a sign-in. Public.
//!
//! Until the client and its exact redirect URI are known, errors show a page
//! here and never redirect; after that, errors go back to the redirect URI as
//! OAuth says. A valid request either completes at once (a live SSO session)
//! or waits as a transaction for the login page.
//!
//! - `invitation` (with `organization`, as the application forwards them from
//!   the invitation link): the login page names who invited whom, and signing
//!   in (or up) as the invited email accepts the invitation. An invitation
//!   whose `connection_id` is an enterprise connection the organization
//!   enables goes straight to that connection's identity provider.
//! - `connection` (a name enabled for the organization): straight to it.
//! - A client that requires an organization, asked without one: after
//!   sign-in, the person's only organization, or the one they pick.

use axum::{
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use url::Url;

use sqlx::AnyConnection;

use super::{
    TEN_MINUTES, federation, grants,
    invitation::{self, InvitationRef},
    pages::{OtherAccount, error_page, other_account_page},
    picker,
    session::{self, Session, TRANSACTION_COOKIE},
};
use crate::{
    ProviderState,
    clients::{self, AppType, OrganizationUsage},
    ids,
    store::{connections, invitations, organizations, users},
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
    /// An invitation's ticket (with `organization`).
    pub invitation: Option<String>,
    /// `signup` shows sign-up first (with an invitation).
    pub screen_hint: Option<String>,
    /// A connection by name: straight to it (it must be enabled for the
    /// organization).
    pub connection: Option<String>,
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
    /// The invitation being accepted.
    #[serde(default)]
    pub invitation: Option<InvitationRef>,
    /// `screen_hint=signup` with an invitation: sign-up comes first.
    #[serde(default)]
    pub signup_first: bool,
    /// The client requires an organization and the request named none.
    #[serde(default)]
    pub organization_required: bool,
    /// `prompt=none`: no page may be shown.
    #[serde(default)]
    pub prompt_none: bool,
    /// `connection=`: the only connection this sign-in may use (its name).
    #[serde(default)]
    pub connection: Option<String>,
    /// That connection is an enterprise connection: no login page.
    #[serde(default)]
    pub connection_is_enterprise: bool,
}

impl Checked {
    /// An OAuth error back to the client.
    pub fn fail(&self, error: &str, description: &str) -> Response {
        redirect_error(
            &self.redirect_uri,
            self.state.as_deref(),
            error,
            description,
        )
    }
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
    if client.needs_pkce() && challenge.is_none() {
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
    let (connection, connection_is_enterprise) =
        match r.connection.as_deref().filter(|c| !c.is_empty()) {
            None => (None, false),
            Some(name) => {
                let found = connections::by_name(&state.db, name)
                    .await
                    .map_err(db_error)?
                    .ok_or_else(|| fail("invalid_request", "the connection was not found"))?;
                match &org_id {
                    Some(org_id) => {
                        let enabled = connections::enabled(&state.db, org_id, &found.id)
                            .await
                            .map_err(db_error)?;
                        if enabled.is_none() {
                            return Err(fail(
                                "invalid_request",
                                "the connection is not enabled for the organization",
                            ));
                        }
                    }
                    // Without an organization, only the password database
                    // signs in (as before connections).
                    None if found.id != ids::DATABASE_CONNECTION_ID => {
                        return Err(fail(
                            "invalid_request",
                            "this connection signs in only with an organization",
                        ));
                    }
                    None => {}
                }
                (Some(found.name.clone()), found.strategy.is_enterprise())
            }
        };
    let mut login_hint = r.login_hint.clone();
    let invitation = match r.invitation.as_deref().filter(|t| !t.is_empty()) {
        None => None,
        Some(ticket) => {
            let Some(org_id) = &org_id else {
                return Err(fail(
                    "invalid_request",
                    "parameter organization must be provided with invitation",
                ));
            };
            let found = invitations::by_ticket(&state.db, ticket)
                .await
                .map_err(db_error)?;
            let found = invitation::usable(found, org_id, &client.client_id)
                .map_err(|refusal| fail(refusal.error(), refusal.description()))?;
            login_hint = Some(found.invitee_email.clone());
            Some((InvitationRef::of(&found), found.connection_id.clone()))
        }
    };
    // An invitation for an enterprise connection the organization enables
    // sends the invitee straight there, as Auth0 sends them to the
    // invitation's connection; any other invitation is accepted with the
    // password form, whatever `connection` says.
    let invited_through = match (&invitation, &org_id) {
        (Some((_, Some(connection_id))), Some(org_id)) => {
            connections::enabled(&state.db, org_id, connection_id)
                .await
                .map_err(db_error)?
                .filter(|e| e.connection.strategy.is_enterprise())
                .map(|e| e.connection.name)
        }
        _ => None,
    };
    let invitation = invitation.map(|(invitation, _)| invitation);
    let invitation_given = invitation.is_some();
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
        organization_required: org_id.is_none()
            && client.organization_usage == OrganizationUsage::Require,
        org_id,
        org_display,
        login_hint,
        signup_first: invitation.is_some() && r.screen_hint.as_deref() == Some("signup"),
        invitation,
        prompt_none: r.prompt.as_deref() == Some("none"),
        connection_is_enterprise: invited_through.is_some()
            || (connection_is_enterprise && !invitation_given),
        connection: if invitation_given {
            invited_through
        } else {
            connection
        },
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
    let session = match session::current(&state.db, &state.issuer, headers).await {
        Ok(session) => session.filter(|_| prompt != Some("login")),
        Err(e) => return server_error(e),
    };
    // An organization's sign-in rides only a session it would have let in:
    // one authenticated through a connection it enables. Any other is as
    // no session: the organization's own login page.
    let session = match (session, &checked.org_id) {
        (Some(session), Some(org_id)) => match accepts(state, org_id, &session).await {
            Ok(true) => Some(session),
            Ok(false) => None,
            Err(e) => return server_error(e),
        },
        (session, _) => session,
    };
    if let Some(session) = session {
        if let Some(invited) = &checked.invitation {
            let signed_in = match users::by_id(&state.db, &session.user_id).await {
                Ok(user) => user.map(|u| u.email).unwrap_or_default(),
                Err(e) => return server_error(e),
            };
            if users::normalize_email(&signed_in) != invited.email {
                if checked.prompt_none {
                    return checked.fail("login_required", "Login required");
                }
                return other_account(state, &checked, &signed_in).await;
            }
        }
        return complete(state, &checked, &session).await;
    }
    if checked.prompt_none {
        return checked.fail("login_required", "Login required");
    }
    let first_page = if checked.signup_first {
        "/u/signup"
    } else {
        "/u/login"
    };
    if let (true, Some(name)) = (checked.connection_is_enterprise, &checked.connection) {
        // Straight to the organization's identity provider.
        return match to_login_transaction(state, &checked).await {
            Ok((tx, cookie)) => {
                let mut response = federation::begin(state, &checked, &tx, name).await;
                response.headers_mut().append(header::SET_COOKIE, cookie);
                response
            }
            Err(e) => server_error(e),
        };
    }
    match to_login_transaction(state, &checked).await {
        Ok((tx, cookie)) => {
            let mut response = Redirect::to(&format!("{first_page}?state={tx}")).into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookie);
            response
        }
        Err(e) => server_error(e),
    }
}

/// Keeps the request for the login page; returns the transaction and its cookie.
async fn to_login_transaction(
    state: &ProviderState,
    checked: &Checked,
) -> Result<(String, axum::http::HeaderValue), sqlx::Error> {
    let request = serde_json::to_string(checked).expect("plain struct");
    let tx = session::save_transaction(&state.db, &request).await?;
    let cookie = session::set_cookie(&state.issuer, TRANSACTION_COOKIE, &tx, "/u/", TEN_MINUTES);
    Ok((tx, cookie))
}

/// Someone signed in opened an invitation for another address: say so, and
/// offer to sign in as the invited address (or go back refused).
async fn other_account(state: &ProviderState, checked: &Checked, signed_in: &str) -> Response {
    let Some(invited) = &checked.invitation else {
        return checked.fail(
            "access_denied",
            invitation::Refusal::OtherPerson.description(),
        );
    };
    let (tx, cookie) = match to_login_transaction(state, checked).await {
        Ok(saved) => saved,
        Err(e) => return server_error(e),
    };
    let mut back = Url::parse(&checked.redirect_uri).expect("registered redirect URIs are URLs");
    back.query_pairs_mut()
        .append_pair("error", "access_denied")
        .append_pair(
            "error_description",
            invitation::Refusal::OtherPerson.description(),
        );
    if let Some(s) = &checked.state {
        back.query_pairs_mut().append_pair("state", s);
    }
    let mut response = other_account_page(&OtherAccount {
        signed_in,
        invitee: &invited.email,
        organization: checked.org_display.as_deref(),
        login_link: &format!("/u/login?state={tx}"),
        back_link: back.as_str(),
    });
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    response
}

/// Issues the code for a signed-in person, after checking what the request
/// needs of them: accepting its invitation, membership of the organization it
/// names, or an organization when the client requires one.
pub async fn complete(state: &ProviderState, checked: &Checked, session: &Session) -> Response {
    if checked.invitation.is_some() {
        return invitation::accept(state, checked, session).await;
    }
    let mut checked = checked.clone();
    if checked.org_id.is_none() && checked.organization_required {
        let org_ids = match users::organization_ids(&state.db, &session.user_id).await {
            Ok(org_ids) => org_ids,
            Err(e) => return server_error(e),
        };
        match org_ids.as_slice() {
            [] => {
                return checked.fail(
                    "access_denied",
                    "the user is not a member of any organization, and this application requires one",
                );
            }
            [only] => match organizations::by_id(&state.db, only).await {
                Ok(Some(org)) => {
                    checked.org_display = Some(org.display_name.unwrap_or(org.name));
                    checked.org_id = Some(org.id);
                }
                Ok(None) => return checked.fail("access_denied", "the organization is gone"),
                Err(e) => return server_error(e),
            },
            _ if checked.prompt_none => {
                return checked.fail(
                    "interaction_required",
                    "the user must choose an organization",
                );
            }
            _ => return picker::start(state, &checked, session).await,
        }
    }
    if let Some(org_id) = &checked.org_id {
        // The organization chosen after sign-in (the only one, or picked)
        // must accept the session too; otherwise its own login page.
        match accepts(state, org_id, session).await {
            Ok(true) => {}
            Ok(false) if checked.prompt_none => {
                return checked.fail("login_required", "Login required");
            }
            Ok(false) => {
                return match to_login_transaction(state, &checked).await {
                    Ok((tx, cookie)) => {
                        let mut response =
                            Redirect::to(&format!("/u/login?state={tx}")).into_response();
                        response.headers_mut().append(header::SET_COOKIE, cookie);
                        response
                    }
                    Err(e) => server_error(e),
                };
            }
            Err(e) => return server_error(e),
        }
        match users::is_member(&state.db, org_id, &session.user_id).await {
            Ok(true) => {}
            Ok(false) => {
                return checked.fail("access_denied", "user is not a member of the organization");
            }
            Err(e) => return server_error(e),
        }
    }
    let issued = async {
        let mut tx = state.db.pool().begin().await?;
        let code = issue_code(
            &mut tx,
            state,
            &checked,
            &session.user_id,
            session.auth_time,
        )
        .await?;
        tx.commit().await?;
        Ok(code)
    }
    .await;
    match issued {
        Ok(code) => code_redirect(&checked, &code),
        Err(e) => server_error(e),
    }
}

/// Whether the organization accepts the session: it enables the connection
/// the session was authenticated through.
async fn accepts(
    state: &ProviderState,
    org_id: &str,
    session: &Session,
) -> Result<bool, sqlx::Error> {
    match &session.connection_id {
        Some(connection_id) => Ok(connections::enabled(&state.db, org_id, connection_id)
            .await?
            .is_some()),
        None => Ok(false),
    }
}

/// Creates the grant of a sign-in and its single-use code, on the caller's
/// transaction.
pub async fn issue_code(
    conn: &mut AnyConnection,
    state: &ProviderState,
    checked: &Checked,
    user_id: &str,
    auth_time: i64,
) -> Result<String, sqlx::Error> {
    let grant = grants::Grant {
        id: ids::opaque_token(),
        client_id: checked.client_id.clone(),
        user_id: user_id.to_owned(),
        org_id: checked.org_id.clone(),
        scope: checked.scope.clone(),
        audience: state.issuer.endpoint("userinfo"),
        auth_time,
    };
    let grant = grants::create(&mut *conn, grant).await?;
    grants::issue_code(
        conn,
        &grant,
        &checked.redirect_uri,
        checked.nonce.as_deref(),
        checked.code_challenge.as_deref(),
    )
    .await
}

/// Back to the client with the code.
pub fn code_redirect(checked: &Checked, code: &str) -> Response {
    let mut url = Url::parse(&checked.redirect_uri).expect("registered redirect URIs are URLs");
    url.query_pairs_mut().append_pair("code", code);
    if let Some(s) = &checked.state {
        url.query_pairs_mut().append_pair("state", s);
    }
    Redirect::to(url.as_str()).into_response()
}

pub(crate) fn server_error(error: sqlx::Error) -> Response {
    tracing::error!(%error, "sign-in: database");
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sign-in is unavailable right now.",
    )
}
