//! `/u/signup`: creating an account, offered to someone invited, and to
//! anyone where the organization's database connection allows sign-up
//! (`is_signup_enabled`).
//!
//! - Invited: the account gets the invited email, marked verified (the
//!   invitation reached it), and the sign-up accepts the invitation: in one
//!   transaction the user is created, the invitation consumed, the
//!   membership and roles given, the session started and the code issued.
//! - Open sign-up: the account gets the typed email, not verified, and
//!   becomes a member of the organization (no roles).

use axum::{
    Form,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::{
    authorize::{Checked, complete},
    invitation::{self, InvitationRef},
    login::{Methods, expired, methods, transaction, unavailable},
    pages::{InvitationView, SignupForm, branded_error_page, signup_page},
    session::{self, TRANSACTION_COOKIE},
};
use crate::{
    ProviderState, password,
    store::{members, users},
};

const NAME_MAX: usize = 300;

fn invitations_only(methods: &Methods, checked: &Checked) -> Response {
    branded_error_page(
        StatusCode::BAD_REQUEST,
        "Sign-up is available only through an invitation. Ask your organization's administrator for one.",
        &methods.branding,
        checked.org_display.as_deref(),
    )
}

#[derive(Deserialize)]
pub(crate) struct Shown {
    state: String,
}

/// The open transaction of this browser, with its invitation (or `None`
/// where the organization allows sign-up without one), and its methods.
type Allowed = (Checked, Option<InvitationRef>, Methods);

async fn allowed(
    state: &ProviderState,
    headers: &axum::http::HeaderMap,
    tx: &str,
) -> Result<Result<Allowed, Response>, sqlx::Error> {
    let Some(checked) = transaction(state, headers, tx).await? else {
        return Ok(Err(expired()));
    };
    let methods = methods(state, &checked).await?;
    match checked.invitation.clone() {
        Some(invited) => Ok(Ok((checked, Some(invited), methods))),
        None if methods.password && methods.signup => Ok(Ok((checked, None, methods))),
        None => Ok(Err(invitations_only(&methods, &checked))),
    }
}

fn form<'a>(
    tx: &'a str,
    (checked, invited, methods): &'a Allowed,
    email: &'a str,
    name: &'a str,
    error: Option<&'a str>,
) -> SignupForm<'a> {
    SignupForm {
        transaction: tx,
        client_name: &checked.client_name,
        organization: checked.org_display.as_deref(),
        invitation: invited.as_ref().map(|invited| InvitationView {
            inviter: &invited.inviter,
            email: &invited.email,
        }),
        email,
        branding: &methods.branding,
        name,
        error,
        redirect_uri: &checked.redirect_uri,
    }
}

/// `GET /u/signup?state=…`. Public.
pub(crate) async fn show(
    State(state): State<ProviderState>,
    headers: axum::http::HeaderMap,
    Query(q): Query<Shown>,
) -> Response {
    match allowed(&state, &headers, &q.state).await {
        Ok(Ok(allowed)) => {
            let email = allowed.0.login_hint.clone().unwrap_or_default();
            signup_page(StatusCode::OK, &form(&q.state, &allowed, &email, "", None))
        }
        Ok(Err(page)) => page,
        Err(e) => unavailable(e),
    }
}

#[derive(Deserialize)]
pub(crate) struct Submitted {
    state: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// A name to show: 1 to 300 characters, no control characters.
fn check_name(name: &str) -> Result<(), String> {
    let len = name.trim().chars().count();
    if len == 0 || name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        Err(format!("Enter your name (1 to {NAME_MAX} characters)."))
    } else {
        Ok(())
    }
}

