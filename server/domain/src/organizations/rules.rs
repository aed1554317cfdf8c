//! Auth0's limits on organizations, checked before the identity provider is
//! asked, so that the console can say exactly which field is wrong.

use std::collections::BTreeMap;

use crate::ServiceError;

pub const NAME_MAX: usize = 50;
pub const DISPLAY_NAME_MAX: usize = 255;
pub const METADATA_MAX_KEYS: usize = 25;
pub const METADATA_VALUE_MAX: usize = 255;

/// 3 to 50 lowercase letters, digits, `-` or `_`, starting and ending with a
/// letter or digit.
pub fn name(name: &str) -> Result<(), ServiceError> {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let body = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if (3..=NAME_MAX).contains(&name.len())
        && body
        && edge(name.chars().next())
        && edge(name.chars().last())
    {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "name",
            "Use 3 to 50 lowercase letters, digits, '-' or '_', starting and ending with a letter or digit.",
        ))
    }
}

pub fn display_name(display_name: &str) -> Result<(), ServiceError> {
    let len = display_name.chars().count();
    if (1..=DISPLAY_NAME_MAX).contains(&len) {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "display_name",
            "Use 1 to 255 characters.",
        ))
    }
}

pub fn metadata(metadata: &BTreeMap<String, String>) -> Result<(), ServiceError> {
    if metadata.len() > METADATA_MAX_KEYS {
        return Err(ServiceError::invalid(
            "metadata",
            "At most 25 metadata entries.",
        ));
    }
    for (key, value) in metadata {
        if key.trim().is_empty() || key.chars().count() > METADATA_VALUE_MAX {
            return Err(ServiceError::invalid(
                "metadata",
                "Metadata keys are 1 to 255 characters.",
            ));
        }
        if value.chars().count() > METADATA_VALUE_MAX {
            return Err(ServiceError::invalid(
                "metadata",
                format!("The value of {key} is longer than 255 characters."),
            ));
        }
    }
    Ok(())
}
