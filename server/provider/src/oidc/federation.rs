//! Enterprise (`oidc`) connections: the provider signs a person in at their
//! organization's own OpenID provider, as Auth0 does.
//!
//! - `GET /u/federate?state=…&connection=…` (the login page's button, or
//!   `/authorize?connection=…`): discovery through the safe fetcher (the
//!   endpoints must be on the issuer's origin), then a redirect to the
//!   upstream with `response_type=code`, PKCE S256, a random `state` and
//!   `nonce`. The pending sign-in is kept in the database under the SHA-256
//!   of the state, and bound to this browser by a cookie holding the state.
//! - `GET /login/callback?code&state` (Auth0's callback path): the state is
//!   used once; the code is exchanged with the client secret and the PKCE
//!   verifier; the ID token is checked (RS256 against the upstream's JWKS;
//!   `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`).
//! - The person is found by (connection, subject) only. A connection
//!   vouches only for addresses in its `domain_aliases` (one without aliases
//!   vouches for none). Outside them, a first sign-in creates an account of
//!   the connection (`oidc|{connection}|{sub}`) with no address: it links to
//!   nobody and claims nothing, so the address's owner can still sign up.
//!   Inside them, it links to an existing user by email only where the
//!   upstream says the email is verified and the user holds no tenant-wide
//!   role (otherwise it is refused), or creates the user with the address.
//!   Membership follows the organization's `assign_membership_on_login`.
//! - The session records the connection; an organization that does not
//!   enable it does not accept the session (see `authorize`).
//!
//! The client secret, codes and tokens are never logged nor shown.

