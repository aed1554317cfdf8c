//! The light/dark theme. The choice is kept in a cookie, so the server renders
//! the page in the theme the browser will hydrate, with no flash on load.

/// Name of the cookie that remembers the theme.
pub const COOKIE: &str = "orgdesk_theme";

/// A colour theme of the console.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl Theme {
    /// The other theme.
    pub fn toggled(self) -> Self {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }

    /// The cookie value for this theme.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Reads the theme from a `Cookie` header value (`a=1; orgdesk_theme=dark`).
    /// Anything missing or unknown is the light theme.
    pub fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE)
            .map(|(_, value)| match value.trim() {
                "dark" => Theme::Dark,
                _ => Theme::Light,
            })
            .unwrap_or_default()
    }

    /// Remembers this theme for the next visits (in the browser; nothing on the server).
    pub fn remember(self) {
        #[cfg(feature = "hydrate")]
        crate::client::set_cookie(COOKIE, self.as_str());
    }

    /// The theme of the current request (on the server) or document (in the browser).
    pub fn current() -> Self {
        Self::from_cookie_header(&cookie_header())
    }
}

#[cfg(feature = "ssr")]
use crate::ssr::cookie_header;

#[cfg(feature = "hydrate")]
use crate::client::cookie_header;

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn cookie_header() -> String {
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_theme_cookie_among_others() {
        let cases = [
            ("", Theme::Light),
            ("orgdesk_theme=dark", Theme::Dark),
            ("a=1; orgdesk_theme=dark; b=2", Theme::Dark),
            ("orgdesk_theme=light", Theme::Light),
            ("orgdesk_theme=purple", Theme::Light),
            ("not_orgdesk_theme=dark", Theme::Light),
            ("orgdesk_theme", Theme::Light),
        ];
        for (header, expected) in cases {
            assert_eq!(Theme::from_cookie_header(header), expected, "{header:?}");
        }
    }

    #[test]
    fn toggling_twice_is_the_same_theme() {
        assert_eq!(Theme::Light.toggled(), Theme::Dark);
        assert_eq!(Theme::Dark.toggled().toggled(), Theme::Dark);
    }
}
