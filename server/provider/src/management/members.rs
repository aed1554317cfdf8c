//! `/api/v2/organizations/{id}/members` and a member's roles. Each handler
//! names the scope it needs and checks it first.
//!
//! Missing things named in the path answer 404; ids in the body that name no
//! user or role answer 400 `invalid_body`, and nothing is written.

use std::collections::BTreeSet;

use axum::{
    Json,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{
    Caller,
    input::{body, invalid_body, invalid_query, param, query},
    paging::{Offset, Paging, checkpoint_body, offset_body},
    scopes,
};
use crate::{
    ProviderState,
    error::ApiError,
    store::{
        members::{self as store, MAX_ROLES_PER_MEMBER, Member, MembersRefused, RolesRefused},
        organizations, users,
    },
};

/// Auth0's limit on the user ids one add or remove may carry.
pub const MAX_MEMBERS_PER_REQUEST: usize = 10;

/// The fields of a listed member; `roles` only when asked for.
const MEMBER_FIELDS: &[&str] = &["user_id", "email", "picture", "name", "roles"];

fn no_organization() -> ApiError {
    ApiError::not_found(
        "inexistent_organization",
        "No organization found by that id or name",
    )
}

fn not_a_member() -> ApiError {
    ApiError::not_found(
        "inexistent_member",
        "The user is not a member of the organization.",
    )
}

/// `{"members": [user ids]}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MembersBody {
    members: Vec<String>,
}

/// `{"roles": [role ids]}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesBody {
    roles: Vec<String>,
}

/// The distinct, non-empty ids of a body array of `min..=max` items.
fn ids(property: &str, list: Vec<String>, max: usize) -> Result<Vec<String>, ApiError> {
    if list.is_empty() {
        return Err(invalid_body(format!(
            "'Array is too short (0), minimum 1' on property {property}"
        )));
    }
    if list.len() > max {
        return Err(invalid_body(format!(
            "'Array is too long ({}), maximum {max}' on property {property}",
            list.len()
        )));
    }
    if list.iter().any(|id| id.trim().is_empty()) {
        return Err(invalid_body(format!(
            "'String is too short (0 chars), minimum 1' on property {property}"
        )));
    }
    let distinct: BTreeSet<String> = list.into_iter().collect();
    Ok(distinct.into_iter().collect())
}

/// Which member fields a list shows: Auth0's `fields` (comma-separated) and
/// `include_fields` (default true). With no `fields`, all but `roles`.
fn shown_fields(query: &[(String, String)]) -> Result<Vec<&'static str>, ApiError> {
    let include = match param(query, "include_fields") {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => return Err(invalid_query("include_fields must be true or false")),
    };
    let asked: Option<Vec<&str>> =
        param(query, "fields")
            .filter(|f| !f.trim().is_empty())
            .map(|f| {
                f.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect()
            });
    if let Some(unknown) = asked.iter().flatten().find(|f| !MEMBER_FIELDS.contains(f)) {
        return Err(invalid_query(format!(
            "fields: {unknown:?} is not a member field (user_id, email, picture, name, roles)"
        )));
    }
    Ok(MEMBER_FIELDS
        .iter()
        .copied()
        .filter(|field| match &asked {
            None => *field != "roles",
            Some(asked) if include => asked.contains(field),
            Some(asked) => *field != "roles" && !asked.contains(field),
        })
        .collect())
}

/// The members in Auth0's shape, with only the fields shown (the provider
/// keeps no pictures, so `picture` never appears).
async fn members_json(
    state: &ProviderState,
    org_id: &str,
    members: Vec<Member>,
    fields: &[&str],
) -> Result<Vec<Value>, ApiError> {
    let mut roles = if fields.contains(&"roles") {
        let ids: Vec<String> = members.iter().map(|m| m.user_id.clone()).collect();
        store::roles_of(&state.db, org_id, &ids).await?
    } else {
        Default::default()
    };
    Ok(members
        .into_iter()
        .map(|member| {
            let mut object = Map::new();
            if fields.contains(&"user_id") {
                object.insert("user_id".into(), member.user_id.clone().into());
            }
            if fields.contains(&"email") && !member.email.is_empty() {
                object.insert("email".into(), member.email.into());
            }
            if fields.contains(&"name") {
                object.insert("name".into(), member.name.into());
            }
            if fields.contains(&"roles") {
                let held: Vec<Value> = roles
                    .remove(&member.user_id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| json!({"id": r.id, "name": r.name}))
                    .collect();
                object.insert("roles".into(), held.into());
            }
            Value::Object(object)
        })
        .collect())
}