use axum::{
    extract::{Query, RawQuery, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use sqlx::Row;
use subtle::ConstantTimeEq;
use url::Url;

use super::{
    TEN_MINUTES,
    authorize::{Checked, complete},
    login::{expired, transaction, unavailable},
    pages::{self, branded_error_page, branding_of},
    session::{self, TRANSACTION_COOKIE},
};
use crate::{
    ProviderState, ids, now,
    store::{
        connections::{self, Connection, EnabledConnection, Strategy},
        members, organizations, users,
    },
};

/// Binds a pending federation to the browser that started it.
pub const FEDERATION_COOKIE: &str = "od_fed";
/// Auth0's callback path, relative to the issuer.
pub const CALLBACK_PATH: &str = "login/callback";

/// An ID token older than this is not the answer to a code just exchanged.
const MAX_ID_TOKEN_AGE: i64 = 3600;
/// Clock difference tolerated with the upstream.
const LEEWAY: i64 = 60;

#[derive(Deserialize)]
pub(crate) struct Start {
    state: String,
    connection: String,
}

/// `GET /u/federate?state=…&connection=…`. Public.
pub(crate) async fn start(
    State(state): State<ProviderState>,
    headers: HeaderMap,
    Query(q): Query<Start>,
) -> Response {
    let checked = match transaction(&state, &headers, &q.state).await {
        Ok(Some(checked)) => checked,
        Ok(None) => return expired(),
        Err(e) => return unavailable(e),
    };
    begin(&state, &checked, &q.state, &q.connection).await
}

/// An error page with the organization's branding.
pub(super) async fn org_error(
    state: &ProviderState,
    org_id: Option<&str>,
    status: StatusCode,
    message: &str,
) -> Response {
    let org = match org_id {
        Some(id) => organizations::by_id(&state.db, id).await.ok().flatten(),
        None => None,
    };
    let branding = branding_of(org.as_ref().and_then(|o| o.branding.as_ref()));
    let display = org.map(|o| o.display_name.unwrap_or(o.name));
    branded_error_page(status, message, &branding, display.as_deref())
}

/// The enterprise connection `name` as the sign-in's organization enables it.
async fn enabled_oidc(
    state: &ProviderState,
    checked: &Checked,
    name: &str,
) -> Result<Result<EnabledConnection, &'static str>, sqlx::Error> {
    let Some(org_id) = &checked.org_id else {
        return Ok(Err(
            "Enterprise connections sign in to an organization, and this sign-in names none.",
        ));
    };
    // A sign-in that asked for one connection (`connection=`) uses that one only.
    if checked.connection.as_deref().is_some_and(|c| c != name) {
        return Ok(Err("This sign-in was asked for another sign-in method."));
    }
    let Some(connection) = connections::by_name(&state.db, name).await? else {
        return Ok(Err("This sign-in method does not exist."));
    };
    if connection.strategy != Strategy::Oidc {
        tracing::info!(connection = %connection.name, strategy = connection.strategy.as_str(), "federation: not an enterprise connection");
        return Ok(Err("This sign-in method is not an enterprise connection."));
    }
    match connections::enabled(&state.db, org_id, &connection.id).await? {
        Some(enabled) => Ok(Ok(enabled)),
        None => Ok(Err(
            "This sign-in method is not enabled for the organization.",
        )),
    }
}

/// The issuer, client id and scope of an `oidc` connection.
fn upstream_settings(connection: &Connection) -> Option<(Url, String, String)> {
    let issuer = Url::parse(connection.option("issuer")?).ok()?;
    let client_id = connection.option("client_id")?.to_owned();
    let mut scope: Vec<&str> = connection
        .option("scope")
        .unwrap_or(crate::management::connections::DEFAULT_OIDC_SCOPE)
        .split_whitespace()
        .collect();
    if !scope.contains(&"openid") {
        scope.insert(0, "openid");
    }
    Some((issuer, client_id, scope.join(" ")))
}

/// Sends the browser to the upstream's authorization endpoint.
pub(super) async fn begin(
    state: &ProviderState,
    checked: &Checked,
    tx: &str,
    connection_name: &str,
) -> Response {
    let org_id = checked.org_id.as_deref();
    let enabled = match enabled_oidc(state, checked, connection_name).await {
        Ok(Ok(enabled)) => enabled,
        Ok(Err(message)) => {
            return org_error(state, org_id, StatusCode::BAD_REQUEST, message).await;
        }
        Err(e) => return unavailable(e),
    };
    let connection = &enabled.connection;
    let Some((issuer, client_id, scope)) = upstream_settings(connection) else {
        tracing::warn!(connection = %connection.name, "federation: connection lacks issuer or client_id");
        return org_error(
            state,
            org_id,
            StatusCode::SERVICE_UNAVAILABLE,
            &format!(
                "Sign-in with {} is not set up completely. Ask your administrator.",
                connection.label()
            ),
        )
        .await;
    };
    let discovery_url = connection
        .option("discovery_url")
        .and_then(|u| Url::parse(u).ok());
    let discovery = match orgdesk_fetch::discover_at(
        &state.fetcher,
        &issuer,
        discovery_url.as_ref(),
    )
    .await
    {
        Ok(discovery) => discovery,
        Err(error) => {
            tracing::warn!(connection = %connection.name, %error, "federation: discovery refused");
            return org_error(
                state,
                org_id,
                StatusCode::BAD_GATEWAY,
                &format!(
                    "Sign-in with {} is not available right now: {error}.",
                    connection.label()
                ),
            )
            .await;
        }
    };
    let methods = &discovery.token_endpoint_auth_methods_supported;
    let auth_method = if methods.is_empty() || methods.iter().any(|m| m == "client_secret_basic") {
        "client_secret_basic"
    } else if methods.iter().any(|m| m == "client_secret_post") {
        "client_secret_post"
    } else {
        return org_error(
            state,
            org_id,
            StatusCode::BAD_GATEWAY,
            &format!(
                "Sign-in with {} is not available: its provider accepts no client secret.",
                connection.label()
            ),
        )
        .await;
    };
    let upstream_state = ids::opaque_token();
    let nonce = ids::opaque_token();
    let verifier = ids::opaque_token();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let request = serde_json::to_string(checked).expect("plain struct");
    let saved = async {
        sqlx::query("DELETE FROM federation_requests WHERE expires_at <= $1")
            .bind(now())
            .execute(state.db.pool())
            .await?;
        sqlx::query(
            "INSERT INTO federation_requests (state_sha256, connection_id, transaction_sha256, \
             request, nonce, code_verifier, issuer, token_endpoint, jwks_uri, auth_method, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(ids::sha256_hex(&upstream_state))
        .bind(&connection.id)
        .bind(ids::sha256_hex(tx))
        .bind(&request)
        .bind(&nonce)
        .bind(&verifier)
        .bind(&discovery.issuer)
        .bind(discovery.token_endpoint.as_str())
        .bind(discovery.jwks_uri.as_str())
        .bind(auth_method)
        .bind(now() + TEN_MINUTES)
        .execute(state.db.pool())
        .await
    }
    .await;
    if let Err(e) = saved {
        return unavailable(e);
    }
    let mut target = discovery.authorization_endpoint.clone();
    target
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &client_id)
        .append_pair("redirect_uri", &state.issuer.endpoint(CALLBACK_PATH))
        .append_pair("scope", &scope)
        .append_pair("state", &upstream_state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    let mut response = Redirect::to(target.as_str()).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session::set_cookie(
            &state.issuer,
            FEDERATION_COOKIE,
            &upstream_state,
            &format!("/{CALLBACK_PATH}"),
            TEN_MINUTES,
        ),
    );
    response
}

#[derive(Default, Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// A pending federation, taken out of the database.
struct Pending {
    connection_id: String,
    transaction_sha256: String,
    checked: Checked,
    nonce: String,
    verifier: String,
    issuer: String,
    token_endpoint: String,
    jwks_uri: String,
    auth_method: String,
}

/// Takes the pending federation of `upstream_state` (used once).
async fn take_pending(
    state: &ProviderState,
    upstream_state: &str,
) -> Result<Option<Pending>, sqlx::Error> {
    let key = ids::sha256_hex(upstream_state);
    let mut tx = state.db.pool().begin().await?;
    let row = sqlx::query(
        "SELECT connection_id, transaction_sha256, request, nonce, code_verifier, issuer, \
         token_endpoint, jwks_uri, auth_method, expires_at FROM federation_requests \
         WHERE state_sha256 = $1",
    )
    .bind(&key)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let deleted = sqlx::query("DELETE FROM federation_requests WHERE state_sha256 = $1")
        .bind(&key)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    // Another request took it meanwhile, or it expired.
    if deleted != 1 || row.try_get::<i64, _>("expires_at")? <= now() {
        return Ok(None);
    }
    let Ok(checked) = serde_json::from_str::<Checked>(&row.try_get::<String, _>("request")?) else {
        return Ok(None);
    };
    Ok(Some(Pending {
        connection_id: row.try_get("connection_id")?,
        transaction_sha256: row.try_get("transaction_sha256")?,
        checked,
        nonce: row.try_get("nonce")?,
        verifier: row.try_get("code_verifier")?,
        issuer: row.try_get("issuer")?,
        token_endpoint: row.try_get("token_endpoint")?,
        jwks_uri: row.try_get("jwks_uri")?,
        auth_method: row.try_get("auth_method")?,
    }))
}

/// An OAuth error code from the upstream, if it is one (letters and `_`).
fn error_code(text: &str) -> &str {
    if !text.is_empty()
        && text.len() <= 64
        && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    {
        text
    } else {
        "unknown_error"
    }
}

fn clear_federation_cookie(state: &ProviderState, mut response: Response) -> Response {
    response.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(
            &state.issuer,
            FEDERATION_COOKIE,
            "",
            &format!("/{CALLBACK_PATH}"),
            0,
        ),
    );
    response
}

