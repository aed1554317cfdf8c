//! `/api/v2/organizations/{id}/invitations`.

use axum::routing::MethodRouter;

use super::Endpoint;
use crate::ProviderState;

/// The invitation endpoints and their scopes (joined into the Management API's table).
pub(super) fn table() -> Vec<(Endpoint, MethodRouter<ProviderState>)> {
    Vec::new()
}
