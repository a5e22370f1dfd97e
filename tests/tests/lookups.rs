//! flow/list and route/list over loopback: filters, paging, one page and the lazy `all_*`
//! streams, in both page shapes, and their refusals.

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use nxlink::model::{ListFlowsRequest, ListRoutesRequest};
use nxlink::sign::Credentials;
use nxlink::{Client, ErrorKind, RetryPolicy};
use nxlink_integration_tests::client_for;
use nxlink_integration_tests::fixtures::requests_to;
use nxlink_testkit::{Emulator, Fault, FaultRule, PageShape, Requests};

const FLOWS: &str = "/openapi/aiagent/flow/list";
const ROUTES: &str = "/openapi/aiagent/route/list";

/// Five agents (three seeded, two added) and five routes (three seeded, two added).
async fn catalog_emulator(shape: PageShape) -> Emulator {
    Emulator::builder()
        .page_shape(shape)
        .flow(200, "Parcel Pickup")
        .flow(201, "NPS Survey")
        .route("r-eu-1", "EU-Router")
        .route("r-eu-2", "eu backup")
        .start()
        .await
        .expect("emulator starts")
}

async fn flows_one_page_filters_and_stream(shape: PageShape) {
    let emulator = catalog_emulator(shape).await;
    let client = client_for(&emulator);

    let page = client
        .list_flows(&ListFlowsRequest::new())
        .await
        .expect("page");
    assert_eq!((page.total, page.page_number, page.page_size), (5, 1, 10));
    let ids: Vec<i64> = page.items.iter().map(|flow| flow.auto_flow_id).collect();
    assert_eq!(ids, [197, 198, 199, 200, 201]);
    assert_eq!(
        page.items[0].auto_flow_name.as_deref(),
        Some("Parcel Notification")
    );

    // The name filter is a case-insensitive substring.
    let parcel = client
        .list_flows(&ListFlowsRequest::new().with_name("PARCEL"))
        .await
        .expect("filtered");
    let ids: Vec<i64> = parcel.items.iter().map(|flow| flow.auto_flow_id).collect();
    assert_eq!((parcel.total, ids), (2, vec![197, 200]));

    let third = client
        .list_flows(
            &ListFlowsRequest::new()
                .with_page_size(2)
                .with_page_number(3),
        )
        .await
        .expect("page 3");
    assert_eq!(third.total, 5);
    assert_eq!(third.items.len(), 1);
    assert_eq!(third.items[0].auto_flow_id, 201);
    assert!(third.is_last());

    // The lazy walk: 5 agents in pages of 2 are exactly 3 requests, in order.
    let before = requests_to(&emulator, FLOWS);
    let all: Vec<i64> = client
        .all_flows(ListFlowsRequest::new().with_page_size(2))
        .map_ok(|flow| flow.auto_flow_id)
        .try_collect()
        .await
        .expect("every agent");
    assert_eq!(all, [197, 198, 199, 200, 201]);
    assert_eq!(requests_to(&emulator, FLOWS) - before, 3);

    // A page that holds everything: one request, no extra empty page.
    let before = requests_to(&emulator, FLOWS);
    let all: Vec<_> = client
        .all_flows(ListFlowsRequest::new().with_page_size(5))
        .try_collect()
        .await
        .expect("every agent");
    assert_eq!(all.len(), 5);
    assert_eq!(requests_to(&emulator, FLOWS) - before, 1, "stops at total");

    // Filtered walk, one per page: two agents, two requests.
    let before = requests_to(&emulator, FLOWS);
    let names: Vec<String> = client
        .all_flows(
            ListFlowsRequest::new()
                .with_name("parcel")
                .with_page_size(1),
        )
        .map_ok(|flow| flow.auto_flow_name.unwrap_or_default())
        .try_collect()
        .await
        .expect("parcel agents");
    assert_eq!(names, ["Parcel Notification", "Parcel Pickup"]);
    assert_eq!(requests_to(&emulator, FLOWS) - before, 2);

    // Lazy: taking the first agent fetches the first page only.
    let before = requests_to(&emulator, FLOWS);
    let first: Vec<_> = client
        .all_flows(ListFlowsRequest::new().with_page_size(1))
        .take(1)
        .collect()
        .await;
    assert_eq!(first.len(), 1);
    assert_eq!(
        requests_to(&emulator, FLOWS) - before,
        1,
        "nothing prefetched"
    );
}

#[tokio::test]
async fn flows_nested_pages() {
    flows_one_page_filters_and_stream(PageShape::Nested).await;
}

#[tokio::test]
async fn flows_top_level_pages() {
    flows_one_page_filters_and_stream(PageShape::TopLevel).await;
}