/// `GET /login/callback`. Public: the upstream sends the browser back here.
pub(crate) async fn callback(
    State(state): State<ProviderState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let response = finish(&state, &headers, raw.as_deref().unwrap_or_default()).await;
    clear_federation_cookie(&state, onward_as_page(response))
}

/// A redirect onward (to the application, with its code or error) answered
/// as a page that continues there: see [`pages::continue_page`]. Other
/// answers, and their cookies, stay as they are.
fn onward_as_page(response: Response) -> Response {
    if !response.status().is_redirection() {
        return response;
    }
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned)
    else {
        return response;
    };
    let mut page = pages::continue_page(&location);
    for cookie in response.headers().get_all(header::SET_COOKIE) {
        page.headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    page
}

async fn finish(state: &ProviderState, headers: &HeaderMap, raw: &str) -> Response {
    let query: CallbackQuery = serde_urlencoded::from_str(raw).unwrap_or_default();
    let Some(upstream_state) = query.state.filter(|s| !s.is_empty()) else {
        return org_error(
            state,
            None,
            StatusCode::BAD_REQUEST,
            "This sign-in answer is incomplete. Go back to the application and sign in again.",
        )
        .await;
    };
    // The browser that started this sign-in holds its state (login CSRF).
    let bound = session::cookie(headers, FEDERATION_COOKIE)
        .is_some_and(|c| bool::from(c.as_bytes().ct_eq(upstream_state.as_bytes())));
    if !bound {
        return org_error(
            state,
            None,
            StatusCode::BAD_REQUEST,
            "This sign-in was started in another browser or has expired. Go back to the application and sign in again.",
        )
        .await;
    }
    let pending = match take_pending(state, &upstream_state).await {
        Ok(Some(pending)) => pending,
        Ok(None) => {
            return org_error(
                state,
                None,
                StatusCode::BAD_REQUEST,
                "This sign-in has expired or was already used. Go back to the application and sign in again.",
            )
            .await;
        }
        Err(e) => return unavailable(e),
    };
    let org_id = pending.checked.org_id.clone();
    let org_id = org_id.as_deref();
    let refuse = |status: StatusCode, message: String| async move {
        org_error(state, org_id, status, &message).await
    };
    let connection = match connections::by_id(&state.db, &pending.connection_id).await {
        Ok(Some(connection)) => connection,
        Ok(None) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "This sign-in method no longer exists.".into(),
            )
            .await;
        }
        Err(e) => return unavailable(e),
    };
    let label = connection.label().to_owned();
    if let Some(error) = &query.error {
        let code = error_code(error);
        tracing::info!(connection = %connection.name, error = code, "federation: the upstream refused");
        return refuse(
            StatusCode::FORBIDDEN,
            format!(
                "{label} did not sign you in ({code}). Go back to the application and try again."
            ),
        )
        .await;
    }
    let Some(code) = query.code.filter(|c| !c.is_empty()) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            format!("{label} answered without a sign-in code."),
        )
        .await;
    };
    let enabled = match enabled_oidc(state, &pending.checked, &connection.name).await {
        Ok(Ok(enabled)) => enabled,
        Ok(Err(message)) => return refuse(StatusCode::BAD_REQUEST, message.into()).await,
        Err(e) => return unavailable(e),
    };
    let Some((_, client_id, _)) = upstream_settings(&connection) else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("Sign-in with {label} is not set up completely."),
        )
        .await;
    };
    let secret = match connections::client_secret(&state.db, &connection.id).await {
        Ok(Some(secret)) => secret,
        Ok(None) => {
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("Sign-in with {label} is not set up completely."),
            )
            .await;
        }
        Err(e) => return unavailable(e),
    };
    let claims = match exchange_and_verify(state, &pending, &client_id, &secret, &code).await {
        Ok(claims) => claims,
        Err(reason) => {
            tracing::warn!(connection = %connection.name, reason = %reason, "federation: sign-in refused");
            return refuse(
                StatusCode::BAD_GATEWAY,
                format!("{label} did not complete the sign-in: {reason}."),
            )
            .await;
        }
    };
    let user_id = match identify(state, &connection, &claims).await {
        Ok(Ok(user_id)) => user_id,
        Ok(Err(message)) => return refuse(StatusCode::FORBIDDEN, message).await,
        Err(e) => return unavailable(e),
    };
    // An invitation makes its own membership when it is accepted.
    if let (Some(org_id), None) = (org_id, &pending.checked.invitation) {
        match users::is_member(&state.db, org_id, &user_id).await {
            Ok(true) => {}
            Ok(false) if enabled.assign_membership_on_login => {
                match members::add(&state.db, org_id, std::slice::from_ref(&user_id)).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) => {
                        return refuse(StatusCode::BAD_REQUEST, "The organization is gone.".into())
                            .await;
                    }
                    Err(e) => return unavailable(e),
                }
            }
            // As a password sign-in by a non-member ends (no session is started).
            Ok(false) => {
                return pending
                    .checked
                    .fail("access_denied", "user is not a member of the organization");
            }
            Err(e) => return unavailable(e),
        }
    }
    // As a password sign-in ends: a new session, the code for the client.
    let started = async {
        session::end(&state.db, &state.issuer, headers).await?;
        let mut tx = state.db.pool().begin().await?;
        sqlx::query("DELETE FROM login_transactions WHERE id = $1")
            .bind(&pending.transaction_sha256)
            .execute(&mut *tx)
            .await?;
        let started = session::start(&mut tx, &user_id, &connection.id).await?;
        if started.is_some() {
            tx.commit().await?;
        }
        Ok::<_, sqlx::Error>(started)
    }
    .await;
    let (token, session) = match started {
        Ok(Some(started)) => started,
        Ok(None) => return refuse(StatusCode::FORBIDDEN, session::BLOCKED.into()).await,
        Err(e) => return unavailable(e),
    };
    let mut response = complete(state, &pending.checked, &session).await;
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        session::session_cookie(&state.issuer, &token),
    );
    headers.append(
        header::SET_COOKIE,
        session::set_cookie(&state.issuer, TRANSACTION_COOKIE, "", "/u/", 0),
    );
    response
}

