//! `/api/v2/organizations`: the calls the console makes.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

use crate::{ManagementClient, ManagementError};

/// An organization as the Management API returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<Branding>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Branding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colors: Option<Colors>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Colors {
    pub primary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_background: Option<String>,
}

/// The body of a create.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NewOrganization {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Connections enabled at creation; without them an organization has
    /// none and nobody can sign in to it (as in Auth0).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub enabled_connections: Vec<NewEnabledConnection>,
}

/// A connection enabled in an organization's create body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewEnabledConnection {
    pub connection_id: String,
    pub assign_membership_on_login: bool,
    /// Enterprise connections only (left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_as_button: Option<bool>,
    /// Database connections only (left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_signup_enabled: Option<bool>,
}

/// The body of an update: only the fields that are `Some` change, and
/// `metadata` replaces the stored metadata as a whole.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OrganizationUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// `Some(None)` removes the branding (`"branding": null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branding: Option<Option<Branding>>,
}

/// A checkpoint page; `next` goes in the next call's `from`.
#[derive(Clone, Debug, Deserialize)]
pub struct OrganizationPage {
    pub organizations: Vec<Organization>,
    #[serde(default)]
    pub next: Option<String>,
}

pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ManagementError> {
    serde_json::from_slice(bytes).map_err(|e| ManagementError::Unexpected {
        status: 200,
        message: format!("unreadable answer: {e}"),
    })
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("plain structs serialize")
}

impl ManagementClient {
    /// One checkpoint page, by name (`from` is the previous page's `next`).
    pub async fn organizations_page(
        &self,
        from: Option<&str>,
        take: u32,
    ) -> Result<OrganizationPage, ManagementError> {
        let mut url = self.url(&["organizations"]);
        url.query_pairs_mut().append_pair("take", &take.to_string());
        if let Some(from) = from {
            url.query_pairs_mut().append_pair("from", from);
        }
        parse(&self.call(Method::GET, url, None).await?)
    }

    pub async fn organization(&self, id: &str) -> Result<Organization, ManagementError> {
        parse(
            &self
                .call(Method::GET, self.url(&["organizations", id]), None)
                .await?,
        )
    }

    pub async fn organization_by_name(&self, name: &str) -> Result<Organization, ManagementError> {
        parse(
            &self
                .call(
                    Method::GET,
                    self.url(&["organizations", "name", name]),
                    None,
                )
                .await?,
        )
    }

    pub async fn create_organization(
        &self,
        new: &NewOrganization,
    ) -> Result<Organization, ManagementError> {
        let body = to_json(new);
        parse(
            &self
                .call(Method::POST, self.url(&["organizations"]), Some(&body))
                .await?,
        )
    }

    pub async fn update_organization(
        &self,
        id: &str,
        update: &OrganizationUpdate,
    ) -> Result<Organization, ManagementError> {
        let body = to_json(update);
        parse(
            &self
                .call(Method::PATCH, self.url(&["organizations", id]), Some(&body))
                .await?,
        )
    }

    pub async fn delete_organization(&self, id: &str) -> Result<(), ManagementError> {
        self.call(Method::DELETE, self.url(&["organizations", id]), None)
            .await?;
        Ok(())
    }
}

/// A role, as the Management API lists it (a member's roles come without a
/// description).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

impl ManagementClient {
    /// The roles a user holds outside organizations (`read:roles`), every page.
    pub async fn user_roles(&self, user_id: &str) -> Result<Vec<Role>, ManagementError> {
        self.every_page(&["users", user_id, "roles"], "roles", &[])
            .await
    }

    /// The organizations a user belongs to (`read:organizations`), every page.
    pub async fn user_organizations(
        &self,
        user_id: &str,
    ) -> Result<Vec<Organization>, ManagementError> {
        self.every_page(&["users", user_id, "organizations"], "organizations", &[])
            .await
    }

    /// A member's roles in an organization (`read:organization_member_roles`),
    /// every page.
    pub async fn member_roles(
        &self,
        org_id: &str,
        user_id: &str,
    ) -> Result<Vec<Role>, ManagementError> {
        self.every_page(
            &["organizations", org_id, "members", user_id, "roles"],
            "roles",
            &[],
        )
        .await
    }
}
