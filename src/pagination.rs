//! AIP-158 pagination: page sizes and opaque page tokens.
//!
//! A token carries the offset of the next item and is bound, by a keyed checksum, to the
//! listing's filters and to the model version: a tampered token, one reused with other filters,
//! or one from an older model is refused with INVALID_ARGUMENT rather than answered wrongly.
//! The key is random per process, so tokens do not outlive a server restart.

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::Error;

/// The page size when a request gives none.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// Larger requested page sizes are lowered to this.
pub const MAX_PAGE_SIZE: usize = 500;

/// The slice of a listing one call returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: usize,
    pub size: usize,
}

fn process_key() -> &'static [u8; 16] {
    static KEY: OnceLock<[u8; 16]> = OnceLock::new();
    KEY.get_or_init(|| {
        // RandomState is seeded from the operating system's randomness.
        let random = |salt: u64| {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(salt);
            hasher.finish()
        };
        let mut key = [0; 16];
        key[..8].copy_from_slice(&random(1).to_le_bytes());
        key[8..].copy_from_slice(&random(2).to_le_bytes());
        key
    })
}

fn checksum(offset: usize, filters: &str, model_version: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(process_key());
    hasher.update(offset.to_le_bytes());
    hasher.update(filters.as_bytes());
    hasher.update([0]);
    hasher.update(model_version.as_bytes());
    hasher.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// What a listing is and what it is filtered by: every page token is bound to it, so a token
/// cannot be reused for another listing or with other filters. One variant per listing, with
/// every request field that changes what is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingKey {
    Entities {
        entity_type: i32,
    },
    Relations {
        entity_id: String,
        predicate: String,
        direction: i32,
        counterpart_id: String,
        include_derived: bool,
        origin: i32,
        min_documents: i32,
        since: String,
        until: String,
    },
    Agreements {
        party_id: String,
        disputed_by_id: String,
    },
    Documents {
        origin: i32,
    },
    Predicates,
    Events {
        actor_id: String,
        code_root: String,
        document_id: String,
        since: String,
        until: String,
    },
}

impl ListingKey {
    /// The key as the checksum reads it. `Debug` quotes every string, so two different keys
    /// never give the same text (a filter holding a separator cannot pose as two).
    fn encoded(&self) -> String {
        format!("{self:?}")
    }
}

/// The page a list request asks for, read and checked before the listing is built.
#[derive(Debug, Clone)]
pub struct Pager {
    page: Page,
    key: String,
    model_version: String,
}

/// One page of a listing, with what the response needs besides its items.
#[derive(Debug)]
pub struct PageOf<'a, T> {
    pub items: &'a [T],
    /// Empty on the last page.
    pub next_page_token: String,
    /// How many items the whole listing has.
    pub total_size: i32,
}

impl Pager {
    /// Reads `page_size` and `page_token` of a list request for the listing `key`.
    ///
    /// # Errors
    /// `InvalidArgument` for a negative page size or a malformed, tampered or foreign token.
    pub fn read(page_size: i32, page_token: &str, key: &ListingKey, model_version: &str) -> Result<Pager, Error> {
        let key = key.encoded();
        let page = read_page(page_size, page_token, &key, model_version)?;
        Ok(Pager {
            page,
            key,
            model_version: model_version.to_owned(),
        })
    }

    /// The requested page of the whole listing `items`.
    pub fn page<'a, T>(&self, items: &'a [T]) -> PageOf<'a, T> {
        self.page_of(items, self.page)
    }

    /// `page` of the whole listing `items`, with the token of the page after it.
    fn page_of<'a, T>(&self, items: &'a [T], page: Page) -> PageOf<'a, T> {
        PageOf {
            items: slice(items, page),
            next_page_token: next_page_token(page, items.len(), &self.key, &self.model_version),
            total_size: i32::try_from(items.len()).unwrap_or(i32::MAX),
        }
    }

    /// The requested page, cut to the first items whose `cost` sums to at most `budget` (one
    /// item at least): its token then points at the first item left out. For listings whose
    /// items vary a lot in size (documents with their texts), so an answer stays sendable.
    pub fn page_within<'a, T>(&self, items: &'a [T], budget: usize, cost: impl Fn(&T) -> usize) -> PageOf<'a, T> {
        let full = slice(items, self.page);
        let mut spent = 0;
        let mut count = 0;
        for item in full {
            spent += cost(item);
            if count > 0 && spent > budget {
                break;
            }
            count += 1;
        }
        let page = Page {
            offset: self.page.offset,
            size: count.max(1).min(self.page.size),
        };
        self.page_of(items, page)
    }

    /// The offset of the page's first item in the listing.
    pub fn offset(&self) -> usize {
        self.page.offset
    }
}

