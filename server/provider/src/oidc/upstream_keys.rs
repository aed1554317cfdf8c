//! The signing keys of customers' identity providers, kept a while so that a
//! federated sign-in does not fetch the upstream's JWKS every time.
//!
//! A key set is used for [`FRESH`]; a key id it does not hold (the upstream
//! rotated) fetches it again, but at most once per [`REFETCH_UNKNOWN_AFTER`]
//! per address, so forged key ids cannot make the provider hammer an
//! upstream. The cache holds at most [`MAX_SETS`] addresses.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use orgdesk_fetch::{FetchError, SafeFetcher};
use serde_json::Value;
use url::Url;

pub(crate) const FRESH: Duration = Duration::from_secs(300);
pub(crate) const REFETCH_UNKNOWN_AFTER: Duration = Duration::from_secs(10);
const MAX_SETS: usize = 256;

struct KeySet {
    keys: Vec<Value>,
    fetched: Instant,
}

pub(crate) struct UpstreamKeys {
    fresh: Duration,
    refetch_unknown_after: Duration,
    sets: Mutex<HashMap<String, KeySet>>,
}

impl Default for UpstreamKeys {
    fn default() -> Self {
        Self::new(FRESH, REFETCH_UNKNOWN_AFTER)
    }
}

fn holds(keys: &[Value], kid: Option<&str>) -> bool {
    match kid {
        Some(kid) => keys
            .iter()
            .any(|k| k.get("kid").and_then(Value::as_str) == Some(kid)),
        None => true,
    }
}

impl UpstreamKeys {
    pub(crate) fn new(fresh: Duration, refetch_unknown_after: Duration) -> Self {
        Self {
            fresh,
            refetch_unknown_after,
            sets: Mutex::default(),
        }
    }

    /// The keys published at `jwks_uri` (the `keys` array), from the cache
    /// when it is fresh and holds `kid`, else fetched through `fetcher`.
    pub(crate) async fn keys(
        &self,
        fetcher: &SafeFetcher,
        jwks_uri: &Url,
        kid: Option<&str>,
    ) -> Result<Vec<Value>, FetchError> {
        if let Some(keys) = self.cached(jwks_uri, kid) {
            return Ok(keys);
        }
        let document = fetcher.get_json(jwks_uri).await?;
        let keys = document
            .get("keys")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut sets = self.sets.lock().expect("not poisoned");
        if sets.len() >= MAX_SETS && !sets.contains_key(jwks_uri.as_str()) {
            sets.clear();
        }
        sets.insert(
            jwks_uri.to_string(),
            KeySet {
                keys: keys.clone(),
                fetched: Instant::now(),
            },
        );
        Ok(keys)
    }

    fn cached(&self, jwks_uri: &Url, kid: Option<&str>) -> Option<Vec<Value>> {
        let sets = self.sets.lock().expect("not poisoned");
        let set = sets.get(jwks_uri.as_str())?;
        let age = set.fetched.elapsed();
        if age >= self.fresh {
            return None;
        }
        // An unknown key id is answered from the cache (and fails) until
        // the set may be fetched again.
        if holds(&set.keys, kid) || age < self.refetch_unknown_after {
            Some(set.keys.clone())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::{Json, Router, extract::State, routing::get};
    use orgdesk_fetch::FetchPolicy;
    use serde_json::json;

    use super::*;

    /// A JWKS endpoint that counts its requests and publishes `kid`.
    struct Upstream {
        url: Url,
        fetches: Arc<AtomicUsize>,
        kid: Arc<Mutex<String>>,
    }

    async fn upstream() -> (Upstream, SafeFetcher) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let fetches = Arc::new(AtomicUsize::new(0));
        let kid = Arc::new(Mutex::new("key-1".to_owned()));
        let state = (fetches.clone(), kid.clone());
        let router = Router::new()
            .route(
                "/jwks",
                get(
                    |State((fetches, kid)): State<(Arc<AtomicUsize>, Arc<Mutex<String>>)>| async move {
                        fetches.fetch_add(1, Ordering::SeqCst);
                        let kid = kid.lock().unwrap().clone();
                        Json(json!({"keys": [{"kty": "RSA", "kid": kid}]}))
                    },
                ),
            )
            .with_state(state);
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        let fetcher = SafeFetcher::new(FetchPolicy {
            test_origins: vec![origin.clone()],
            ..FetchPolicy::default()
        });
        let url = Url::parse(&format!("{origin}/jwks")).unwrap();
        (Upstream { url, fetches, kid }, fetcher)
    }

    fn kids(keys: &[Value]) -> Vec<&str> {
        keys.iter()
            .filter_map(|k| k.get("kid").and_then(Value::as_str))
            .collect()
    }

    #[tokio::test]
    async fn a_fresh_set_that_holds_the_key_is_not_fetched_again() {
        let (upstream, fetcher) = upstream().await;
        let cache = UpstreamKeys::default();
        for _ in 0..3 {
            let keys = cache
                .keys(&fetcher, &upstream.url, Some("key-1"))
                .await
                .unwrap();
            assert_eq!(kids(&keys), ["key-1"]);
        }
        assert_eq!(upstream.fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_rotated_key_is_fetched_but_unknown_ids_do_not_hammer_the_upstream() {
        let (upstream, fetcher) = upstream().await;
        *upstream.kid.lock().unwrap() = "key-1".into();

        // Just fetched: an unknown key id is answered from the cache.
        let patient = UpstreamKeys::new(FRESH, Duration::from_secs(3600));
        patient.keys(&fetcher, &upstream.url, None).await.unwrap();
        *upstream.kid.lock().unwrap() = "key-2".into();
        for _ in 0..5 {
            let keys = patient
                .keys(&fetcher, &upstream.url, Some("forged"))
                .await
                .unwrap();
            assert_eq!(kids(&keys), ["key-1"]);
        }
        assert_eq!(upstream.fetches.load(Ordering::SeqCst), 1);

        // Once the set may be fetched again, the rotated key is found.
        let eager = UpstreamKeys::new(FRESH, Duration::ZERO);
        *upstream.kid.lock().unwrap() = "key-1".into();
        eager.keys(&fetcher, &upstream.url, None).await.unwrap();
        *upstream.kid.lock().unwrap() = "key-2".into();
        let keys = eager
            .keys(&fetcher, &upstream.url, Some("key-2"))
            .await
            .unwrap();
        assert_eq!(kids(&keys), ["key-2"]);
        assert_eq!(upstream.fetches.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_stale_set_is_fetched_again() {
        let (upstream, fetcher) = upstream().await;
        let cache = UpstreamKeys::new(Duration::ZERO, Duration::ZERO);
        cache
            .keys(&fetcher, &upstream.url, Some("key-1"))
            .await
            .unwrap();
        cache
            .keys(&fetcher, &upstream.url, Some("key-1"))
            .await
            .unwrap();
        assert_eq!(upstream.fetches.load(Ordering::SeqCst), 2);
    }
}
