//! An organization's branding: logo URL and two colors, with a live preview
//! of the login page (the provider's own renderer, `orgdesk_brand::preview`,
//! recomputed in the browser as the fields change, in a sandboxed iframe).
//!
//! Ids: `branding-form`, `branding-logo-url`, `branding-primary` (color
//! picker) and `branding-primary-text` (`#rrggbb`), `branding-page-background`
//! and `branding-page-background-text`, errors `logo_url-error`,
//! `primary-error`, `page_background-error`; `branding-preview` (iframe),
//! `branding-save`, `branding-status`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use orgdesk_brand::{Branding, DEFAULT_PAGE_BACKGROUND, DEFAULT_PRIMARY, is_color};

use crate::{
    api::{BrandingPage, UpdateBranding, get_branding},
    components::{
        notice::{BUTTON, Confirmation, ErrorNotice, FieldError, INPUT, general},
        org_tabs::{OrgTabs, Tab, TabFlags},
    },
    links::org_label,
};

const FIELDS: &[&str] = &["logo_url", "primary", "page_background"];

#[component]
pub fn OrganizationBrandingPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let update = ServerAction::<UpdateBranding>::new();
    let page = Resource::new(id, get_branding);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => view! { <BrandingForm page update /> }.into_any(),
                Err(error) => view! { <Title text="Branding · Orgdesk" /><ErrorNotice error /> }.into_any(),
            })}
        </Transition>
    }
    .into_any()
}

/// A color field: the picker and the `#rrggbb` text share one value; the
/// text field is what the form sends (blank: unset).
#[component]
fn ColorField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    fallback: &'static str,
    editable: bool,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let picker = move || {
        let v = value.get();
        if is_color(&v) {
            v.to_ascii_lowercase()
        } else {
            fallback.to_owned()
        }
    };
    view! {
        <div>
            <label for=format!("{id}-text") class="block text-sm font-medium">{label}</label>
            <div class="mt-1 flex items-center gap-2">
                <input type="color" id=id aria-label=format!("{label} (picker)") prop:value=picker
                    disabled=!editable on:input=move |ev| value.set(event_target_value(&ev)) />
                <input type="text" id=format!("{id}-text") name=name class=INPUT maxlength="7"
                    placeholder=fallback prop:value=move || value.get() disabled=!editable
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-describedby=format!("{name}-error") />
            </div>
            {move || view! { <FieldError id=format!("{name}-error") message=error.get() /> }}
        </div>
    }
    .into_any()
}

#[component]
fn BrandingForm(page: BrandingPage, update: ServerAction<UpdateBranding>) -> impl IntoView {
    let org = page.organization.clone();
    let name = org_label(&org);
    let editable = page.can_change;
    let logo = RwSignal::new(page.logo_url.clone());
    let primary = RwSignal::new(page.primary.clone());
    let background = RwSignal::new(page.page_background.clone());
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let field =
        move |f: &'static str| Signal::derive(move || error.get().and_then(|e| e.for_field(f)));
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let preview_name = name.clone();
    // What the login page would look like; values the provider would refuse
    // are shown as the defaults it would fall back to.
    let srcdoc = move || {
        let some = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let branding = Branding {
            logo_url: some(logo.get()),
            primary: some(primary.get()),
            page_background: some(background.get()),
        };
        orgdesk_brand::preview(&preview_name, &branding)
    };
    view! {
        <Title text=format!("Branding · {name} · Orgdesk") />
        <h1 class="text-2xl font-bold">{name.clone()}</h1>
        <OrgTabs org_id=org.id.clone() flags=TabFlags::from_server(page.tabs) current=Tab::Branding />
        <div class="mt-6 grid gap-8 lg:grid-cols-2">
            <ActionForm action=update attr:id="branding-form" attr:class="space-y-5" attr:novalidate="">
                <input type="hidden" name="org_id" value=org.id.clone() />
                <div>
                    <label for="branding-logo-url" class="block text-sm font-medium">"Logo URL"</label>
                    <input id="branding-logo-url" name="logo_url" type="url" class=INPUT autocomplete="off"
                        placeholder="https://cdn.example.com/logo.png" prop:value=move || logo.get()
                        disabled=!editable on:input=move |ev| logo.set(event_target_value(&ev))
                        aria-describedby="logo-url-help logo_url-error" />
                    <p id="logo-url-help" class="mt-1 text-xs text-slate-500">"An https image URL; blank for no logo."</p>
                    {move || view! { <FieldError id="logo_url-error" message=field("logo_url").get() /> }}
                </div>
                <ColorField id="branding-primary" name="primary" label="Primary color" value=primary
                    fallback=DEFAULT_PRIMARY editable error=field("primary") />
                <ColorField id="branding-page-background" name="page_background" label="Page background"
                    value=background fallback=DEFAULT_PAGE_BACKGROUND editable error=field("page_background") />
                <p class="text-xs text-slate-500">"Colors are written #rrggbb; blank for the default."</p>
                <div id="branding-status" class="min-h-6">
                    {move || saved().then(|| view! { <Confirmation text="Saved. The login page shows it now." /> })}
                </div>
                {move || general(error.get(), FIELDS).map(|error| view! { <ErrorNotice error /> })}
                {editable.then(|| view! {
                    <button type="submit" id="branding-save" class=BUTTON disabled=move || update.pending().get()>"Save branding"</button>
                })}
            </ActionForm>
            <div>
                <h2 class="text-sm font-medium">"Preview of the login page"</h2>
                <iframe id="branding-preview" title="Login page preview" sandbox="" srcdoc=srcdoc
                    class="mt-2 h-[28rem] w-full rounded-md border border-slate-200 dark:border-slate-800"></iframe>
            </div>
        </div>
    }
    .into_any()
}
