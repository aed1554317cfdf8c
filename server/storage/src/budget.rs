//! The send budget: sliding-window counters in the console's database, so
//! that every console process sharing it counts the same sends.
//!
//! A reservation is one transaction. It first writes each key's row (in key
//! order, so that two reservations never wait on each other in a cycle):
//! on PostgreSQL that locks the rows until commit; on SQLite the first write
//! takes the database's write lock. Only then does it read what was spent,
//! so a second reservation of the same key waits and sees the first's
//! spending: the last slot of a budget goes to one of them.

use std::collections::BTreeMap;

use async_trait::async_trait;
use orgdesk_domain::ports::{Ask, PortError, SendBudget, Spent};
use sqlx::Row;

use crate::{Storage, port_error};

/// The time at which `amount` more fits under `max`, given what was spent
/// in the window as (at, amount), oldest first: when enough of it has left
/// the window.
fn fits_at(spent: &[(i64, i64)], amount: i64, max: i64, window_ms: i64, now_ms: i64) -> i64 {
    if amount > max {
        return now_ms + window_ms;
    }
    let used: i64 = spent.iter().map(|(_, a)| a).sum();
    let mut to_free = used + amount - max;
    for (at, a) in spent {
        to_free -= a;
        if to_free <= 0 {
            return at + window_ms;
        }
    }
    now_ms
}

#[async_trait]
impl SendBudget for Storage {
    async fn spend(&self, asks: &[Ask], now_ms: i64) -> Result<Spent, PortError> {
        // One ask per key (the strictest limit, the amounts added), in key order.
        let mut by_key: BTreeMap<&str, Ask> = BTreeMap::new();
        for ask in asks {
            by_key
                .entry(&ask.key)
                .and_modify(|a| {
                    a.amount += ask.amount;
                    a.max = a.max.min(ask.max);
                    a.window_ms = a.window_ms.max(ask.window_ms);
                })
                .or_insert_with(|| ask.clone());
        }
        let mut tx = self.db.pool().begin().await.map_err(port_error)?;
        for key in by_key.keys() {
            sqlx::query(
                "INSERT INTO send_budget_keys (budget_key, touched_at_ms) VALUES ($1, $2) \
                 ON CONFLICT (budget_key) DO UPDATE SET touched_at_ms = excluded.touched_at_ms",
            )
            .bind(*key)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(port_error)?;
        }
        for (key, ask) in &by_key {
            let since = now_ms - ask.window_ms;
            sqlx::query("DELETE FROM send_budget_spent WHERE budget_key = $1 AND at_ms <= $2")
                .bind(*key)
                .bind(since)
                .execute(&mut *tx)
                .await
                .map_err(port_error)?;
            let rows = sqlx::query(
                "SELECT at_ms, amount FROM send_budget_spent WHERE budget_key = $1 \
                 ORDER BY at_ms",
            )
            .bind(*key)
            .fetch_all(&mut *tx)
            .await
            .map_err(port_error)?;
            let spent = rows
                .iter()
                .map(|r| Ok((r.try_get("at_ms")?, r.try_get("amount")?)))
                .collect::<Result<Vec<(i64, i64)>, sqlx::Error>>()
                .map_err(port_error)?;
            let used: i64 = spent.iter().map(|(_, a)| a).sum();
            let (amount, max) = (i64::from(ask.amount), i64::from(ask.max));
            if used + amount > max {
                // Dropping the transaction rolls back: nothing is reserved.
                return Ok(Spent::Refused {
                    key: (*key).to_owned(),
                    retry_at_ms: fits_at(&spent, amount, max, ask.window_ms, now_ms),
                });
            }
        }
        for (key, ask) in &by_key {
            sqlx::query(
                "INSERT INTO send_budget_spent (budget_key, at_ms, amount) VALUES ($1, $2, $3)",
            )
            .bind(*key)
            .bind(now_ms)
            .bind(i64::from(ask.amount))
            .execute(&mut *tx)
            .await
            .map_err(port_error)?;
        }
        tx.commit().await.map_err(port_error)?;
        Ok(Spent::Granted)
    }
}

#[cfg(test)]
mod tests {
    use super::fits_at;

    #[test]
    fn a_budget_frees_when_enough_of_its_window_has_passed() {
        // Spent 3 at 0 and 2 at 10 of 5 in 100 ms: one more fits at 100.
        assert_eq!(fits_at(&[(0, 3), (10, 2)], 1, 5, 100, 50), 100);
        // Four more need the 3 and the 2 gone: at 110.
        assert_eq!(fits_at(&[(0, 3), (10, 2)], 4, 5, 100, 50), 110);
        // More than the whole budget never fits: a window from now.
        assert_eq!(fits_at(&[], 6, 5, 100, 50), 150);
    }
}
