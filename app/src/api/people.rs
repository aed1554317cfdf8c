//! Finding people. Needs `people:lookup` (staff, help desk).

use leptos::prelude::*;

use super::{AppError, PersonRow};

/// Everyone with this email, with every organization they belong to and
/// their roles in each.
#[server(endpoint = "people/lookup", client = crate::api::ConsoleClient)]
pub async fn look_up_person(email: String) -> Result<Vec<PersonRow>, AppError> {
    crate::ssr::handlers::people::lookup(email).await
}
