//! flow/list: the account's AI agents ("flows"), whose `autoFlowId` a task needs.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::absent::{empty_as_none, is_absent};
use crate::lenient;
use crate::page::paged_request;
use crate::page::{Page, validate_paging};
use crate::request::ApiRequest;
use crate::validation::{ValidationErrors, Violations};

/// Body of `POST /openapi/aiagent/flow/list` (spec §1.1).
///
/// Reading one (as a server does) fills a missing `pageNumber`/`pageSize` with the
/// documented defaults and does not validate; call `validate`, or use [`crate::decode`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListFlowsRequest {
    /// Agent-name filter, fuzzy; omitted when `None` or empty.
    #[serde(deserialize_with = "empty_as_none", skip_serializing_if = "is_absent")]
    pub name: Option<String>,
    /// Page to fetch, 1-based.
    pub page_number: u32,
    /// Items per page, 1 to 1000.
    pub page_size: u32,
}

impl ListFlowsRequest {
    /// The documented defaults: page 1, 10 per page, no filter.
    pub fn new() -> Self {
        Self {
            name: None,
            page_number: 1,
            page_size: 10,
        }
    }

    /// Filters by agent name (fuzzy match).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl Default for ListFlowsRequest {
    fn default() -> Self {
        Self::new()
    }
}

impl ApiRequest for ListFlowsRequest {
    const PATH: &'static str = "/openapi/aiagent/flow/list";
    const DATA_MAY_BE_TOP_LEVEL: bool = true;
    const READ_ONLY: bool = true;
    type Data = Page<Flow>;

    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut violations = Violations::new();
        validate_paging(self.page_number, self.page_size, &mut violations);
        violations.into_result()
    }
}

paged_request!(ListFlowsRequest, Flow);

/// One AI agent from flow/list. Only `autoFlowId` is documented; the name's key is a guess,
/// so `autoFlowName`, `flowName` and `name` are all read (first present wins) and every
/// other key is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flow {
    /// The agent's id, for task/create; 0 when the server left it out.
    pub auto_flow_id: i64,
    /// The agent's name (`autoFlowName`, or `flowName` / `name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_flow_name: Option<String>,
    /// Every other key the server sent, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Read by hand rather than derived: with serde aliases, an item carrying both `name` and
/// `autoFlowName` would be refused as a duplicate field.
impl<'de> Deserialize<'de> for Flow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut extra = Map::deserialize(deserializer)?;
        let auto_flow_id = lenient::take_int(&mut extra, "autoFlowId")
            .map_err(D::Error::custom)?
            .unwrap_or(0);
        let auto_flow_name = lenient::take_text(&mut extra, &["autoFlowName", "flowName", "name"])
            .map_err(D::Error::custom)?;
        Ok(Self {
            auto_flow_id,
            auto_flow_name,
            extra,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::ApiResponse;

    #[test]
    fn serializes_the_spec_example() {
        let request = ListFlowsRequest::new().with_name("Parcel");
        assert_eq!(
            serde_json::to_string(&request).expect("serialize"),
            r#"{"name":"Parcel","pageNumber":1,"pageSize":10}"#
        );
        assert_eq!(
            serde_json::to_string(&ListFlowsRequest::default().with_name("")).expect("serialize"),
            r#"{"pageNumber":1,"pageSize":10}"#
        );
        assert_eq!(ListFlowsRequest::PATH, "/openapi/aiagent/flow/list");
    }

    #[test]
    fn reading_fills_documented_defaults() {
        let request: ListFlowsRequest = serde_json::from_str(r#"{"name":""}"#).expect("parse");
        assert_eq!(request, ListFlowsRequest::new());
    }

    #[test]
    fn flows_read_every_name_spelling_and_keep_the_rest() {
        let body = r#"{"code":0,"message":"success","traceId":"t","data":{"total":3,"pageNumber":1,
            "pageSize":10,"list":[{"autoFlowId":197,"autoFlowName":"Parcel Notification","status":1},
            {"autoFlowId":"198","name":"Survey"},{"autoFlowId":199,"flowName":"Debt","name":"x"}]}}"#;
        let page = serde_json::from_str::<ApiResponse<Page<Flow>>>(body)
            .expect("parse")
            .data
            .expect("data");
        let names: Vec<_> = page
            .items
            .iter()
            .map(|f| (f.auto_flow_id, f.auto_flow_name.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                (197, Some("Parcel Notification")),
                (198, Some("Survey")),
                (199, Some("Debt"))
            ]
        );
        assert_eq!(page.items[0].extra.get("status"), Some(&Value::from(1)));
        assert_eq!(page.items[2].extra.get("name"), Some(&Value::from("x")));
        assert_eq!(
            serde_json::to_string(&page.items[0]).expect("serialize"),
            r#"{"autoFlowId":197,"autoFlowName":"Parcel Notification","status":1}"#
        );
    }

    #[test]
    fn a_flow_without_id_or_name_still_reads() {
        let flow: Flow = serde_json::from_str("{}").expect("parse");
        assert_eq!(flow, Flow::default());
        assert!(serde_json::from_str::<Flow>(r#"{"autoFlowId":"abc"}"#).is_err());
    }
}
