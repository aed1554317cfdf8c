//! `/u/organization`: the organization picker, for a person of several
//! organizations signing in to an application that requires one (Auth0's
//! prompt for an organization after login). The page belongs to the browser
//! and the person that signed in (its own transaction cookie and the SSO
//! session); the choice is checked against their memberships again.

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{
    TEN_MINUTES,
    authorize::{Checked, complete, server_error},
    pages::{Picker, error_page, organization_picker_page},
    session::{self, Session},
};
use crate::{
    ProviderState,
    store::{organizations, users},
};

/// Binds the picker to the browser that signed in.
pub const PICK_COOKIE: &str = "od_org_tx";
const PICK_PATH: &str = "/u/organization";

/// A sign-in waiting for its organization.
#[derive(Deserialize, Serialize)]
struct Pick {
    checked: Checked,
    user_id: String,
}

/// Keeps the sign-in and sends the browser to the picker.
pub async fn start(state: &ProviderState, checked: &Checked, session: &Session) -> Response {
    let pick = Pick {
        checked: checked.clone(),
        user_id: session.user_id.clone(),
    };
    let request = serde_json::to_string(&pick).expect("plain struct");
    let tx = match session::save_transaction(&state.db, &request).await {
        Ok(tx) => tx,
        Err(e) => return server_error(e),
    };
    let mut response = Redirect::to(&format!("{PICK_PATH}?state={tx}")).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session::set_cookie(&state.issuer, PICK_COOKIE, &tx, PICK_PATH, TEN_MINUTES),
    );
    response
}

fn expired() -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "This page has expired or belongs to another browser. Go back to the application and sign in again.",
    )
}

/// The open pick of this browser and this signed-in person.
async fn load(
    state: &ProviderState,
    headers: &HeaderMap,
    tx: &str,
) -> Result<Option<(Pick, Session)>, sqlx::Error> {
    let Some(saved) = session::load_transaction(&state.db, headers, PICK_COOKIE, tx).await? else {
        return Ok(None);
    };
    let Ok(pick) = serde_json::from_str::<Pick>(&saved) else {
        return Ok(None);
    };
    let session = session::current(&state.db, &state.issuer, headers).await?;
    Ok(session
        .filter(|s| s.user_id == pick.user_id)
        .map(|s| (pick, s)))
}

/// The person's organizations: (id, display name), by name.
async fn choices(
    state: &ProviderState,
    user_id: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let mut choices = Vec::new();
    for org_id in users::organization_ids(&state.db, user_id).await? {
        if let Some(org) = organizations::by_id(&state.db, &org_id).await? {
            choices.push((org.id, org.display_name.unwrap_or(org.name)));
        }
    }
    Ok(choices)
}

#[derive(Deserialize)]
pub(crate) struct Shown {
    state: String,
}

/// `GET /u/organization?state=…`. Public.
pub(crate) async fn show(
    State(state): State<ProviderState>,
    headers: HeaderMap,
    Query(q): Query<Shown>,
) -> Response {
    let (pick, _) = match load(&state, &headers, &q.state).await {
        Ok(Some(loaded)) => loaded,
        Ok(None) => return expired(),
        Err(e) => return server_error(e),
    };
    let organizations = match choices(&state, &pick.user_id).await {
        Ok(choices) => choices,
        Err(e) => return server_error(e),
    };
    if organizations.is_empty() {
        return pick.checked.fail(
            "access_denied",
            "the user is not a member of any organization",
        );
    }
    organization_picker_page(&Picker {
        transaction: &q.state,
        client_name: &pick.checked.client_name,
        organizations: &organizations,
        redirect_uri: &pick.checked.redirect_uri,
    })
}

#[derive(Deserialize)]
pub(crate) struct Chosen {
    state: String,
    #[serde(default)]
    organization: String,
}

/// `POST /u/organization`. Public. Continues with the chosen organization;
/// `complete` checks the membership again.
pub(crate) async fn choose(
    State(state): State<ProviderState>,
    headers: HeaderMap,
    Form(form): Form<Chosen>,
) -> Response {
    let (pick, session) = match load(&state, &headers, &form.state).await {
        Ok(Some(loaded)) => loaded,
        Ok(None) => return expired(),
        Err(e) => return server_error(e),
    };
    let org = match organizations::by_id(&state.db, &form.organization).await {
        Ok(org) => org,
        Err(e) => return server_error(e),
    };
    let mut checked = pick.checked;
    let Some(org) = org else {
        return checked.fail("access_denied", "user is not a member of the organization");
    };
    let closed = async {
        let mut conn = state.db.pool().acquire().await?;
        session::drop_transaction(&mut conn, &form.state).await
    }
    .await;
    if let Err(e) = closed {
        return server_error(e);
    }
    checked.org_display = Some(org.display_name.unwrap_or_else(|| org.name.clone()));
    checked.org_id = Some(org.id);
    checked.organization_required = false;
    let mut response = complete(&state, &checked, &session).await;
    response.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(&state.issuer, PICK_COOKIE, "", PICK_PATH, 0),
    );
    response
}
