//! Auth0's three ways to list:
//! - no paging parameters: a bare array of the first page;
//! - `page`/`per_page` (`include_totals=true` adds `{start, limit, total}`),
//!   at most 1000 records deep;
//! - checkpoint `from`/`take`: `{<items>, next}`, `next` absent on the last page.
//!   An empty `from=` counts as absent. Checkpoints are opaque to callers.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::ApiError;

const DEFAULT_PAGE_SIZE: u32 = 50;
const MAX_PAGE_SIZE: u32 = 100;
/// Offset paging reaches this many records at most; deeper needs checkpoints.
const MAX_OFFSET_RECORDS: u64 = 1000;

/// How a list was asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Paging {
    /// Offset paging; `bare` when no parameter asked for it.
    Offset {
        page: u32,
        per_page: u32,
        include_totals: bool,
        bare: bool,
    },
    /// Keyset paging after the key in `from`.
    Checkpoint { after: Option<String>, take: u32 },
}

impl Paging {
    /// Reads the paging parameters of a query string.
    pub fn from_query(query: &[(String, String)]) -> Result<Self, ApiError> {
        let get = |name: &str| {
            query
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let number = |name: &str| -> Result<Option<u32>, ApiError> {
            get(name)
                .map(|v| {
                    v.parse::<u32>().map_err(|_| {
                        invalid_query(format!(
                            "Expected type integer but found type string on property {name}"
                        ))
                    })
                })
                .transpose()
        };
        let size = |name: &str, value: Option<u32>| -> Result<u32, ApiError> {
            match value.unwrap_or(DEFAULT_PAGE_SIZE) {
                n @ 1..=MAX_PAGE_SIZE => Ok(n),
                _ => Err(invalid_query(format!(
                    "{name} must be between 1 and {MAX_PAGE_SIZE}"
                ))),
            }
        };
        let from = get("from").filter(|f| !f.is_empty());
        let take = number("take")?;
        if from.is_some() || take.is_some() {
            let after = from.map(decode_checkpoint).transpose()?;
            return Ok(Paging::Checkpoint {
                after,
                take: size("take", take)?,
            });
        }
        let page = number("page")?;
        let per_page = number("per_page")?;
        let include_totals = match get("include_totals") {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(invalid_query("include_totals must be true or false".into())),
        };
        let per_page = size("per_page", per_page)?;
        let page = page.unwrap_or(0);
        if (u64::from(page) + 1) * u64::from(per_page) > MAX_OFFSET_RECORDS {
            return Err(ApiError::bad_request(
                "invalid_paging",
                "Requesting page exceeds the allowed maximum of 1000 records",
            ));
        }
        Ok(Paging::Offset {
            page,
            per_page,
            include_totals,
            bare: !include_totals && get("page").is_none() && get("per_page").is_none(),
        })
    }
}

/// Offset paging alone, for the lists Auth0 pages only by `page`/`per_page`
/// (a user's roles and organizations, a member's roles).
#[derive(Debug, PartialEq, Eq)]
pub struct Offset {
    pub page: u32,
    pub per_page: u32,
    pub include_totals: bool,
}

impl Offset {
    pub fn from_query(query: &[(String, String)]) -> Result<Self, ApiError> {
        match Paging::from_query(query)? {
            Paging::Offset {
                page,
                per_page,
                include_totals,
                ..
            } => Ok(Self {
                page,
                per_page,
                include_totals,
            }),
            Paging::Checkpoint { .. } => Err(invalid_query(
                "this list is paged with page, per_page and include_totals, not from and take"
                    .into(),
            )),
        }
    }

    /// How many records come before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page) * u64::from(self.per_page)
    }

    /// The page in the form its request asked for (`total` when it asked for totals).
    pub fn body<T: Serialize>(&self, field: &str, items: Vec<T>, total: Option<u64>) -> Value {
        offset_body(field, items, self.page, self.per_page, total)
    }
}

/// The opaque checkpoint for a key.
pub fn encode_checkpoint(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

fn decode_checkpoint(from: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(from)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| invalid_query("The from parameter is not a checkpoint this API gave".into()))
}

fn invalid_query(message: String) -> ApiError {
    ApiError::bad_request(
        "invalid_query_string",
        format!("Query validation error: {message}"),
    )
}

/// An offset page in the form its request asked for.
pub fn offset_body<T: Serialize>(
    field: &str,
    items: Vec<T>,
    page: u32,
    per_page: u32,
    total: Option<u64>,
) -> Value {
    match total {
        Some(total) => json!({
            field: items,
            "start": u64::from(page) * u64::from(per_page),
            "limit": per_page,
            "total": total,
        }),
        None => json!(items),
    }
}

/// A checkpoint page: `next` only when more records follow.
pub fn checkpoint_body<T: Serialize>(field: &str, items: Vec<T>, next_key: Option<&str>) -> Value {
    let mut body = json!({ field: items });
    if let Some(key) = next_key {
        body["next"] = encode_checkpoint(key).into();
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<Paging, u16> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
        Paging::from_query(&pairs).map_err(|e| e.status().as_u16())
    }

    #[test]
    fn the_parameters_choose_the_form() {
        let offset = |page, per_page, include_totals, bare| Paging::Offset {
            page,
            per_page,
            include_totals,
            bare,
        };
        let cases = [
            ("", Ok(offset(0, 50, false, true))),
            ("page=2&per_page=10", Ok(offset(2, 10, false, false))),
            ("include_totals=true", Ok(offset(0, 50, true, false))),
            (
                "page=0&per_page=100&include_totals=true",
                Ok(offset(0, 100, true, false)),
            ),
            ("from=", Ok(offset(0, 50, false, true))),
            (
                "take=5",
                Ok(Paging::Checkpoint {
                    after: None,
                    take: 5,
                }),
            ),
            (
                "from=&take=5",
                Ok(Paging::Checkpoint {
                    after: None,
                    take: 5,
                }),
            ),
            (
                "from=YWNtZQ",
                Ok(Paging::Checkpoint {
                    after: Some("acme".into()),
                    take: 50,
                }),
            ),
            ("page=9&per_page=100", Ok(offset(9, 100, false, false))),
            ("page=10&per_page=100", Err(400)),
            ("per_page=0", Err(400)),
            ("per_page=101", Err(400)),
            ("take=101", Err(400)),
            ("page=-1", Err(400)),
            ("page=one", Err(400)),
            ("include_totals=yes", Err(400)),
            ("from=%%%", Err(400)),
        ];
        for (query, expected) in cases {
            assert_eq!(parse(query), expected, "{query:?}");
        }
    }

    #[test]
    fn offset_only_lists_refuse_checkpoints() {
        let pairs = |q: &str| -> Vec<(String, String)> { serde_urlencoded::from_str(q).unwrap() };
        assert_eq!(
            Offset::from_query(&pairs("page=1&per_page=20")).unwrap(),
            Offset {
                page: 1,
                per_page: 20,
                include_totals: false
            }
        );
        assert_eq!(Offset::from_query(&pairs("page=1")).unwrap().offset(), 50);
        let refused = Offset::from_query(&pairs("take=10")).unwrap_err();
        assert_eq!(refused.status().as_u16(), 400);
    }

    #[test]
    fn checkpoints_round_trip_and_stay_opaque() {
        let checkpoint = encode_checkpoint("travel0-corporate");
        assert!(!checkpoint.contains("travel0"));
        assert_eq!(decode_checkpoint(&checkpoint).unwrap(), "travel0-corporate");
    }
}
