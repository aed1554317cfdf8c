//! Identifiers in Auth0's forms: a prefix and random letters and digits.

use rand::{Rng, distr::Alphanumeric};

fn random_alphanumeric(len: usize) -> String {
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
}
