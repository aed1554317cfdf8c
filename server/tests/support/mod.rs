//! Starting Orgdesk for tests, on free ports and fresh databases of the test
//! engine (`ORGDESK_TEST_DATABASE`: sqlite or postgres).
#![allow(dead_code)] // each test file uses a part

use orgdesk_config::{Config, Secret};
use orgdesk_db::testing::{TestDatabase, fresh_database};
use orgdesk_server::Running;

/// A running Orgdesk and the databases it owns for the test.
pub struct TestOrgdesk {
    pub running: Running,
    pub site: tempfile::TempDir,
    _databases: (TestDatabase, TestDatabase),
}

/// A configuration on port 0 and fresh databases, and those databases.
pub async fn test_config() -> (Config, (TestDatabase, TestDatabase)) {
    let console_db = fresh_database().await;
    let provider_db = fresh_database().await;
    let mut config = Config::default();
    config.console.addr = "127.0.0.1:0".parse().unwrap();
    config.provider.addr = "127.0.0.1:0".parse().unwrap();
    config.database_url = Some(Secret::new(&console_db.url));
    config.provider.database_url = Some(Secret::new(&provider_db.url));
    (config, (console_db, provider_db))
}

pub async fn start() -> TestOrgdesk {
    start_with(false).await
}

/// Orgdesk with the Travel0 demo provisioned (see `server/src/demo.rs`).
pub async fn start_demo() -> TestOrgdesk {
    start_with(true).await
}

async fn start_with(demo: bool) -> TestOrgdesk {
    let (mut config, databases) = test_config().await;
    let site = tempfile::tempdir().unwrap();
    config.console.site_root = site.path().to_owned();
    config.data_dir = site.path().join("data");
    let running = orgdesk_server::start_with(&config, orgdesk_server::StartOptions { demo })
        .await
        .expect("Orgdesk starts");
    TestOrgdesk {
        running,
        site,
        _databases: databases,
    }
}

impl TestOrgdesk {
    pub fn console(&self, path: &str) -> String {
        self.running.console_url.join(path).unwrap().to_string()
    }

    pub fn provider(&self, path: &str) -> String {
        let issuer = self
            .running
            .provider_issuer
            .as_ref()
            .expect("provider runs");
        issuer.endpoint(path)
    }
}