/// Reads `page_size` and `page_token` of a list request. `filters` describes the request's
/// filters (anything that changes the listing) so that a token cannot be reused across them.
///
/// # Errors
/// `InvalidArgument` for a negative page size or a malformed, tampered or foreign token.
fn read_page(page_size: i32, page_token: &str, filters: &str, model_version: &str) -> Result<Page, Error> {
    let size = match page_size {
        size if size < 0 => {
            return Err(Error::invalid(
                "page_size",
                "INVALID_PAGE_SIZE",
                format!("page_size must not be negative, got {size}"),
            ))
        }
        0 => DEFAULT_PAGE_SIZE,
        size => (size as usize).min(MAX_PAGE_SIZE),
    };
    if page_token.is_empty() {
        return Ok(Page { offset: 0, size });
    }
    let invalid = |why: &str| {
        Error::invalid(
            "page_token",
            "INVALID_PAGE_TOKEN",
            format!("invalid page_token: {why}; start again with an empty token"),
        )
    };
    let decoded = URL_SAFE_NO_PAD
        .decode(page_token)
        .map_err(|_| invalid("not a token this server issued"))?;
    let decoded = String::from_utf8(decoded).map_err(|_| invalid("not a token this server issued"))?;
    let (offset, check) = decoded
        .split_once('.')
        .ok_or_else(|| invalid("not a token this server issued"))?;
    let offset: usize = offset.parse().map_err(|_| invalid("not a token this server issued"))?;
    if checksum(offset, filters, model_version) != check {
        return Err(invalid(
            "it was issued for other filters, by another server or for an older model, or was altered",
        ));
    }
    Ok(Page { offset, size })
}

/// The token of the page after `page` in a listing of `total` items; empty at the end.
fn next_page_token(page: Page, total: usize, filters: &str, model_version: &str) -> String {
    let next = page.offset.saturating_add(page.size);
    if next >= total {
        return String::new();
    }
    URL_SAFE_NO_PAD.encode(format!("{next}.{}", checksum(next, filters, model_version)))
}

/// The items of `page` out of `items`.
fn slice<T>(items: &[T], page: Page) -> &[T] {
    let start = page.offset.min(items.len());
    let end = page.offset.saturating_add(page.size).min(items.len());
    &items[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_round_trips_for_the_same_filters() {
        let page = Page { offset: 0, size: 2 };
        let token = next_page_token(page, 5, "type=1", "v1");
        assert_eq!(
            read_page(2, &token, "type=1", "v1").unwrap(),
            Page { offset: 2, size: 2 }
        );
    }

    #[test]
    fn a_token_is_refused_for_other_filters_or_models() {
        let token = next_page_token(Page { offset: 0, size: 2 }, 5, "type=1", "v1");
        assert!(read_page(2, &token, "type=2", "v1").is_err());
        assert!(read_page(2, &token, "type=1", "v2").is_err());
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let token = next_page_token(Page { offset: 0, size: 2 }, 5, "", "v1");
        let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(&token).unwrap()).unwrap();
        let forged = URL_SAFE_NO_PAD.encode(decoded.replacen('2', "3", 1));
        assert!(read_page(2, &forged, "", "v1").is_err());
        assert!(read_page(2, "not base64!", "", "v1").is_err());
    }

    #[test]
    fn a_token_is_refused_for_another_listing() {
        let relations = |predicate: &str| ListingKey::Relations {
            entity_id: String::new(),
            predicate: predicate.to_owned(),
            direction: 0,
            counterpart_id: String::new(),
            include_derived: false,
            origin: 0,
            min_documents: 0,
            since: String::new(),
            until: String::new(),
        };
        let pager = Pager::read(1, "", &relations("backs"), "v1").unwrap();
        let token = pager.page(&[1, 2, 3]).next_page_token;
        assert!(Pager::read(1, &token, &relations("backs"), "v1").is_ok());
        assert!(Pager::read(1, &token, &relations("opposes"), "v1").is_err());
        assert!(Pager::read(1, &token, &ListingKey::Predicates, "v1").is_err());
    }

    #[test]
    fn page_sizes_default_cap_and_refuse_negatives() {
        assert_eq!(read_page(0, "", "", "v").unwrap().size, DEFAULT_PAGE_SIZE);
        assert_eq!(read_page(100_000, "", "", "v").unwrap().size, MAX_PAGE_SIZE);
        assert!(read_page(-1, "", "", "v").is_err());
    }
}
