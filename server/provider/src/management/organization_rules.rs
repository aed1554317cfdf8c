//! Auth0's rules for organizations, checked before anything is written.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};

use crate::error::ApiError;

pub const NAME_MIN: usize = 3;
pub const NAME_MAX: usize = 50;
pub const DISPLAY_NAME_MAX: usize = 255;
pub const METADATA_MAX_KEYS: usize = 25;
pub const METADATA_MAX_VALUE: usize = 255;

/// `POST /organizations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    pub name: String,
    pub display_name: Option<String>,
    pub branding: Option<BrandingBody>,
    pub metadata: Option<Map<String, Value>>,
    /// Connections to enable with the organization, all or nothing.
    pub enabled_connections: Option<Vec<super::enabled_connections::EnableBody>>,
}

/// `PATCH /organizations/{id}`: absent fields stay; `branding: null` removes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    pub name: Option<String>,
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub branding: Option<Option<BrandingBody>>,
    pub metadata: Option<Map<String, Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandingBody {
    pub logo_url: Option<String>,
    pub colors: Option<ColorsBody>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColorsBody {
    pub primary: String,
    pub page_background: Option<String>,
}

/// Tells `null` (Some(None)) from an absent field (None).
pub(super) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

fn invalid(message: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "invalid_body",
        format!("Payload validation error: {message}"),
    )
}

/// Lowercase letters, digits, `-` and `_`, 3 to 50, starting and ending with a
/// letter or digit.
pub fn check_name(name: &str) -> Result<(), ApiError> {
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let ok = (NAME_MIN..=NAME_MAX).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && edge_ok(name.chars().next())
        && edge_ok(name.chars().last());
    if ok {
        Ok(())
    } else {
        Err(invalid(format!(
            "name must be {NAME_MIN} to {NAME_MAX} lowercase letters, digits, '-' or '_', \
             starting and ending with a letter or digit"
        )))
    }
}

pub fn check_display_name(display_name: &str) -> Result<(), ApiError> {
    let len = display_name.chars().count();
    if (1..=DISPLAY_NAME_MAX).contains(&len) {
        Ok(())
    } else {
        Err(invalid(format!(
            "display_name must be 1 to {DISPLAY_NAME_MAX} characters"
        )))
    }
}

/// At most 25 keys, each value a string of at most 255 characters.
pub fn check_metadata(metadata: &Map<String, Value>) -> Result<(), ApiError> {
    if metadata.len() > METADATA_MAX_KEYS {
        return Err(invalid(format!(
            "metadata allows at most {METADATA_MAX_KEYS} properties"
        )));
    }
    for (key, value) in metadata {
        if key.is_empty() || key.chars().count() > METADATA_MAX_VALUE {
            return Err(invalid(format!(
                "metadata keys must be 1 to {METADATA_MAX_VALUE} characters"
            )));
        }
        match value {
            Value::String(s) if s.chars().count() <= METADATA_MAX_VALUE => {}
            Value::String(_) => {
                return Err(invalid(format!(
                    "metadata.{key} is longer than {METADATA_MAX_VALUE} characters"
                )));
            }
            _ => return Err(invalid(format!("metadata.{key} must be a string"))),
        }
    }
    Ok(())
}

/// A logo at an https URL and colors as `#rrggbb`, checked by the same rule
/// the console applies ([`orgdesk_brand::Branding::check`]); returns the
/// stored form. A refusal is Auth0's 400 naming the field.
pub fn check_branding(branding: &BrandingBody) -> Result<Value, ApiError> {
    let checked = orgdesk_brand::Branding {
        logo_url: branding.logo_url.clone(),
        primary: branding.colors.as_ref().map(|c| c.primary.clone()),
        page_background: branding
            .colors
            .as_ref()
            .and_then(|c| c.page_background.clone()),
    }
    .check()
    .map_err(invalid)?;
    let mut stored = json!({});
    if let Some(logo) = checked.logo_url {
        stored["logo_url"] = logo.into();
    }
    if let Some(primary) = checked.primary {
        let mut colors = json!({ "primary": primary });
        if let Some(background) = checked.page_background {
            colors["page_background"] = background.into();
        }
        stored["colors"] = colors;
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_auth0s_slug_rule() {
        let cases = [
            ("acme", true),
            ("travel0-corporate", true),
            ("a_b", true),
            ("abc", true),
            (&"a".repeat(50), true),
            ("ab", false),
            (&"a".repeat(51), false),
            ("Acme", false),
            ("-acme", false),
            ("acme-", false),
            ("ac me", false),
            ("acmé", false),
            ("", false),
        ];
        for (name, ok) in cases {
            assert_eq!(check_name(name).is_ok(), ok, "{name:?}");
        }
    }

    #[test]
    fn metadata_is_at_most_25_string_values_of_255_characters() {
        let map = |pairs: Vec<(String, Value)>| pairs.into_iter().collect::<Map<_, _>>();
        let ok_25 = map((0..25).map(|i| (format!("k{i}"), json!("v"))).collect());
        let too_many = map((0..26).map(|i| (format!("k{i}"), json!("v"))).collect());
        let long = map(vec![("k".into(), json!("x".repeat(256)))]);
        let edge = map(vec![("k".into(), json!("x".repeat(255)))]);
        let number = map(vec![("k".into(), json!(1))]);
        assert!(check_metadata(&ok_25).is_ok());
        assert!(check_metadata(&edge).is_ok());
        assert!(check_metadata(&too_many).is_err());
        assert!(check_metadata(&long).is_err());
        assert!(check_metadata(&number).is_err());
    }

    #[test]
    fn branding_takes_https_logos_and_hex_colors_only() {
        let branding = |logo: Option<&str>, primary: &str| BrandingBody {
            logo_url: logo.map(str::to_owned),
            colors: Some(ColorsBody {
                primary: primary.into(),
                page_background: None,
            }),
        };
        assert!(
            check_branding(&branding(Some("https://cdn.example.com/l.png"), "#0055AA")).is_ok()
        );
        for (logo, primary) in [
            (Some("http://cdn.example.com/l.png"), "#0055aa"),
            (Some("javascript:alert(1)"), "#0055aa"),
            (Some("data:image/png;base64,AAAA"), "#0055aa"),
            (None, "red"),
            (None, "#05a"),
            (None, "#0055aa;background:url(x)"),
        ] {
            assert!(
                check_branding(&branding(logo, primary)).is_err(),
                "{logo:?} {primary}"
            );
        }
    }
}
