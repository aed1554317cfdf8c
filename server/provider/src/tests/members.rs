//! `/api/v2/organizations/{id}/members` and members' roles: adding and
//! removing in Auth0's batches, the three list forms, the 50-role limit.

use serde_json::{Value, json};

use super::TestProvider;
use crate::{
    ids,
    store::{
        organizations::{self, Organization},
        users,
    },
};

const MEMBER_SCOPES: &[&str] = &[
    "read:organization_members",
    "create:organization_members",
    "delete:organization_members",
    "read:organization_member_roles",
    "create:organization_member_roles",
    "delete:organization_member_roles",
];

async fn organization(provider: &TestProvider, name: &str) -> String {
    let org = Organization {
        id: ids::organization_id(),
        name: name.into(),
        display_name: None,
        branding: None,
        metadata: Default::default(),
    };
    organizations::insert(&provider.db, &org).await.unwrap();
    org.id
}

/// Users `person-1@x.example`… and their ids, in creation order.
async fn people(provider: &TestProvider, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 1..=count {
        let email = format!("person-{n}@x.example");
        ids.push(
            users::upsert(&provider.db, &email, &format!("Person {n}"), true, None)
                .await
                .unwrap(),
        );
    }
    ids
}

async fn role(provider: &TestProvider, name: &str) -> String {
    users::ensure_role(&provider.db, name, "").await.unwrap()
}

fn enc(user_id: &str) -> String {
    user_id.replace('|', "%7C")
}

fn user_ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap().to_owned())
        .collect()
}

fn role_names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn members_are_added_and_removed_at_most_ten_at_a_time() {
    let provider = TestProvider::new().await;
    let token = provider.token(MEMBER_SCOPES).await;
    let org = organization(&provider, "adventurez").await;
    let people = people(&provider, 11).await;
    let path = format!("/organizations/{org}/members");
    let send = |method: &'static str, members: &[String]| {
        provider.api(
            method,
            &path,
            Some(&token),
            Some(json!({ "members": members })),
        )
    };

    let eleven = send("POST", &people).await;
    assert_eq!(eleven.status, 400);
    assert_eq!(eleven.body["errorCode"], "invalid_body");
    assert!(
        eleven.body["message"]
            .as_str()
            .unwrap()
            .contains("maximum 10"),
        "{}",
        eleven.body
    );
    assert_eq!(send("POST", &people[..10]).await.status, 204);
    assert_eq!(
        send("POST", &people[..3]).await.status,
        204,
        "adding members again is harmless"
    );

    let list = provider.api("GET", &path, Some(&token), None).await;
    assert_eq!(list.status, 200);
    let mut expected = people[..10].to_vec();
    expected.sort();
    assert_eq!(user_ids(&list.body), expected, "a bare array, by user id");
    let first = &list.body[0];
    let n: usize = first["name"]
        .as_str()
        .unwrap()
        .trim_start_matches("Person ")
        .parse()
        .unwrap();
    assert_eq!(
        first,
        &json!({"user_id": people[n - 1], "email": format!("person-{n}@x.example"), "name": format!("Person {n}")}),
        "Auth0's member shape, without roles unless asked"
    );

    assert_eq!(send("DELETE", &people[..2]).await.status, 204);
    assert_eq!(
        send("DELETE", &people[10..]).await.status,
        204,
        "removing a non-member is harmless"
    );
    let after = provider.api("GET", &path, Some(&token), None).await;
    assert_eq!(after.body.as_array().unwrap().len(), 8);
    assert_eq!(
        send("DELETE", &people).await.status,
        400,
        "eleven is too many to remove too"
    );
}

