//! How a client proves who it is at `/oauth/token`: a confidential client
//! presents its secret, a public one presents none. Every grant goes
//! through here, and so through the throttle: wrong secrets are limited per
//! client and per address, and a right secret from another address is at
//! most slowed a little (see `throttle`).

use std::net::IpAddr;

use super::{OAuthError, request::Presented};
use crate::{
    ProviderState,
    clients::{self, Client},
    throttle::{self, Attempt, Principal},
};

/// The authenticated client. An unknown client and a wrong secret get the
/// same answer; both count as failures.
pub(super) async fn authenticate(
    state: &ProviderState,
    presented: Presented,
    address: Option<IpAddr>,
) -> Result<Client, OAuthError> {
    let client = clients::find(&state.db, &presented.client_id).await?;
    let Some(secret) = &presented.secret else {
        // Nothing to guess: a public client is who it says it is.
        return match client {
            Some(client) if !client.is_confidential() => Ok(client),
            _ => Err(OAuthError::invalid_client()),
        };
    };
    let attempt = Attempt {
        principal: Principal::Client(&presented.client_id),
        address,
    };
    if let Err(refused) = throttle::admit(state, &attempt).await? {
        return Err(OAuthError::too_many_attempts(refused.retry_after_secs));
    }
    match client {
        Some(client) if client.secret_matches(secret) => {
            throttle::succeeded(state, &attempt).await?;
            Ok(client)
        }
        _ => {
            tracing::info!(client = %presented.client_id, "client authentication failed");
            throttle::failed(state, &attempt).await?;
            Err(OAuthError::invalid_client())
        }
    }
}
