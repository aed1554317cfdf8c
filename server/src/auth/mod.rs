//! Console sign-in with OpenID Connect (authorization code, PKCE, nonce) at
//! the identity provider, and sessions kept in the console's database.
//!
//! - `GET /auth/login?return_to=/path` starts a sign-in;
//!   `organization=` (an id or a name) signs in to an organization, and
//!   `invitation=` carries an invitation's ticket to the provider (an
//!   invitation link is this URL, built by the provider from the console's
//!   login URI).
//! - `GET /auth/callback` finishes it: who the person is comes from the ID
//!   token's subject and the identity provider's Management API, never from
//!   the browser. When an organization was asked for, the ID token's
//!   `org_id` must be it. A new session id is issued every time.
//! - Outside a global role (staff, help desk) a person acts in one
//!   organization per sign-in: signed in without one, they are sent on to
//!   sign in to their organization (or to pick one, when they have several).
//!   Switching organization is a new sign-in.
//! - `POST /auth/logout` ends the session here and at the provider.

mod oidc;
mod pages;
mod return_path;
mod session;

use std::time::Duration;

use axum::{
    Router,
    extract::{Query, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use openidconnect::{
    AuthorizationCode, CsrfToken, Nonce, PkceCodeChallenge, PkceCodeVerifier, Scope, TokenResponse,
    core::CoreAuthenticationFlow,
};
use orgdesk_domain::Principal;
use orgdesk_storage::{PendingLogin, Storage};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

pub use oidc::OidcSettings;
pub use return_path::ReturnPath;
pub use session::{Cookies, PERSONA_BOUND, PERSONA_REFRESH, forgery_token};

use crate::{
    AppState,
    adapters::{ManagementApi, RoleNames},
};

const LOGIN_WINDOW: Duration = Duration::from_secs(600);
const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 3600);

/// What a session holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionData {
    pub principal: Principal,
    /// For the provider's logout (`id_token_hint`).
    pub id_token: String,
}

/// Sign-in and sessions.
pub struct Auth {
    oidc: oidc::Oidc,
    storage: Storage,
    management: ManagementApi,
    roles: RoleNames,
    console_url: Url,
    /// The session cookie, and the one that binds a callback to the browser
    /// that started the sign-in.
    cookies: Cookies,
}

fn sha256_hex(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64
}

/// A cookie value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

impl Auth {
    pub fn new(
        settings: OidcSettings,
        storage: Storage,
        management: ManagementApi,
        roles: RoleNames,
        console_url: Url,
    ) -> Self {
        Self {
            oidc: oidc::Oidc::new(settings),
            storage,
            management,
            roles,
            cookies: Cookies::for_console(&console_url),
            console_url,
        }
    }
}

/// The sign-in routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", get(login))
        .route("/auth/callback", get(callback))
        .route("/auth/logout", post(logout))
}

#[derive(Deserialize)]
struct LoginQuery {
    return_to: Option<String>,
    /// An organization's id or name.
    organization: Option<String>,
    /// An invitation's ticket (from an invitation link).
    invitation: Option<String>,
}