#[tokio::test]
async fn unknown_users_or_organizations_are_refused_and_nothing_is_written() {
    let provider = TestProvider::new().await;
    let token = provider.token(MEMBER_SCOPES).await;
    let org = organization(&provider, "adventurez").await;
    let people = people(&provider, 2).await;
    let path = format!("/organizations/{org}/members");
    let post = async |path: String, body: Value| {
        provider.api("POST", &path, Some(&token), Some(body)).await
    };

    let ghost = post(
        path.clone(),
        json!({"members": [people[0], "auth0|nobody"]}),
    )
    .await;
    assert_eq!(ghost.status, 400);
    assert_eq!(ghost.body["errorCode"], "invalid_body");
    assert!(
        ghost.body["message"]
            .as_str()
            .unwrap()
            .contains("auth0|nobody")
    );
    for body in [
        json!({"members": []}),
        json!({"members": [""]}),
        json!({"users": []}),
        json!([]),
    ] {
        assert_eq!(post(path.clone(), body.clone()).await.status, 400, "{body}");
    }
    let elsewhere = post(
        "/organizations/org_doesnotexist0000/members".into(),
        json!({"members": [people[0]]}),
    )
    .await;
    assert_eq!(elsewhere.status, 404);
    assert_eq!(elsewhere.body["errorCode"], "inexistent_organization");
    let list = provider.api("GET", &path, Some(&token), None).await;
    assert_eq!(
        list.body,
        json!([]),
        "no refused request made anyone a member"
    );
    assert_eq!(
        provider
            .api(
                "GET",
                "/organizations/org_doesnotexist0000/members",
                Some(&token),
                None
            )
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn members_come_in_auth0s_three_list_forms() {
    let provider = TestProvider::new().await;
    let token = provider.token(MEMBER_SCOPES).await;
    let org = organization(&provider, "adventurez").await;
    let mut people = people(&provider, 25).await;
    for batch in people.chunks(10) {
        crate::store::members::add(&provider.db, &org, batch)
            .await
            .unwrap();
    }
    people.sort();
    let get = async |query: String| {
        provider
            .api(
                "GET",
                &format!("/organizations/{org}/members{query}"),
                Some(&token),
                None,
            )
            .await
    };

    assert_eq!(
        user_ids(&get(String::new()).await.body),
        people,
        "bare: the first 50"
    );
    let offset = get("?page=1&per_page=10&include_totals=true".into())
        .await
        .body;
    assert_eq!(user_ids(&offset["members"]), people[10..20]);
    assert_eq!(
        (
            offset["start"].as_u64(),
            offset["limit"].as_u64(),
            offset["total"].as_u64()
        ),
        (Some(10), Some(10), Some(25))
    );
    assert_eq!(
        user_ids(&get("?page=2&per_page=10".into()).await.body),
        people[20..]
    );

    let mut seen = Vec::new();
    let mut from = String::new();
    let mut pages = 0;
    loop {
        let page = get(format!("?take=10&from={from}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        seen.extend(user_ids(&page.body["members"]));
        pages += 1;
        match page.body["next"].as_str() {
            Some(next) => {
                assert!(!next.contains("auth0"), "checkpoints are opaque");
                from = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(
        (pages, seen),
        (3, people),
        "checkpoints walk every member once"
    );
    assert_eq!(
        get("?page=10&per_page=100".into()).await.status,
        400,
        "offsets stop at 1000"
    );
}

#[tokio::test]
async fn asking_for_roles_lists_each_members_roles_and_needs_the_member_roles_scope() {
    let provider = TestProvider::new().await;
    let org = organization(&provider, "adventurez").await;
    let people = people(&provider, 2).await;
    let admin = role(&provider, "Org Admin").await;
    crate::store::members::add(&provider.db, &org, &people)
        .await
        .unwrap();
    crate::store::members::assign_roles(
        &provider.db,
        &org,
        &people[0],
        std::slice::from_ref(&admin),
    )
    .await
    .unwrap();
    let path = format!(
        "/organizations/{org}/members?fields=user_id,email,name,roles&include_fields=true&take=10"
    );

    let members_only = provider.token(&["read:organization_members"]).await;
    let refused = provider.api("GET", &path, Some(&members_only), None).await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("read:organization_member_roles")
    );

    let both = provider
        .token(&[
            "read:organization_members",
            "read:organization_member_roles",
        ])
        .await;
    let listed = provider.api("GET", &path, Some(&both), None).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    for member in listed.body["members"].as_array().unwrap() {
        let expected = if member["user_id"] == people[0].as_str() {
            json!([{"id": admin, "name": "Org Admin"}])
        } else {
            json!([])
        };
        assert_eq!(member["roles"], expected, "{member}");
        assert!(member["email"].is_string());
    }
    let bare = provider
        .api(
            "GET",
            &format!("/organizations/{org}/members"),
            Some(&members_only),
            None,
        )
        .await;
    assert!(
        bare.body[0].get("roles").is_none(),
        "roles only when asked for"
    );
}

#[tokio::test]
async fn member_roles_are_assigned_listed_and_removed() {
    let provider = TestProvider::new().await;
    let token = provider.token(MEMBER_SCOPES).await;
    let org = organization(&provider, "adventurez").await;
    let people = people(&provider, 2).await;
    crate::store::members::add(&provider.db, &org, &people[..1])
        .await
        .unwrap();
    let (admin, member) = (
        role(&provider, "Org Admin").await,
        role(&provider, "Org Member").await,
    );
    let path = format!("/organizations/{org}/members/{}/roles", enc(&people[0]));
    let send = async |method: &'static str, path: String, roles: Value| {
        provider
            .api(method, &path, Some(&token), Some(json!({ "roles": roles })))
            .await
    };

    assert_eq!(
        send("POST", path.clone(), json!([member, admin]))
            .await
            .status,
        204
    );
    assert_eq!(
        send("POST", path.clone(), json!([admin])).await.status,
        204,
        "idempotent"
    );
    let listed = provider.api("GET", &path, Some(&token), None).await;
    assert_eq!(role_names(&listed.body), ["Org Admin", "Org Member"]);
    let paged = provider
        .api(
            "GET",
            &format!("{path}?per_page=1&page=1&include_totals=true"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(role_names(&paged.body["roles"]), ["Org Member"]);
    assert_eq!(paged.body["total"], 2);

    let unknown = send("POST", path.clone(), json!([member, "rol_nothing"])).await;
    assert_eq!(unknown.status, 400);
    assert!(
        unknown.body["message"]
            .as_str()
            .unwrap()
            .contains("rol_nothing")
    );
    let outsider = format!("/organizations/{org}/members/{}/roles", enc(&people[1]));
    let not_member = send("POST", outsider.clone(), json!([admin])).await;
    assert_eq!(not_member.status, 404);
    assert_eq!(not_member.body["errorCode"], "inexistent_member");
    assert_eq!(
        provider
            .api("GET", &outsider, Some(&token), None)
            .await
            .status,
        404
    );
    let no_org = format!(
        "/organizations/org_doesnotexist0000/members/{}/roles",
        enc(&people[0])
    );
    assert_eq!(send("POST", no_org, json!([admin])).await.status, 404);
    assert_eq!(send("POST", path.clone(), json!([])).await.status, 400);

    assert_eq!(
        send("DELETE", path.clone(), json!([admin])).await.status,
        204
    );
    assert_eq!(
        send("DELETE", path.clone(), json!([admin])).await.status,
        204,
        "not held: harmless"
    );
    let left = provider.api("GET", &path, Some(&token), None).await;
    assert_eq!(role_names(&left.body), ["Org Member"]);
    assert_eq!(send("DELETE", outsider, json!([admin])).await.status, 404);
}

#[tokio::test]
async fn removing_a_member_removes_their_roles_in_that_organization_only() {
    let provider = TestProvider::new().await;
    let token = provider.token(MEMBER_SCOPES).await;
    let (a, b) = (
        organization(&provider, "org-a").await,
        organization(&provider, "org-b").await,
    );
    let people = people(&provider, 1).await;
    let admin = role(&provider, "Org Admin").await;
    for org in [&a, &b] {
        crate::store::members::add(&provider.db, org, &people)
            .await
            .unwrap();
        crate::store::members::assign_roles(
            &provider.db,
            org,
            &people[0],
            std::slice::from_ref(&admin),
        )
        .await
        .unwrap();
    }
    let removed = provider
        .api(
            "DELETE",
            &format!("/organizations/{a}/members"),
            Some(&token),
            Some(json!({"members": people})),
        )
        .await;
    assert_eq!(removed.status, 204);
    crate::store::members::add(&provider.db, &a, &people)
        .await
        .unwrap();
    let roles = async |org: String| {
        provider
            .api(
                "GET",
                &format!("/organizations/{org}/members/{}/roles", enc(&people[0])),
                Some(&token),
                None,
            )
            .await
    };
    assert_eq!(
        roles(a.clone()).await.body,
        json!([]),
        "a returning member starts without roles"
    );
    assert_eq!(
        role_names(&roles(b.clone()).await.body),
        ["Org Admin"],
        "other organizations keep theirs"
    );
}

#[tokio::test]
async fn a_member_holds_at_most_fifty_roles_and_a_refused_request_writes_nothing() {
    let provider = TestProvider::new().await;
    let token = provider.token(MEMBER_SCOPES).await;
    let org = organization(&provider, "adventurez").await;
    let people = people(&provider, 1).await;
    crate::store::members::add(&provider.db, &org, &people)
        .await
        .unwrap();
    let mut roles = Vec::new();
    for n in 0..55 {
        roles.push(role(&provider, &format!("Role {n:02}")).await);
    }
    let path = format!("/organizations/{org}/members/{}/roles", enc(&people[0]));
    let post =
        |ids: &[String]| provider.api("POST", &path, Some(&token), Some(json!({ "roles": ids })));
    let held = || async {
        provider
            .api(
                "GET",
                &format!("{path}?include_totals=true&per_page=1"),
                Some(&token),
                None,
            )
            .await
            .body["total"]
            .as_u64()
            .unwrap()
    };

    assert_eq!(post(&roles[..45]).await.status, 204);
    // Two requests at once, each within the limit alone but not together.
    let (first, second) = tokio::join!(post(&roles[45..50]), post(&roles[50..55]));
    let mut statuses = [first.status.as_u16(), second.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [204, 400], "one fits, the other would pass fifty");
    assert_eq!(held().await, 50);
    let not_held = if first.status == 204 {
        &roles[50]
    } else {
        &roles[45]
    };
    let over = post(std::slice::from_ref(not_held)).await;
    assert_eq!(over.status, 400);
    assert_eq!(over.body["errorCode"], "too_many_entities");
    assert_eq!(
        post(&roles[..1]).await.status,
        204,
        "a role already held adds nothing"
    );
    let fifty_one = post(&roles[..51]).await;
    assert_eq!(fifty_one.status, 400);
    assert_eq!(
        fifty_one.body["errorCode"], "invalid_body",
        "an array past fifty is refused outright"
    );
    assert_eq!(held().await, 50, "nothing was written");
}
