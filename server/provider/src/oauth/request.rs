//! Reading a token request: a form or a JSON body (Auth0's SDKs send JSON,
//! with `"organization": null`), and the client's credentials from the body
//! (`client_secret_post`) or the `Authorization` header (`client_secret_basic`).

use axum::http::{HeaderMap, header};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde::Deserialize;

use super::OAuthError;

/// The parameters of `/oauth/token` that the provider reads; others (such as
/// the `"organization": null` of Auth0's SDKs) are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub audience: Option<String>,
    pub scope: Option<String>,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    pub organization: Option<String>,
}

/// Credentials a client presented.
#[derive(Debug)]
pub struct Presented {
    pub client_id: String,
    pub secret: Option<String>,
}

impl TokenRequest {
    /// Parses the body by its content type.
    pub fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Self, OAuthError> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if content_type.starts_with("application/json") {
            serde_json::from_slice(body).map_err(|_| {
                OAuthError::invalid_request("The body is not a valid JSON token request")
            })
        } else {
            serde_urlencoded::from_bytes(body).map_err(|_| {
                OAuthError::invalid_request("The body is not a valid form token request")
            })
        }
    }

    /// The client's credentials. Both methods at once, or a header that does
    /// not parse, is an invalid request (RFC 6749 §2.3).
    pub fn credentials(&self, headers: &HeaderMap) -> Result<Presented, OAuthError> {
        let basic = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "));
        match basic {
            Some(encoded) => {
                if self.client_secret.is_some() {
                    return Err(OAuthError::invalid_request(
                        "Use one client authentication method, not two",
                    ));
                }
                let (id, secret) = decode_basic(encoded).ok_or_else(OAuthError::invalid_client)?;
                if self
                    .client_id
                    .as_deref()
                    .is_some_and(|body_id| body_id != id)
                {
                    return Err(OAuthError::invalid_client());
                }
                Ok(Presented {
                    client_id: id,
                    secret: Some(secret),
                })
            }
            None => Ok(Presented {
                client_id: self
                    .client_id
                    .clone()
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| {
                        OAuthError::invalid_request("Missing required parameter: client_id")
                    })?,
                secret: self.client_secret.clone(),
            }),
        }
    }
}

/// `base64(urlencode(id) ":" urlencode(secret))`.
fn decode_basic(encoded: &str) -> Option<(String, String)> {
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .ok()
            .map(|s| s.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn json_bodies_may_carry_a_null_organization() {
        let h = headers(&[(header::CONTENT_TYPE, "application/json")]);
        let body = br#"{"grant_type":"client_credentials","client_id":"a","client_secret":"b","organization":null}"#;
        let request = TokenRequest::parse(&h, body).unwrap();
        assert_eq!(request.grant_type.as_deref(), Some("client_credentials"));
        assert_eq!(request.client_id.as_deref(), Some("a"));
    }

    #[test]
    fn form_bodies_are_read_too() {
        let h = headers(&[(header::CONTENT_TYPE, "application/x-www-form-urlencoded")]);
        let request =
            TokenRequest::parse(&h, b"grant_type=client_credentials&audience=x%2Fy").unwrap();
        assert_eq!(request.audience.as_deref(), Some("x/y"));
    }

    #[test]
    fn basic_credentials_are_url_decoded() {
        // "id:with" and "p@ss word" urlencoded, then base64.
        let encoded = STANDARD.encode("id%3Awith:p%40ss+word");
        let h = headers(&[(header::AUTHORIZATION, &format!("Basic {encoded}"))]);
        let presented = TokenRequest::default().credentials(&h).unwrap();
        assert_eq!(presented.client_id, "id:with");
        assert_eq!(presented.secret.as_deref(), Some("p@ss word"));
    }

    #[test]
    fn two_authentication_methods_at_once_are_refused() {
        let encoded = STANDARD.encode("a:b");
        let h = headers(&[(header::AUTHORIZATION, &format!("Basic {encoded}"))]);
        let request = TokenRequest {
            client_secret: Some("b".into()),
            ..Default::default()
        };
        assert!(request.credentials(&h).is_err());
    }
}
