//! A browser and a client, driving sign-in as they would: cookies kept,
//! redirects not followed.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use axum::body::{Body, to_bytes};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use http::{Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;
use url::Url;

use super::TestProvider;

/// A browser: follows nothing by itself, keeps cookies.
pub struct Browser<'a> {
    provider: &'a TestProvider,
    cookies: HashMap<String, String>,
    /// The connection's peer, as the server's `ConnectInfo` gives it.
    peer: SocketAddr,
}

pub struct Page {
    pub status: StatusCode,
    /// Where the browser goes next: a redirect's `Location`, or the target
    /// of a page that refreshes at once (the end of a federated sign-in).
    pub location: Option<Url>,
    /// Whether `location` came from such a page rather than a redirect.
    pub refreshes: bool,
    pub text: String,
}

impl<'a> Browser<'a> {
    pub fn new(provider: &'a TestProvider) -> Self {
        Self::at(provider, super::LOOPBACK)
    }

    /// A browser connecting from this address.
    pub fn at(provider: &'a TestProvider, ip: IpAddr) -> Self {
        Self {
            provider,
            cookies: HashMap::new(),
            peer: SocketAddr::new(ip, 40_000),
        }
    }

    pub async fn send(&mut self, request: http::request::Builder, body: Body) -> Page {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let request = request
            .header(header::COOKIE, cookie.join("; "))
            .extension(axum::extract::ConnectInfo(self.peer))
            .body(body)
            .unwrap();
        let response = self.provider.app.clone().oneshot(request).await.unwrap();
        for set in response.headers().get_all(header::SET_COOKIE) {
            let (pair, _) = set.to_str().unwrap().split_once(';').unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.into(), value.into());
            }
        }
        let status = response.status();
        let location = response.headers().get(header::LOCATION).map(|l| {
            Url::parse("http://provider.test")
                .unwrap()
                .join(l.to_str().unwrap())
                .unwrap()
        });
        let bytes = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let refresh = refresh_target(&text);
        Page {
            status,
            refreshes: location.is_none() && refresh.is_some(),
            location: location.or(refresh),
            text,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.send(Request::get(path), Body::empty()).await
    }

    /// Starts a sign-in; returns the login page's transaction, or the redirect.
    pub async fn authorize(&mut self, params: &[(&str, &str)]) -> Page {
        let query = serde_urlencoded::to_string(params).unwrap();
        self.get(&format!("/authorize?{query}")).await
    }

    pub async fn login(&mut self, login_page: &Page, email: &str, password: &str) -> Page {
        let tx = param(
            login_page
                .location
                .as_ref()
                .expect("sent to the login page"),
            "state",
        )
        .unwrap();
        let shown = self.get(&format!("/u/login?state={tx}")).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
        let form = serde_urlencoded::to_string([
            ("state", tx.as_str()),
            ("email", email),
            ("password", password),
        ])
        .unwrap();
        self.send(
            Request::post("/u/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(form),
        )
        .await
    }

    /// Posts a form.
    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.send(
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(serde_urlencoded::to_string(form).unwrap()),
        )
        .await
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.contains_key(name)
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.get(name).cloned()
    }

    pub fn set_cookie(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(value) => self.cookies.insert(name.into(), value.into()),
            None => self.cookies.remove(name),
        };
    }
}

pub fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub async fn exchange(provider: &TestProvider, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let answer = provider
        .call(
            Request::post("/oauth/token")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
                .unwrap(),
        )
        .await;
    (answer.status, answer.body)
}

pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The target of `<meta http-equiv="refresh" content="0;url=…">`, unescaped.
fn refresh_target(html: &str) -> Option<Url> {
    let start = html.find("http-equiv=\"refresh\" content=\"0;url=")?;
    let rest = &html[start..];
    let url_start = rest.find("url=")? + 4;
    let url_end = rest[url_start..].find('"')? + url_start;
    let target = rest[url_start..url_end]
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    Url::parse(&target).ok()
}