async fn routes_one_page_filters_and_stream(shape: PageShape) {
    let emulator = catalog_emulator(shape).await;
    let client = client_for(&emulator);

    let page = client
        .list_routes(&ListRoutesRequest::new())
        .await
        .expect("page");
    assert_eq!((page.total, page.page_size), (5, 100), "route default size");
    assert_eq!(page.items[0].route_id, "y29ND1X4kkCG_nC576sALEkvg3HjEqde");
    assert_eq!(page.items[0].route_name.as_deref(), Some("MX-Router"));

    let eu = client
        .list_routes(&ListRoutesRequest::new().with_route_name("Eu"))
        .await
        .expect("filtered");
    let ids: Vec<&str> = eu
        .items
        .iter()
        .map(|route| route.route_id.as_str())
        .collect();
    assert_eq!((eu.total, ids), (2, vec!["r-eu-1", "r-eu-2"]));

    let none = client
        .list_routes(&ListRoutesRequest::new().with_route_name("nowhere"))
        .await
        .expect("empty page");
    assert_eq!((none.total, none.items.len()), (0, 0));

    let second = client
        .list_routes(
            &ListRoutesRequest::new()
                .with_page_size(3)
                .with_page_number(2),
        )
        .await
        .expect("page 2");
    let ids: Vec<&str> = second
        .items
        .iter()
        .map(|route| route.route_id.as_str())
        .collect();
    assert_eq!(ids, ["r-eu-1", "r-eu-2"]);

    let before = requests_to(&emulator, ROUTES);
    let all: Vec<String> = client
        .all_routes(ListRoutesRequest::new().with_page_size(2))
        .map_ok(|route| route.route_id)
        .try_collect()
        .await
        .expect("every route");
    assert_eq!(all.len(), 5);
    assert_eq!(all[3..], ["r-eu-1", "r-eu-2"]);
    assert_eq!(requests_to(&emulator, ROUTES) - before, 3);

    // An empty result is one request and no item.
    let before = requests_to(&emulator, ROUTES);
    let nothing: Vec<_> = client
        .all_routes(ListRoutesRequest::new().with_route_name("nowhere"))
        .try_collect()
        .await
        .expect("no route");
    assert!(nothing.is_empty());
    assert_eq!(requests_to(&emulator, ROUTES) - before, 1);
}

#[tokio::test]
async fn routes_nested_pages() {
    routes_one_page_filters_and_stream(PageShape::Nested).await;
}

#[tokio::test]
async fn routes_top_level_pages() {
    routes_one_page_filters_and_stream(PageShape::TopLevel).await;
}

#[tokio::test]
async fn invalid_paging_is_refused_locally_and_sends_nothing() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client_for(&emulator);

    let error = client
        .list_flows(&ListFlowsRequest::new().with_page_size(1001))
        .await
        .expect_err("page size over 1000");
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert!(
        error
            .validation_errors()
            .expect("violations")
            .has_path("pageSize")
    );

    let error = client
        .list_routes(
            &ListRoutesRequest::new()
                .with_page_number(0)
                .with_page_size(0),
        )
        .await
        .expect_err("page 0 of size 0");
    let violations = error.validation_errors().expect("violations");
    assert!(violations.has_path("pageNumber") && violations.has_path("pageSize"));

    // The stream reports the same refusal as its only item.
    let items: Vec<_> = client
        .all_routes(ListRoutesRequest::new().with_page_size(0))
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(items[0].as_ref().is_err_and(nxlink::Error::is_validation));

    assert_eq!(emulator.request_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn a_wrong_secret_is_refused_by_the_gateway() {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(Credentials::new(
            emulator.credentials().access_key(),
            "wrong",
        ))
        .build()
        .expect("client builds");
    let error = client
        .list_flows(&ListFlowsRequest::new())
        .await
        .expect_err("1003");
    assert!(error.is_invalid_signature());

    let items: Vec<_> = client.all_routes(ListRoutesRequest::new()).collect().await;
    assert_eq!(items.len(), 1, "the walk stops at the refusal");
    assert!(items[0].as_ref().is_err_and(nxlink::Error::is_auth));
    assert_eq!(emulator.request_count(), 2);
}

#[tokio::test]
async fn a_page_broken_once_is_fetched_again_and_the_walk_completes() {
    let emulator = Emulator::builder()
        .flow(200, "Parcel Pickup")
        .fault(FaultRule::new(
            FLOWS,
            Requests::Nth(2),
            Fault::MalformedJson,
        ))
        .start()
        .await
        .expect("emulator starts");
    let ids: Vec<i64> = client_for(&emulator)
        .all_flows(ListFlowsRequest::new().with_page_size(2))
        .map_ok(|flow| flow.auto_flow_id)
        .try_collect()
        .await
        .expect("a read is retried");
    assert_eq!(ids, [197, 198, 199, 200], "no agent lost or repeated");
    assert_eq!(emulator.fired_faults().len(), 1);
    assert_eq!(requests_to(&emulator, FLOWS), 3, "page 2 twice, no page 3");
}

#[tokio::test]
async fn a_page_that_stays_broken_ends_the_walk_after_the_pages_before_it() {
    let emulator = Emulator::builder()
        .flow(200, "Parcel Pickup")
        .fault(FaultRule::new(
            FLOWS,
            Requests::Range(2..=u64::MAX),
            Fault::MalformedJson,
        ))
        .start()
        .await
        .expect("emulator starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .retry_policy(
            RetryPolicy::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("client builds");

    let items: Vec<_> = client
        .all_flows(ListFlowsRequest::new().with_page_size(2))
        .collect()
        .await;
    assert_eq!(items.len(), 3, "two agents, then the error, then nothing");
    assert_eq!(items[0].as_ref().expect("agent 1").auto_flow_id, 197);
    assert_eq!(items[1].as_ref().expect("agent 2").auto_flow_id, 198);
    let error = items[2].as_ref().expect_err("page 2 is broken");
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(requests_to(&emulator, FLOWS), 1 + 3, "page 2 tried 3 times");
}

#[tokio::test]
async fn a_walk_starting_at_a_later_page_also_stops_at_total() {
    let emulator = catalog_emulator(PageShape::Nested).await;
    let ids: Vec<i64> = client_for(&emulator)
        .all_flows(
            ListFlowsRequest::new()
                .with_page_size(2)
                .with_page_number(2),
        )
        .map_ok(|flow| flow.auto_flow_id)
        .try_collect()
        .await
        .expect("agents 3 to 5");
    assert_eq!(ids, [199, 200, 201]);
    // Pages 2 and 3 hold agents 3–5 of 5: page 3 reaches `total`, page 4 is not needed.
    assert_eq!(requests_to(&emulator, FLOWS), 2);
}
