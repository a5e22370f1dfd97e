//! Paged answers of the list endpoints, and the paging parameters every list request shares.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::lenient::{int, int_or_default};
use crate::request::ApiRequest;
use crate::validation::Violations;

/// Largest `pageSize` any list endpoint accepts.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// One page of a list endpoint's answer.
///
/// Where the page sits is not settled (spec §0): the documentation puts `total`,
/// `pageNumber`, `pageSize` and the item array inside `data`, the OAS puts them at the top
/// level next to `code`. This type reads both, because it ignores keys it does not know:
/// parse `ApiResponse<Page<T>>`, and when `data` is absent parse the whole body as
/// `Page<T>`. Every field defaults when missing; the item array is `list` on the wire
/// (`records`, `rows` and `items` are accepted too) and `null` reads as empty. A bare JSON
/// array reads as a single page holding all of its items.
///
/// ```
/// use nxlink_model::{ApiResponse, Page, Route};
///
/// let body = br#"{"code":0,"message":"success","traceId":"t","total":3,"pageNumber":1,
///                 "pageSize":2,"list":[{"routeId":"r1"},{"routeId":"r2"}]}"#;
/// let response: ApiResponse<Page<Route>> = serde_json::from_slice(body)?;
/// let page = match response.data {
///     Some(page) => page,
///     None => serde_json::from_slice::<Page<Route>>(body)?,
/// };
/// assert_eq!(page.items[1].route_id, "r2");
/// assert_eq!(page.next_page_number(), Some(2));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// Number of items across all pages.
    pub total: u64,
    /// This page's number, 1-based.
    pub page_number: u32,
    /// Page size the server applied.
    pub page_size: u32,
    /// This page's items (`list`).
    #[serde(rename = "list")]
    pub items: Vec<T>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            total: 0,
            page_number: 0,
            page_size: 0,
            items: Vec::new(),
        }
    }
}

impl<T> Page<T> {
    /// True when no page follows this one: it is empty, shorter than the page size, or
    /// reaches `total`. An answer that reports no page size and no total is therefore the
    /// last, which keeps a page walk from running forever against a terse server.
    pub fn is_last(&self) -> bool {
        let page_size = u64::from(self.page_size);
        let len = u64::try_from(self.items.len()).unwrap_or(u64::MAX);
        self.items.is_empty()
            || len < page_size
            || u64::from(self.page_number).saturating_mul(page_size) >= self.total
    }

    /// The number of the page after this one, or `None` when this is the last.
    pub fn next_page_number(&self) -> Option<u32> {
        if self.is_last() {
            None
        } else {
            self.page_number.checked_add(1)
        }
    }

    /// Number of items on this page.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when this page holds no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The object form; serde ignores unknown keys such as `code`, `message` and `traceId`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
struct PageWire<T> {
    #[serde(default, deserialize_with = "int")]
    total: Option<u64>,
    #[serde(default, deserialize_with = "int_or_default")]
    page_number: u32,
    #[serde(default, deserialize_with = "int_or_default")]
    page_size: u32,
    #[serde(
        default,
        rename = "list",
        alias = "records",
        alias = "rows",
        alias = "items",
        deserialize_with = "null_as_empty_list"
    )]
    items: Option<Vec<T>>,
}

/// A present item array, `null` reading as empty; `None` only when the key is absent.
fn null_as_empty_list<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<Vec<T>>::deserialize(deserializer).map(|list| Some(list.unwrap_or_default()))
}

struct PageVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page object, an array of items, or null")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let wire = PageWire::<T>::deserialize(MapAccessDeserializer::new(map))?;
        // An honest empty page may leave its list out, but says `total`; an object with
        // neither, or a total of items with no list to hold them, is not a page.
        let items = match (wire.items, wire.total) {
            (Some(items), _) => items,
            (None, Some(0)) => Vec::new(),
            (None, Some(total)) => {
                return Err(serde::de::Error::custom(format!(
                    "the page claims a total of {total} items but carries no item list (`list`)"
                )));
            }
            (None, None) => {
                return Err(serde::de::Error::custom(
                    "not a page: neither an item list (`list`) nor a `total`",
                ));
            }
        };
        Ok(Page {
            total: wire.total.unwrap_or(0),
            page_number: wire.page_number,
            page_size: wire.page_size,
            items,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let items = Vec::<T>::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(Page {
            total: u64::try_from(items.len()).unwrap_or(u64::MAX),
            page_number: 1,
            page_size: u32::try_from(items.len()).unwrap_or(u32::MAX),
            items,
        })
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Page::default())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PageVisitor(PhantomData))
    }
}

