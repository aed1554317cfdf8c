//! One throttle for every credential the provider checks: a person's
//! password and a client's secret. It stops the attacker, not the owner:
//!
//! - per (principal, address): after `per_pair` failures in the window,
//!   that address may not try that principal again until the window passes;
//! - per address: after `per_address` failures (any principals), the
//!   address may try nothing;
//! - per principal, from anywhere: no lockout, only a progressive delay once
//!   `free_failures` have failed, doubling from `delay_base` up to
//!   `delay_cap` (a few seconds). The owner's first attempt from a new
//!   address is slowed by at most `delay_cap`, never refused.
//!
//! Failures live in the database (`auth_failures`), so every provider
//! process behind one PostgreSQL sees the same counts. The principal and
//! its address are digested before they are stored.

use std::net::IpAddr;
use std::time::Duration;

use sqlx::Row;

use crate::{ProviderState, ids, now};

/// The throttle's limits (see the module).
#[derive(Clone, Debug)]
pub struct ThrottleOptions {
    /// Failures older than this no longer count (15 minutes).
    pub window_secs: i64,
    /// Failures of one principal from one address before that pair is refused (5).
    pub per_pair: i64,
    /// Failures from one address before it is refused (30).
    pub per_address: i64,
    /// Failures of a principal, from anywhere, before its attempts are slowed (5).
    pub free_failures: i64,
    /// The first delay (250 ms); each further failure doubles it…
    pub delay_base: Duration,
    /// …up to this (3 s).
    pub delay_cap: Duration,
}

impl Default for ThrottleOptions {
    fn default() -> Self {
        Self {
            window_secs: 15 * 60,
            per_pair: 5,
            per_address: 30,
            free_failures: 5,
            delay_base: Duration::from_millis(250),
            delay_cap: Duration::from_secs(3),
        }
    }
}

/// What is being tried: a person's account (by email) or a client.
#[derive(Clone, Copy, Debug)]
pub enum Principal<'a> {
    Account(&'a str),
    Client(&'a str),
}

/// One attempt: its principal and where it comes from.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    pub principal: Principal<'a>,
    pub address: Option<IpAddr>,
}

impl Attempt<'_> {
    fn principal_key(&self) -> String {
        let principal = match self.principal {
            Principal::Account(email) => format!("account:{}", email.trim().to_lowercase()),
            Principal::Client(id) => format!("client:{id}"),
        };
        ids::sha256_hex(&principal)
    }

    fn pair_key(&self) -> Option<String> {
        self.address
            .map(|a| ids::sha256_hex(&format!("{}@{a}", self.principal_key())))
    }

    fn address_key(&self) -> Option<String> {
        self.address
            .map(|a| ids::sha256_hex(&format!("address:{a}")))
    }

    fn keys(&self) -> Vec<String> {
        std::iter::once(self.principal_key())
            .chain(self.pair_key())
            .chain(self.address_key())
            .collect()
    }
}

/// Refused: this address tried too often; the seconds until it may again.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused {
    pub retry_after_secs: i64,
}

/// The delay before checking a principal that failed `failures` times.
pub fn delay_for(options: &ThrottleOptions, failures: i64) -> Duration {
    let over = failures - options.free_failures;
    if over < 0 {
        return Duration::ZERO;
    }
    let factor = 1u32.checked_shl(over.min(31) as u32).unwrap_or(u32::MAX);
    options
        .delay_base
        .checked_mul(factor)
        .unwrap_or(options.delay_cap)
        .min(options.delay_cap)
}

/// Before checking a credential: refuses an address over its limits, and
/// waits the principal's delay. Call [`failed`] or [`succeeded`] after.
pub async fn admit(
    state: &ProviderState,
    attempt: &Attempt<'_>,
) -> Result<Result<(), Refused>, sqlx::Error> {
    let options = &state.options.throttle;
    let since = now() - options.window_secs;
    let keys = attempt.keys();
    let sql = format!(
        "SELECT subject, COUNT(*) AS n, MIN(at) AS oldest FROM auth_failures \
         WHERE at > $1 AND subject IN ({}) GROUP BY subject",
        crate::store::placeholders(2, keys.len())
    );
    let mut query = sqlx::query(&sql).bind(since);
    for key in &keys {
        query = query.bind(key);
    }
    let mut principal = 0;
    for row in query.fetch_all(state.db.pool()).await? {
        let subject: String = row.try_get("subject")?;
        let n: i64 = row.try_get("n")?;
        let oldest: i64 = row.try_get("oldest")?;
        let limit = if Some(&subject) == attempt.pair_key().as_ref() {
            options.per_pair
        } else if Some(&subject) == attempt.address_key().as_ref() {
            options.per_address
        } else {
            principal = n;
            continue;
        };
        if n >= limit {
            return Ok(Err(Refused {
                retry_after_secs: (oldest + options.window_secs - now()).max(1),
            }));
        }
    }
    let delay = delay_for(options, principal);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    Ok(Ok(()))
}

/// Counts a failed attempt.
pub async fn failed(state: &ProviderState, attempt: &Attempt<'_>) -> Result<(), sqlx::Error> {
    let now = now();
    for key in attempt.keys() {
        sqlx::query("INSERT INTO auth_failures (subject, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now)
            .execute(state.db.pool())
            .await?;
    }
    // Old failures no longer count; keep the table small.
    sqlx::query("DELETE FROM auth_failures WHERE at <= $1")
        .bind(now - state.options.throttle.window_secs)
        .execute(state.db.pool())
        .await?;
    Ok(())
}

/// A right credential: the principal's failures, and this address's with
/// it, are forgotten (the address's failures elsewhere still count).
pub async fn succeeded(state: &ProviderState, attempt: &Attempt<'_>) -> Result<(), sqlx::Error> {
    let keys: Vec<String> = std::iter::once(attempt.principal_key())
        .chain(attempt.pair_key())
        .collect();
    let sql = format!(
        "DELETE FROM auth_failures WHERE subject IN ({})",
        crate::store::placeholders(1, keys.len())
    );
    let mut query = sqlx::query(&sql);
    for key in &keys {
        query = query.bind(key);
    }
    query.execute(state.db.pool()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_after_the_free_failures_and_stops_at_the_cap() {
        let options = ThrottleOptions::default();
        let ms = |n| delay_for(&options, n).as_millis();
        assert_eq!([ms(0), ms(4)], [0, 0]);
        assert_eq!([ms(5), ms(6), ms(7), ms(8)], [250, 500, 1000, 2000]);
        assert_eq!([ms(9), ms(50), ms(i64::MAX)], [3000, 3000, 3000]);
    }
}
