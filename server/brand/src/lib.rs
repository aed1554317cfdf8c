//! An organization's branding and the look of the provider's hosted pages.
//!
//! The provider serves its login pages with [`document`], and the console's
//! branding page previews them with [`preview`]: one renderer, so the preview
//! is what the provider will show. Branding is checked where it is written
//! ([`Branding::check`]) and again where it is rendered: a value that is not
//! a valid color or an https URL never reaches the markup.

use std::fmt;

/// The page background and primary color of an unbranded page.
pub const DEFAULT_PRIMARY: &str = "#4f46e5";
pub const DEFAULT_PAGE_BACKGROUND: &str = "#f1f5f9";

/// The longest logo URL accepted (Auth0 does not say; browsers handle more).
pub const MAX_LOGO_URL_LEN: usize = 2048;

/// Auth0's organization branding: a logo and two colors, each optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Branding {
    pub logo_url: Option<String>,
    pub primary: Option<String>,
    pub page_background: Option<String>,
}

/// Why a branding was refused, naming the field as Auth0's body names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrandingError {
    LogoUrl,
    Color { field: &'static str },
}

impl BrandingError {
    /// The field, as in Auth0's body: `branding.logo_url`, `branding.colors.primary`.
    pub fn field(&self) -> &'static str {
        match self {
            Self::LogoUrl => "branding.logo_url",
            Self::Color { field } => field,
        }
    }
}

impl fmt::Display for BrandingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LogoUrl => write!(
                f,
                "branding.logo_url must be an https URL of at most {MAX_LOGO_URL_LEN} characters"
            ),
            Self::Color { field } => write!(f, "{field} must be a color like #1a2b3c"),
        }
    }
}

impl std::error::Error for BrandingError {}