/// The code exchanged at the upstream's token endpoint, and its ID token's
/// claims once checked. The reason of a failure names no secret.
async fn exchange_and_verify(
    state: &ProviderState,
    pending: &Pending,
    client_id: &str,
    secret: &str,
    code: &str,
) -> Result<Map<String, Value>, String> {
    let token_endpoint =
        Url::parse(&pending.token_endpoint).map_err(|_| "its token endpoint is invalid")?;
    let redirect_uri = state.issuer.endpoint(CALLBACK_PATH);
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri.as_str()),
        ("code_verifier", pending.verifier.as_str()),
    ];
    let basic = if pending.auth_method == "client_secret_post" {
        form.push(("client_id", client_id));
        form.push(("client_secret", secret));
        None
    } else {
        Some((client_id, secret))
    };
    let (status, body) = state
        .fetcher
        .post_form(&token_endpoint, &form, basic)
        .await
        .map_err(|e| e.to_string())?;
    if status != 200 {
        let code = body
            .get("error")
            .and_then(Value::as_str)
            .map(error_code)
            .unwrap_or("unknown_error");
        return Err(format!("its token endpoint refused the code ({code})"));
    }
    let id_token = body
        .get("id_token")
        .and_then(Value::as_str)
        .ok_or("it returned no ID token")?;
    verify_id_token(state, pending, client_id, id_token).await
}

