//! What a connection and an organization's use of it must satisfy, checked
//! before the identity provider is asked, with the field each rule is about.

use url::Url;

use crate::{
    ServiceError,
    ports::{ConnectionFlags, Strategy},
};

/// Auth0's limits.
pub const MAX_NAME_LEN: usize = 128;
pub const MAX_DISPLAY_NAME_LEN: usize = 128;
pub const MAX_CLIENT_ID_LEN: usize = 256;
pub const MAX_SECRET_LEN: usize = 1024;
pub const MAX_SCOPE_LEN: usize = 512;
/// At most this many connections per organization.
pub const MAX_ENABLED: usize = 10;
/// The scope of a new OIDC connection unless another is given.
pub const DEFAULT_SCOPE: &str = "openid profile email";

/// Letters, digits and '-', not at either end, at most 128 characters.
pub fn name(name: &str) -> Result<(), ServiceError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "name",
            format!(
                "A connection name is 1 to {MAX_NAME_LEN} letters, digits or '-', not starting or ending with '-'."
            ),
        ))
    }
}

/// Plain text up to 128 characters, without markup or control characters.
pub fn display_name(text: &str) -> Result<(), ServiceError> {
    if text.chars().count() > MAX_DISPLAY_NAME_LEN
        || text.chars().any(|c| c.is_control() || c == '<' || c == '>')
    {
        return Err(ServiceError::invalid(
            "display_name",
            format!(
                "A display name is plain text of at most {MAX_DISPLAY_NAME_LEN} characters, without < or >."
            ),
        ));
    }
    Ok(())
}

/// The origin of a URL as `scheme://host[:port]`.
fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// An issuer: an absolute https URL with a host name, without credentials,
/// query or fragment, and not a loopback, private or link-local address. An
/// origin in `test_origins` (the configuration's `outbound.test_origins`) is
/// admitted as it is, http included: that is how tests reach a local IdP.
pub fn issuer(text: &str, test_origins: &[String]) -> Result<Url, ServiceError> {
    let refuse = |message: &str| Err(ServiceError::invalid("issuer", message));
    let Ok(url) = Url::parse(text.trim()) else {
        return refuse("The issuer must be an absolute URL such as https://login.example.com/.");
    };
    if test_origins
        .iter()
        .any(|o| o.trim_end_matches('/') == origin(&url))
    {
        return Ok(url);
    }
    if url.scheme() != "https" {
        return refuse("The issuer must be an https URL.");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("The issuer must not carry a user name or password.");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return refuse("The issuer must not have a query or a fragment.");
    }
    match url.host() {
        Some(url::Host::Domain(host)) => {
            let host = host.to_ascii_lowercase();
            if host == "localhost" || host.ends_with(".localhost") || !host.contains('.') {
                return refuse("The issuer must be a public host name, not a local one.");
            }
        }
        Some(url::Host::Ipv4(ip)) => {
            if ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
            {
                return refuse(
                    "The issuer must not be a loopback, private or link-local address (such as a cloud metadata service).",
                );
            }
        }
        Some(url::Host::Ipv6(ip)) => {
            let segments = ip.segments();
            if ip.is_loopback()
                || ip.is_unspecified()
                || (segments[0] & 0xfe00) == 0xfc00
                || (segments[0] & 0xffc0) == 0xfe80
                || ip.to_ipv4_mapped().is_some()
            {
                return refuse(
                    "The issuer must not be a loopback, private or link-local address (such as a cloud metadata service).",
                );
            }
        }
        None => return refuse("The issuer must have a host."),
    }
    Ok(url)
}

/// The client id the customer's IdP issued: printable, no spaces or markup.
pub fn client_id(text: &str) -> Result<(), ServiceError> {
    if text.is_empty()
        || text.len() > MAX_CLIENT_ID_LEN
        || !text
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\'' | '\\'))
    {
        return Err(ServiceError::invalid(
            "client_id",
            format!(
                "The client id is 1 to {MAX_CLIENT_ID_LEN} printable characters without spaces, quotes or < >."
            ),
        ));
    }
    Ok(())
}

/// A client secret, when one is given.
pub fn client_secret(text: &str) -> Result<(), ServiceError> {
    if text.len() > MAX_SECRET_LEN || text.chars().any(char::is_control) {
        return Err(ServiceError::invalid(
            "client_secret",
            format!("The client secret is at most {MAX_SECRET_LEN} characters on one line."),
        ));
    }
    Ok(())
}

/// Space-separated scope tokens, `openid` among them. Returns it normalized
/// (single spaces).
pub fn scope(text: &str) -> Result<String, ServiceError> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let printable = tokens.iter().all(|t| {
        t.chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '<' | '>'))
    });
    if !printable || text.len() > MAX_SCOPE_LEN {
        return Err(ServiceError::invalid(
            "scope",
            "Scopes are words separated by spaces (such as openid profile email).",
        ));
    }
    if !tokens.contains(&"openid") {
        return Err(ServiceError::invalid(
            "scope",
            "The scope must contain openid.",
        ));
    }
    Ok(tokens.join(" "))
}

