//! `/api/v2/users` and `/api/v2/users-by-email`: people of the database
//! connection, their global roles and their organizations. Each handler names
//! the scope it needs and checks it first.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{
    Caller,
    input::{body, invalid_body, invalid_query, param, query},
    paging::Offset,
    scopes,
};
use crate::{
    ProviderState,
    error::ApiError,
    iso8601, password,
    store::{
        connections::{self, Connection, Identity, Strategy},
        organizations,
        users::{self, NewUser, User, UserPatch, UserWriteError},
    },
};

/// The one database connection of the provider, named as Auth0 names a
/// tenant's default one.
pub const DATABASE_CONNECTION: &str = "Username-Password-Authentication";

/// Auth0's limits on an email address: local part and domain.
const EMAIL_LOCAL_MAX: usize = 64;
const EMAIL_DOMAIN_MAX: usize = 256;
const NAME_MAX: usize = 300;
/// The provider's password policy: a length, as Auth0's "low" policy has.
pub const PASSWORD_MIN: usize = 8;
/// Names Auth0 keeps for itself: `app_metadata` may not use them.
const RESERVED_APP_METADATA: &[&str] = &[
    "__tenant",
    "_id",
    "blocked",
    "clientID",
    "created_at",
    "email",
    "email_verified",
    "globalClientID",
    "global_client_id",
    "identities",
    "lastIP",
    "lastLogin",
    "loginsCount",
    "metadata",
    "multifactor",
    "multifactor_last_modified",
    "updated_at",
    "user_id",
];

pub(super) fn no_user() -> ApiError {
    ApiError::not_found("inexistent_user", "The user does not exist.")
}

fn user_exists() -> ApiError {
    ApiError::conflict_code("auth0_idp_error", "The user already exists.")
}

impl From<UserWriteError> for ApiError {
    fn from(error: UserWriteError) -> Self {
        match error {
            UserWriteError::EmailTaken => user_exists(),
            UserWriteError::Db(e) => ApiError::internal(e),
        }
    }
}

/// A user in Auth0's shape, with their identities (from the `identities`
/// table). The password hash is never part of it.
pub(super) fn user_json(user: &User, identities: &[Identity]) -> Value {
    let identities: Vec<Value> = identities
        .iter()
        .filter(|i| i.user_id == user.user_id)
        .map(|i| {
            json!({
                "connection": i.connection,
                "provider": i.strategy,
                "user_id": i.subject,
                "isSocial": false,
            })
        })
        .collect();
    let mut body = json!({
        "user_id": user.user_id,
        "name": user.name,
        "created_at": iso8601(user.created_at),
        "updated_at": iso8601(user.updated_at),
        "identities": identities,
        "app_metadata": user.app_metadata,
        "user_metadata": user.user_metadata,
    });
    // A user without an address has no email fields, as in Auth0.
    if !user.email.is_empty() {
        body["email"] = user.email.clone().into();
        body["email_verified"] = user.email_verified.into();
    }
    // Auth0 shows `blocked` on users who are blocked.
    if user.blocked {
        body["blocked"] = true.into();
    }
    body
}

/// Users in Auth0's shape, their identities read in one query.
async fn users_json(state: &ProviderState, found: &[User]) -> Result<Vec<Value>, ApiError> {
    let ids: Vec<String> = found.iter().map(|u| u.user_id.clone()).collect();
    let identities = connections::identities_of(&state.db, &ids).await?;
    Ok(found.iter().map(|u| user_json(u, &identities)).collect())
}

async fn one_user_json(state: &ProviderState, user: &User) -> Result<Value, ApiError> {
    Ok(users_json(state, std::slice::from_ref(user))
        .await?
        .pop()
        .unwrap_or_default())
}

/// `POST /users`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    connection: String,
    email: Option<String>,
    password: Option<String>,
    name: Option<String>,
    #[serde(default)]
    email_verified: bool,
    #[serde(default)]
    app_metadata: Map<String, Value>,
    #[serde(default)]
    user_metadata: Map<String, Value>,
}

