//! Role checkboxes whose chosen ids a form sends, comma-separated, in one
//! hidden `roles` field.

use leptos::prelude::*;

use crate::{api::RoleOption, components::notice::FieldError, links::dom_id};

/// Role checkboxes; the chosen role ids go to `chosen`. Each checkbox's id is
/// `{prefix}-{role id}`; the group's error is `{prefix}s-error`.
#[component]
pub fn RoleChoice(
    prefix: &'static str,
    grantable: Vec<RoleOption>,
    chosen: RwSignal<Vec<String>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{prefix}s-error");
    let described_by = error_id.clone();
    let none = grantable.is_empty().then(|| {
        view! { <p class="text-sm text-slate-500 dark:text-slate-400">"You cannot grant any role here."</p> }
    });
    view! {
        <fieldset aria-describedby=described_by>
            <legend class="block text-sm font-medium">"Roles"</legend>
            <div class="mt-2 flex flex-wrap gap-4">
                {none}
                {grantable.into_iter().map(|role| {
                    let id = dom_id(prefix, &role.id);
                    let label_for = id.clone();
                    let role_id = role.id.clone();
                    let checked = {
                        let role_id = role_id.clone();
                        move || chosen.read().contains(&role_id)
                    };
                    view! {
                        <label for=label_for class="inline-flex items-center gap-2 text-sm">
                            <input type="checkbox" id=id value=role.id.clone() prop:checked=checked
                                class="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500 dark:border-slate-600"
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|r| r != &role_id);
                                        if on {
                                            c.push(role_id.clone());
                                        }
                                    });
                                } />
                            {role.name}
                        </label>
                    }
                }).collect_view()}
            </div>
            {move || view! { <FieldError id=error_id.clone() message=error.get() /> }}
        </fieldset>
    }
}
