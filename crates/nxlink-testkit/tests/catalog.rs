//! flow/list and route/list over real HTTP: seeded and added entries, fuzzy filters, paging,
//! both page shapes, refusals; task/create refusing agents and routes the catalog lacks.
#![allow(clippy::unwrap_used)]

mod support;

use nxlink_model::{ApiResponse, Flow, Page, Route};
use nxlink_testkit::{Emulator, PageShape, SEEDED_FLOWS, SEEDED_ROUTES};
use serde_json::json;
use support::{FLOWS, ROUTE, ROUTES, assert_violations, call, create, items, page, task_body};

#[tokio::test]
async fn flow_list_pages_through_seeded_and_added_agents() {
    let emulator = Emulator::builder()
        .flow(500, "Parcel Pickup")
        .flow(501, "Debt Collection")
        .start()
        .await
        .unwrap();
    let answer = call(&emulator, FLOWS, r#"{"pageNumber":1,"pageSize":10}"#).await;
    assert_eq!(answer.code(), 0, "{}", answer.json);
    let typed: ApiResponse<Page<Flow>> = serde_json::from_value(answer.json.clone()).unwrap();
    let first = typed.data.unwrap();
    assert_eq!(
        (first.total, first.page_number, first.page_size),
        (5, 1, 10)
    );
    assert_eq!(first.items[0].auto_flow_id, SEEDED_FLOWS[0].0);
    assert_eq!(
        first.items[0].auto_flow_name.as_deref(),
        Some("Parcel Notification")
    );

    // Fuzzy: a case-insensitive substring of the name.
    let parcel = call(
        &emulator,
        FLOWS,
        r#"{"name":"parcel","pageNumber":1,"pageSize":10}"#,
    )
    .await;
    let ids: Vec<i64> = items(&parcel)
        .iter()
        .map(|flow| flow["autoFlowId"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [197, 500]);

    // Paging to the end, two at a time.
    let mut seen = Vec::new();
    for number in 1..=4 {
        let body = format!(r#"{{"pageNumber":{number},"pageSize":2}}"#);
        let answer = call(&emulator, FLOWS, &body).await;
        assert_eq!(page(&answer)["total"], 5);
        seen.extend(
            items(&answer)
                .iter()
                .map(|f| f["autoFlowId"].as_i64().unwrap()),
        );
        if number == 4 {
            assert!(items(&answer).is_empty(), "past the end");
        }
    }
    assert_eq!(seen, [197, 198, 199, 500, 501]);
}

#[tokio::test]
async fn route_list_filters_by_name_and_reads_as_the_model() {
    let emulator = Emulator::builder()
        .route("r-local", "Local Loop")
        .start()
        .await
        .unwrap();
    let answer = call(
        &emulator,
        ROUTES,
        r#"{"routeName":"MX","pageNumber":1,"pageSize":100}"#,
    )
    .await;
    let typed: ApiResponse<Page<Route>> = serde_json::from_value(answer.json.clone()).unwrap();
    let routes = typed.data.unwrap().items;
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].route_id, ROUTE);
    assert_eq!(routes[0].route_name.as_deref(), Some("MX-Router"));

    let all = call(&emulator, ROUTES, r#"{"pageNumber":1,"pageSize":100}"#).await;
    assert_eq!(page(&all)["total"], SEEDED_ROUTES.len() + 1);
    let loop_route = call(
        &emulator,
        ROUTES,
        r#"{"routeName":"loop","pageNumber":1,"pageSize":100}"#,
    )
    .await;
    assert_eq!(items(&loop_route)[0]["routeId"], "r-local");
}

#[tokio::test]
async fn the_top_level_shape_puts_the_page_next_to_code() {
    let emulator = Emulator::builder()
        .page_shape(PageShape::TopLevel)
        .start()
        .await
        .unwrap();
    let answer = call(&emulator, FLOWS, r#"{"pageNumber":2,"pageSize":2}"#).await;
    assert_eq!(answer.code(), 0);
    assert!(answer.json.get("data").is_none(), "{}", answer.json);
    assert_eq!(answer.json["total"], 3);
    assert_eq!(answer.json["pageNumber"], 2);
    assert_eq!(answer.json["pageSize"], 2);
    assert_eq!(
        answer.json["list"],
        json!([{"autoFlowId": 199, "autoFlowName": "Payment Reminder"}])
    );
    assert!(answer.json["traceId"].is_string());
    // The model reads the whole body as a page.
    let top: Page<Flow> = serde_json::from_value(answer.json.clone()).unwrap();
    assert_eq!(top.items[0].auto_flow_id, 199);
}

#[tokio::test]
async fn list_requests_are_validated_like_the_sdk_does() {
    let emulator = Emulator::start().await.unwrap();
    let broken = call(&emulator, FLOWS, r#"{"pageNumber":0,"pageSize":1001}"#).await;
    assert_violations(&broken, &["pageNumber", "pageSize"]);
    for body in ["{", "[]", r#"{"pageSize":"ten"}"#] {
        let answer = call(&emulator, ROUTES, body).await;
        assert_eq!(answer.code(), 1002, "{body}: {}", answer.json);
    }
    // Absent paging fields take the documented defaults.
    let defaults = call(&emulator, ROUTES, "{}").await;
    assert_eq!(
        (
            page(&defaults)["pageNumber"].as_u64(),
            page(&defaults)["pageSize"].as_u64()
        ),
        (Some(1), Some(100))
    );
}

#[tokio::test]
async fn task_create_refuses_an_unknown_agent_or_route() {
    let emulator = Emulator::builder()
        .flow(42, "Custom")
        .start()
        .await
        .unwrap();
    let body = task_body(r#""startupType":1"#, "");
    let unknown_flow = body.replace(r#""autoFlowId":197"#, r#""autoFlowId":1"#);
    let answer = create(&emulator, &unknown_flow).await;
    assert_eq!(
        (answer.code(), answer.message()),
        (20000, "autoFlowId not found")
    );
    let unknown_route = body.replace(ROUTE, "no-such-route");
    let answer = create(&emulator, &unknown_route).await;
    assert_eq!(
        (answer.code(), answer.message()),
        (20000, "routeId not found")
    );
    assert!(emulator.tasks().is_empty());
    let added = body.replace(r#""autoFlowId":197"#, r#""autoFlowId":42"#);
    assert_eq!(create(&emulator, &added).await.code(), 0);
}