/// `GET /auth/login`. Public.
async fn login(State(state): State<AppState>, Query(q): Query<LoginQuery>) -> Response {
    let auth = &state.auth;
    let client = match auth.oidc.client().await {
        Ok(client) => client,
        Err(error) => return pages::unavailable(&error),
    };
    let organization = match q.organization.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(key) => match auth.organization_id(key).await {
            Ok(Some(id)) => Some(id),
            Ok(None) => return pages::refused_because("There is no such organization."),
            Err(error) => return pages::unavailable(&error),
        },
    };
    let invitation = q.invitation.filter(|i| !i.is_empty());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            || CsrfToken::new_random_len(32),
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge);
    if let Some(id) = &organization {
        request = request.add_extra_param("organization", id.clone());
    }
    if let Some(ticket) = &invitation {
        request = request.add_extra_param("invitation", ticket.clone());
    }
    let (url, csrf, nonce) = request.url();
    // Anything but a path of this console (an accepted invitation's
    // included) lands on the console's home.
    let return_to = ReturnPath::parse(&auth.console_url, q.return_to.as_deref());
    let pending = PendingLogin {
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        return_to: return_to.as_str().to_owned(),
        organization,
    };
    let expires = now_ms() + LOGIN_WINDOW.as_millis() as i64;
    if let Err(error) = auth
        .storage
        .put_pending_login(&sha256_hex(csrf.secret()), &pending, expires)
        .await
    {
        tracing::error!(%error, "storing a sign-in");
        return pages::unavailable("the console's database");
    }
    let mut response = Redirect::to(url.as_str()).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        auth.cookies
            .set(auth.cookies.login, csrf.secret(), LOGIN_WINDOW),
    );
    response
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /auth/callback`. Public; the state, the browser's cookie and the
/// code decide.
async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let auth = &state.auth;
    if let Some(error) = q.error {
        return pages::refused(&error, q.error_description.as_deref().unwrap_or_default());
    }
    let (Some(code), Some(csrf)) = (q.code, q.state) else {
        return pages::expired();
    };
    if cookie(&headers, auth.cookies.login).as_deref() != Some(csrf.as_str()) {
        return pages::expired();
    }
    let pending = match auth.storage.take_pending_login(&sha256_hex(&csrf)).await {
        Ok(Some(pending)) => pending,
        Ok(None) => return pages::expired(),
        Err(error) => {
            tracing::error!(%error, "reading a sign-in");
            return pages::unavailable("the console's database");
        }
    };
    let session = match finish(auth, code, &pending).await {
        Ok(session) => session,
        Err(Failure::Refused(message)) => return pages::refused_because(&message),
        Err(Failure::Unavailable(message)) => return pages::unavailable(&message),
    };
    auth.record_membership(&session.principal).await;
    let token = CsrfToken::new_random_len(32).secret().clone();
    let now = now_ms();
    let expires = now + SESSION_LIFETIME.as_millis() as i64;
    let data = serde_json::to_string(&session).expect("plain structs serialize");
    let stored = async {
        // A session id from before sign-in never carries over (fixation).
        if let Some(old) = auth.session_cookie(&headers) {
            auth.storage.delete_session(&sha256_hex(&old)).await?;
        }
        auth.storage
            .put_session(
                &sha256_hex(&token),
                &session.principal.user_id,
                &data,
                now,
                expires,
            )
            .await
    }
    .await;
    if let Err(error) = stored {
        tracing::error!(%error, "storing a session");
        return pages::unavailable("the console's database");
    }
    tracing::info!(
        user = %session.principal.user_id,
        organization = session.principal.organization.as_ref().map(|o| o.id.as_str()).unwrap_or("-"),
        "signed in"
    );
    // Parsed again: a row written by an older version is held to today's rule.
    let return_to = ReturnPath::parse(&auth.console_url, Some(&pending.return_to));
    let mut response = next_step(&session.principal, &return_to).redirect();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        auth.cookies
            .set(auth.cookies.session, &token, SESSION_LIFETIME),
    );
    headers.append(
        header::SET_COOKIE,
        auth.cookies.set(auth.cookies.login, "", Duration::ZERO),
    );
    response
}

/// Where a new session goes: where it was headed, unless the person has
/// no global role and signed in to no organization; then on to sign in to
/// their only organization, or home to pick one of several.
fn next_step(principal: &Principal, return_to: &ReturnPath) -> ReturnPath {
    if principal.global_persona().is_some() || principal.organization.is_some() {
        return return_to.clone();
    }
    match principal.organizations().as_slice() {
        [only] => ReturnPath::sign_in_to(&only.id, return_to),
        _ => ReturnPath::home(),
    }
}

/// Why a sign-in did not finish.
enum Failure {
    /// The person may not sign in so (shown as a refusal).
    Refused(String),
    Unavailable(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Unavailable(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        Failure::Unavailable(message.to_owned())
    }
}

/// The organization claims of a verified ID token (Auth0's `org_id` and
/// `org_name`). The signature, issuer, audience, expiry and nonce have been
/// checked by then; these are read from the same token.
#[derive(Debug, Default, Deserialize)]
struct OrganizationClaims {
    org_id: Option<String>,
}

fn organization_claims(id_token: &str) -> OrganizationClaims {
    use base64::Engine as _;
    id_token
        .split('.')
        .nth(1)
        .and_then(|payload| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .ok()
        })
        .and_then(|json| serde_json::from_slice(&json).ok())
        .unwrap_or_default()
}

impl Auth {
    /// An organization's id, from its id or its name; `None` when there is none.
    async fn organization_id(&self, key: &str) -> Result<Option<String>, String> {
        let found = if key.starts_with("org_") {
            self.management.client.organization(key).await
        } else {
            self.management.client.organization_by_name(key).await
        };
        match found {
            Ok(org) => Ok(Some(org.id)),
            Err(orgdesk_management::ManagementError::NotFound { .. }) => Ok(None),
            Err(error) => Err(format!("the identity provider: {error}")),
        }
    }
}

impl Auth {
    /// A sign-in to an organization is a membership the console may not know
    /// yet (an invitation just accepted, membership granted on login): it
    /// goes into the member directory now rather than at the next sync.
    async fn record_membership(&self, principal: &Principal) {
        let Some(org) = &principal.organization else {
            return;
        };
        let roles = match self
            .management
            .client
            .member_roles(&org.id, &principal.user_id)
            .await
        {
            Ok(roles) => roles.into_iter().map(|r| r.name).collect(),
            Err(error) => {
                tracing::warn!(%error, "reading a new member's roles; the next sync adds them");
                return;
            }
        };
        let member = orgdesk_domain::ports::Member {
            user_id: principal.user_id.clone(),
            email: principal.email.clone(),
            name: principal.name.clone(),
            roles,
        };
        if let Err(error) = orgdesk_domain::ports::MemberDirectory::upsert_members(
            &self.storage,
            &org.id,
            &[member],
        )
        .await
        {
            tracing::warn!(%error, "recording a member who signed in; the next sync adds them");
        }
    }
}

/// Trades the code for tokens, checks the ID token (and that it is for the
/// organization asked for), and asks the identity provider who the person is.
async fn finish(auth: &Auth, code: String, pending: &PendingLogin) -> Result<SessionData, Failure> {
    let oidc = auth.oidc.client().await?;
    let request = oidc
        .client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| format!("sign-in configuration: {e}"))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()));
    let tokens = request
        .request_async(&oidc.http)
        .await
        .map_err(|e| format!("the identity provider refused the sign-in: {e}"))?;
    let id_token = tokens
        .id_token()
        .ok_or("the identity provider sent no ID token")?;
    let nonce = Nonce::new(pending.nonce.clone());
    let claims = match id_token.claims(&oidc.client.id_token_verifier(), &nonce) {
        Ok(claims) => claims.clone(),
        Err(first) => {
            // The provider may have rotated its keys since discovery: look again once.
            let fresh = auth.oidc.rediscover().await?;
            id_token
                .claims(&fresh.client.id_token_verifier(), &nonce)
                .map_err(|_| format!("the ID token did not verify: {first}"))?
                .clone()
        }
    };
    let org_id = organization_claims(&id_token.to_string()).org_id;
    if let Some(expected) = &pending.organization
        && org_id.as_ref() != Some(expected)
    {
        tracing::warn!(expected = %expected, got = ?org_id, "ID token for another organization");
        return Err(Failure::Refused(
            "The sign-in came back for another organization. Sign in again.".into(),
        ));
    }
    let user_id = claims.subject().as_str().to_owned();
    let email = claims
        .email()
        .map(|e| e.as_str().to_owned())
        .unwrap_or_default();
    let name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_owned())
        .unwrap_or_else(|| email.clone());
    let mut principal = auth
        .management
        .principal(&user_id, &email, &name, &auth.roles)
        .await
        .map_err(|e| format!("could not read who you are from the identity provider: {e}"))?;
    if let Some(org_id) = org_id {
        let org = principal
            .organizations()
            .into_iter()
            .find(|o| o.id == org_id);
        match org {
            Some(org) => principal.organization = Some(org),
            None => {
                return Err(Failure::Refused(
                    "You are not a member of that organization.".into(),
                ));
            }
        }
    }
    Ok(SessionData {
        principal,
        id_token: id_token.to_string(),
    })
}

/// `POST /auth/logout`. Ends the session here, then at the provider.
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let auth = &state.auth;
    let session = auth.session(&headers).await;
    if let Some(token) = auth.session_cookie(&headers)
        && let Err(error) = auth.storage.delete_session(&sha256_hex(&token)).await
    {
        tracing::error!(%error, "deleting a session");
    }
    let mut target = auth.oidc.logout_url();
    target
        .query_pairs_mut()
        .append_pair("post_logout_redirect_uri", auth.console_url.as_str())
        .append_pair("client_id", auth.oidc.client_id());
    if let Some(session) = session {
        target
            .query_pairs_mut()
            .append_pair("id_token_hint", &session.id_token);
    }
    let mut response = Redirect::to(target.as_str()).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        auth.cookies.set(auth.cookies.session, "", Duration::ZERO),
    );
    response
}