/// `GET /organizations/{id}/members` in Auth0's three list forms, by user id.
/// Requires `read:organization_members`, and `read:organization_member_roles`
/// too when `fields` asks for roles.
pub(crate) async fn list(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(org_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_ORGANIZATION_MEMBERS)?;
    let query = query(raw)?;
    let fields = shown_fields(&query)?;
    if fields.contains(&"roles") {
        caller.require(scopes::READ_ORGANIZATION_MEMBER_ROLES)?;
    }
    let paging = Paging::from_query(&query)?;
    if organizations::by_id(&state.db, &org_id).await?.is_none() {
        return Err(no_organization());
    }
    let body = match paging {
        Paging::Checkpoint { after, take } => {
            let mut page =
                store::page_after(&state.db, &org_id, after.as_deref(), take + 1).await?;
            let more = page.len() > take as usize;
            page.truncate(take as usize);
            let next = more
                .then(|| page.last().map(|m| m.user_id.clone()))
                .flatten();
            let items = members_json(&state, &org_id, page, &fields).await?;
            checkpoint_body("members", items, next.as_deref())
        }
        Paging::Offset {
            page,
            per_page,
            include_totals,
            ..
        } => {
            let offset = u64::from(page) * u64::from(per_page);
            let members = store::page_at(&state.db, &org_id, offset, per_page).await?;
            let total = if include_totals {
                Some(store::count(&state.db, &org_id).await?)
            } else {
                None
            };
            let items = members_json(&state, &org_id, members, &fields).await?;
            offset_body("members", items, page, per_page, total)
        }
    };
    Ok(Json(body))
}

