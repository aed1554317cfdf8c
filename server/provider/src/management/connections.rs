//! `/api/v2/connections`: the connection catalog, as Auth0 serves it, for the
//! two strategies the provider serves: `auth0` (a password database) and
//! `oidc` (an enterprise connection to a customer's OpenID provider).
//!
//! An OIDC connection's `client_secret` is written to its own column and is
//! never part of any answer, log line or error message: the option checks
//! below name the property that is wrong, never its value.

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
    input::{body, invalid_body, query},
    organization_rules::present,
    paging::Offset,
    scopes,
};
use crate::{
    ProviderState,
    error::ApiError,
    ids::{self, DATABASE_CONNECTION_ID},
    now,
    store::connections::{self as store, Connection, ConnectionWriteError, Filter, Strategy},
};

pub const NAME_MAX: usize = 128;
pub const DISPLAY_NAME_MAX: usize = 128;
/// Auth0: at most 10 metadata properties, string values of at most 255.
pub const METADATA_MAX_KEYS: usize = 10;
pub const METADATA_MAX_VALUE: usize = 255;
/// Auth0's limit on an OIDC connection's client id and secret.
pub const CLIENT_FIELD_MAX: usize = 255;
const URL_MAX: usize = 2048;
pub const DEFAULT_OIDC_SCOPE: &str = "openid profile email";

pub(super) fn no_connection() -> ApiError {
    ApiError::not_found("inexistent_connection", "The connection does not exist")
}

impl From<ConnectionWriteError> for ApiError {
    fn from(error: ConnectionWriteError) -> Self {
        match error {
            ConnectionWriteError::NameTaken => ApiError::conflict_code(
                "connection_conflict",
                "A connection with the same name already exists",
            ),
            ConnectionWriteError::Db(e) => ApiError::internal(e),
        }
    }
}

/// A connection in Auth0's shape. It has no client secret to leak: the
/// [`Connection`] type carries none.
pub fn connection_json(connection: &Connection) -> Value {
    let mut out = json!({
        "id": connection.id,
        "name": connection.name,
        "strategy": connection.strategy.as_str(),
        "options": connection.options,
        "is_domain_connection": false,
        "realms": [connection.name],
        "metadata": connection.metadata,
    });
    if let Some(display_name) = &connection.display_name {
        out["display_name"] = display_name.clone().into();
    }
    out
}

/// `POST /connections`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateBody {
    name: String,
    strategy: String,
    display_name: Option<String>,
    options: Option<Map<String, Value>>,
    metadata: Option<Map<String, Value>>,
}

/// `PATCH /connections/{id}`: `name` and `strategy` are read only to refuse
/// them with a clear message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    name: Option<Value>,
    strategy: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    display_name: Option<Option<String>>,
    options: Option<Map<String, Value>>,
    metadata: Option<Map<String, Value>>,
}

/// Auth0's rule: 1 to 128 letters, digits and `-`, not starting or ending
/// with `-`.
pub fn check_name(name: &str) -> Result<(), ApiError> {
    let ok = (1..=NAME_MAX).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(invalid_body(format!(
            "name must be 1 to {NAME_MAX} letters, digits or '-', \
             not starting or ending with '-'"
        )))
    }
}

pub fn check_display_name(display_name: &str) -> Result<(), ApiError> {
    let len = display_name.chars().count();
    if (1..=DISPLAY_NAME_MAX).contains(&len) && !display_name.chars().any(char::is_control) {
        Ok(())
    } else {
        Err(invalid_body(format!(
            "display_name must be 1 to {DISPLAY_NAME_MAX} characters, without control characters"
        )))
    }
}

pub fn check_metadata(metadata: &Map<String, Value>) -> Result<(), ApiError> {
    if metadata.len() > METADATA_MAX_KEYS {
        return Err(invalid_body(format!(
            "metadata allows at most {METADATA_MAX_KEYS} properties"
        )));
    }
    for (key, value) in metadata {
        if key.is_empty() || key.chars().count() > METADATA_MAX_VALUE {
            return Err(invalid_body(format!(
                "metadata keys must be 1 to {METADATA_MAX_VALUE} characters"
            )));
        }
        match value {
            Value::String(s) if s.chars().count() <= METADATA_MAX_VALUE => {}
            _ => {
                return Err(invalid_body(format!(
                    "metadata values must be strings of at most {METADATA_MAX_VALUE} characters"
                )));
            }
        }
    }
    Ok(())
}

fn parse_strategy(text: &str) -> Result<Strategy, ApiError> {
    Strategy::parse(text).ok_or_else(|| {
        invalid_body(
            "strategy must be \"auth0\" or \"oidc\": the built-in provider serves \
             password databases and OpenID Connect enterprise connections",
        )
    })
}

