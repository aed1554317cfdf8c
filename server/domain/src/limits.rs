//! Limits on what the console sends on someone's behalf, so that an account
//! (or a stolen session) cannot flood people with email. One mechanism: a
//! send spends from the [`SendBudget`] first, for the whole request at once,
//! and a request that does not fit whole sends nothing.
//!
//! Invitation emails count per organization and address (not per address
//! alone: one organization's sends must neither block another's invitations
//! nor tell it that someone else invited that address).

use crate::{
    ServiceError,
    ports::{Ask, SendBudget, Spent},
    service::internal,
};

/// At most `max` in any `window_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_ms: i64,
}

/// Invitations one person may send (creates and resends), in any minute.
pub const INVITATIONS_PER_ACTOR: Limit = Limit {
    max: 100,
    window_ms: 60_000,
};

/// Invitation emails (creates and resends) one organization may send to one
/// address, in any hour.
pub const INVITATION_EMAILS_PER_ADDRESS: Limit = Limit {
    max: 5,
    window_ms: 3_600_000,
};

fn actor_key(actor_user_id: &str) -> String {
    format!("invitations:actor:{actor_user_id}")
}

fn address_key(org_id: &str, email: &str) -> String {
    format!("invitation-emails:{org_id}:{}", email.to_lowercase())
}

fn ask(key: String, amount: u32, limit: Limit) -> Ask {
    Ask {
        key,
        amount,
        max: limit.max,
        window_ms: limit.window_ms,
    }
}

/// "in 12 seconds", "in 17 minutes".
fn wait(seconds: u64) -> String {
    match seconds {
        0..=1 => "in a second".to_owned(),
        2..=90 => format!("in {seconds} seconds"),
        _ => format!("in {} minutes", seconds.div_ceil(60)),
    }
}

/// Reserves `emails.len()` invitations for the actor and one email for each
/// address, at `now_ms`, or refuses with a sentence saying when to try
/// again (nothing reserved).
pub(crate) async fn spend_invitations(
    budget: &dyn SendBudget,
    actor_user_id: &str,
    org_id: &str,
    emails: &[String],
    now_ms: i64,
) -> Result<(), ServiceError> {
    let count = u32::try_from(emails.len()).unwrap_or(u32::MAX);
    let mut asks = vec![ask(actor_key(actor_user_id), count, INVITATIONS_PER_ACTOR)];
    asks.extend(
        emails
            .iter()
            .map(|email| ask(address_key(org_id, email), 1, INVITATION_EMAILS_PER_ADDRESS)),
    );
    let (key, retry_at_ms) = match budget.spend(&asks, now_ms).await.map_err(internal)? {
        Spent::Granted => return Ok(()),
        Spent::Refused { key, retry_at_ms } => (key, retry_at_ms),
    };
    let retry_after_secs = u64::try_from((retry_at_ms - now_ms).max(0))
        .unwrap_or_default()
        .div_ceil(1000);
    let when = wait(retry_after_secs);
    let message = match emails
        .iter()
        .find(|email| address_key(org_id, email) == key)
    {
        Some(email) => format!(
            "{email} was sent {} invitation emails in the last hour, the most allowed. \
             Nothing was sent; try again {when}.",
            INVITATION_EMAILS_PER_ADDRESS.max
        ),
        None => format!(
            "At most {} invitations a minute. Nothing was sent; try again {when}.",
            INVITATIONS_PER_ACTOR.max
        ),
    };
    Err(ServiceError::TooManyRequests {
        message,
        retry_after_secs,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;

    use super::*;
    use crate::ports::PortError;

    /// Refuses the key it is told to, and remembers what it was asked.
    struct Budget {
        refuse: Option<String>,
        asked: Mutex<Vec<Ask>>,
    }

    #[async_trait]
    impl SendBudget for Budget {
        async fn spend(&self, asks: &[Ask], now_ms: i64) -> Result<Spent, PortError> {
            self.asked.lock().unwrap().extend_from_slice(asks);
            Ok(match &self.refuse {
                Some(key) => Spent::Refused {
                    key: key.clone(),
                    retry_at_ms: now_ms + 41_500,
                },
                None => Spent::Granted,
            })
        }
    }

    fn budget(refuse: Option<String>) -> Budget {
        Budget {
            refuse,
            asked: Mutex::new(Vec::new()),
        }
    }

    #[tokio::test]
    async fn a_request_asks_for_all_its_invitations_at_once_and_one_email_per_address() {
        let b = budget(None);
        let emails = ["a@x.io".to_owned(), "B@x.io".to_owned()];
        spend_invitations(&b, "auth0|sally", "org_a", &emails, 1_000)
            .await
            .unwrap();
        assert_eq!(
            *b.asked.lock().unwrap(),
            [
                ask(
                    "invitations:actor:auth0|sally".into(),
                    2,
                    INVITATIONS_PER_ACTOR
                ),
                ask(
                    "invitation-emails:org_a:a@x.io".into(),
                    1,
                    INVITATION_EMAILS_PER_ADDRESS
                ),
                ask(
                    "invitation-emails:org_a:b@x.io".into(),
                    1,
                    INVITATION_EMAILS_PER_ADDRESS
                ),
            ]
        );
    }

    #[tokio::test]
    async fn a_refusal_says_which_limit_and_when_to_try_again() {
        let emails = ["a@x.io".to_owned()];
        let actor = budget(Some("invitations:actor:auth0|sally".into()));
        assert_eq!(
            spend_invitations(&actor, "auth0|sally", "org_a", &emails, 0).await,
            Err(ServiceError::TooManyRequests {
                message:
                    "At most 100 invitations a minute. Nothing was sent; try again in 42 seconds."
                        .into(),
                retry_after_secs: 42,
            })
        );
        let address = budget(Some("invitation-emails:org_a:a@x.io".into()));
        let refused = spend_invitations(&address, "auth0|sally", "org_a", &emails, 0)
            .await
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "a@x.io was sent 5 invitation emails in the last hour, the most allowed. \
             Nothing was sent; try again in 42 seconds."
        );
        assert_eq!(wait(1_000), "in 17 minutes");
    }
}
