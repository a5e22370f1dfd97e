//! Paged answers: cutting a filtered list into the requested page, and where the page's keys
//! sit in the envelope.

use nxlink_model::Page;
use serde::Serialize;
use serde_json::Value;

use crate::reply::{Payload, Reply};

/// Where a list endpoint puts `total`, `pageNumber`, `pageSize` and `list` (spec §0 leaves it
/// open, so SDK tests should cover both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PageShape {
    /// Inside `data`, as the documentation describes.
    #[default]
    Nested,
    /// At the top level of the envelope next to `code`, with no `data` (the OAS
    /// `Page2Response`).
    TopLevel,
}

/// Page `page_number` (1-based) of `page_size` items out of `items`, converting only the
/// items on that page; `total` counts them all.
pub(crate) fn cut<S, T>(
    items: impl Iterator<Item = S>,
    page_number: u32,
    page_size: u32,
    mut convert: impl FnMut(S) -> T,
) -> Page<T> {
    let first = u64::from(page_number.saturating_sub(1)) * u64::from(page_size);
    let end = first + u64::from(page_size);
    let mut total = 0_u64;
    let mut page = Vec::new();
    for item in items {
        if (first..end).contains(&total) {
            page.push(convert(item));
        }
        total += 1;
    }
    Page {
        total,
        page_number,
        page_size,
        items: page,
    }
}

/// Code 0 carrying `page` in the chosen shape.
pub(crate) fn reply<T: Serialize>(page: &Page<T>, shape: PageShape, what: &str) -> Reply {
    let reason = format!(
        "page {} of {what}: {} of {}",
        page.page_number,
        page.items.len(),
        page.total
    );
    let reply = Reply::success(page, reason);
    match (shape, reply.payload) {
        (PageShape::TopLevel, Payload::Data(Value::Object(keys))) => Reply {
            payload: Payload::TopLevel(keys),
            ..reply
        },
        (_, payload) => Reply { payload, ..reply },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_the_requested_page_and_counts_everything() {
        let page = cut(1..=25, 3, 10, |n| n * 2);
        assert_eq!(page.total, 25);
        assert_eq!(page.items, [42, 44, 46, 48, 50]);
        assert!(cut(1..=25, 4, 10, |n| n).items.is_empty());
        assert_eq!(cut(1..=25, u32::MAX, 1000, |n| n).total, 25);
    }
}
