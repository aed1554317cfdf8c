//! What the console's responses promise a browser, and what its requests
//! must prove: request-forgery and input checks ([`guard`]), and the security
//! headers of every response ([`headers`]).

pub mod guard;
pub mod headers;

use url::Url;

/// The origins the console's policies name.
#[derive(Clone, Debug)]
pub struct WebPolicy {
    /// The console's origin as browsers send it (`https://orgdesk.example.com`).
    pub console_origin: String,
    /// The identity provider's origin: sign-out forms go on to it, and
    /// branding may show logos it serves.
    pub provider_origin: String,
    /// The console is served over https (HSTS, `__Host-` cookies).
    pub https: bool,
}

impl WebPolicy {
    pub fn new(console_url: &Url, provider_url: &Url) -> Self {
        WebPolicy {
            console_origin: console_url.origin().ascii_serialization(),
            provider_origin: provider_url.origin().ascii_serialization(),
            https: console_url.scheme() == "https",
        }
    }
}
