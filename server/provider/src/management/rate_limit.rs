//! Auth0's rate-limit headers on every Management API response, and an
//! optional limit (off by default) that answers 429 the way Auth0 does, so
//! that clients' back-off can be tested for real.
//!
//! The limit is a token bucket shared by every caller of this process, as
//! Auth0's limits are per tenant.

use std::sync::Mutex;
use std::time::Instant;

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use crate::{ProviderState, error::ApiError, now};

/// A bucket of `burst` requests that refills at `per_second`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub struct RateLimit {
    pub burst: u32,
    pub per_second: f64,
}

/// The limiter of one provider process.
#[derive(Debug)]
pub struct Limiter {
    limit: Option<RateLimit>,
    bucket: Mutex<(f64, Instant)>,
}

/// What one request was told.
#[derive(Debug, PartialEq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// UNIX time when the bucket is full again.
    pub reset: i64,
}

impl Limiter {
    pub fn new(limit: Option<RateLimit>) -> Self {
        let full = limit.map(|l| f64::from(l.burst)).unwrap_or_default();
        Self {
            limit,
            bucket: Mutex::new((full, Instant::now())),
        }
    }

    /// Takes one request from the bucket, if there is one.
    pub fn take(&self) -> Decision {
        let Some(limit) = self.limit else {
            // No limit: the headers still come, and never run out.
            return Decision {
                allowed: true,
                limit: u32::MAX,
                remaining: u32::MAX,
                reset: now(),
            };
        };
        let mut bucket = self.bucket.lock().expect("rate limit lock");
        let (tokens, last) = &mut *bucket;
        let burst = f64::from(limit.burst);
        *tokens = (*tokens + last.elapsed().as_secs_f64() * limit.per_second).min(burst);
        *last = Instant::now();
        let allowed = *tokens >= 1.0;
        if allowed {
            *tokens -= 1.0;
        }
        let until_full = (burst - *tokens) / limit.per_second;
        Decision {
            allowed,
            limit: limit.burst,
            remaining: tokens.floor() as u32,
            reset: now() + until_full.ceil() as i64,
        }
    }
}

/// Middleware: 429 when the bucket is empty; the headers on every answer.
pub(crate) async fn enforce(
    State(state): State<ProviderState>,
    request: Request,
    next: Next,
) -> Response {
    let decision = state.limiter.take();
    let mut response = if decision.allowed {
        next.run(request).await
    } else {
        ApiError::too_many_requests().into_response()
    };
    set_headers(response.headers_mut(), &decision);
    response
}

fn set_headers(headers: &mut HeaderMap, decision: &Decision) {
    for (name, value) in [
        ("x-ratelimit-limit", decision.limit.to_string()),
        ("x-ratelimit-remaining", decision.remaining.to_string()),
        ("x-ratelimit-reset", decision.reset.to_string()),
    ] {
        headers.insert(name, HeaderValue::from_str(&value).expect("digits"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_bucket_refuses_until_it_refills() {
        let limiter = Limiter::new(Some(RateLimit {
            burst: 2,
            per_second: 1.0,
        }));
        let first = limiter.take();
        assert!(first.allowed);
        assert_eq!((first.limit, first.remaining), (2, 1));
        assert!(limiter.take().allowed);
        let refused = limiter.take();
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        assert!(
            refused.reset > now(),
            "reset is when the bucket is full again"
        );
    }

    #[test]
    fn without_a_limit_every_request_passes_and_headers_still_come() {
        let limiter = Limiter::new(None);
        for _ in 0..1000 {
            let decision = limiter.take();
            assert!(decision.allowed);
            assert_eq!(decision.remaining, u32::MAX);
        }
    }
}
