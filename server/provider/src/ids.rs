//! Identifiers in Auth0's forms: a prefix and random letters and digits.

use rand::{Rng, distr::Alphanumeric};

/// The id of the provider's own password database (Auth0's `auth0`
/// strategy), seeded by the migrations. A stable `con_` id in Auth0's form;
/// the hosted pages rely on it, so it cannot be deleted.
pub const DATABASE_CONNECTION_ID: &str = "con_OrgdeskDatabase1";

pub(crate) fn random_alphanumeric(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// `org_` and 16 letters and digits, like `org_W4gqSU3hp8VaDnpJ`.
pub fn organization_id() -> String {
    format!("org_{}", random_alphanumeric(16))
}

/// `con_` and 16 letters and digits, like `con_2Xk9aQ0pLm3NvB7r`.
pub fn connection_id() -> String {
    format!("con_{}", random_alphanumeric(16))
}

/// `rol_` and 16 letters and digits.
pub fn role_id() -> String {
    format!("rol_{}", random_alphanumeric(16))
}

/// `uinv_` and 16 letters and digits, the form of Auth0's invitation ids.
pub fn invitation_id() -> String {
    format!("uinv_{}", random_alphanumeric(16))
}

/// The secret of an invitation link: 32 letters and digits (190 bits), like
/// Auth0's `ticket_id`.
pub fn invitation_ticket() -> String {
    random_alphanumeric(32)
}

/// `auth0|` and 24 hexadecimal digits, the form of Auth0's database users.
pub fn user_id() -> String {
    let hex: String = (0..24)
        .map(|_| char::from_digit(rand::rng().random_range(0..16), 16).expect("hex digit"))
        .collect();
    format!("auth0|{hex}")
}

/// An opaque token (codes, refresh tokens, session ids): 256 bits of randomness.
pub fn opaque_token() -> String {
    random_alphanumeric(43)
}

/// The SHA-256 of a token, in hex: what the database keeps instead of the token.
pub fn sha256_hex(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A key id for the JWKS.
pub fn key_id() -> String {
    random_alphanumeric(22)
}

#[cfg(test)]
mod tests {
    #[test]
    fn organization_ids_have_auth0s_shape() {
        for _ in 0..100 {
            let id = super::organization_id();
            let rest = id.strip_prefix("org_").expect("prefix");
            assert_eq!(rest.len(), 16);
            assert!(rest.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        }
        assert_ne!(super::organization_id(), super::organization_id());
    }

    #[test]
    fn invitation_ids_have_auth0s_shape_and_tickets_are_long() {
        let id = super::invitation_id();
        let rest = id.strip_prefix("uinv_").expect("prefix");
        assert_eq!(rest.len(), 16);
        assert!(rest.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
        let ticket = super::invitation_ticket();
        assert_eq!(ticket.len(), 32);
        assert_ne!(ticket, super::invitation_ticket());
    }
}
