//! Console sessions: their cookies, and a persona that is never older than
//! [`PERSONA_BOUND`].
//!
//! A session stores the person's principal as the identity provider
//! described it. Every read of a session older than [`PERSONA_REFRESH`]
//! reads the principal again (roles, organizations, their role in each, and
//! whether the account still exists and is not blocked) before it
//! authorizes anything; the console's own changes to a person mark their
//! sessions for a new read at once (`Storage::persona_changed`). When the
//! provider cannot answer, a principal younger than the bound is still used;
//! an older one is not: the request is treated as signed out.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use orgdesk_domain::Principal;
use orgdesk_management::ManagementError;
use sha2::{Digest, Sha256};
use url::Url;

use super::{Auth, SessionData, cookie, now_ms, sha256_hex};

/// A session's persona is read again once it is this old.
pub const PERSONA_REFRESH: Duration = Duration::from_secs(30);
/// No request is authorized on a persona older than this.
pub const PERSONA_BOUND: Duration = Duration::from_secs(60);

/// The console's cookie names and attributes. On https both carry the
/// `__Host-` prefix (Secure, `Path=/`, no `Domain`: no sibling host can set
/// or shadow them).
#[derive(Clone, Debug)]
pub struct Cookies {
    pub session: &'static str,
    pub login: &'static str,
    secure: bool,
}

impl Cookies {
    pub fn for_console(console_url: &Url) -> Self {
        if console_url.scheme() == "https" {
            Cookies {
                session: "__Host-orgdesk_session",
                login: "__Host-orgdesk_login",
                secure: true,
            }
        } else {
            Cookies {
                session: "orgdesk_session",
                login: "orgdesk_login",
                secure: false,
            }
        }
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Lax, `Path=/`, Secure on https.
    pub fn set(&self, name: &str, value: &str, max_age: Duration) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{name}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
            max_age.as_secs()
        ))
        .expect("cookie values are plain tokens")
    }
}

/// The request-forgery token of a session: derived from the session cookie,
/// which no other origin can read, so only pages of this console know it.
pub fn forgery_token(session_cookie: &str) -> String {
    Sha256::digest(format!("orgdesk request token\0{session_cookie}").as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a fresh read of the principal found.
enum Reread {
    Current(Principal),
    /// The account is gone or blocked: the session ends.
    Ended,
}

impl Auth {
    /// The session cookie's value, if the request carries one.
    pub fn session_cookie(&self, headers: &HeaderMap) -> Option<String> {
        cookie(headers, self.cookies.session).filter(|v| !v.is_empty())
    }

    /// The request-forgery token pages of this session carry, if signed in.
    pub fn forgery_token(&self, headers: &HeaderMap) -> Option<String> {
        self.session_cookie(headers).map(|c| forgery_token(&c))
    }

    /// The session of a request, if it has a live one, with a persona no
    /// older than [`PERSONA_BOUND`].
    pub async fn session(&self, headers: &HeaderMap) -> Option<SessionData> {
        let id = sha256_hex(&self.session_cookie(headers)?);
        let stored = match self.storage.session(&id).await {
            Ok(stored) => stored?,
            Err(error) => {
                tracing::error!(%error, "reading a session");
                return None;
            }
        };
        let mut data: SessionData = serde_json::from_str(&stored.data).ok()?;
        let now = now_ms();
        let age = now.saturating_sub(stored.checked_at_ms);
        if age < PERSONA_REFRESH.as_millis() as i64 {
            return Some(data);
        }
        match self.reread(&data.principal).await {
            Ok(Reread::Current(principal)) => {
                if principal != data.principal {
                    tracing::info!(user = %principal.user_id, "persona changed; session follows");
                }
                data.principal = principal;
                let json = serde_json::to_string(&data).expect("plain structs serialize");
                if let Err(error) = self.storage.refresh_session(&id, &json, now).await {
                    tracing::error!(%error, "storing a refreshed session");
                }
                Some(data)
            }
            Ok(Reread::Ended) => {
                tracing::info!(user = %data.principal.user_id, "account gone or blocked; session ended");
                if let Err(error) = self.storage.delete_session(&id).await {
                    tracing::error!(%error, "deleting a session");
                }
                None
            }
            Err(error) if age < PERSONA_BOUND.as_millis() as i64 => {
                tracing::warn!(%error, "could not read the persona again; using the last one");
                Some(data)
            }
            Err(error) => {
                tracing::warn!(%error, "could not read the persona again; treated as signed out");
                None
            }
        }
    }

    /// The principal as the identity provider describes the person now,
    /// still signed in to the same organization if they still belong to it.
    async fn reread(&self, was: &Principal) -> Result<Reread, ManagementError> {
        let user = match self.management.client.user(&was.user_id).await {
            Ok(user) if !user.blocked => user,
            Ok(_) | Err(ManagementError::NotFound { .. }) => return Ok(Reread::Ended),
            Err(error) => return Err(error),
        };
        let mut principal = self
            .management
            .principal(&user.user_id, &was.email, &was.name, &self.roles)
            .await?;
        principal.organization = was.organization.as_ref().and_then(|signed_in| {
            principal
                .organizations()
                .into_iter()
                .find(|o| o.id == signed_in.id)
        });
        Ok(Reread::Current(principal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_on_https_carry_the_host_prefix_and_secure() {
        let https = Cookies::for_console(&Url::parse("https://orgdesk.example.com/").unwrap());
        assert_eq!(https.session, "__Host-orgdesk_session");
        let set = https.set(https.session, "t", Duration::from_secs(5));
        assert_eq!(
            set.to_str().unwrap(),
            "__Host-orgdesk_session=t; Path=/; Max-Age=5; HttpOnly; SameSite=Lax; Secure"
        );
        let http = Cookies::for_console(&Url::parse("http://127.0.0.1:3000/").unwrap());
        assert_eq!(http.session, "orgdesk_session");
        assert!(
            !http
                .set(http.session, "t", Duration::ZERO)
                .to_str()
                .unwrap()
                .contains("Secure")
        );
    }

    #[test]
    fn the_forgery_token_depends_on_the_session_and_reveals_nothing_of_it() {
        let a = forgery_token("session-a");
        assert_eq!(a, forgery_token("session-a"));
        assert_ne!(a, forgery_token("session-b"));
        assert_eq!(a.len(), 32);
        assert!(!a.contains("session"));
    }
}
