//! `/api/v2/connections`, `/api/v2/organizations/{id}/enabled_connections`,
//! connections on organization create, users' identities and the users
//! search by connection, as Auth0 serves them.

use serde_json::{Value, json};

use super::{Answer, TestProvider};
use crate::{ids::DATABASE_CONNECTION_ID, store::connections};

const DATABASE: &str = "Username-Password-Authentication";
/// The upstream client secret the tests give: no answer may ever hold it.
const SECRET: &str = "upstream-SECRET-3f9a7c";

const SCOPES: &[&str] = &[
    "read:connections",
    "create:connections",
    "update:connections",
    "delete:connections",
    "read:organization_connections",
    "create:organization_connections",
    "update:organization_connections",
    "delete:organization_connections",
    "read:organizations",
    "create:organizations",
    "delete:organizations",
    "read:users",
    "create:users",
    "delete:users",
    "read:organization_invitations",
    "create:organization_invitations",
];

struct Api {
    provider: TestProvider,
    token: String,
}

impl Api {
    async fn new() -> Self {
        let provider = TestProvider::new().await;
        let token = provider.token(SCOPES).await;
        Self { provider, token }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Answer {
        let answer = self
            .provider
            .api(method, path, Some(&self.token), body)
            .await;
        // Whatever was asked, the upstream secret never comes back.
        assert!(
            !answer.body.to_string().contains(SECRET),
            "{method} {path} answered the client secret: {}",
            answer.body
        );
        answer
    }

    async fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.call("POST", path, Some(body)).await
    }

