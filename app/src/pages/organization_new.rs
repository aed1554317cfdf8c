//! Creating an organization, with Auth0's limits shown beside each field.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::{
    api::{AppError, CreateOrganization},
    components::notice::{BUTTON, ErrorNotice, FieldError, INPUT},
};

#[component]
pub fn NewOrganizationPage() -> impl IntoView {
    let create = ServerAction::<CreateOrganization>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/organizations/{id}"), Default::default());
        }
    });
    let error = move || create.value().get().and_then(Result::err);
    let field = move |name: &'static str| move || error().and_then(|e| e.for_field(name));
    let general =
        move || error().filter(|e| !matches!(e, AppError::Invalid { field: Some(_), .. }));

    view! {
        <Title text="New organization · Orgdesk" />
        <h1 class="text-2xl font-bold">"New organization"</h1>
        <ActionForm action=create attr:class="mt-6 max-w-xl space-y-5" attr:novalidate="">
            <div>
                <label for="name" class="block text-sm font-medium">"Name"</label>
                <input id="name" name="name" required maxlength="50" class=INPUT
                    autocomplete="off" aria-describedby="name-help name-error" />
                <p id="name-help" class="mt-1 text-xs text-slate-500">
                    "3 to 50 lowercase letters, digits, '-' or '_'; it appears in sign-in links and cannot be reused."
                </p>
                {move || view! { <FieldError id="name-error" message=field("name")() /> }}
            </div>
            <div>
                <label for="display_name" class="block text-sm font-medium">"Display name"</label>
                <input id="display_name" name="display_name" maxlength="255" class=INPUT
                    aria-describedby="display-name-help display_name-error" />
                <p id="display-name-help" class="mt-1 text-xs text-slate-500">"Up to 255 characters, shown on the login page."</p>
                {move || view! { <FieldError id="display_name-error" message=field("display_name")() /> }}
            </div>
            <div>
                <label for="metadata" class="block text-sm font-medium">"Metadata"</label>
                <textarea id="metadata" name="metadata" rows="4" class=INPUT
                    aria-describedby="metadata-help metadata-error" placeholder="plan=enterprise"></textarea>
                <p id="metadata-help" class="mt-1 text-xs text-slate-500">
                    "One key=value per line; at most 25 entries, values up to 255 characters."
                </p>
                {move || view! { <FieldError id="metadata-error" message=field("metadata")() /> }}
            </div>
            {move || general().map(|error| view! { <ErrorNotice error /> })}
            <button type="submit" class=BUTTON>"Create organization"</button>
        </ActionForm>
    }
}