/// Whether `text` is a color as `#rrggbb`, and nothing else.
pub fn is_color(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// The logo URL in the form the pages use, if `text` is an absolute https
/// URL with a host and no credentials; `None` otherwise.
pub fn logo_url(text: &str) -> Option<String> {
    if text.len() > MAX_LOGO_URL_LEN || text.chars().any(|c| c.is_control() || c == ' ') {
        return None;
    }
    let url = url::Url::parse(text).ok()?;
    let acceptable = url.scheme() == "https"
        && url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none();
    acceptable.then(|| url.to_string())
}

impl Branding {
    /// Refuses a logo that is not an https URL and colors not as `#rrggbb`.
    /// Colors are kept in lower case.
    pub fn check(&self) -> Result<Branding, BrandingError> {
        let logo_url = match &self.logo_url {
            Some(text) => Some(logo_url(text).ok_or(BrandingError::LogoUrl)?),
            None => None,
        };
        let color = |value: &Option<String>, field| match value {
            Some(text) if is_color(text) => Ok(Some(text.to_ascii_lowercase())),
            Some(_) => Err(BrandingError::Color { field }),
            None => Ok(None),
        };
        Ok(Branding {
            logo_url,
            primary: color(&self.primary, "branding.colors.primary")?,
            page_background: color(&self.page_background, "branding.colors.page_background")?,
        })
    }

    fn primary_or_default(&self) -> &str {
        self.primary
            .as_deref()
            .filter(|c| is_color(c))
            .unwrap_or(DEFAULT_PRIMARY)
    }

    fn background_or_default(&self) -> &str {
        self.page_background
            .as_deref()
            .filter(|c| is_color(c))
            .unwrap_or(DEFAULT_PAGE_BACKGROUND)
    }

    /// The logo, if it is a valid https URL.
    pub fn valid_logo(&self) -> Option<String> {
        self.logo_url.as_deref().and_then(logo_url)
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// `#000000` or `#ffffff`, whichever reads better on `background` (`#rrggbb`).
fn text_color_on(background: &str) -> &'static str {
    let channel = |i: usize| {
        let value = u8::from_str_radix(&background[i..i + 2], 16).unwrap_or(0);
        let c = f64::from(value) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    // The contrast against white beats the contrast against black below this.
    if luminance > 0.179 {
        "#000000"
    } else {
        "#ffffff"
    }
}

const BASE_STYLE: &str = "body{font-family:system-ui,sans-serif;background:var(--page-background);color:#0f172a;margin:0}\
main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.75rem;box-shadow:0 1px 3px #0002}\
.logo{display:block;max-height:3rem;max-width:12rem;margin:0 0 1rem}\
h1{font-size:1.25rem;margin:0 0 .25rem}p{color:#475569}label{display:block;margin-top:1rem;font-weight:600}\
input{width:100%;box-sizing:border-box;padding:.6rem;margin-top:.25rem;border:1px solid #cbd5e1;border-radius:.375rem;font-size:1rem}\
button,.button{display:block;box-sizing:border-box;text-align:center;text-decoration:none;margin-top:1.5rem;width:100%;padding:.7rem;border:0;border-radius:.375rem;background:var(--primary);color:var(--on-primary);font-size:1rem;font-weight:600}\
.connection{background:#fff;color:#0f172a;border:1px solid #cbd5e1;margin-top:.75rem}\
.separator{text-align:center;color:#64748b;margin-top:1.5rem}\
a{color:var(--link)}\
.error{background:#fef2f2;color:#991b1b;padding:.6rem;border-radius:.375rem;margin-top:1rem}";

/// The stylesheet of a page with this branding. Only checked colors are
/// written into it; anything else falls back to the defaults.
pub fn stylesheet(branding: &Branding) -> String {
    let primary = branding.primary_or_default();
    let background = branding.background_or_default();
    // Links are drawn on the white card: the primary color, unless it is too
    // light to read there.
    let link = if text_color_on(primary) == "#000000" {
        "#1e293b"
    } else {
        primary
    };
    format!(
        ":root{{--primary:{primary};--on-primary:{on};--page-background:{background};--link:{link}}}{BASE_STYLE}",
        on = text_color_on(primary),
    )
}

/// The organization's logo, or nothing.
pub fn logo(branding: &Branding, organization: &str) -> String {
    branding
        .valid_logo()
        .map(|url| {
            format!(
                "<img class=\"logo\" id=\"organization-logo\" src=\"{src}\" alt=\"{alt}\" referrerpolicy=\"no-referrer\">",
                src = escape(&url),
                alt = escape(organization),
            )
        })
        .unwrap_or_default()
}

/// A whole page: `body` (already escaped markup) in a card, styled with the
/// branding.
pub fn document(title: &str, branding: &Branding, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{style}</style></head><body><main>{body}</main></body></html>",
        title = escape(title),
        style = stylesheet(branding),
    )
}

/// The login page of an organization as the provider renders it for its
/// password connection, inert (no form target), for previews.
pub fn preview(organization: &str, branding: &Branding) -> String {
    let title = format!("Sign in to {organization}");
    let body = format!(
        "{logo}<h1>{heading}</h1><p>to continue to your application</p>\
         <form><label for=\"email\">Email address</label>\
         <input id=\"email\" type=\"email\" placeholder=\"you@example.com\">\
         <label for=\"password\">Password</label><input id=\"password\" type=\"password\">\
         <button type=\"button\">Continue</button></form>",
        logo = logo(branding, organization),
        heading = escape(&title),
    );
    document(&title, branding, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn branding(logo: Option<&str>, primary: Option<&str>, background: Option<&str>) -> Branding {
        Branding {
            logo_url: logo.map(str::to_owned),
            primary: primary.map(str::to_owned),
            page_background: background.map(str::to_owned),
        }
    }

    #[test]
    fn colors_are_six_hex_digits_after_a_hash() {
        for good in ["#000000", "#1A2b3C", "#ffffff"] {
            assert!(is_color(good), "{good}");
        }
        for bad in [
            "",
            "#fff",
            "000000",
            "#0000000",
            "#00000g",
            "red",
            "#000000;background:url(https://evil.example)",
            "#000000}body{display:none",
            "#ff0000\n",
            "#ｆｆ0000",
        ] {
            assert!(!is_color(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_logo_is_an_https_url_with_a_host() {
        assert_eq!(
            logo_url("https://cdn.example/logo.png").as_deref(),
            Some("https://cdn.example/logo.png")
        );
        for bad in [
            "http://cdn.example/logo.png",
            "javascript:alert(1)",
            "data:image/svg+xml,<svg onload=alert(1)>",
            "//cdn.example/logo.png",
            "https://user:pass@cdn.example/logo.png",
            "https://cdn.example/logo.png\" onerror=\"alert(1)",
            "https://",
            "logo.png",
        ] {
            assert_eq!(logo_url(bad), None, "{bad}");
        }
        assert_eq!(
            logo_url(&format!(
                "https://cdn.example/{}",
                "a".repeat(MAX_LOGO_URL_LEN)
            )),
            None
        );
    }

    #[test]
    fn check_names_the_refused_field_and_lowercases_colors() {
        assert_eq!(
            branding(Some("javascript:alert(1)"), None, None).check(),
            Err(BrandingError::LogoUrl)
        );
        let error = branding(None, Some("#fff"), None).check().unwrap_err();
        assert_eq!(error.field(), "branding.colors.primary");
        let error = branding(None, None, Some("red")).check().unwrap_err();
        assert_eq!(
            error.to_string(),
            "branding.colors.page_background must be a color like #1a2b3c"
        );
        assert_eq!(
            branding(None, Some("#AABBCC"), None)
                .check()
                .unwrap()
                .primary
                .as_deref(),
            Some("#aabbcc")
        );
    }

    #[test]
    fn the_stylesheet_carries_only_valid_colors() {
        let css = stylesheet(&branding(None, Some("#0a7d3e"), Some("#fafafa")));
        assert!(css.contains("--primary:#0a7d3e;"), "{css}");
        assert!(css.contains("--page-background:#fafafa;"), "{css}");

        let hostile = branding(
            None,
            Some("#000000;}body{background:url(https://evil.example/x)"),
            Some("</style><script>alert(1)</script>"),
        );
        let css = stylesheet(&hostile);
        assert!(!css.contains("evil"), "{css}");
        assert!(!css.contains("script"), "{css}");
        assert!(css.contains(&format!("--primary:{DEFAULT_PRIMARY};")));
    }

    #[test]
    fn text_on_the_primary_color_stays_readable() {
        assert!(
            stylesheet(&branding(None, Some("#ffff00"), None)).contains("--on-primary:#000000")
        );
        assert!(
            stylesheet(&branding(None, Some("#1e3a8a"), None)).contains("--on-primary:#ffffff")
        );
    }

    #[test]
    fn the_logo_is_escaped_and_only_https() {
        let html = logo(
            &branding(Some("https://cdn.example/a.png?x=\"><script>"), None, None),
            "Acme <b>",
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("alt=\"Acme &lt;b&gt;\""), "{html}");
        assert_eq!(
            logo(&branding(Some("javascript:alert(1)"), None, None), "Acme"),
            ""
        );
    }

    #[test]
    fn the_preview_is_the_login_page_without_a_form_target() {
        let html = preview(
            "<script>alert(1)</script>",
            &branding(Some("https://cdn.example/logo.png"), Some("#0a7d3e"), None),
        );
        assert!(html.contains("Sign in to &lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("id=\"organization-logo\""));
        assert!(!html.contains("action="));
    }
}