/// RS256 against the upstream's JWKS; issuer, audience, authorized party,
/// expiry, issue time and nonce.
async fn verify_id_token(
    state: &ProviderState,
    pending: &Pending,
    client_id: &str,
    id_token: &str,
) -> Result<Map<String, Value>, String> {
    let header = jsonwebtoken::decode_header(id_token).map_err(|_| "the ID token is malformed")?;
    if header.alg != Algorithm::RS256 {
        return Err("the ID token is not signed with RS256".into());
    }
    let jwks_uri = Url::parse(&pending.jwks_uri).map_err(|_| "its JWKS address is invalid")?;
    let keys = state
        .upstream_keys
        .keys(&state.fetcher, &jwks_uri, header.kid.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    let rsa: Vec<&Value> = keys
        .iter()
        .filter(|k| k.get("kty").and_then(Value::as_str) == Some("RSA"))
        .filter(|k| {
            k.get("use")
                .and_then(Value::as_str)
                .is_none_or(|u| u == "sig")
        })
        .collect();
    let key = match &header.kid {
        Some(kid) => rsa
            .iter()
            .find(|k| k.get("kid").and_then(Value::as_str) == Some(kid.as_str())),
        None if rsa.len() == 1 => rsa.first(),
        None => None,
    }
    .ok_or("the ID token's signing key is not published")?;
    let component = |name: &str| key.get(name).and_then(Value::as_str).unwrap_or_default();
    let decoding = DecodingKey::from_rsa_components(component("n"), component("e"))
        .map_err(|_| "the upstream's signing key is invalid")?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&pending.issuer]);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = LEEWAY as u64;
    let claims = jsonwebtoken::decode::<Map<String, Value>>(id_token, &decoding, &validation)
        .map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::ExpiredSignature => "the ID token has expired",
                ErrorKind::InvalidIssuer => "the ID token's issuer is wrong",
                ErrorKind::InvalidAudience => "the ID token is for another application",
                ErrorKind::InvalidSignature => "the ID token's signature is invalid",
                _ => "the ID token is invalid",
            }
        })?
        .claims;
    if let Some(azp) = claims.get("azp")
        && azp.as_str() != Some(client_id)
    {
        return Err("the ID token is for another application".into());
    }
    let now = now();
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or("the ID token has no issue time")?;
    if iat > now + LEEWAY || iat < now - MAX_ID_TOKEN_AGE {
        return Err("the ID token's issue time is not plausible".into());
    }
    let nonce_ok = claims
        .get("nonce")
        .and_then(Value::as_str)
        .is_some_and(|n| bool::from(n.as_bytes().ct_eq(pending.nonce.as_bytes())));
    if !nonce_ok {
        return Err("the ID token is not the answer to this sign-in (nonce)".into());
    }
    match claims.get("sub").and_then(Value::as_str) {
        Some(sub) if !sub.is_empty() && sub.len() <= 255 => Ok(claims),
        _ => Err("the ID token names no subject".into()),
    }
}