/// Checked options: what is stored in `options`, and the client secret given
/// (stored apart). `Debug` shows whether a secret was given, never the secret.
#[derive(PartialEq)]
pub struct CheckedOptions {
    pub options: Map<String, Value>,
    pub client_secret: Option<String>,
}

impl std::fmt::Debug for CheckedOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedOptions")
            .field("options", &self.options)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .finish()
    }
}

/// A text option, or 400 naming the property (never its value).
fn text_option(options: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match options.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid_body(format!("options.{key} must be a string"))),
    }
}

/// The most email domains one enterprise connection may name.
pub const MAX_DOMAIN_ALIASES: usize = 50;

/// Auth0's `domain_aliases`: the email domains an enterprise connection
/// speaks for, as lowercase host names. A first sign-in through it links to
/// an existing account only for an address in one of them.
fn check_domain_aliases(options: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let Some(value) = options.get("domain_aliases") else {
        return Ok(Vec::new());
    };
    let refuse = || {
        invalid_body(format!(
            "options.domain_aliases must be a list of at most {MAX_DOMAIN_ALIASES} domain names \
             such as [\"metahexa.example\"]"
        ))
    };
    let items = value.as_array().ok_or_else(refuse)?;
    if items.len() > MAX_DOMAIN_ALIASES {
        return Err(refuse());
    }
    let mut domains = Vec::with_capacity(items.len());
    for item in items {
        let domain = item.as_str().ok_or_else(refuse)?.to_ascii_lowercase();
        let labels_ok = domain.len() <= 253
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if !labels_ok {
            return Err(refuse());
        }
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    Ok(domains)
}

/// An absolute http(s) URL with a host and no credentials or fragment.
fn check_url(key: &str, text: &str) -> Result<String, ApiError> {
    let ok = text.len() <= URL_MAX
        && !text.chars().any(|c| c.is_control() || c.is_whitespace())
        && url::Url::parse(text).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host().is_some()
                && u.username().is_empty()
                && u.password().is_none()
                && u.fragment().is_none()
        });
    if ok {
        Ok(text.to_owned())
    } else {
        Err(invalid_body(format!(
            "options.{key} must be an absolute http or https URL"
        )))
    }
}

fn check_client_field(key: &str, text: &str) -> Result<(), ApiError> {
    if (1..=CLIENT_FIELD_MAX).contains(&text.chars().count()) && !text.chars().any(char::is_control)
    {
        Ok(())
    } else {
        Err(invalid_body(format!(
            "options.{key} must be 1 to {CLIENT_FIELD_MAX} characters"
        )))
    }
}

/// Space-separated scope tokens (RFC 6749's characters) including `openid`.
fn check_scope(text: &str) -> Result<String, ApiError> {
    let tokens: Vec<&str> = text.split(' ').filter(|t| !t.is_empty()).collect();
    let token_ok = |t: &&str| {
        t.chars()
            .all(|c| c == '!' || ('#'..='[').contains(&c) || (']'..='~').contains(&c))
    };
    if tokens.iter().all(token_ok) && tokens.contains(&"openid") && text.len() <= URL_MAX {
        Ok(tokens.join(" "))
    } else {
        Err(invalid_body(
            "options.scope must be space-separated scopes including openid",
        ))
    }
}

