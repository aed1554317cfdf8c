//! The hosted login page (`/u/login`): an organization's enabled
//! connections, with its branding (without an organization, the password
//! database as before connections).
//!
//! - The password form where a database connection is enabled (narrowed to
//!   `connection=` when the request names one), with a sign-up link where it
//!   allows sign-up; a button per enterprise connection shown as a button
//!   (`/u/federate`, see `federation`). Nothing usable: an error page.
//! - A non-member who signs in with a password becomes a member where the
//!   database connection has `assign_membership_on_login`; otherwise the
//!   sign-in is refused back to the application, as before.
//! - The page belongs to the browser that started the sign-in (a cookie
//!   carries the transaction).
//! - An unknown email and a wrong password get the same answer, in the same time.
//! - Failed attempts go through the provider's one throttle (`throttle`):
//!   limited per (account, address) and per address, and only slowed per
//!   account, so an attacker cannot lock the owner out.
//! - With an invitation, the email is the invited one and cannot change;
//!   the page offers sign-up (`/u/signup`) too.
//! - Signing in ends the browser's previous session (if any).

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::{
    authorize::{Checked, complete},
    pages::{
        Branding, InvitationView, LoginForm, branded_error_page, branding_of, error_page,
        login_page,
    },
    session::{self, TRANSACTION_COOKIE},
};
use crate::{
    ProviderState,
    client_address::ClientAddr,
    password,
    store::{
        connections::{self, Strategy},
        members, organizations, users,
    },
    throttle::{self, Attempt, Principal},
};

/// How a sign-in's login page lets people in: what the organization enables
/// (or, without an organization, the password database), narrowed to the
/// request's `connection=`, with the organization's branding.
pub(super) struct Methods {
    /// A database connection is enabled: the password form.
    pub password: bool,
    /// …and it allows sign-up.
    pub signup: bool,
    /// …and it makes whoever signs in a member.
    pub assign_membership_on_login: bool,
    /// Enterprise connections shown as buttons: (name, label).
    pub buttons: Vec<(String, String)>,
    pub branding: Branding,
    /// The database connection the password form signs in with (the
    /// provider's own without an organization, or for an invitation).
    pub database_id: String,
}

impl Methods {
    /// Nothing to sign in with.
    pub fn is_empty(&self) -> bool {
        !self.password && self.buttons.is_empty()
    }

    /// The page saying so, branded.
    pub fn nothing_page(&self, checked: &Checked) -> Response {
        branded_error_page(
            StatusCode::FORBIDDEN,
            &format!(
                "{} has no way to sign in set up yet. Ask its administrator.",
                checked
                    .org_display
                    .as_deref()
                    .unwrap_or("This organization")
            ),
            &self.branding,
            checked.org_display.as_deref(),
        )
    }
}

pub(super) async fn methods(
    state: &ProviderState,
    checked: &Checked,
) -> Result<Methods, sqlx::Error> {
    let Some(org_id) = &checked.org_id else {
        return Ok(Methods {
            password: true,
            signup: false,
            assign_membership_on_login: false,
            buttons: Vec::new(),
            branding: Branding::default(),
            database_id: crate::ids::DATABASE_CONNECTION_ID.to_owned(),
        });
    };
    let branding = organizations::by_id(&state.db, org_id)
        .await?
        .map(|org| branding_of(org.branding.as_ref()))
        .unwrap_or_default();
    let enabled = connections::enabled_for(&state.db, org_id).await?;
    let chosen = |name: &str| checked.connection.as_deref().is_none_or(|c| c == name);
    let database = enabled
        .iter()
        .find(|e| e.connection.strategy == Strategy::Database && chosen(&e.connection.name));
    let buttons = enabled
        .iter()
        .filter(|e| e.connection.strategy == Strategy::Oidc && chosen(&e.connection.name))
        .filter(|e| e.show_as_button || checked.connection.is_some())
        .map(|e| (e.connection.name.clone(), e.connection.label().to_owned()))
        .collect();
    Ok(Methods {
        // An invitation is accepted with a password, as before connections.
        password: database.is_some() || checked.invitation.is_some(),
        signup: database.is_some_and(|d| d.is_signup_enabled),
        assign_membership_on_login: database.is_some_and(|d| d.assign_membership_on_login),
        buttons,
        branding,
        database_id: database
            .map(|d| d.connection.id.clone())
            .unwrap_or_else(|| crate::ids::DATABASE_CONNECTION_ID.to_owned()),
    })
}

const WRONG_CREDENTIALS: &str = "Wrong email or password.";
const TOO_MANY: &str =
    "Too many failed attempts from this address. Wait a few minutes, then try again.";

#[derive(Deserialize)]
pub(crate) struct Shown {
    state: String,
}

#[derive(Deserialize)]
pub(crate) struct Submitted {
    state: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The transaction of this browser's sign-in, if it is still open.
pub(super) async fn transaction(
    state: &ProviderState,
    headers: &HeaderMap,
    tx: &str,
) -> Result<Option<Checked>, sqlx::Error> {
    let saved = session::load_transaction(&state.db, headers, TRANSACTION_COOKIE, tx).await?;
    Ok(saved.and_then(|s| serde_json::from_str(&s).ok()))
}

pub(super) fn expired() -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "This sign-in page has expired or belongs to another browser. Go back to the application and sign in again.",
    )
}

