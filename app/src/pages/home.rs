//! The console's front page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    CurrentUser,
    api::Me,
    components::notice::LINK,
    links::{org_label, switch_url},
};

/// For someone of a customer organization: the organization they are signed
/// in to and the others they may switch to. For everyone else: what Orgdesk
/// is and who it serves.
#[component]
pub fn HomePage() -> impl IntoView {
    let me = expect_context::<CurrentUser>();
    view! {
        <Title text="Orgdesk" />
        <Suspense fallback=|| ()>
            {move || me.0.get().map(|me| match me {
                Ok(Some(me)) if me.organization.is_some() || !me.organizations.is_empty() => {
                    view! { <YourOrganizations me /> }.into_any()
                }
                _ => view! { <Intro /> }.into_any(),
            })}
        </Suspense>
    }
}

/// The organization this sign-in is for, and switch links to the others.
#[component]
fn YourOrganizations(me: Me) -> impl IntoView {
    let current = me.organization.clone();
    let current_id = current.as_ref().map(|o| o.id.clone());
    let others: Vec<_> = me
        .organizations
        .iter()
        .filter(|o| Some(&o.id) != current_id.as_ref())
        .cloned()
        .collect();
    let current_view = current.map(|org| {
        let href = format!("/organizations/{}", org.id);
        view! {
            <p class="mt-4 text-lg">
                "You are signed in to "
                <a id="home-organization" href=href class=format!("{LINK} font-semibold")>{org_label(&org)}</a>
                {format!(" as {}.", me.persona)}
            </p>
        }
    });
    let others_title = if current_id.is_some() {
        "Your other organizations"
    } else {
        "Choose an organization"
    };
    let others_view = (!others.is_empty()).then(|| {
        view! {
            <section aria-labelledby="home-others-title" class="mt-8">
                <h2 id="home-others-title" class="text-lg font-semibold">{others_title}</h2>
                <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                    "Your rights follow the organization you act in: switching signs you in again for it."
                </p>
                <ul id="home-other-organizations" class="mt-3 space-y-2">
                    {others.into_iter().map(|org| view! {
                        <li>
                            <a rel="external" href=switch_url(&org.id) data-org-id=org.id.clone() class=LINK>
                                "Switch to " {org_label(&org)}
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    view! {
        <section aria-labelledby="home-title" class="max-w-3xl">
            <h1 id="home-title" class="text-3xl font-bold tracking-tight">{format!("Welcome, {}", me.name)}</h1>
            {current_view}
            {others_view}
        </section>
    }
}

#[component]
fn Intro() -> impl IntoView {
    view! {
        <section aria-labelledby="home-title" class="max-w-3xl">
            <h1 id="home-title" class="text-3xl font-bold tracking-tight md:text-4xl">
                "Customer organizations, run from one console"
            </h1>
            <p class="mt-4 text-lg text-slate-600 dark:text-slate-400">
                "Orgdesk manages the organizations of a B2B product: their branding, the "
                "connections their people sign in with, their members and roles, and invitations."
            </p>
            <ul class="mt-8 grid gap-4 md:grid-cols-3">
                <Persona
                    name="Staff"
                    text="Everything, in every organization."
                />
                <Persona
                    name="Customer admin"
                    text="Their own organizations: members, roles, invitations and branding."
                />
                <Persona
                    name="Help desk"
                    text="Read across organizations, and a few support actions, each with a reason."
                />
            </ul>
        </section>
    }
}

#[component]
fn Persona(name: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <li class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <h2 class="font-semibold">{name}</h2>
            <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{text}</p>
        </li>
    }
}