/// Checks a connection's `options` for its strategy. `secret_required`:
/// whether an `oidc` connection must be given its client secret (on create).
pub fn check_options(
    strategy: Strategy,
    options: &Map<String, Value>,
    secret_required: bool,
) -> Result<CheckedOptions, ApiError> {
    match strategy {
        Strategy::Database => {
            if let Some(key) = options.keys().next() {
                return Err(invalid_body(format!(
                    "options.{key} is not an option the built-in provider's database connections have \
                     (their options are {{}})"
                )));
            }
            Ok(CheckedOptions {
                options: Map::new(),
                client_secret: None,
            })
        }
        Strategy::Oidc => {
            const KNOWN: &[&str] = &[
                "type",
                "issuer",
                "discovery_url",
                "client_id",
                "client_secret",
                "scope",
                "domain_aliases",
            ];
            if let Some(key) = options.keys().find(|k| !KNOWN.contains(&k.as_str())) {
                return Err(invalid_body(format!(
                    "options.{key} is not an option of OIDC connections here \
                     (type, issuer, discovery_url, client_id, client_secret, scope, domain_aliases)"
                )));
            }
            let kind = text_option(options, "type")?.unwrap_or_else(|| "back_channel".into());
            match kind.as_str() {
                "back_channel" => {}
                "front_channel" => {
                    return Err(invalid_body(
                        "options.type: the built-in provider supports back_channel only \
                         (front_channel OIDC connections are not supported)",
                    ));
                }
                _ => return Err(invalid_body("options.type must be back_channel")),
            }
            let issuer = text_option(options, "issuer")?
                .ok_or_else(|| invalid_body("Missing required property: options.issuer"))?;
            let issuer = check_url("issuer", &issuer)?;
            let discovery_url = match text_option(options, "discovery_url")? {
                Some(url) => check_url("discovery_url", &url)?,
                None => format!(
                    "{}/.well-known/openid-configuration",
                    issuer.trim_end_matches('/')
                ),
            };
            let client_id = text_option(options, "client_id")?
                .ok_or_else(|| invalid_body("Missing required property: options.client_id"))?;
            check_client_field("client_id", &client_id)?;
            let client_secret = text_option(options, "client_secret")?;
            match &client_secret {
                Some(secret) => check_client_field("client_secret", secret)?,
                None if secret_required => {
                    return Err(invalid_body(
                        "Missing required property: options.client_secret",
                    ));
                }
                None => {}
            }
            let scope = match text_option(options, "scope")? {
                Some(scope) => check_scope(&scope)?,
                None => DEFAULT_OIDC_SCOPE.to_owned(),
            };
            let domain_aliases = check_domain_aliases(options)?;
            let mut stored = Map::new();
            stored.insert("type".into(), kind.into());
            stored.insert("issuer".into(), issuer.into());
            stored.insert("discovery_url".into(), discovery_url.into());
            stored.insert("client_id".into(), client_id.into());
            stored.insert("scope".into(), scope.into());
            if !domain_aliases.is_empty() {
                stored.insert("domain_aliases".into(), domain_aliases.into());
            }
            Ok(CheckedOptions {
                options: stored,
                client_secret,
            })
        }
    }
}

/// `GET /connections`: by name, filtered by `strategy` (repeatable) and
/// `name`, with offset paging. Requires `read:connections`.
pub(crate) async fn list(
    caller: Caller,
    State(state): State<ProviderState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_CONNECTIONS)?;
    let query = query(raw)?;
    let paging = Offset::from_query(&query)?;
    let filter = Filter {
        strategies: query
            .iter()
            .filter(|(k, _)| k == "strategy")
            .flat_map(|(_, v)| v.split(','))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        name: super::input::param(&query, "name").map(str::to_owned),
    };
    let items: Vec<Value> = store::page(&state.db, &filter, paging.offset(), paging.per_page)
        .await?
        .iter()
        .map(connection_json)
        .collect();
    let total = if paging.include_totals {
        Some(store::count(&state.db, &filter).await?)
    } else {
        None
    };
    Ok(Json(paging.body("connections", items, total)))
}

/// `POST /connections`. Requires `create:connections`.
pub(crate) async fn create(
    caller: Caller,
    State(state): State<ProviderState>,
    bytes: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    caller.require(scopes::CREATE_CONNECTIONS)?;
    let input: CreateBody = body(&bytes)?;
    check_name(&input.name)?;
    let strategy = parse_strategy(&input.strategy)?;
    if let Some(display_name) = &input.display_name {
        check_display_name(display_name)?;
    }
    let metadata = input.metadata.unwrap_or_default();
    check_metadata(&metadata)?;
    let checked = check_options(strategy, &input.options.unwrap_or_default(), true)?;
    let connection = Connection {
        id: ids::connection_id(),
        name: input.name,
        display_name: input.display_name,
        strategy,
        options: checked.options,
        has_client_secret: checked.client_secret.is_some(),
        metadata,
        created_at: now(),
    };
    store::insert(&state.db, &connection, checked.client_secret.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(connection_json(&connection))))
}

/// `GET /connections/{id}`. Requires `read:connections`.
pub(crate) async fn get(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_CONNECTIONS)?;
    store::by_id(&state.db, &id)
        .await?
        .map(|c| Json(connection_json(&c)))
        .ok_or_else(no_connection)
}

