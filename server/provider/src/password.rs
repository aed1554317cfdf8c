//! Password hashes: Argon2id in the PHC string format.

use std::sync::OnceLock;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use rand_core::OsRng;

/// A new password is at least this many characters (Auth0's "fair" policy)…
pub const MIN_LENGTH: usize = 8;
/// …and at most this many (hashing is slow on purpose; no need to feed it novels).
pub const MAX_LENGTH: usize = 128;

/// Why a new password is refused, in words for the person choosing it.
pub fn check_new(password: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        Err(format!(
            "Use at least {MIN_LENGTH} characters for your password."
        ))
    } else if len > MAX_LENGTH {
        Err(format!(
            "Use at most {MAX_LENGTH} characters for your password."
        ))
    } else {
        Ok(())
    }
}

/// Hashes a password with Argon2id and a random salt (on a blocking thread:
/// it is slow on purpose).
pub async fn hash(password: String) -> String {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .expect("hashing task")
}

fn hash_now(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2id hashing")
        .to_string()
}

/// Checks a password against a stored hash. With no hash (an unknown email),
/// it checks against a fixed one, so both answers take the same time.
pub async fn verify(stored: Option<String>, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        known && matches
    })
    .await
    .expect("verification task")
}

/// The hash of a random password nobody knows, made once.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now(&crate::ids::random_alphanumeric(32)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn new_passwords_are_8_to_128_characters() {
        assert!(super::check_new("1234567").is_err());
        assert!(super::check_new("12345678").is_ok());
        assert!(super::check_new(&"é".repeat(128)).is_ok());
        assert!(super::check_new(&"x".repeat(129)).is_err());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = super::hash("correct horse".into()).await;
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify(Some(stored.clone()), "correct horse".into()).await);
        assert!(!super::verify(Some(stored), "battery staple".into()).await);
        assert!(
            !super::verify(None, "anything".into()).await,
            "no user, no match"
        );
    }
}