impl TestOrgdesk {
    /// An HTTP client signed in as a demo person, through the provider's
    /// login page, as a browser would be. A customer admin or member of one
    /// organization ends up signed in to it; of several, to none (they pick).
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        self.sign_in(email, None).await
    }

    /// Signed in to one organization (by name), as switching does.
    pub async fn signed_in_to(&self, email: &str, organization: &str) -> reqwest::Client {
        self.sign_in(email, Some(organization)).await
    }

    async fn sign_in(&self, email: &str, organization: Option<&str>) -> reqwest::Client {
        let start = match organization {
            Some(org) => format!("/auth/login?organization={org}"),
            None => "/auth/login".to_owned(),
        };
        let (client, back) = self.sign_in_at(email, &start).await;
        assert!(
            ["/organizations", "/"].contains(&back.path()),
            "signed in and back on the console: {back}"
        );
        client
    }

    /// Signs in as a demo person from a console path that starts a sign-in
    /// (`/auth/login?…`); the client and where the browser ended up.
    pub async fn sign_in_at(&self, email: &str, start: &str) -> (reqwest::Client, reqwest::Url) {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        self.sign_in_into(email, start, jar).await
    }

    /// [`Self::sign_in_at`] with the session's cookies in `jar`.
    pub async fn sign_in_into(
        &self,
        email: &str,
        start: &str,
        jar: std::sync::Arc<reqwest::cookie::Jar>,
    ) -> (reqwest::Client, reqwest::Url) {
        let password = self
            .running
            .demo_sign_ins
            .iter()
            .find(|(e, _)| e == email)
            .map(|(_, p)| p.clone())
            .expect("a demo person");
        let client = self.browser_with(jar.clone(), None);
        let login_page = client.get(self.console(start)).send().await.unwrap();
        assert_eq!(login_page.url().path(), "/u/login", "sent to the provider");
        let state = login_page
            .url()
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        let back = client
            .post(self.provider("u/login"))
            .form(&[
                ("state", state.as_str()),
                ("email", email),
                ("password", password.as_str()),
            ])
            .send()
            .await
            .unwrap();
        let token = self.request_token(&client).await;
        (self.browser_with(jar, Some(&token)), back.url().clone())
    }

    /// A client as a browser on a console page is: a cookie store, and the
    /// console's `Origin` on every request (as browsers send on a POST).
    pub fn browser(&self) -> reqwest::Client {
        self.browser_with(Default::default(), None)
    }

    /// [`Self::browser`] on a given cookie jar, sending `token` as the
    /// console's server function client sends its page's request token.
    pub fn browser_with(
        &self,
        jar: std::sync::Arc<reqwest::cookie::Jar>,
        token: Option<&str>,
    ) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        let origin = self.running.console_url.origin().ascii_serialization();
        headers.insert("origin", origin.parse().unwrap());
        if let Some(token) = token {
            headers.insert("x-orgdesk-request-token", token.parse().unwrap());
        }
        reqwest::Client::builder()
            .cookie_provider(jar)
            .default_headers(headers)
            .build()
            .unwrap()
    }

    /// The request token a console page carries for this client's session.
    pub async fn request_token(&self, client: &reqwest::Client) -> String {
        let page = client
            .get(self.console("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marker = "name=\"orgdesk-request-token\" content=\"";
        let start = page
            .find(marker)
            .expect("a signed-in page carries a request token")
            + marker.len();
        page[start..].split('"').next().unwrap().to_owned()
    }
}

impl TestOrgdesk {
    /// The id of a role at the built-in provider, read from its database
    /// (the console never shows global roles, so no page names them).
    pub async fn role_id(&self, name: &str) -> String {
        let db =
            orgdesk_db::Database::open(&self._databases.1.url, &orgdesk_provider::migrations())
                .await
                .unwrap();
        let id: String = sqlx::query_scalar("SELECT id FROM roles WHERE name = $1")
            .bind(name)
            .fetch_one(db.pool())
            .await
            .unwrap();
        db.close().await;
        id
    }

    /// The id of an organization, by name, as `staff` find it on the list.
    pub async fn org_id(&self, staff: &reqwest::Client, name: &str) -> String {
        let (_, page) = self
            .call(staff, "organizations/list", &[("query", name)])
            .await;
        page["items"][0]["id"].as_str().unwrap().to_owned()
    }

    /// A person's user id, as `staff` look them up by email.
    pub async fn user_id(&self, staff: &reqwest::Client, email: &str) -> String {
        let (_, found) = self.call(staff, "people/lookup", &[("email", email)]).await;
        found[0]["user_id"].as_str().unwrap().to_owned()
    }

    /// Runs a statement on the built-in provider's database: a change made
    /// outside the console, as Auth0's dashboard or another tool would.
    pub async fn provider_sql(&self, sql: &str, binds: &[&str]) -> u64 {
        let db =
            orgdesk_db::Database::open(&self._databases.1.url, &orgdesk_provider::migrations())
                .await
                .unwrap();
        let mut query = sqlx::query(sql);
        for bind in binds {
            query = query.bind(*bind);
        }
        let done = query.execute(db.pool()).await.unwrap().rows_affected();
        db.close().await;
        done
    }

    /// Makes every console session look as if its persona had been read
    /// `seconds` ago (instead of waiting that long).
    pub async fn age_sessions(&self, seconds: i64) {
        let db = orgdesk_storage::open(&self._databases.0.url).await.unwrap();
        sqlx::query("UPDATE sessions SET checked_at = checked_at - $1")
            .bind(seconds * 1000)
            .execute(db.pool())
            .await
            .unwrap();
        db.close().await;
    }

    /// Calls a server function with a form; the status and the JSON answer
    /// (a string when the answer is not JSON).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let response = client
            .post(self.console(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)),
        )
    }
}
