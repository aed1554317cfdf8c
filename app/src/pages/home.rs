//! The console's front page.

use leptos::prelude::*;
use leptos_meta::Title;

/// What Orgdesk is and who it serves.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Orgdesk" />
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