/// `PATCH /users/{id}`: absent fields stay.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    connection: Option<String>,
    email: Option<String>,
    email_verified: Option<bool>,
    name: Option<String>,
    password: Option<String>,
    app_metadata: Option<Map<String, Value>>,
    user_metadata: Option<Map<String, Value>>,
    /// Auth0's `blocked`: a blocked user cannot sign in, and their sessions,
    /// refresh tokens and grants end at once.
    blocked: Option<bool>,
}

/// The database (`auth0`-strategy) connection of this name.
async fn database_connection(state: &ProviderState, name: &str) -> Result<Connection, ApiError> {
    match connections::by_name(&state.db, name).await? {
        Some(c) if c.strategy == Strategy::Database => Ok(c),
        Some(_) => Err(ApiError::bad_request(
            "operation_not_supported",
            "Users can be created only in database connections; \
             enterprise users are created when they first sign in.",
        )),
        None => Err(ApiError::bad_request(
            "inexistent_connection",
            "The connection does not exist.",
        )),
    }
}

fn check_email(email: &str) -> Result<(), ApiError> {
    let ok = match email.trim().split_once('@') {
        Some((local, domain)) => {
            (1..=EMAIL_LOCAL_MAX).contains(&local.chars().count())
                && (1..=EMAIL_DOMAIN_MAX).contains(&domain.chars().count())
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.trim().chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid_body(format!(
            "Object didn't pass validation for format email: {email}"
        )))
    }
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if (1..=NAME_MAX).contains(&name.chars().count()) {
        Ok(())
    } else {
        Err(invalid_body(format!(
            "name must be 1 to {NAME_MAX} characters"
        )))
    }
}

fn check_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() >= PASSWORD_MIN {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "invalid_body",
            format!(
                "PasswordStrengthError: Password is too weak (at least {PASSWORD_MIN} characters)"
            ),
        ))
    }
}

/// Field names may hold neither `.` nor `$`, at any depth; `app_metadata`
/// may not use the names Auth0 keeps.
fn check_metadata(field: &str, metadata: &Map<String, Value>) -> Result<(), ApiError> {
    fn names_ok(map: &Map<String, Value>) -> Result<(), String> {
        for (key, value) in map {
            if key.contains('.') || key.contains('$') {
                return Err(key.clone());
            }
            if let Value::Object(inner) = value {
                names_ok(inner)?;
            }
        }
        Ok(())
    }
    names_ok(metadata).map_err(|key| {
        invalid_body(format!(
            "{field} field names may not contain '.' or '$': {key:?}"
        ))
    })?;
    if field == "app_metadata"
        && let Some(key) = metadata
            .keys()
            .find(|k| RESERVED_APP_METADATA.contains(&k.as_str()))
    {
        return Err(invalid_body(format!(
            "app_metadata may not use the reserved name {key:?}"
        )));
    }
    Ok(())
}

/// `GET /users-by-email?email=`: the users with this email, in any case.
/// Requires `read:users`.
pub(crate) async fn by_email(
    caller: Caller,
    State(state): State<ProviderState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_USERS)?;
    let query = query(raw)?;
    let email = param(&query, "email")
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| invalid_query("Missing required property: email"))?;
    let found: Vec<User> = users::by_email(&state.db, email)
        .await?
        .into_iter()
        .collect();
    Ok(Json(Value::Array(users_json(&state, &found).await?)))
}

/// The connection name of the one search the provider serves:
/// `identities.connection:"NAME"` (quoted, or bare when it has no spaces).
fn connection_query(q: &str) -> Option<&str> {
    let value = q.trim().strip_prefix("identities.connection:")?;
    let name = match value.strip_prefix('"') {
        Some(rest) => rest.strip_suffix('"')?,
        None => value,
    };
    (!name.is_empty() && !name.contains(['"', ' ', '\\'])).then_some(name)
}