pub(super) fn unavailable(error: sqlx::Error) -> Response {
    tracing::error!(%error, "login: database");
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Sign-in is unavailable right now.",
    )
}

/// `GET /u/login?state=…`. Public.
pub(crate) async fn show(
    State(state): State<ProviderState>,
    headers: HeaderMap,
    Query(q): Query<Shown>,
) -> Response {
    let checked = match transaction(&state, &headers, &q.state).await {
        Ok(Some(checked)) => checked,
        Ok(None) => return expired(),
        Err(e) => return unavailable(e),
    };
    let methods = match methods(&state, &checked).await {
        Ok(methods) => methods,
        Err(e) => return unavailable(e),
    };
    if methods.is_empty() {
        return methods.nothing_page(&checked);
    }
    login_page(
        StatusCode::OK,
        &LoginForm {
            transaction: &q.state,
            client_name: &checked.client_name,
            organization: checked.org_display.as_deref(),
            email: checked.login_hint.as_deref().unwrap_or_default(),
            error: None,
            redirect_uri: &checked.redirect_uri,
            invitation: invitation_view(&checked),
            branding: &methods.branding,
            password: methods.password,
            signup: methods.signup,
            connections: &methods.buttons,
        },
    )
}

fn invitation_view(checked: &Checked) -> Option<InvitationView<'_>> {
    checked.invitation.as_ref().map(|i| InvitationView {
        inviter: &i.inviter,
        email: &i.email,
    })
}

/// `POST /u/login`. Public.
pub(crate) async fn submit(
    State(state): State<ProviderState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<Submitted>,
) -> Response {
    let checked = match transaction(&state, &headers, &form.state).await {
        Ok(Some(checked)) => checked,
        Ok(None) => return expired(),
        Err(e) => return unavailable(e),
    };
    let methods = match methods(&state, &checked).await {
        Ok(methods) => methods,
        Err(e) => return unavailable(e),
    };
    if !methods.password {
        return branded_error_page(
            StatusCode::FORBIDDEN,
            "This organization does not sign in with a password.",
            &methods.branding,
            checked.org_display.as_deref(),
        );
    }
    // With an invitation, only the invited email signs in here.
    let email = match &checked.invitation {
        Some(invited) => invited.email.clone(),
        None => form.email.clone(),
    };
    let again = |status: StatusCode, error: &str| {
        login_page(
            status,
            &LoginForm {
                transaction: &form.state,
                client_name: &checked.client_name,
                organization: checked.org_display.as_deref(),
                email: &email,
                error: Some(error),
                redirect_uri: &checked.redirect_uri,
                invitation: invitation_view(&checked),
                branding: &methods.branding,
                password: methods.password,
                signup: methods.signup,
                connections: &methods.buttons,
            },
        )
    };
    if checked.invitation.is_some()
        && !form.email.trim().is_empty()
        && users::normalize_email(&form.email) != email
    {
        return again(
            StatusCode::FORBIDDEN,
            &format!("This invitation is for {email}. Sign in with that address."),
        );
    }
    let attempt = Attempt {
        principal: Principal::Account(&email),
        address: addr,
    };
    match throttle::admit(&state, &attempt).await {
        Ok(Err(_)) => return again(StatusCode::TOO_MANY_REQUESTS, TOO_MANY),
        Ok(Ok(())) => {}
        Err(e) => return unavailable(e),
    }
    let found = match users::with_password(&state.db, &email).await {
        Ok(found) => found,
        Err(e) => return unavailable(e),
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, None),
    };
    if !password::verify(hash, form.password.clone()).await {
        if let Err(e) = throttle::failed(&state, &attempt).await {
            return unavailable(e);
        }
        return again(StatusCode::UNAUTHORIZED, WRONG_CREDENTIALS);
    }
    let user = user.expect("a verified password has a user");
    if user.blocked {
        return again(StatusCode::UNAUTHORIZED, session::BLOCKED);
    }
    // Someone who is not a member becomes one where the organization's
    // database connection says so (an invitation makes its own membership).
    if let (Some(org_id), None, true) = (
        &checked.org_id,
        &checked.invitation,
        methods.assign_membership_on_login,
    ) {
        let added = async {
            if !users::is_member(&state.db, org_id, &user.user_id).await? {
                let _ =
                    members::add(&state.db, org_id, std::slice::from_ref(&user.user_id)).await?;
            }
            Ok::<_, sqlx::Error>(())
        }
        .await;
        if let Err(e) = added {
            return unavailable(e);
        }
    }
    let started = async {
        throttle::succeeded(&state, &attempt).await?;
        session::end(&state.db, &state.issuer, &headers).await?;
        let mut tx = state.db.pool().begin().await?;
        session::drop_transaction(&mut tx, &form.state).await?;
        let started = session::start(&mut tx, &user.user_id, &methods.database_id).await?;
        if started.is_some() {
            tx.commit().await?;
        }
        Ok::<_, sqlx::Error>(started)
    }
    .await;
    let (token, session) = match started {
        Ok(Some(started)) => started,
        Ok(None) => return again(StatusCode::UNAUTHORIZED, session::BLOCKED),
        Err(e) => return unavailable(e),
    };
    let mut response = complete(&state, &checked, &session).await.into_response();
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