/// The most email domains one connection may name.
pub const MAX_DOMAINS: usize = 50;

/// Email domains (Auth0's `domain_aliases`), separated by commas or spaces:
/// host names with a dot, in lower case, each once.
pub fn domains(text: &str) -> Result<Vec<String>, ServiceError> {
    let mut domains: Vec<String> = Vec::new();
    for domain in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|d| !d.is_empty())
    {
        let domain = domain.to_ascii_lowercase();
        let valid = domain.len() <= 253
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if !valid {
            return Err(ServiceError::invalid(
                "domains",
                "Email domains are names such as metahexa.example, separated by commas.",
            ));
        }
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    if domains.len() > MAX_DOMAINS {
        return Err(ServiceError::invalid(
            "domains",
            format!("A connection names at most {MAX_DOMAINS} email domains."),
        ));
    }
    Ok(domains)
}

/// Auth0's rules for the flags of an enabled connection, with the words the
/// console shows beside each flag.
pub fn flags(strategy: Option<Strategy>, flags: ConnectionFlags) -> Result<(), ServiceError> {
    let enterprise = strategy.is_some_and(Strategy::is_enterprise);
    if flags.show_as_button && !enterprise {
        return Err(ServiceError::invalid("show_as_button", BUTTON_RULE));
    }
    if flags.is_signup_enabled && strategy != Some(Strategy::Database) {
        return Err(ServiceError::invalid("is_signup_enabled", SIGNUP_RULE));
    }
    if flags.is_signup_enabled && !flags.assign_membership_on_login {
        return Err(ServiceError::invalid(
            "is_signup_enabled",
            SIGNUP_NEEDS_MEMBERSHIP,
        ));
    }
    Ok(())
}

pub const BUTTON_RULE: &str = "Buttons apply to enterprise connections only.";
pub const SIGNUP_RULE: &str = "Sign-up applies to database connections only.";
pub const SIGNUP_NEEDS_MEMBERSHIP: &str = "Sign-up requires membership on login.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_names_follow_auth0() {
        for good in ["bank-idp", "Username-Password-Authentication", "a1"] {
            assert!(name(good).is_ok(), "{good}");
        }
        let long = "a".repeat(129);
        for bad in ["", "-x", "x-", "a b", "<b>x</b>", "a_b", long.as_str()] {
            assert!(name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn issuers_are_public_https_urls_unless_a_test_origin() {
        assert!(issuer("https://login.metahexa.example/", &[]).is_ok());
        let cases = [
            "http://login.metahexa.example/",
            "https://127.0.0.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://10.0.0.8/",
            "https://localhost/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://user:pw@login.example/",
            "https://login.example/?x=1",
            "javascript:alert(1)",
            "<script>",
            "login.example",
        ];
        for bad in cases {
            let error = issuer(bad, &[]).unwrap_err();
            assert!(
                matches!(&error, ServiceError::Invalid { field: Some(f), .. } if f == "issuer"),
                "{bad}"
            );
        }
        let tests = ["http://127.0.0.1:4100".to_owned()];
        assert!(issuer("http://127.0.0.1:4100/", &tests).is_ok());
        assert!(issuer("http://127.0.0.1:4101/", &tests).is_err());
    }

    #[test]
    fn email_domains_are_host_names_in_lower_case() {
        assert_eq!(
            domains(" MetaHexa.example, bank.metahexa.example metahexa.example ").unwrap(),
            ["metahexa.example", "bank.metahexa.example"]
        );
        assert!(domains("").unwrap().is_empty());
        for bad in [
            "localhost",
            "<b>.example",
            "-x.example",
            "metahexa..example",
            "a@b.example",
        ] {
            assert!(domains(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scopes_need_openid_and_client_ids_are_plain() {
        assert_eq!(scope(" openid  profile ").unwrap(), "openid profile");
        assert!(scope("profile email").is_err());
        assert!(scope("openid <b>").is_err());
        assert!(client_id("bank-console").is_ok());
        assert!(client_id("a b").is_err());
        assert!(client_id("\"><script>").is_err());
        assert!(client_id("").is_err());
    }

    #[test]
    fn flags_follow_auth0s_rules() {
        let f = |m, b, s| ConnectionFlags {
            assign_membership_on_login: m,
            show_as_button: b,
            is_signup_enabled: s,
        };
        assert!(flags(Some(Strategy::Oidc), f(true, true, false)).is_ok());
        assert!(flags(Some(Strategy::Database), f(true, false, true)).is_ok());
        let field = |r: Result<(), ServiceError>| match r {
            Err(ServiceError::Invalid { field, message }) => (field.unwrap(), message),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(flags(Some(Strategy::Database), f(false, true, false))),
            ("show_as_button".into(), BUTTON_RULE.into())
        );
        assert_eq!(
            field(flags(Some(Strategy::Oidc), f(true, false, true))),
            ("is_signup_enabled".into(), SIGNUP_RULE.into())
        );
        assert_eq!(
            field(flags(Some(Strategy::Database), f(false, false, true))),
            ("is_signup_enabled".into(), SIGNUP_NEEDS_MEMBERSHIP.into())
        );
    }
}