/// `POST /organizations/{id}/members` `{"members": [user ids]}`: at most ten
/// existing users; those already members stay as they are.
/// Requires `create:organization_members`.
pub(crate) async fn add(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(org_id): Path<String>,
    bytes: Bytes,
) -> Result<StatusCode, ApiError> {
    caller.require(scopes::CREATE_ORGANIZATION_MEMBERS)?;
    let input: MembersBody = body(&bytes)?;
    let user_ids = ids("members", input.members, MAX_MEMBERS_PER_REQUEST)?;
    store::add(&state.db, &org_id, &user_ids)
        .await?
        .map_err(members_refused)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /organizations/{id}/members` `{"members": [user ids]}`: at most
/// ten; their roles in the organization go with them, and users who are not
/// members are left alone. Requires `delete:organization_members`.
pub(crate) async fn remove(
    caller: Caller,
    State(state): State<ProviderState>,
    Path(org_id): Path<String>,
    bytes: Bytes,
) -> Result<StatusCode, ApiError> {
    caller.require(scopes::DELETE_ORGANIZATION_MEMBERS)?;
    let input: MembersBody = body(&bytes)?;
    let user_ids = ids("members", input.members, MAX_MEMBERS_PER_REQUEST)?;
    store::remove(&state.db, &org_id, &user_ids)
        .await?
        .map_err(members_refused)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /organizations/{id}/members/{user_id}/roles`, by name, with offset
/// paging. Requires `read:organization_member_roles`.
pub(crate) async fn roles(
    caller: Caller,
    State(state): State<ProviderState>,
    Path((org_id, user_id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    caller.require(scopes::READ_ORGANIZATION_MEMBER_ROLES)?;
    let paging = Offset::from_query(&query(raw)?)?;
    if !users::is_member(&state.db, &org_id, &user_id).await? {
        return Err(not_a_member());
    }
    let items = store::member_roles_page(
        &state.db,
        &org_id,
        &user_id,
        paging.offset(),
        paging.per_page,
    )
    .await?;
    let total = if paging.include_totals {
        Some(store::member_roles_count(&state.db, &org_id, &user_id).await?)
    } else {
        None
    };
    Ok(Json(paging.body("roles", items, total)))
}

/// The answer to a refused add or remove of members.
fn members_refused(why: MembersRefused) -> ApiError {
    match why {
        MembersRefused::NoOrganization => no_organization(),
        MembersRefused::UnknownUsers(ids) => {
            invalid_body(format!("no user has the id(s) {}", ids.join(", ")))
        }
    }
}

/// The answer to a refused change of a member's roles.
fn refused(why: RolesRefused) -> ApiError {
    match why {
        RolesRefused::NoOrganization => no_organization(),
        RolesRefused::NotAMember => not_a_member(),
        RolesRefused::UnknownRoles(ids) => {
            invalid_body(format!("no role has the id(s) {}", ids.join(", ")))
        }
        RolesRefused::OverLimit(held) => ApiError::bad_request(
            "too_many_entities",
            format!(
                "A member can hold at most {MAX_ROLES_PER_MEMBER} roles in an organization; \
                 this would give them {held}."
            ),
        ),
    }
}

/// `POST /organizations/{id}/members/{user_id}/roles` `{"roles": [role ids]}`:
/// refused, with nothing written, if a role does not exist or the member would
/// then hold more than Auth0's 50 roles. Requires `create:organization_member_roles`.
pub(crate) async fn assign_roles(
    caller: Caller,
    State(state): State<ProviderState>,
    Path((org_id, user_id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<StatusCode, ApiError> {
    caller.require(scopes::CREATE_ORGANIZATION_MEMBER_ROLES)?;
    let input: RolesBody = body(&bytes)?;
    let role_ids = ids("roles", input.roles, MAX_ROLES_PER_MEMBER as usize)?;
    store::assign_roles(&state.db, &org_id, &user_id, &role_ids)
        .await?
        .map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /organizations/{id}/members/{user_id}/roles` `{"roles": [role ids]}`:
/// roles the member does not hold are ignored; an unknown role refuses the
/// whole request. Requires `delete:organization_member_roles`.
pub(crate) async fn remove_roles(
    caller: Caller,
    State(state): State<ProviderState>,
    Path((org_id, user_id)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<StatusCode, ApiError> {
    caller.require(scopes::DELETE_ORGANIZATION_MEMBER_ROLES)?;
    let input: RolesBody = body(&bytes)?;
    let role_ids = ids("roles", input.roles, MAX_ROLES_PER_MEMBER as usize)?;
    store::remove_roles(&state.db, &org_id, &user_id, &role_ids)
        .await?
        .map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(query: &str) -> Result<Vec<&'static str>, u16> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
        shown_fields(&pairs).map_err(|e| e.status().as_u16())
    }

    #[test]
    fn fields_choose_what_a_member_shows_and_roles_only_on_request() {
        let all = vec!["user_id", "email", "picture", "name"];
        assert_eq!(shown(""), Ok(all.clone()));
        assert_eq!(shown("fields=roles"), Ok(vec!["roles"]));
        assert_eq!(
            shown("fields=user_id,email,name,roles&include_fields=true"),
            Ok(vec!["user_id", "email", "name", "roles"])
        );
        assert_eq!(
            shown("fields=email&include_fields=false"),
            Ok(vec!["user_id", "picture", "name"])
        );
        assert_eq!(shown("fields=password_hash"), Err(400));
        assert_eq!(shown("include_fields=maybe"), Err(400));
    }

    #[test]
    fn body_arrays_hold_one_to_the_maximum_distinct_ids() {
        let list = |n: usize| (0..n).map(|i| format!("auth0|{i}")).collect::<Vec<_>>();
        assert_eq!(ids("members", list(10), 10).unwrap().len(), 10);
        assert_eq!(
            ids("members", vec!["a".into(), "a".into()], 10).unwrap(),
            vec!["a".to_string()]
        );
        for bad in [list(0), list(11), vec![" ".into()]] {
            assert_eq!(ids("members", bad, 10).unwrap_err().status(), 400);
        }
    }
}