/// `GET /users?q=identities.connection:"NAME"&search_engine=v3`: the users
/// with an identity at that connection, by user id, with offset paging
/// inside Auth0's 1000-result window. Any other search is refused: the
/// built-in provider is not a search engine. With `include_totals` the
/// answer is `{users, start, limit, length, total}`.
/// Requires `read:users`.
pub(crate) async fn search(
    caller: Caller,
    State(state): State<ProviderState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_USERS)?;
    let query = query(raw)?;
    if let Some(engine) = param(&query, "search_engine")
        && engine != "v3"
    {
        return Err(invalid_query(
            "search_engine must be v3: the built-in provider serves no other",
        ));
    }
    let name = param(&query, "q")
        .and_then(connection_query)
        .ok_or_else(|| {
            invalid_query(
                "this search is not supported by the built-in provider: \
             it serves only q=identities.connection:\"NAME\"",
            )
        })?;
    // Offset paging refuses pages past Auth0's 1000-result window
    // (page * per_page + per_page > 1000) with a 400.
    let paging = Offset::from_query(&query)?;
    let ids = connections::user_ids_at(&state.db, name, paging.offset(), paging.per_page).await?;
    let found = users::by_ids(&state.db, &ids).await?;
    let items = users_json(&state, &found).await?;
    if !paging.include_totals {
        return Ok(Json(Value::Array(items)));
    }
    let total = connections::count_users_at(&state.db, name).await?;
    Ok(Json(json!({
        "start": paging.offset(),
        "limit": paging.per_page,
        "length": items.len(),
        "total": total,
        "users": items,
    })))
}

/// `POST /users` on a database connection (any `auth0`-strategy connection,
/// by name); the user and their identity there are one transaction.
/// Requires `create:users`.
pub(crate) async fn create(
    caller: Caller,
    State(state): State<ProviderState>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(scopes::CREATE_USERS)?;
    let input: CreateBody = body(&bytes)?;
    let connection = database_connection(&state, &input.connection).await?;
    let email = input
        .email
        .ok_or_else(|| invalid_body("Missing required property: email"))?;
    check_email(&email)?;
    let secret = input
        .password
        .ok_or_else(|| invalid_body("Missing required property: password"))?;
    check_password(&secret)?;
    // Auth0 names a user without a name after their email.
    let name = input.name.unwrap_or_else(|| users::normalize_email(&email));
    check_name(&name)?;
    check_metadata("app_metadata", &input.app_metadata)?;
    check_metadata("user_metadata", &input.user_metadata)?;
    // One users table holds every database connection's people, so an email
    // is unique across all of them (Auth0 keeps it unique per connection):
    // a deviation, so that a returning person is one user wherever they sign
    // in with a password.
    if users::by_email(&state.db, &email).await?.is_some() {
        return Err(user_exists()); // before spending an Argon2 hash
    }
    let hash = password::hash(secret).await;
    let user = users::insert(
        &state.db,
        &NewUser {
            connection_id: &connection.id,
            email: &email,
            name: &name,
            email_verified: input.email_verified,
            password_hash: &hash,
            app_metadata: &input.app_metadata,
            user_metadata: &input.user_metadata,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(one_user_json(&state, &user).await?),
    ))
}

/// `GET /users/{id}`. Requires `read:users`.
pub(crate) async fn get(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(user_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_USERS)?;
    let user = users::by_id(&state.db, &user_id)
        .await?
        .ok_or_else(no_user)?;
    Ok(Json(one_user_json(&state, &user).await?))
}

