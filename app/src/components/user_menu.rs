//! The signed-in person in the header, or a way to sign in.

use leptos::prelude::*;

use crate::CurrentUser;

/// Name, persona and "Sign out" (a plain form: it works without JavaScript).
#[component]
pub fn UserMenu() -> impl IntoView {
    let me = expect_context::<CurrentUser>();
    view! {
        <Suspense fallback=|| ()>
            {move || me.0.get().map(|me| match me {
                Ok(Some(me)) => view! {
                    <div class="flex items-center gap-3 text-sm">
                        <span>
                            <span class="font-medium">{me.name}</span>
                            <span class="ml-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300" id="persona">
                                {me.persona}
                            </span>
                        </span>
                        <form method="post" action="/auth/logout">
                            <input type="hidden" name=crate::api::REQUEST_TOKEN_FIELD value=me.request_token />
                            <button type="submit" class="text-indigo-600 hover:underline dark:text-indigo-400">"Sign out"</button>
                        </form>
                    </div>
                }.into_any(),
                _ => view! {
                    <a href="/auth/login" rel="external" class="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">"Sign in"</a>
                }.into_any(),
            })}
        </Suspense>
    }
}
