//! One organization: its details, editing (display name, metadata) and
//! deletion with a typed confirmation, each shown only to those allowed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::{
    api::{
        AppError, DeleteOrganization, OrganizationView, UpdateOrganization, get_organization,
        metadata_to_text,
    },
    components::{
        notice::{BUTTON, Confirmation, DANGER, ErrorNotice, FieldError, INPUT},
        org_tabs::{OrgTabs, Tab, TabFlags},
    },
};

#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let update = ServerAction::<UpdateOrganization>::new();
    let org = Resource::new(
        move || (id(), update.version().get()),
        |(id, _)| get_organization(id),
    );

    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || org.get().map(|result| match result {
                Ok(org) => view! { <Organization org update /> }.into_any(),
                Err(error) => view! { <Title text="Organization · Orgdesk" /><ErrorNotice error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Organization(org: OrganizationView, update: ServerAction<UpdateOrganization>) -> impl IntoView {
    let title = org.display_name.clone().unwrap_or_else(|| org.name.clone());
    let metadata = org.metadata.clone();
    view! {
        <Title text=format!("{title} · Orgdesk") />
        <h1 class="text-2xl font-bold">{title}</h1>
        <OrgTabs org_id=org.id.clone() flags=TabFlags::of(&org) current=Tab::Overview />
        <dl class="mt-6 grid max-w-xl grid-cols-3 gap-2 text-sm">
            <dt class="text-slate-500">"Name"</dt><dd class="col-span-2 font-mono" id="org-name">{org.name.clone()}</dd>
            <dt class="text-slate-500">"ID"</dt><dd class="col-span-2 font-mono">{org.id.clone()}</dd>
            <dt class="text-slate-500">"You act as"</dt><dd class="col-span-2">{org.persona.clone()}</dd>
            <dt class="text-slate-500">"Metadata"</dt>
            <dd class="col-span-2">
                {if metadata.is_empty() { "none".to_owned() } else { metadata_to_text(&metadata) }}
            </dd>
        </dl>
        {org.can_edit.then(|| view! { <EditForm org=org.clone() update /> })}
        {org.can_delete.then(|| view! { <DeleteForm id=org.id.clone() name=org.name.clone() /> })}
    }
}

#[component]
fn EditForm(org: OrganizationView, update: ServerAction<UpdateOrganization>) -> impl IntoView {
    let error = move || update.value().get().and_then(Result::err);
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let field = move |name: &'static str| move || error().and_then(|e| e.for_field(name));
    let general =
        move || error().filter(|e| !matches!(e, AppError::Invalid { field: Some(_), .. }));
    view! {
        <section aria-labelledby="edit-title" class="mt-10 max-w-xl">
            <h2 id="edit-title" class="text-lg font-semibold">"Edit"</h2>
            <ActionForm action=update attr:class="mt-4 space-y-5">
                <input type="hidden" name="id" value=org.id />
                <div>
                    <label for="display_name" class="block text-sm font-medium">"Display name"</label>
                    <input id="display_name" name="display_name" maxlength="255" class=INPUT
                        value=org.display_name.unwrap_or_default() aria-describedby="display_name-error" />
                    {move || view! { <FieldError id="display_name-error" message=field("display_name")() /> }}
                </div>
                <div>
                    <label for="metadata" class="block text-sm font-medium">"Metadata"</label>
                    <textarea id="metadata" name="metadata" rows="4" class=INPUT aria-describedby="metadata-help metadata-error">
                        {metadata_to_text(&org.metadata)}
                    </textarea>
                    <p id="metadata-help" class="mt-1 text-xs text-slate-500">
                        "One key=value per line; at most 25 entries, values up to 255 characters. Replaces all metadata."
                    </p>
                    {move || view! { <FieldError id="metadata-error" message=field("metadata")() /> }}
                </div>
                {move || general().map(|error| view! { <ErrorNotice error /> })}
                {move || saved().then(|| view! { <Confirmation text="Saved." /> })}
                <button type="submit" class=BUTTON>"Save changes"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeleteForm(id: String, name: String) -> impl IntoView {
    let delete = ServerAction::<DeleteOrganization>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/organizations", Default::default());
        }
    });
    let error = move || delete.value().get().and_then(Result::err);
    let prompt =
        format!("Type {name} to confirm. Members lose access to this organization at once.");
    view! {
        <section aria-labelledby="delete-title" class="mt-10 max-w-xl rounded-lg border border-red-200 p-4 dark:border-red-900">
            <h2 id="delete-title" class="text-lg font-semibold text-red-700 dark:text-red-400">"Delete organization"</h2>
            <ActionForm action=delete attr:class="mt-3 space-y-3">
                <input type="hidden" name="id" value=id />
                <label for="confirm" class="block text-sm">{prompt}</label>
                <input id="confirm" name="confirm" class=INPUT autocomplete="off" aria-describedby="confirm-error" />
                {move || view! { <FieldError id="confirm-error" message=error().and_then(|e| e.for_field("confirm")) /> }}
                {move || error().filter(|e| e.for_field("confirm").is_none()).map(|error| view! { <ErrorNotice error /> })}
                <button type="submit" class=DANGER>"Delete organization"</button>
            </ActionForm>
        </section>
    }
}
