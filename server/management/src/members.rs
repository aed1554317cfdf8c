//! Users, roles and organization members: the calls the console makes.
//!
//! Lists Auth0 pages by offset are read to the end here (`include_totals`
//! pages of 100); the members list, which can be long, is read one checkpoint
//! page at a time by the caller. Adding and removing members is split into
//! Auth0's batches of ten.

use orgdesk_config::Secret;
use reqwest::Method;
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Map, Value, json};

use crate::{ManagementClient, ManagementError, Role, organizations::parse};

/// The name of a tenant's default database connection in Auth0.
pub const DATABASE_CONNECTION: &str = "Username-Password-Authentication";
/// Auth0 takes at most ten user ids per add or remove of members.
pub const MEMBERS_PER_REQUEST: usize = 10;
/// The page size used to read offset-paged lists to the end.
const PAGE_SIZE: u32 = 100;
/// Auth0's offset paging reaches this many records at most.
const OFFSET_RECORDS_MAX: u32 = 1_000;

/// A user as the Management API returns them.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct User {
    pub user_id: String,
    /// Empty when the user has no address (Auth0 omits it then; so does the
    /// built-in provider for an enterprise identity outside its connection's
    /// domains).
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub email_verified: bool,
    pub name: String,
    #[serde(default)]
    pub app_metadata: Map<String, Value>,
    #[serde(default)]
    pub user_metadata: Map<String, Value>,
    /// ISO 8601, as Auth0 writes it.
    #[serde(default)]
    pub created_at: Option<String>,
    /// The connections the user signs in through.
    #[serde(default)]
    pub identities: Vec<Identity>,
    /// Blocked from signing in (Auth0 leaves it out unless set).
    #[serde(default)]
    pub blocked: bool,
}

/// One of a user's identities: a connection they sign in through.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Identity {
    pub connection: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub user_id: String,
    #[serde(default, rename = "isSocial")]
    pub is_social: bool,
}

/// A member of an organization; `roles` only when the list asked for them.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Member {
    pub user_id: String,
    /// Empty when the member has no address.
    #[serde(default)]
    pub email: String,
    pub name: String,
    #[serde(default)]
    pub picture: Option<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
}

/// A checkpoint page of members; `next` goes in the next call's `from`.
#[derive(Clone, Debug, Deserialize)]
pub struct MemberPage {
    pub members: Vec<Member>,
    #[serde(default)]
    pub next: Option<String>,
}

/// The body of a user creation. The password is written only into the
/// request body; `Debug` shows it as `***`.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password: Option<Secret>,
    pub email_verified: bool,
    /// A database connection's name, such as [`DATABASE_CONNECTION`].
    pub connection: String,
}

impl NewUser {
    /// A user of the default database connection, email unverified.
    pub fn database(email: impl Into<String>, name: impl Into<String>, password: Secret) -> Self {
        Self {
            email: email.into(),
            name: name.into(),
            password: Some(password),
            email_verified: false,
            connection: DATABASE_CONNECTION.into(),
        }
    }

    fn body(&self) -> Value {
        let mut body = json!({
            "connection": self.connection,
            "email": self.email,
            "name": self.name,
            "email_verified": self.email_verified,
        });
        if let Some(password) = &self.password {
            body["password"] = password.expose().into();
        }
        body
    }
}