/// `POST /u/signup`. Public.
pub(crate) async fn submit(
    State(state): State<ProviderState>,
    headers: axum::http::HeaderMap,
    Form(submitted): Form<Submitted>,
) -> Response {
    let allowed = match allowed(&state, &headers, &submitted.state).await {
        Ok(Ok(found)) => found,
        Ok(Err(page)) => return page,
        Err(e) => return unavailable(e),
    };
    let name = submitted.name.trim();
    let typed_email = submitted.email.trim();
    let again = |status: StatusCode, error: &str| {
        signup_page(
            status,
            &form(&submitted.state, &allowed, typed_email, name, Some(error)),
        )
    };
    let connection = allowed.2.database_id.as_str();
    let (checked, invited) = match &allowed {
        (checked, Some(invited), _) => (checked, invited),
        (checked, None, _) => {
            return open_signup(&state, &headers, &submitted, checked, connection, again).await;
        }
    };
    if !submitted.email.trim().is_empty()
        && users::normalize_email(&submitted.email) != invited.email
    {
        return again(
            StatusCode::FORBIDDEN,
            &format!(
                "This invitation is for {}; the account gets that address.",
                invited.email
            ),
        );
    }
    if let Err(message) = check_name(name).and(password::check_new(&submitted.password)) {
        return again(StatusCode::BAD_REQUEST, &message);
    }
    let taken = format!(
        "An account with {} already exists. Sign in instead.",
        invited.email
    );
    match users::with_password(&state.db, &invited.email).await {
        Ok(Some(_)) => return again(StatusCode::CONFLICT, &taken),
        Ok(None) => {}
        Err(e) => return unavailable(e),
    }
    let invitation = match invitation::current(&state, checked, &invited.email).await {
        Ok(Ok(invitation)) => invitation,
        Ok(Err(refusal)) => return checked.fail(refusal.error(), refusal.description()),
        Err(e) => return unavailable(e),
    };
    let hash = password::hash(submitted.password.clone()).await;
    let outcome = async {
        let mut tx = state.db.pool().begin().await?;
        let Some(user_id) = users::insert_new(&mut tx, &invited.email, name, true, &hash).await?
        else {
            return Ok(Err(None));
        };
        // A user created in this transaction is not blocked.
        let (token, session) = session::start(&mut tx, &user_id, connection)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        let code = invitation::accept_on(
            &mut tx,
            &state,
            checked,
            &invitation,
            &user_id,
            session.auth_time,
        )
        .await?;
        let code = match code {
            Ok(code) => code,
            Err(refusal) => return Ok(Err(Some(refusal))),
        };
        session::drop_transaction(&mut tx, &submitted.state).await?;
        tx.commit().await?;
        // Whoever was signed in in this browser before is not any more.
        session::end(&state.db, &state.issuer, &headers).await?;
        Ok::<_, sqlx::Error>(Ok((code, token)))
    }
    .await;
    let (code, token) = match outcome {
        Ok(Ok(done)) => done,
        // Someone took the email meanwhile: nothing was written.
        Ok(Err(None)) => return again(StatusCode::CONFLICT, &taken),
        Ok(Err(Some(refusal))) => return checked.fail(refusal.error(), refusal.description()),
        Err(e) => return unavailable(e),
    };
    let mut response = super::authorize::code_redirect(checked, &code).into_response();
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

/// Whether `email` looks like an address: something, `@`, a domain.
fn plausible_email(email: &str) -> bool {
    email.len() <= 320
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.rsplit_once('@'), Some((user, domain)) if !user.is_empty() && domain.contains('.'))
}

/// Sign-up without an invitation, where the organization's database
/// connection allows it: the user (email not verified), the membership, the
/// session, then the code as a password sign-in gives it.
async fn open_signup(
    state: &ProviderState,
    headers: &axum::http::HeaderMap,
    submitted: &Submitted,
    checked: &Checked,
    connection: &str,
    again: impl Fn(StatusCode, &str) -> Response,
) -> Response {
    let email = users::normalize_email(&submitted.email);
    if !plausible_email(&email) {
        return again(StatusCode::BAD_REQUEST, "Enter your email address.");
    }
    let name = submitted.name.trim();
    if let Err(message) = check_name(name).and(password::check_new(&submitted.password)) {
        return again(StatusCode::BAD_REQUEST, &message);
    }
    let taken = format!("An account with {email} already exists. Sign in instead.");
    match users::by_email(&state.db, &email).await {
        Ok(Some(_)) => return again(StatusCode::CONFLICT, &taken),
        Ok(None) => {}
        Err(e) => return unavailable(e),
    }
    let Some(org_id) = checked.org_id.clone() else {
        return again(StatusCode::BAD_REQUEST, "Sign-up needs an organization.");
    };
    let hash = password::hash(submitted.password.clone()).await;
    let outcome = async {
        let mut tx = state.db.pool().begin().await?;
        let Some(user_id) = users::insert_new(&mut tx, &email, name, false, &hash).await? else {
            return Ok(None);
        };
        // A user created in this transaction is not blocked.
        let (token, session) = session::start(&mut tx, &user_id, connection)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        session::drop_transaction(&mut tx, &submitted.state).await?;
        tx.commit().await?;
        session::end(&state.db, &state.issuer, headers).await?;
        let _ = members::add(&state.db, &org_id, std::slice::from_ref(&user_id)).await?;
        Ok::<_, sqlx::Error>(Some((token, session)))
    }
    .await;
    let (token, session) = match outcome {
        Ok(Some(done)) => done,
        Ok(None) => return again(StatusCode::CONFLICT, &taken),
        Err(e) => return unavailable(e),
    };
    let mut response = complete(state, checked, &session).await;
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

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_short_printable_text() {
        assert!(super::check_name("Sumana Rao").is_ok());
        assert!(super::check_name(" ").is_err());
        assert!(super::check_name(&"x".repeat(301)).is_err());
        assert!(super::check_name("a\u{0}b").is_err());
    }
}
