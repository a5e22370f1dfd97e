//! route/list: the account's outbound call routes, whose `routeId` a task needs.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::absent::{empty_as_none, is_absent};
use crate::lenient;
use crate::page::paged_request;
use crate::page::{Page, validate_paging};
use crate::request::ApiRequest;
use crate::validation::{ValidationErrors, Violations};

/// Body of `POST /openapi/aiagent/route/list` (spec §1.2).
///
/// Reading one fills a missing `pageNumber`/`pageSize` with the documented defaults and
/// does not validate; call `validate`, or use [`crate::decode`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListRoutesRequest {
    /// Route-name filter, fuzzy; omitted when `None` or empty.
    #[serde(deserialize_with = "empty_as_none", skip_serializing_if = "is_absent")]
    pub route_name: Option<String>,
    /// Page to fetch, 1-based.
    pub page_number: u32,
    /// Items per page, 1 to 1000.
    pub page_size: u32,
}

impl ListRoutesRequest {
    /// The documented defaults: page 1, 100 per page, no filter.
    pub fn new() -> Self {
        Self {
            route_name: None,
            page_number: 1,
            page_size: 100,
        }
    }

    /// Filters by route name (fuzzy match).
    #[must_use]
    pub fn with_route_name(mut self, name: impl Into<String>) -> Self {
        self.route_name = Some(name.into());
        self
    }
}

impl Default for ListRoutesRequest {
    fn default() -> Self {
        Self::new()
    }
}

impl ApiRequest for ListRoutesRequest {
    const PATH: &'static str = "/openapi/aiagent/route/list";
    const DATA_MAY_BE_TOP_LEVEL: bool = true;
    const READ_ONLY: bool = true;
    type Data = Page<Route>;

    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut violations = Violations::new();
        validate_paging(self.page_number, self.page_size, &mut violations);
        violations.into_result()
    }
}

paged_request!(ListRoutesRequest, Route);

/// One call route from route/list. Only `routeId` is documented; the name is read from
/// `routeName` or `name` (first present wins) and every other key is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// The route's id, for task/create; empty when the server left it out.
    pub route_id: String,
    /// The route's name (`routeName`, or `name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_name: Option<String>,
    /// Every other key the server sent, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Read by hand so that an item carrying both `routeName` and `name` is not refused as a
/// duplicate field, as serde aliases would.
impl<'de> Deserialize<'de> for Route {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut extra = Map::deserialize(deserializer)?;
        let route_id = lenient::take_text(&mut extra, &["routeId"])
            .map_err(D::Error::custom)?
            .unwrap_or_default();
        let route_name =
            lenient::take_text(&mut extra, &["routeName", "name"]).map_err(D::Error::custom)?;
        Ok(Self {
            route_id,
            route_name,
            extra,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_the_spec_example() {
        let request = ListRoutesRequest::new().with_route_name("MX");
        assert_eq!(
            serde_json::to_string(&request).expect("serialize"),
            r#"{"routeName":"MX","pageNumber":1,"pageSize":100}"#
        );
        assert_eq!(
            serde_json::to_string(&ListRoutesRequest::default()).expect("serialize"),
            r#"{"pageNumber":1,"pageSize":100}"#
        );
        assert_eq!(ListRoutesRequest::PATH, "/openapi/aiagent/route/list");
    }

    #[test]
    fn routes_read_both_name_spellings_and_keep_the_rest() {
        let page: Page<Route> = serde_json::from_str(
            r#"{"code":0,"total":2,"pageNumber":1,"pageSize":100,"list":[
                {"routeId":"y29ND1X4kkCG_nC576sALEkvg3HjEqde","routeName":"MX-Router","lineCount":3},
                {"routeId":"r2","name":"Backup"}]}"#,
        )
        .expect("parse");
        assert_eq!(page.total, 2);
        assert_eq!(page.items[0].route_id, "y29ND1X4kkCG_nC576sALEkvg3HjEqde");
        assert_eq!(page.items[0].route_name.as_deref(), Some("MX-Router"));
        assert_eq!(page.items[0].extra.get("lineCount"), Some(&Value::from(3)));
        assert_eq!(page.items[1].route_name.as_deref(), Some("Backup"));
        assert!(page.items[1].extra.is_empty());
    }

    #[test]
    fn paging_rules_apply() {
        let errors = ListRoutesRequest::new()
            .with_page_size(0)
            .with_page_number(0)
            .validate()
            .expect_err("invalid paging");
        assert!(errors.has_path("pageNumber") && errors.has_path("pageSize"));
    }
}