/// `PATCH /users/{id}`: the fields given change; metadata is merged at the
/// top level (`null` removes a key, `{}` removes them all); a new email is
/// unverified unless `email_verified` says otherwise; `blocked: true` ends
/// the user's sessions and grants. Requires `update:users`.
pub(crate) async fn update(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(user_id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::UPDATE_USERS)?;
    let input: UpdateBody = body(&bytes)?;
    if let Some(connection) = &input.connection {
        database_connection(&state, connection).await?;
    }
    if let Some(email) = &input.email {
        check_email(email)?;
    }
    if let Some(name) = &input.name {
        check_name(name)?;
    }
    if let Some(secret) = &input.password {
        check_password(secret)?;
    }
    if let Some(metadata) = &input.app_metadata {
        check_metadata("app_metadata", metadata)?;
    }
    if let Some(metadata) = &input.user_metadata {
        check_metadata("user_metadata", metadata)?;
    }
    let password_hash = match input.password {
        Some(secret) => Some(password::hash(secret).await),
        None => None,
    };
    let patch = UserPatch {
        email: input.email,
        email_verified: input.email_verified,
        name: input.name,
        password_hash,
        app_metadata: input.app_metadata,
        user_metadata: input.user_metadata,
        blocked: input.blocked,
    };
    let user = users::update(&state.db, &user_id, &patch)
        .await?
        .ok_or_else(no_user)?;
    Ok(Json(one_user_json(&state, &user).await?))
}

/// `DELETE /users/{id}`: the user, their memberships and roles go.
/// Requires `delete:users`.
pub(crate) async fn delete(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(user_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(scopes::DELETE_USERS)?;
    if users::delete(&state.db, &user_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(no_user())
    }
}

/// `GET /users/{id}/roles`: the roles held outside organizations, by name,
/// with offset paging. Requires `read:roles`.
pub(crate) async fn roles(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(user_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_ROLES)?;
    let paging = Offset::from_query(&query(raw)?)?;
    users::by_id(&state.db, &user_id)
        .await?
        .ok_or_else(no_user)?;
    let items =
        users::global_roles_page(&state.db, &user_id, paging.offset(), paging.per_page).await?;
    let total = if paging.include_totals {
        Some(users::global_roles_count(&state.db, &user_id).await?)
    } else {
        None
    };
    Ok(Json(paging.body("roles", items, total)))
}

/// `GET /users/{id}/organizations`, by name, with offset paging.
/// Requires `read:organizations`.
pub(crate) async fn organizations(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(user_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_ORGANIZATIONS)?;
    let paging = Offset::from_query(&query(raw)?)?;
    users::by_id(&state.db, &user_id)
        .await?
        .ok_or_else(no_user)?;
    let items =
        organizations::of_user(&state.db, &user_id, paging.offset(), paging.per_page).await?;
    let total = if paging.include_totals {
        Some(organizations::count_of_user(&state.db, &user_id).await?)
    } else {
        None
    };
    Ok(Json(paging.body("organizations", items, total)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        for good in [
            "a@b.co",
            "  Sumana@AdventureZ.example ",
            "x+tag@sub.domain.org",
        ] {
            assert!(check_email(good).is_ok(), "{good}");
        }
        let long_local = format!("{}@x.example", "a".repeat(65));
        for bad in [
            "",
            "plain",
            "@x.example",
            "a@",
            "a@localhost",
            "a@b@c.example",
            "a b@c.example",
            "a@.example",
            long_local.as_str(),
        ] {
            assert_eq!(check_email(bad).unwrap_err().status(), 400, "{bad:?}");
        }
    }

    #[test]
    fn metadata_names_avoid_dots_dollars_and_auth0s_own_names() {
        let map = |v: Value| v.as_object().unwrap().clone();
        assert!(check_metadata("user_metadata", &map(json!({"theme": {"color": "pink"}}))).is_ok());
        assert!(check_metadata("user_metadata", &map(json!({"blocked": true}))).is_ok());
        for (field, bad) in [
            ("user_metadata", json!({"preference.color": "pink"})),
            ("user_metadata", json!({"prefs": {"$set": 1}})),
            ("app_metadata", json!({"blocked": true})),
            ("app_metadata", json!({"user_id": "x"})),
        ] {
            assert!(check_metadata(field, &map(bad.clone())).is_err(), "{bad}");
        }
    }
}