    async fn patch(&self, path: &str, body: Value) -> Answer {
        self.call("PATCH", path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> Answer {
        self.call("DELETE", path, None).await
    }

    /// An OIDC connection; returns its id.
    async fn oidc(&self, name: &str) -> String {
        let created = self.post("/connections", oidc_body(name)).await;
        assert_eq!(created.status, 201, "{}", created.body);
        created.body["id"].as_str().unwrap().to_owned()
    }

    /// A password database connection; returns its id.
    async fn database(&self, name: &str) -> String {
        let created = self
            .post("/connections", json!({"name": name, "strategy": "auth0"}))
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        created.body["id"].as_str().unwrap().to_owned()
    }

    /// An organization (created through the API: it enables nothing).
    async fn organization(&self, name: &str) -> String {
        let created = self.post("/organizations", json!({"name": name})).await;
        assert_eq!(created.status, 201, "{}", created.body);
        created.body["id"].as_str().unwrap().to_owned()
    }

    async fn stored_secret(&self, id: &str) -> Option<String> {
        connections::client_secret(&self.provider.db, id)
            .await
            .unwrap()
    }
}

fn oidc_body(name: &str) -> Value {
    json!({
        "name": name,
        "strategy": "oidc",
        "display_name": "Acme SSO",
        "options": {
            "issuer": "https://idp.acme.example/",
            "client_id": "orgdesk-at-acme",
            "client_secret": SECRET,
        },
    })
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

fn assert_400(answer: &Answer, needle: &str) {
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.body["statusCode"], 400);
    let message = answer.body["message"].as_str().unwrap();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
}

// ------------------------------------------------------------ /connections --

#[tokio::test]
async fn connections_have_auth0s_shape_and_defaults() {
    let api = Api::new().await;
    let created = api.post("/connections", oidc_body("acme-sso")).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    assert!(
        id.len() == 20
            && id.starts_with("con_")
            && id[4..].chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
    assert_eq!(
        created.body,
        json!({
            "id": id,
            "name": "acme-sso",
            "display_name": "Acme SSO",
            "strategy": "oidc",
            "options": {
                "type": "back_channel",
                "issuer": "https://idp.acme.example/",
                "discovery_url": "https://idp.acme.example/.well-known/openid-configuration",
                "client_id": "orgdesk-at-acme",
                "scope": "openid profile email",
            },
            "is_domain_connection": false,
            "realms": ["acme-sso"],
            "metadata": {},
        })
    );
    assert_eq!(
        api.get(&format!("/connections/{id}")).await.body,
        created.body
    );

    let database = api
        .post(
            "/connections",
            json!({"name": "Partners", "strategy": "auth0", "metadata": {"tier": "gold"}}),
        )
        .await;
    assert_eq!(database.status, 201, "{}", database.body);
    assert_eq!(database.body["options"], json!({}));
    assert_eq!(database.body["metadata"], json!({"tier": "gold"}));
    assert!(database.body.get("display_name").is_none());

    // The seeded password database is there too.
    let seeded = api
        .get(&format!("/connections/{DATABASE_CONNECTION_ID}"))
        .await;
    assert_eq!(seeded.body["name"], DATABASE);
    assert_eq!(seeded.body["strategy"], "auth0");
    assert_eq!(
        api.get("/connections/con_NoSuchThing0000").await.status,
        404
    );
}

#[tokio::test]
async fn the_list_is_by_name_filtered_by_strategy_and_name_and_paged() {
    let api = Api::new().await;
    for name in ["zeta-sso", "alpha-sso"] {
        api.oidc(name).await;
    }
    api.database("Partners").await;

    let all = api.get("/connections").await;
    assert_eq!(all.status, 200);
    assert_eq!(
        names(&all.body),
        ["Partners", DATABASE, "alpha-sso", "zeta-sso"]
    );

    let oidc = api.get("/connections?strategy=oidc").await;
    assert_eq!(names(&oidc.body), ["alpha-sso", "zeta-sso"]);
    let both = api.get("/connections?strategy=oidc&strategy=auth0").await;
    assert_eq!(names(&both.body).len(), 4);
    let none = api.get("/connections?strategy=samlp").await;
    assert_eq!(none.body, json!([]));
    let by_name = api.get("/connections?name=zeta-sso").await;
    assert_eq!(names(&by_name.body), ["zeta-sso"]);
    // Filters are values, never SQL.
    let injected = api
        .get(&format!("/connections?name={}", urlencode("x' OR '1'='1")))
        .await;
    assert_eq!(injected.body, json!([]));

    let page = api
        .get("/connections?page=1&per_page=2&include_totals=true")
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["start"], 2);
    assert_eq!(page.body["limit"], 2);
    assert_eq!(page.body["total"], 4);
    assert_eq!(names(&page.body["connections"]), ["alpha-sso", "zeta-sso"]);
    let filtered_total = api
        .get("/connections?strategy=auth0&include_totals=true")
        .await;
    assert_eq!(filtered_total.body["total"], 2);

    assert_eq!(api.get("/connections?per_page=101").await.status, 400);
    assert_eq!(api.get("/connections?page=x").await.status, 400);
}

#[tokio::test]
async fn names_follow_auth0s_rule_and_are_unique() {
    let api = Api::new().await;
    api.oidc("acme-sso").await;
    let taken = api.post("/connections", oidc_body("acme-sso")).await;
    assert_eq!(taken.status, 409, "{}", taken.body);
    assert_eq!(taken.body["errorCode"], "connection_conflict");

    for bad in [
        "",
        "-acme",
        "acme-",
        "acme sso",
        "acme_sso",
        "<script>alert(1)</script>",
        &"a".repeat(129),
    ] {
        let refused = api.post("/connections", oidc_body(bad)).await;
        assert_400(&refused, "name must be");
    }
    let long = "a".repeat(128);
    assert_eq!(api.post("/connections", oidc_body(&long)).await.status, 201);

    // Only the two strategies the provider serves.
    let saml = api
        .post(
            "/connections",
            json!({"name": "acme-saml", "strategy": "samlp"}),
        )
        .await;
    assert_400(&saml, "strategy");
    // Unknown body fields are refused, as everywhere.
    let extra = api
        .post(
            "/connections",
            json!({"name": "x1", "strategy": "auth0", "enabled_clients": []}),
        )
        .await;
    assert_400(&extra, "unknown field");
}

#[tokio::test]
async fn markup_in_names_and_metadata_is_data_and_control_characters_are_refused() {
    let api = Api::new().await;
    let hostile = "<img src=x onerror=alert(1)> \"Acme\" & co";
    let mut body = oidc_body("acme-sso");
    body["display_name"] = hostile.into();
    body["metadata"] = json!({"note": "<script>alert(1)</script>"});
    let created = api.post("/connections", body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    let read = api.get(&format!("/connections/{id}")).await;
    assert_eq!(read.body["display_name"], hostile);
    assert_eq!(read.body["metadata"]["note"], "<script>alert(1)</script>");

    for display_name in ["line\nbreak", "nul\u{0}", "", &"d".repeat(129)] {
        let mut body = oidc_body("other-sso");
        body["display_name"] = display_name.into();
        assert_400(&api.post("/connections", body).await, "display_name");
    }
    let eleven: serde_json::Map<String, Value> =
        (0..11).map(|i| (format!("k{i}"), json!("v"))).collect();
    for metadata in [
        Value::Object(eleven),
        json!({"n": 1}),
        json!({"long": "x".repeat(256)}),
    ] {
        let mut body = oidc_body("other-sso");
        body["metadata"] = metadata;
        assert_400(&api.post("/connections", body).await, "metadata");
    }
}

#[tokio::test]
async fn oidc_options_are_checked_without_fetching_the_issuer() {
    let api = Api::new().await;
    let with = |options: Value| json!({"name": "acme-sso", "strategy": "oidc", "options": options});
    let base =
        || json!({"issuer": "https://idp.acme.example", "client_id": "c", "client_secret": SECRET});
    let mut front = base();
    front["type"] = "front_channel".into();
    assert_400(
        &api.post("/connections", with(front)).await,
        "back_channel only",
    );

    for issuer in [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://idp.acme.example/",
        "/relative/issuer",
        "https://user:pw@idp.acme.example/",
        "https://idp.acme.example/#fragment",
    ] {
        let mut options = base();
        options["issuer"] = issuer.into();
        assert_400(
            &api.post("/connections", with(options)).await,
            "options.issuer",
        );
    }
    let mut discovery = base();
    discovery["discovery_url"] = "javascript:alert(1)".into();
    assert_400(
        &api.post("/connections", with(discovery)).await,
        "options.discovery_url",
    );
    for (missing, needle) in [
        ("issuer", "options.issuer"),
        ("client_id", "options.client_id"),
    ] {
        let mut options = base();
        options.as_object_mut().unwrap().remove(missing);
        assert_400(&api.post("/connections", with(options)).await, needle);
    }
    let mut no_secret = base();
    no_secret.as_object_mut().unwrap().remove("client_secret");
    assert_400(
        &api.post("/connections", with(no_secret)).await,
        "options.client_secret",
    );
    let mut no_openid = base();
    no_openid["scope"] = "profile email".into();
    assert_400(&api.post("/connections", with(no_openid)).await, "openid");
    let mut unknown = base();
    unknown["authorization_endpoint"] = "https://idp.acme.example/auth".into();
    assert_400(
        &api.post("/connections", with(unknown)).await,
        "authorization_endpoint",
    );
    // Errors about the secret name the property, never its value.
    let mut long_secret = base();
    long_secret["client_secret"] = format!("{SECRET}{}", "x".repeat(255)).into();
    assert_400(
        &api.post("/connections", with(long_secret)).await,
        "options.client_secret",
    );
    let mut long_id = base();
    long_id["client_id"] = "c".repeat(256).into();
    assert_400(
        &api.post("/connections", with(long_id)).await,
        "options.client_id",
    );

    // A database connection has no options.
    let database = api
        .post(
            "/connections",
            json!({"name": "db2", "strategy": "auth0", "options": {"passwordPolicy": "good"}}),
        )
        .await;
    assert_400(&database, "passwordPolicy");

    // Given explicitly: kept as given (scope tidied to single spaces).
    let mut explicit = base();
    explicit["discovery_url"] =
        "https://idp.acme.example/tenant/.well-known/openid-configuration".into();
    explicit["scope"] = "openid  email groups".into();
    explicit["type"] = "back_channel".into();
    let created = api.post("/connections", with(explicit)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.body["options"]["discovery_url"],
        "https://idp.acme.example/tenant/.well-known/openid-configuration"
    );
    assert_eq!(created.body["options"]["scope"], "openid email groups");
    assert!(created.body["options"].get("client_secret").is_none());
}

#[tokio::test]
async fn domain_aliases_are_lowercase_domain_names() {
    let api = Api::new().await;
    let with = |aliases: Value| {
        json!({"name": "bank-sso", "strategy": "oidc", "options": {
            "issuer": "https://idp.bank.example", "client_id": "c", "client_secret": SECRET,
            "domain_aliases": aliases}})
    };
    for bad in [
        json!("metahexa.example"),
        json!(["not a domain"]),
        json!(["<script>.example"]),
        json!(["localhost"]),
        json!(["-bad.example"]),
        json!([42]),
    ] {
        assert_400(
            &api.post("/connections", with(bad.clone())).await,
            "options.domain_aliases",
        );
    }
    let created = api
        .post(
            "/connections",
            with(json!([
                "MetaHexa.example",
                "metahexa.example",
                "bank.metahexa.example"
            ])),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        created.body["options"]["domain_aliases"],
        json!(["metahexa.example", "bank.metahexa.example"])
    );
}

#[tokio::test]
async fn the_client_secret_is_stored_apart_never_returned_and_kept_by_a_patch_without_it() {
    let api = Api::new().await;
    // Every answer goes through `Api::call`, which fails on the secret.
    let id = api.oidc("acme-sso").await;
    assert_eq!(api.stored_secret(&id).await.as_deref(), Some(SECRET));
    let stored_options: String =
        sqlx::query_scalar("SELECT options FROM connections WHERE id = $1")
            .bind(&id)
            .fetch_one(api.provider.db.pool())
            .await
            .unwrap();
    assert!(!stored_options.contains(SECRET));

    api.get(&format!("/connections/{id}")).await;
    api.get("/connections").await;
    api.get("/connections?include_totals=true&strategy=oidc")
        .await;

    // Options replace the stored ones as a whole, but without a
    // client_secret the stored secret stays.
    let patched = api
        .patch(
            &format!("/connections/{id}"),
            json!({"options": {"issuer": "https://login.acme.example/", "client_id": "orgdesk-2",
                               "scope": "openid email"}}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(
        patched.body["options"],
        json!({"type": "back_channel", "issuer": "https://login.acme.example/",
               "discovery_url": "https://login.acme.example/.well-known/openid-configuration",
               "client_id": "orgdesk-2", "scope": "openid email"})
    );
    assert_eq!(api.stored_secret(&id).await.as_deref(), Some(SECRET));

    // A patch of other fields leaves options and secret alone.
    let renamed = api
        .patch(
            &format!("/connections/{id}"),
            json!({"display_name": "Acme"}),
        )
        .await;
    assert_eq!(renamed.body["options"]["client_id"], "orgdesk-2");
    assert_eq!(api.stored_secret(&id).await.as_deref(), Some(SECRET));

    // A new secret replaces it, and is not answered either.
    let rotated = format!("{SECRET}-rotated");
    let answer = api
        .patch(
            &format!("/connections/{id}"),
            json!({"options": {"issuer": "https://login.acme.example/", "client_id": "orgdesk-2",
                               "client_secret": rotated}}),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(api.stored_secret(&id).await, Some(rotated));

    // A refused patch answers without the secret and changes nothing.
    let refused = api
        .patch(
            &format!("/connections/{id}"),
            json!({"options": {"issuer": "javascript:alert(1)", "client_id": "x",
                               "client_secret": SECRET}}),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        api.get(&format!("/connections/{id}")).await.body["options"]["issuer"],
        "https://login.acme.example/"
    );
}

#[tokio::test]
async fn a_patch_changes_display_name_options_and_metadata_only() {
    let api = Api::new().await;
    let id = api.oidc("acme-sso").await;
    let path = format!("/connections/{id}");
    assert_400(
        &api.patch(&path, json!({"name": "renamed"})).await,
        "name cannot be changed",
    );
    assert_400(
        &api.patch(&path, json!({"strategy": "auth0"})).await,
        "strategy cannot be changed",
    );
    assert_400(
        &api.patch(&path, json!({"realms": ["x"]})).await,
        "unknown field",
    );

    let patched = api
        .patch(
            &path,
            json!({"display_name": "Acme Corp SSO", "metadata": {"owner": "it"}}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["display_name"], "Acme Corp SSO");
    assert_eq!(patched.body["metadata"], json!({"owner": "it"}));
    assert_eq!(api.get(&path).await.body, patched.body);
    // `null` removes the display name.
    let cleared = api.patch(&path, json!({"display_name": null})).await;
    assert!(cleared.body.get("display_name").is_none());

    // A database connection's options stay {}.
    let db = format!("/connections/{DATABASE_CONNECTION_ID}");
    assert_400(
        &api.patch(&db, json!({"options": {"mfa": true}})).await,
        "options.mfa",
    );
    assert_eq!(api.patch(&db, json!({"options": {}})).await.status, 200);
    assert_eq!(
        api.patch(
            "/connections/con_NoSuchThing0000",
            json!({"display_name": "x"})
        )
        .await
        .status,
        404
    );
}

/// A user written directly, with identities at these connections only.
async fn user_with_identities(provider: &TestProvider, email: &str, at: &[&str]) -> String {
    let user_id = crate::ids::user_id();
    sqlx::query(
        "INSERT INTO users (user_id, email, email_verified, name, created_at, updated_at) \
         VALUES ($1, $2, 1, $2, 0, 0)",
    )
    .bind(&user_id)
    .bind(email)
    .execute(provider.db.pool())
    .await
    .unwrap();
    let mut conn = provider.db.pool().acquire().await.unwrap();
    for (n, connection_id) in at.iter().enumerate() {
        connections::insert_identity(
            &mut conn,
            connection_id,
            &format!("sub-{email}-{n}"),
            &user_id,
        )
        .await
        .unwrap();
    }
    user_id
}

#[tokio::test]
async fn deleting_a_connection_removes_its_enablements_identities_and_users_left_without_one() {
    let api = Api::new().await;
    let sso = api.oidc("acme-sso").await;
    let org = api.organization("acme").await;
    let enabled = api
        .post(
            &format!("/organizations/{org}/enabled_connections"),
            json!({"connection_id": sso}),
        )
        .await;
    assert_eq!(enabled.status, 201, "{}", enabled.body);
    let only_sso = user_with_identities(&api.provider, "only@acme.example", &[&sso]).await;
    let both = user_with_identities(
        &api.provider,
        "both@acme.example",
        &[&sso, DATABASE_CONNECTION_ID],
    )
    .await;
    sqlx::query("INSERT INTO members (org_id, user_id, created_at) VALUES ($1, $2, 0)")
        .bind(&org)
        .bind(&only_sso)
        .execute(api.provider.db.pool())
        .await
        .unwrap();

    let deleted = api.delete(&format!("/connections/{sso}")).await;
    assert_eq!(deleted.status, 202, "{}", deleted.body);

    assert_eq!(api.get(&format!("/connections/{sso}")).await.status, 404);
    assert_eq!(api.delete(&format!("/connections/{sso}")).await.status, 404);
    let listed = api
        .get(&format!("/organizations/{org}/enabled_connections"))
        .await;
    assert_eq!(listed.body, json!([]));
    let gone = api.get(&format!("/users/{}", urlencode(&only_sso))).await;
    assert_eq!(gone.status, 404, "{}", gone.body);
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE user_id = $1")
        .bind(&only_sso)
        .fetch_one(api.provider.db.pool())
        .await
        .unwrap();
    assert_eq!(members, 0);
    let kept = api.get(&format!("/users/{}", urlencode(&both))).await;
    assert_eq!(kept.status, 200);
    let identities = kept.body["identities"].as_array().unwrap();
    assert_eq!(identities.len(), 1);
    assert_eq!(identities[0]["connection"], DATABASE);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM identities WHERE connection_id = $1")
        .bind(&sso)
        .fetch_one(api.provider.db.pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_password_database_cannot_be_deleted() {
    let api = Api::new().await;
    let refused = api
        .delete(&format!("/connections/{DATABASE_CONNECTION_ID}"))
        .await;
    assert_400(&refused, "hosted login");
    assert_eq!(
        api.get(&format!("/connections/{DATABASE_CONNECTION_ID}"))
            .await
            .status,
        200
    );
}

// ------------------------------------------------------ enabled connections --

#[tokio::test]
async fn enabled_connections_have_auth0s_shape_and_flag_rules() {
    let api = Api::new().await;
    let sso = api.oidc("acme-sso").await;
    let org = api.organization("acme").await;
    let path = format!("/organizations/{org}/enabled_connections");
    // Created through the API without enabled_connections: none, as Auth0.
    assert_eq!(api.get(&path).await.body, json!([]));

    let enable = |body: Value| api.post(&path, body);
    // is_signup_enabled: database connections only, and only with membership on login.
    assert_400(
        &enable(json!({"connection_id": DATABASE_CONNECTION_ID, "is_signup_enabled": true})).await,
        "assign_membership_on_login",
    );
    assert_400(
        &enable(json!({"connection_id": sso, "is_signup_enabled": true,
                       "assign_membership_on_login": true}))
        .await,
        "database connections only",
    );
    // show_as_button: enterprise connections only.
    assert_400(
        &enable(json!({"connection_id": DATABASE_CONNECTION_ID, "show_as_button": true})).await,
        "enterprise connections only",
    );
    assert_400(
        &enable(json!({"connection_id": sso, "extra": 1})).await,
        "unknown field",
    );

    let database = enable(json!({"connection_id": DATABASE_CONNECTION_ID,
                                 "assign_membership_on_login": true, "is_signup_enabled": true}))
    .await;
    assert_eq!(database.status, 201, "{}", database.body);
    assert_eq!(
        database.body,
        json!({"connection_id": DATABASE_CONNECTION_ID, "assign_membership_on_login": true,
               "show_as_button": false, "is_signup_enabled": true,
               "connection": {"name": DATABASE, "strategy": "auth0"}})
    );
    let enterprise = enable(json!({"connection_id": sso})).await;
    assert_eq!(enterprise.status, 201);
    assert_eq!(
        enterprise.body,
        json!({"connection_id": sso, "assign_membership_on_login": false,
               "show_as_button": true, "is_signup_enabled": false,
               "connection": {"name": "acme-sso", "strategy": "oidc"}})
    );

    let twice = enable(json!({"connection_id": sso})).await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    let unknown = enable(json!({"connection_id": "con_NoSuchThing0000"})).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body["errorCode"], "inexistent_connection");
    let no_org = api
        .post(
            "/organizations/org_NoSuchThing00000/enabled_connections",
            json!({"connection_id": sso}),
        )
        .await;
    assert_eq!(no_org.status, 404);
    assert_eq!(
        api.get("/organizations/org_NoSuchThing00000/enabled_connections")
            .await
            .status,
        404
    );

    // Listed in the order enabled; one by id.
    let listed = api.get(&path).await;
    assert_eq!(listed.body, json!([database.body, enterprise.body]));
    let totals = api
        .get(&format!("{path}?include_totals=true&per_page=1&page=1"))
        .await;
    assert_eq!(
        totals.body,
        json!({"enabled_connections": [enterprise.body], "start": 1, "limit": 1, "total": 2})
    );
    let one = api.get(&format!("{path}/{sso}")).await;
    assert_eq!(one.body, enterprise.body);

    // PATCH: absent flags stay; the result must keep the rules.
    let db_path = format!("{path}/{DATABASE_CONNECTION_ID}");
    assert_400(
        &api.patch(&db_path, json!({"assign_membership_on_login": false}))
            .await,
        "is_signup_enabled requires assign_membership_on_login",
    );
    assert_400(
        &api.patch(&db_path, json!({"show_as_button": false})).await,
        "enterprise",
    );
    let off = api
        .patch(
            &db_path,
            json!({"assign_membership_on_login": false, "is_signup_enabled": false}),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(off.body["assign_membership_on_login"], false);
    assert_eq!(off.body["is_signup_enabled"], false);
    let hidden = api
        .patch(&format!("{path}/{sso}"), json!({"show_as_button": false}))
        .await;
    assert_eq!(hidden.body["show_as_button"], false);
    assert_eq!(api.get(&format!("{path}/{sso}")).await.body, hidden.body);
    assert_400(
        &api.patch(&format!("{path}/{sso}"), json!({"is_signup_enabled": true}))
            .await,
        "database connections only",
    );

    // DELETE: 204, then it is not enabled.
    let removed = api.delete(&format!("{path}/{sso}")).await;
    assert_eq!(removed.status, 204);
    assert_eq!(api.get(&format!("{path}/{sso}")).await.status, 404);
    assert_eq!(api.delete(&format!("{path}/{sso}")).await.status, 404);
    // The connection itself stays.
    assert_eq!(api.get(&format!("/connections/{sso}")).await.status, 200);
}

#[tokio::test]
async fn deleting_an_organization_removes_its_enabled_connections_not_the_connections() {
    let api = Api::new().await;
    let sso = api.oidc("acme-sso").await;
    let created = api
        .post(
            "/organizations",
            json!({"name": "acme", "enabled_connections": [{"connection_id": sso}]}),
        )
        .await;
    let org = created.body["id"].as_str().unwrap();
    assert_eq!(
        api.delete(&format!("/organizations/{org}")).await.status,
        204
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organization_connections")
        .fetch_one(api.provider.db.pool())
        .await
        .unwrap();
    assert_eq!(rows, 0);
    assert_eq!(api.get(&format!("/connections/{sso}")).await.status, 200);
}

#[tokio::test]
async fn an_organization_enables_at_most_10_connections() {
    let api = Api::new().await;
    let org = api.organization("acme").await;
    let path = format!("/organizations/{org}/enabled_connections");
    for n in 0..10 {
        let id = api.oidc(&format!("sso-{n}")).await;
        let enabled = api.post(&path, json!({"connection_id": id})).await;
        assert_eq!(enabled.status, 201, "connection {n}: {}", enabled.body);
    }
    let eleventh = api.oidc("sso-10").await;
    let refused = api.post(&path, json!({"connection_id": eleventh})).await;
    assert_400(&refused, "at most 10 connections");
    let total = api.get(&format!("{path}?include_totals=true")).await;
    assert_eq!(total.body["total"], 10);
}

#[tokio::test]
async fn an_organization_created_with_enabled_connections_gets_all_or_none() {
    let api = Api::new().await;
    let sso = api.oidc("acme-sso").await;
    let created = api
        .post(
            "/organizations",
            json!({"name": "acme", "enabled_connections": [
                {"connection_id": DATABASE_CONNECTION_ID, "assign_membership_on_login": true,
                 "is_signup_enabled": true},
                {"connection_id": sso, "show_as_button": false},
            ]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    // The organization's shape is unchanged: the connections are listed apart.
    assert!(created.body.get("enabled_connections").is_none());
    let org = created.body["id"].as_str().unwrap();
    let listed = api
        .get(&format!("/organizations/{org}/enabled_connections"))
        .await;
    let flags: Vec<(&str, bool, bool, bool)> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["connection"]["name"].as_str().unwrap(),
                e["assign_membership_on_login"].as_bool().unwrap(),
                e["show_as_button"].as_bool().unwrap(),
                e["is_signup_enabled"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            (DATABASE, true, false, true),
            ("acme-sso", false, false, false)
        ]
    );

    // Any refused connection refuses the whole organization.
    let too_many: Vec<Value> = (0..11)
        .map(|n| json!({"connection_id": format!("con_x{n}")}))
        .collect();
    let refusals = [
        (
            json!([{"connection_id": sso}, {"connection_id": DATABASE_CONNECTION_ID,
                                            "is_signup_enabled": true}]),
            400,
        ),
        (
            json!([{"connection_id": sso}, {"connection_id": "con_NoSuchThing0000"}]),
            404,
        ),
        (json!([{"connection_id": sso}, {"connection_id": sso}]), 400),
        (
            json!([{"connection_id": DATABASE_CONNECTION_ID, "show_as_button": true}]),
            400,
        ),
        (json!([{"connection": "acme-sso"}]), 400),
        (Value::Array(too_many), 400),
    ];
    for (n, (enabled, status)) in refusals.into_iter().enumerate() {
        let name = format!("refused-{n}");
        let answer = api
            .post(
                "/organizations",
                json!({"name": name, "enabled_connections": enabled}),
            )
            .await;
        assert_eq!(answer.status, status, "{enabled}: {}", answer.body);
        let lookup = api.get(&format!("/organizations/name/{name}")).await;
        assert_eq!(lookup.status, 404, "{name} was created");
    }
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organization_connections")
        .fetch_one(api.provider.db.pool())
        .await
        .unwrap();
    assert_eq!(rows, 2);
}

// ------------------------------------------------------------------ users --

fn urlencode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn search_path(connection: &str, extra: &str) -> String {
    format!(
        "/users?search_engine=v3&q={}{extra}",
        urlencode(&format!("identities.connection:\"{connection}\""))
    )
}

#[tokio::test]
async fn users_are_created_in_any_database_connection_with_their_identity() {
    let api = Api::new().await;
    api.database("Partners").await;
    api.oidc("acme-sso").await;
    let create = |connection: &str, email: &str| {
        api.post(
            "/users",
            json!({"connection": connection, "email": email, "password": "a long password"}),
        )
    };
    let partner = create("Partners", "p@partner.example").await;
    assert_eq!(partner.status, 201, "{}", partner.body);
    let user_id = partner.body["user_id"].as_str().unwrap();
    assert_eq!(
        partner.body["identities"],
        json!([{"connection": "Partners", "provider": "auth0",
                "user_id": user_id.strip_prefix("auth0|").unwrap(), "isSocial": false}])
    );
    let read = api.get(&format!("/users/{}", urlencode(user_id))).await;
    assert_eq!(read.body["identities"], partner.body["identities"]);

    let staff = create(DATABASE, "s@travel0.example").await;
    assert_eq!(staff.body["identities"][0]["connection"], DATABASE);

    // Enterprise users come from their first sign-in, not from this endpoint.
    assert_eq!(create("acme-sso", "e@acme.example").await.status, 400);
    assert_eq!(
        create("No-Such-Connection", "n@acme.example").await.status,
        400
    );
    // One users table: an email is taken across database connections.
    assert_eq!(create(DATABASE, "P@partner.example").await.status, 409);
}

#[tokio::test]
async fn users_are_found_by_connection_in_auth0s_search_form() {
    let api = Api::new().await;
    api.database("Partners").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let created = api
            .post(
                "/users",
                json!({"connection": "Partners", "email": format!("p{n}@partner.example"),
                       "password": "a long password"}),
            )
            .await;
        ids.push(created.body["user_id"].as_str().unwrap().to_owned());
    }
    api.post(
        "/users",
        json!({"connection": DATABASE, "email": "s@travel0.example", "password": "a long password"}),
    )
    .await;
    ids.sort();

    let found = api.get(&search_path("Partners", "")).await;
    assert_eq!(found.status, 200, "{}", found.body);
    let found_ids: Vec<&str> = found
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(found_ids, ids);

    let page = api
        .get(&search_path(
            "Partners",
            "&page=1&per_page=2&include_totals=true",
        ))
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["start"], 2);
    assert_eq!(page.body["limit"], 2);
    assert_eq!(page.body["length"], 1);
    assert_eq!(page.body["total"], 3);
    assert_eq!(page.body["users"][0]["user_id"], ids[2].as_str());
    // Unquoted works for names without spaces; an unknown connection finds nobody.
    let bare = api
        .get("/users?q=identities.connection%3APartners&include_totals=true")
        .await;
    assert_eq!(bare.body["total"], 3);
    assert_eq!(api.get(&search_path("Nobody", "")).await.body, json!([]));

    // Only that search, only v3, within Auth0's 1000-result window.
    for refused in [
        "/users".to_owned(),
        format!("/users?q={}", urlencode("email:\"p0@partner.example\"")),
        format!(
            "/users?q={}",
            urlencode("identities.connection:\"Partners\" AND name:x")
        ),
    ] {
        assert_400(
            &api.get(&refused).await,
            "not supported by the built-in provider",
        );
    }
    assert_400(
        &api.get(&search_path("Partners", "").replace("v3", "v2"))
            .await,
        "v3",
    );
    assert_eq!(
        api.get(&search_path("Partners", "&page=10&per_page=100"))
            .await
            .status,
        400
    );
    assert_eq!(
        api.get(&search_path("Partners", "&page=9&per_page=100"))
            .await
            .status,
        200
    );
}

// ------------------------------------------------------------ invitations --

#[tokio::test]
async fn an_invitation_names_a_connection_the_organization_enables() {
    let (provider, _, org, _) = super::invitations::setup().await;
    let token = provider.token(SCOPES).await;
    let api = Api { provider, token };
    let sso = api.oidc("acme-sso").await;
    let invitations = format!("/organizations/{org}/invitations");
    let invite = |connection_id: &str| {
        let mut body = super::invitations::body_for("new@acme.example");
        body["connection_id"] = connection_id.into();
        api.post(&invitations, body)
    };
    assert_400(&invite(&sso).await, "not enabled for this organization");
    assert_400(&invite("con_NoSuchThing0000").await, "does not exist");
    let enabled = api
        .post(
            &format!("/organizations/{org}/enabled_connections"),
            json!({"connection_id": sso}),
        )
        .await;
    assert_eq!(enabled.status, 201);
    let invited = invite(&sso).await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    assert_eq!(invited.body["connection_id"], sso.as_str());
}

#[tokio::test]
async fn the_invitation_email_carries_the_organizations_branding() {
    let (provider, _, org, _) = super::invitations::setup().await;
    let token = provider
        .token(&["update:organizations", "create:organization_invitations"])
        .await;
    let branded = provider
        .api(
            "PATCH",
            &format!("/organizations/{org}"),
            Some(&token),
            Some(
                json!({"branding": {"logo_url": "https://adventurez.example/logo.svg",
                                     "colors": {"primary": "#0B5CAB"}}}),
            ),
        )
        .await;
    assert_eq!(branded.status, 200, "{}", branded.body);
    // The provider checks branding as the console does (orgdesk_brand).
    for bad in [
        json!({"logo_url": "http://adventurez.example/logo.svg"}),
        json!({"logo_url": "javascript:alert(1)"}),
        json!({"colors": {"primary": "#0b5cab;x:y"}}),
    ] {
        let refused = provider
            .api(
                "PATCH",
                &format!("/organizations/{org}"),
                Some(&token),
                Some(json!({ "branding": bad })),
            )
            .await;
        assert_eq!(refused.status, 400, "{bad}");
        assert_eq!(refused.body["errorCode"], "invalid_body");
        assert!(
            refused.body["message"]
                .as_str()
                .unwrap()
                .contains("branding.")
        );
    }
    let invited = super::invitations::invite(
        &provider,
        &token,
        &org,
        super::invitations::body_for("new@adventurez.example"),
    )
    .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    let html: String = sqlx::query_scalar("SELECT html_body FROM outbox")
        .fetch_one(provider.db.pool())
        .await
        .unwrap();
    assert!(
        html.contains("src=\"https://adventurez.example/logo.svg\""),
        "{html}"
    );
    assert!(html.contains("background:#0b5cab"), "{html}");
    // The organization's display name is escaped in the logo's alt text.
    assert!(html.contains("alt=\"AdventureZ &lt;Tours&gt;\""), "{html}");
}
