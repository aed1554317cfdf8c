//! `/api/v2/organizations/{id}/invitations`: the calls the console makes.

use reqwest::Method;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

use crate::{ManagementClient, ManagementError};

/// An invitation as the Management API returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub organization_id: String,
    pub inviter: Inviter,
    pub invitee: Invitee,
    /// The link the invitee follows: the application's login URI with
    /// `invitation`, `organization` and `organization_name`.
    pub invitation_url: String,
    /// ISO 8601, such as `2020-08-20T19:10:06.299Z`.
    pub created_at: String,
    pub expires_at: String,
    pub client_id: String,
    #[serde(default)]
    pub connection_id: Option<String>,
    /// Role ids given on acceptance.
    #[serde(default)]
    pub roles: Vec<String>,
    pub ticket_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inviter {
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitee {
    pub email: String,
}

/// The body of a create. `ttl_sec` `None` (or 0) means Auth0's default of
/// 7 days; at most 30 days.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewInvitation {
    pub inviter: Inviter,
    pub invitee: Invitee,
    /// The application the invitee signs in to; it needs a login URI.
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    pub send_invitation_email: bool,
}

/// Invitations per page when listing them all (Auth0's largest page).
const PAGE_SIZE: u32 = 100;
/// Auth0's offset paging reaches this many records at most.
const MAX_RECORDS: u32 = 1000;

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ManagementError> {
    serde_json::from_slice(bytes).map_err(|e| ManagementError::Unexpected {
        status: 200,
        message: format!("unreadable answer: {e}"),
    })
}

impl ManagementClient {
    /// Every invitation of the organization, newest first (`read:organization_invitations`).
    /// Auth0's offset paging stops at 1000 records, and so does this list.
    pub async fn invitations(&self, org_id: &str) -> Result<Vec<Invitation>, ManagementError> {
        let mut all = Vec::new();
        let mut page = 0;
        loop {
            let mut url = self.url(&["organizations", org_id, "invitations"]);
            url.query_pairs_mut()
                .append_pair("page", &page.to_string())
                .append_pair("per_page", &PAGE_SIZE.to_string());
            let batch: Vec<Invitation> = parse(&self.call(Method::GET, url, None).await?)?;
            let full = batch.len() == PAGE_SIZE as usize;
            all.extend(batch);
            page += 1;
            if !full || page * PAGE_SIZE >= MAX_RECORDS {
                return Ok(all);
            }
        }
    }

    /// One invitation; `NotFound` for another organization's (`read:organization_invitations`).
    pub async fn invitation(&self, org_id: &str, id: &str) -> Result<Invitation, ManagementError> {
        let url = self.url(&["organizations", org_id, "invitations", id]);
        parse(&self.call(Method::GET, url, None).await?)
    }

    /// Creates an invitation, which emails the invitee when
    /// `send_invitation_email` (`create:organization_invitations`).
    pub async fn create_invitation(
        &self,
        org_id: &str,
        new: &NewInvitation,
    ) -> Result<Invitation, ManagementError> {
        let body: Value = serde_json::to_value(new).expect("plain structs serialize");
        let url = self.url(&["organizations", org_id, "invitations"]);
        parse(&self.call(Method::POST, url, Some(&body)).await?)
    }

    /// Revokes an invitation (`delete:organization_invitations`).
    pub async fn delete_invitation(&self, org_id: &str, id: &str) -> Result<(), ManagementError> {
        let url = self.url(&["organizations", org_id, "invitations", id]);
        self.call(Method::DELETE, url, None).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_invitation_leaves_out_what_is_not_set() {
        let new = NewInvitation {
            inviter: Inviter {
                name: "Sumana".into(),
            },
            invitee: Invitee {
                email: "new@adventurez.example".into(),
            },
            client_id: "app".into(),
            connection_id: None,
            ttl_sec: None,
            roles: vec![],
            send_invitation_email: true,
        };
        assert_eq!(
            serde_json::to_value(&new).unwrap(),
            serde_json::json!({
                "inviter": { "name": "Sumana" },
                "invitee": { "email": "new@adventurez.example" },
                "client_id": "app",
                "send_invitation_email": true,
            })
        );
    }
}
