//! People: the body of the server function in `api::people`.

use super::org_row;
use crate::api::{AppError, PersonRow};
use crate::ssr::request_context;

pub async fn lookup(email: String) -> Result<Vec<PersonRow>, AppError> {
    let rc = request_context().await?;
    let cx = rc.cx();
    let found = rc.server.people.lookup(cx, &email).await?;
    Ok(found
        .into_iter()
        .map(|view| PersonRow {
            user_id: view.person.user_id,
            email: view.person.email,
            name: view.person.name,
            organizations: view
                .organizations
                .into_iter()
                .map(|(org, roles)| (org_row(org), roles))
                .collect(),
        })
        .collect())
}