impl ManagementClient {
    /// Every item of an offset-paged list, read in pages of 100 with
    /// `include_totals` until the total (or Auth0's 1000-record reach).
    pub(crate) async fn every_page<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        field: &str,
        params: &[(&str, &str)],
    ) -> Result<Vec<T>, ManagementError> {
        let mut items = Vec::new();
        for page in 0..OFFSET_RECORDS_MAX / PAGE_SIZE {
            let mut url = self.url(segments);
            url.query_pairs_mut()
                .extend_pairs(params)
                .append_pair("page", &page.to_string())
                .append_pair("per_page", &PAGE_SIZE.to_string())
                .append_pair("include_totals", "true");
            let mut body: Value = parse(&self.call(Method::GET, url, None).await?)?;
            let total = body.get("total").and_then(Value::as_u64);
            let batch: Vec<T> = serde_json::from_value(body[field].take()).map_err(|e| {
                ManagementError::Unexpected {
                    status: 200,
                    message: format!("unreadable answer: {e}"),
                }
            })?;
            let full = batch.len() == PAGE_SIZE as usize;
            items.extend(batch);
            let done = match total {
                Some(total) => items.len() as u64 >= total,
                None => !full,
            };
            if done || !full {
                break;
            }
        }
        Ok(items)
    }

    /// The users with this email, in any case (`read:users`).
    pub async fn users_by_email(&self, email: &str) -> Result<Vec<User>, ManagementError> {
        let mut url = self.url(&["users-by-email"]);
        url.query_pairs_mut().append_pair("email", email);
        parse(&self.call(Method::GET, url, None).await?)
    }

    /// One user (`read:users`).
    pub async fn user(&self, user_id: &str) -> Result<User, ManagementError> {
        parse(
            &self
                .call(Method::GET, self.url(&["users", user_id]), None)
                .await?,
        )
    }

    /// Creates a user (`create:users`); a taken email is a `Conflict`.
    pub async fn create_user(&self, new: &NewUser) -> Result<User, ManagementError> {
        parse(
            &self
                .call(Method::POST, self.url(&["users"]), Some(&new.body()))
                .await?,
        )
    }

    /// Deletes a user with their memberships and roles (`delete:users`).
    pub async fn delete_user(&self, user_id: &str) -> Result<(), ManagementError> {
        self.call(Method::DELETE, self.url(&["users", user_id]), None)
            .await?;
        Ok(())
    }

    /// Every role of the tenant, by name (`read:roles`).
    pub async fn roles(&self) -> Result<Vec<Role>, ManagementError> {
        self.every_page(&["roles"], "roles", &[]).await
    }

    /// Creates a role (`create:roles`); a taken name is a `Conflict`.
    pub async fn create_role(
        &self,
        name: &str,
        description: &str,
    ) -> Result<Role, ManagementError> {
        let body = json!({ "name": name, "description": description });
        parse(
            &self
                .call(Method::POST, self.url(&["roles"]), Some(&body))
                .await?,
        )
    }

    /// One checkpoint page of an organization's members
    /// (`read:organization_members`; with their roles, also
    /// `read:organization_member_roles`). `from` is the previous page's `next`.
    pub async fn members_page(
        &self,
        org_id: &str,
        from: Option<&str>,
        take: u32,
        with_roles: bool,
    ) -> Result<MemberPage, ManagementError> {
        let mut url = self.url(&["organizations", org_id, "members"]);
        url.query_pairs_mut().append_pair("take", &take.to_string());
        if let Some(from) = from {
            url.query_pairs_mut().append_pair("from", from);
        }
        if with_roles {
            url.query_pairs_mut()
                .append_pair("fields", "user_id,email,name,picture,roles")
                .append_pair("include_fields", "true");
        }
        parse(&self.call(Method::GET, url, None).await?)
    }

    /// Makes existing users members (`create:organization_members`), ten per
    /// request as Auth0 requires, one request after another. If one fails,
    /// the batches before it stay added; adding them again is harmless.
    pub async fn add_members(
        &self,
        org_id: &str,
        user_ids: &[String],
    ) -> Result<(), ManagementError> {
        self.members_in_batches(Method::POST, org_id, user_ids)
            .await
    }

    /// Ends memberships, with the members' roles in the organization
    /// (`delete:organization_members`), ten per request.
    pub async fn remove_members(
        &self,
        org_id: &str,
        user_ids: &[String],
    ) -> Result<(), ManagementError> {
        self.members_in_batches(Method::DELETE, org_id, user_ids)
            .await
    }

    async fn members_in_batches(
        &self,
        method: Method,
        org_id: &str,
        user_ids: &[String],
    ) -> Result<(), ManagementError> {
        for batch in user_ids.chunks(MEMBERS_PER_REQUEST) {
            let body = json!({ "members": batch });
            self.call(
                method.clone(),
                self.url(&["organizations", org_id, "members"]),
                Some(&body),
            )
            .await?;
        }
        Ok(())
    }

    /// Gives a member roles in the organization
    /// (`create:organization_member_roles`); refused if they would hold more
    /// than 50 there.
    pub async fn assign_member_roles(
        &self,
        org_id: &str,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), ManagementError> {
        self.member_roles_call(Method::POST, org_id, user_id, role_ids)
            .await
    }

    /// Takes roles from a member in the organization
    /// (`delete:organization_member_roles`).
    pub async fn remove_member_roles(
        &self,
        org_id: &str,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), ManagementError> {
        self.member_roles_call(Method::DELETE, org_id, user_id, role_ids)
            .await
    }

    async fn member_roles_call(
        &self,
        method: Method,
        org_id: &str,
        user_id: &str,
        role_ids: &[String],
    ) -> Result<(), ManagementError> {
        if role_ids.is_empty() {
            return Ok(()); // Auth0 refuses an empty list; there is nothing to do.
        }
        let url = self.url(&["organizations", org_id, "members", user_id, "roles"]);
        let body = json!({ "roles": role_ids });
        self.call(method, url, Some(&body)).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_users_password_is_in_its_body_only() {
        let new = NewUser::database("ana@x.example", "Ana", Secret::new("hunter2 hunter2"));
        assert!(!format!("{new:?}").contains("hunter2"));
        let body = new.body();
        assert_eq!(body["password"], "hunter2 hunter2");
        assert_eq!(body["connection"], DATABASE_CONNECTION);
        let without = NewUser {
            password: None,
            ..new
        };
        assert!(without.body().get("password").is_none());
    }
}