/// `PATCH /connections/{id}`: `display_name`, `options` and `metadata`.
///
/// As in Auth0, `options` replaces the whole options object (and `metadata`
/// the whole metadata) — with one deviation: an `options` without
/// `client_secret` keeps the stored secret. Auth0 would drop it, but no
/// endpoint ever returns the secret, so a caller (the console) editing a
/// connection cannot send it back; it sends a secret only to change it.
/// Requires `update:connections`.
pub(crate) async fn update(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::UPDATE_CONNECTIONS)?;
    let input: UpdateBody = body(&bytes)?;
    if input.name.is_some() {
        return Err(invalid_body(
            "name cannot be changed: create a new connection",
        ));
    }
    if input.strategy.is_some() {
        return Err(invalid_body(
            "strategy cannot be changed: create a new connection",
        ));
    }
    let mut connection = store::by_id(&state.db, &id)
        .await?
        .ok_or_else(no_connection)?;
    match input.display_name {
        Some(Some(display_name)) => {
            check_display_name(&display_name)?;
            connection.display_name = Some(display_name);
        }
        Some(None) => connection.display_name = None,
        None => {}
    }
    if let Some(metadata) = input.metadata {
        check_metadata(&metadata)?;
        connection.metadata = metadata;
    }
    let mut new_secret = None;
    if let Some(options) = input.options {
        let checked = check_options(connection.strategy, &options, !connection.has_client_secret)?;
        connection.options = checked.options;
        new_secret = checked.client_secret;
    }
    if !store::update(&state.db, &connection, new_secret.as_deref()).await? {
        return Err(no_connection());
    }
    Ok(Json(connection_json(&connection)))
}

/// `DELETE /connections/{id}`: 202, as Auth0 answers. The organizations stop
/// enabling it, its identities go, and the users left without any identity
/// are deleted. The provider's own password database cannot be deleted.
/// Requires `delete:connections`.
pub(crate) async fn delete(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(scopes::DELETE_CONNECTIONS)?;
    if id == DATABASE_CONNECTION_ID {
        return Err(ApiError::bad_request(
            "operation_not_supported",
            "The built-in provider's password database (con_OrgdeskDatabase1) cannot be deleted: \
             its hosted login, signup and invitation pages rely on it.",
        ));
    }
    if store::delete(&state.db, &id).await? {
        Ok(StatusCode::ACCEPTED)
    } else {
        Err(no_connection())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_auth0s_connection_rule() {
        let long = "a".repeat(128);
        let too_long = "a".repeat(129);
        for (name, ok) in [
            ("Username-Password-Authentication", true),
            ("acme-oidc", true),
            ("A", true),
            (long.as_str(), true),
            ("", false),
            (too_long.as_str(), false),
            ("-acme", false),
            ("acme-", false),
            ("acme_oidc", false),
            ("acme oidc", false),
            ("<script>", false),
            ("acmé", false),
        ] {
            assert_eq!(check_name(name).is_ok(), ok, "{name:?}");
        }
    }

    #[test]
    fn oidc_options_are_checked_and_defaulted() {
        let map = |v: Value| v.as_object().unwrap().clone();
        let checked = check_options(
            Strategy::Oidc,
            &map(json!({"issuer": "https://idp.example/", "client_id": "c", "client_secret": "s"})),
            true,
        )
        .unwrap();
        assert!(!format!("{checked:?}").contains("\"s\""));
        assert_eq!(
            Value::Object(checked.options),
            json!({"type": "back_channel", "issuer": "https://idp.example/",
                   "discovery_url": "https://idp.example/.well-known/openid-configuration",
                   "client_id": "c", "scope": "openid profile email"})
        );
        assert_eq!(checked.client_secret.as_deref(), Some("s"));
        for bad in [
            json!({"issuer": "javascript:alert(1)", "client_id": "c", "client_secret": "s"}),
            json!({"issuer": "data:text/html,x", "client_id": "c", "client_secret": "s"}),
            json!({"issuer": "/relative", "client_id": "c", "client_secret": "s"}),
            json!({"issuer": "https://u:p@idp.example", "client_id": "c", "client_secret": "s"}),
            json!({"issuer": "https://idp.example", "client_secret": "s"}),
            json!({"issuer": "https://idp.example", "client_id": "c"}),
            json!({"issuer": "https://idp.example", "client_id": "c", "client_secret": "s", "scope": "profile"}),
            json!({"issuer": "https://idp.example", "client_id": "c", "client_secret": "s", "type": "front_channel"}),
            json!({"issuer": "https://idp.example", "client_id": "c", "client_secret": "s", "extra": 1}),
            json!({"issuer": "https://idp.example", "client_id": "c", "client_secret": 5}),
        ] {
            assert!(
                check_options(Strategy::Oidc, &map(bad.clone()), true).is_err(),
                "{bad}"
            );
        }
        assert!(check_options(Strategy::Database, &map(json!({})), true).is_ok());
        assert!(check_options(Strategy::Database, &map(json!({"mfa": {}})), true).is_err());
    }
}