/// Checks the paging parameters every list request carries: `pageNumber` at least 1 and
/// `pageSize` between 1 and [`MAX_PAGE_SIZE`], reported at `pageNumber` and `pageSize`.
pub(crate) fn validate_paging(page_number: u32, page_size: u32, violations: &mut Violations) {
    if page_number == 0 {
        violations.push(
            "pageNumber",
            "must be at least 1 (pages are numbered from 1)",
        );
    }
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        violations.push(
            "pageSize",
            format!("must be between 1 and {MAX_PAGE_SIZE} (got {page_size})"),
        );
    }
}

/// A list request whose answer is a [`Page`]; the facade walks every page through it.
pub trait PagedRequest: ApiRequest<Data = Page<Self::Item>> + Clone {
    /// What one page holds.
    type Item: DeserializeOwned;

    /// The requested page number (1-based).
    fn page_number(&self) -> u32;

    /// The requested page size.
    fn page_size(&self) -> u32;

    /// The same request for another page.
    #[must_use]
    fn with_page_number(self, page: u32) -> Self;
}

/// The paging half of a list request: its `with_page_number` / `with_page_size` setters and
/// its [`PagedRequest`] impl, for a struct with `page_number` and `page_size` fields.
macro_rules! paged_request {
    ($request:ty, $item:ty) => {
        impl $request {
            /// Sets the page to fetch (1-based).
            #[must_use]
            pub fn with_page_number(mut self, page: u32) -> Self {
                self.page_number = page;
                self
            }

            /// Sets the page size (1 to 1000).
            #[must_use]
            pub fn with_page_size(mut self, size: u32) -> Self {
                self.page_size = size;
                self
            }
        }

        impl $crate::page::PagedRequest for $request {
            type Item = $item;

            fn page_number(&self) -> u32 {
                self.page_number
            }

            fn page_size(&self) -> u32 {
                self.page_size
            }

            fn with_page_number(self, page: u32) -> Self {
                <$request>::with_page_number(self, page)
            }
        }
    };
}

pub(crate) use paged_request;

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total: u64, page_number: u32, page_size: u32, len: usize) -> Page<u8> {
        Page {
            total,
            page_number,
            page_size,
            items: vec![0; len],
        }
    }

    #[test]
    fn full_page_below_total_is_not_last() {
        let p = page(25, 2, 10, 10);
        assert!(!p.is_last());
        assert_eq!(p.next_page_number(), Some(3));
    }

    #[test]
    fn page_reaching_total_is_last() {
        assert!(page(30, 3, 10, 10).is_last());
        assert_eq!(page(30, 3, 10, 10).next_page_number(), None);
        assert!(page(29, 3, 10, 10).is_last());
        assert!(!page(31, 3, 10, 10).is_last());
    }

    #[test]
    fn short_or_empty_pages_are_last() {
        assert!(page(100, 1, 10, 9).is_last());
        assert!(page(100, 1, 10, 0).is_last());
    }

    #[test]
    fn a_terse_answer_is_the_last_page() {
        assert!(page(0, 0, 0, 5).is_last());
        assert!(page(0, 1, 10, 10).is_last());
    }

    #[test]
    fn no_page_after_u32_max() {
        let p = page(u64::MAX, u32::MAX, 10, 10);
        assert!(!p.is_last());
        assert_eq!(p.next_page_number(), None);
    }

    #[test]
    fn paging_rule_bounds() {
        let check = |number, size| {
            let mut v = Violations::new();
            validate_paging(number, size, &mut v);
            v.into_result()
        };
        assert!(check(1, 1).is_ok());
        assert!(check(u32::MAX, MAX_PAGE_SIZE).is_ok());
        let errors = check(0, 0).expect_err("both wrong");
        assert!(errors.has_path("pageNumber") && errors.has_path("pageSize"));
        let errors = check(1, MAX_PAGE_SIZE + 1).expect_err("too big");
        assert_eq!(errors.len(), 1);
        assert!(errors.violations()[0].reason().contains("1001"));
    }
}
