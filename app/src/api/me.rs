//! Who is signed in.

use leptos::prelude::*;

use super::{AppError, Me};

/// The signed-in person, or `None`. Public: it tells the caller only about themselves.
#[server(endpoint = "current-user", client = crate::api::ConsoleClient)]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    crate::ssr::handlers::current_user().await
}