/// The user of the upstream identity: found by (connection, subject), else
/// linked by a verified email, else created. `Err` is the page's message.
async fn identify(
    state: &ProviderState,
    connection: &Connection,
    claims: &Map<String, Value>,
) -> Result<Result<String, String>, sqlx::Error> {
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let email = claims
        .get("email")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|e| e.contains('@') && e.len() <= 320)
        .map(str::to_owned);
    let email_verified = claims.get("email_verified") == Some(&Value::Bool(true));
    let mut profile = Map::new();
    for key in [
        "email",
        "email_verified",
        "name",
        "given_name",
        "family_name",
    ] {
        if let Some(value) = claims.get(key) {
            profile.insert(key.to_owned(), value.clone());
        }
    }
    let label = connection.label();

    if let Some(user_id) = connections::identity_user(&state.db, &connection.id, &subject).await? {
        let mut conn = state.db.pool().acquire().await?;
        connections::record_identity_login(&mut conn, &connection.id, &subject, &profile).await?;
        return Ok(Ok(user_id));
    }
    let user_id = format!("oidc|{}|{subject}", connection.name);
    let name = claims
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty() && n.chars().count() <= 300)
        .map(str::to_owned);
    // A customer's provider vouches for the addresses of its own domains
    // only (`domain_aliases`; none without them). Outside them, the person
    // gets an account of the connection with no address: nothing is linked
    // or claimed, and the address stays free for its owner. The address
    // the connection gave stays in the identity's profile.
    let Some(email) = email.filter(|e| vouches_for(connection, e)) else {
        let name = name.unwrap_or_else(|| format!("{label} user"));
        let mut tx = state.db.pool().begin().await?;
        if !connections::insert_federated_user(&mut tx, &user_id, None, false, &name).await? {
            return Ok(Err(format!(
                "Your {label} account cannot be used here. Ask your administrator."
            )));
        }
        connections::link_identity(&mut tx, &connection.id, &subject, &user_id, &profile).await?;
        tx.commit().await?;
        return Ok(Ok(user_id));
    };
    if let Some(existing) = users::by_email(&state.db, &email).await? {
        if !email_verified {
            return Ok(Err(format!(
                "An account with {email} already exists, and {label} does not confirm that this address is yours. Ask your administrator."
            )));
        }
        // Never an account with a tenant-wide role (staff), whatever the
        // connection vouches for.
        if users::global_roles_count(&state.db, &existing.user_id).await? > 0 {
            return Ok(Err(format!(
                "An account with {email} already exists and cannot be linked to {label}. Ask your administrator."
            )));
        }
        let mut conn = state.db.pool().acquire().await?;
        connections::link_identity(
            &mut conn,
            &connection.id,
            &subject,
            &existing.user_id,
            &profile,
        )
        .await?;
        return Ok(Ok(existing.user_id));
    }
    let name = name.unwrap_or_else(|| email.clone());
    let mut tx = state.db.pool().begin().await?;
    let created =
        connections::insert_federated_user(&mut tx, &user_id, Some(&email), email_verified, &name)
            .await?;
    if !created {
        return Ok(Err(format!(
            "An account with {email} already exists. Ask your administrator."
        )));
    }
    connections::link_identity(&mut tx, &connection.id, &subject, &user_id, &profile).await?;
    tx.commit().await?;
    Ok(Ok(user_id))
}

/// Whether the connection speaks for this address: its domain is one of the
/// connection's `domain_aliases` (a connection without them speaks for none).
fn vouches_for(connection: &Connection, email: &str) -> bool {
    let domain = email
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    connection
        .options
        .get("domain_aliases")
        .and_then(Value::as_array)
        .is_some_and(|domains| {
            domains
                .iter()
                .filter_map(Value::as_str)
                .any(|d| d.trim().eq_ignore_ascii_case(&domain))
        })
}
