//! The written reason of a support action: required of the help desk (the
//! organization's admins read it in their audit log), optional otherwise.

use leptos::{html::Textarea, prelude::*};

use crate::components::notice::{FieldError, INPUT};

/// The domain's bounds on a required reason.
const MIN_CHARS: &str = "10";
const MAX_CHARS: &str = "500";

/// A `reason` textarea with its label, help and error. `id` names the
/// textarea; its help and error are `{id}-help` and `{id}-error`.
#[component]
pub fn ReasonField(
    #[prop(into)] id: String,
    required: bool,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] node_ref: NodeRef<Textarea>,
) -> impl IntoView {
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let (label, help) = if required {
        (
            "Reason (shown to the organization's admins)",
            "Required: at least 10 characters, such as the ticket it answers. It is recorded in the organization's audit log.",
        )
    } else {
        (
            "Reason (optional)",
            "Recorded in the organization's audit log.",
        )
    };
    view! {
        <div>
            <label for=id.clone() class="block text-sm font-medium">{label}</label>
            <textarea id=id.clone() name="reason" rows="2" class=INPUT node_ref=node_ref
                required=required minlength=required.then_some(MIN_CHARS) maxlength=MAX_CHARS
                aria-describedby=format!("{help_id} {error_id}")></textarea>
            <p id=help_id class="mt-1 text-xs text-slate-500 dark:text-slate-400">{help}</p>
            {move || view! { <FieldError id=error_id.clone() message=error.get() /> }}
        </div>
    }
}
