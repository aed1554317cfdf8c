//! The provider's single sign-on session: a cookie holding a random id whose
//! SHA-256 the database keeps, and the cookies of the sign-in flow.

use axum::http::{HeaderMap, HeaderValue, header};
use orgdesk_db::Database;
use sqlx::{AnyConnection, Row};

use crate::{Issuer, ids, now};

/// The SSO session cookie (see [`session_cookie_name`]).
pub const SESSION_COOKIE: &str = "od_session";
/// Its name on https: Secure, `Path=/` and no `Domain`, so no sibling host
/// can set or shadow it.
pub const HOST_SESSION_COOKIE: &str = "__Host-od_session";

/// The SSO session cookie's name at this issuer.
pub fn session_cookie_name(issuer: &Issuer) -> &'static str {
    if issuer.as_str().starts_with("https:") {
        HOST_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}
/// Binds a login page to the browser that started the sign-in.
pub const TRANSACTION_COOKIE: &str = "od_tx";
/// How long an SSO session lasts (Auth0's default absolute lifetime: 7 days).
const SESSION_SECONDS: i64 = 7 * 24 * 3600;

/// A signed-in person at the provider.
#[derive(Clone, Debug)]
pub struct Session {
    pub id_sha256: String,
    pub user_id: String,
    pub auth_time: i64,
    /// The connection the person proved who they are with. An organization
    /// accepts the session only if it enables that connection (`None`: a
    /// session older than this record, accepted by none).
    pub connection_id: Option<String>,
}

/// A cookie's value from the request.
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

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when the issuer is https.
pub fn set_cookie(
    issuer: &Issuer,
    name: &str,
    value: &str,
    path: &str,
    max_age: i64,
) -> HeaderValue {
    let secure = if issuer.as_str().starts_with("https:") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("cookie values are plain tokens")
}

/// Starts a session for a user who just proved who they are; returns the
/// cookie value. `None` for a blocked user: no sign-in path can give one a
/// session.
pub async fn start(
    conn: &mut AnyConnection,
    user_id: &str,
    connection_id: &str,
) -> Result<Option<(String, Session)>, sqlx::Error> {
    let token = ids::opaque_token();
    let session = Session {
        id_sha256: ids::sha256_hex(&token),
        user_id: user_id.to_owned(),
        auth_time: now(),
        connection_id: Some(connection_id.to_owned()),
    };
    let started = sqlx::query(
        "INSERT INTO provider_sessions (id_sha256, user_id, auth_time, expires_at, connection_id) \
         SELECT $1, user_id, $3, $4, $5 FROM users WHERE user_id = $2 AND blocked = 0",
    )
    .bind(&session.id_sha256)
    .bind(&session.user_id)
    .bind(session.auth_time)
    .bind(session.auth_time + SESSION_SECONDS)
    .bind(connection_id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1;
    Ok(started.then_some((token, session)))
}

pub fn session_cookie(issuer: &Issuer, token: &str) -> HeaderValue {
    set_cookie(
        issuer,
        session_cookie_name(issuer),
        token,
        "/",
        SESSION_SECONDS,
    )
}

/// The live session named by the request's cookie, if any (never a blocked
/// user's).
pub async fn current(
    db: &Database,
    issuer: &Issuer,
    headers: &HeaderMap,
) -> Result<Option<Session>, sqlx::Error> {
    let Some(token) = cookie(headers, session_cookie_name(issuer)) else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT s.id_sha256, s.user_id, s.auth_time, s.connection_id FROM provider_sessions s \
         JOIN users u ON u.user_id = s.user_id \
         WHERE s.id_sha256 = $1 AND s.expires_at > $2 AND u.blocked = 0",
    )
    .bind(ids::sha256_hex(&token))
    .bind(now())
    .fetch_optional(db.pool())
    .await?;
    row.map(|row| {
        Ok(Session {
            id_sha256: row.try_get("id_sha256")?,
            user_id: row.try_get("user_id")?,
            auth_time: row.try_get("auth_time")?,
            connection_id: row.try_get("connection_id")?,
        })
    })
    .transpose()
}

/// What a blocked user sees after proving who they are (Auth0's words).
pub const BLOCKED: &str = "user is blocked";

/// Ends the session named by the request's cookie.
pub async fn end(db: &Database, issuer: &Issuer, headers: &HeaderMap) -> Result<(), sqlx::Error> {
    if let Some(token) = cookie(headers, session_cookie_name(issuer)) {
        sqlx::query("DELETE FROM provider_sessions WHERE id_sha256 = $1")
            .bind(ids::sha256_hex(&token))
            .execute(db.pool())
            .await?;
    }
    Ok(())
}

/// Keeps a sign-in step's state (JSON) for ten minutes; returns the random
/// transaction id its page and cookie carry.
pub async fn save_transaction(db: &Database, request: &str) -> Result<String, sqlx::Error> {
    let tx = ids::opaque_token();
    sqlx::query("INSERT INTO login_transactions (id, request, expires_at) VALUES ($1, $2, $3)")
        .bind(ids::sha256_hex(&tx))
        .bind(request)
        .bind(now() + super::TEN_MINUTES)
        .execute(db.pool())
        .await?;
    Ok(tx)
}

/// The state of transaction `tx`, if it is open and this browser holds it
/// (its `cookie` carries the same id).
pub async fn load_transaction(
    db: &Database,
    headers: &HeaderMap,
    cookie_name: &str,
    tx: &str,
) -> Result<Option<String>, sqlx::Error> {
    if cookie(headers, cookie_name).as_deref() != Some(tx) {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT request FROM login_transactions WHERE id = $1 AND expires_at > $2")
        .bind(ids::sha256_hex(tx))
        .bind(now())
        .fetch_optional(db.pool())
        .await
}

/// Closes transaction `tx`.
pub async fn drop_transaction(conn: &mut AnyConnection, tx: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_transactions WHERE id = $1")
        .bind(ids::sha256_hex(tx))
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer(url: &str) -> Issuer {
        Issuer::from_public_url(&url::Url::parse(url).unwrap())
    }

    #[test]
    fn on_https_the_session_cookie_carries_the_host_prefix() {
        let https = issuer("https://id.travel0.example");
        assert_eq!(session_cookie_name(&https), "__Host-od_session");
        let set = session_cookie(&https, "t");
        let set = set.to_str().unwrap();
        assert!(set.starts_with("__Host-od_session=t; Path=/;"), "{set}");
        assert!(set.ends_with("; Secure"), "{set}");

        let http = issuer("http://127.0.0.1:3100");
        assert_eq!(session_cookie_name(&http), "od_session");
        assert!(
            !session_cookie(&http, "t")
                .to_str()
                .unwrap()
                .contains("Secure")
        );
    }

    #[test]
    fn on_https_an_unprefixed_cookie_names_no_session() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("od_session=planted"),
        );
        let https = issuer("https://id.travel0.example");
        assert_eq!(cookie(&headers, session_cookie_name(&https)), None);
    }
}
