//! The batch limit adapts to the gateway: it widens on a slow link and backs off from a
//! throttling gateway, honouring its `Retry-After`, and no contact is lost or doubled on the
//! way.

use std::collections::HashSet;
use std::time::Duration;

use nxlink::model::AppendContactsRequest;
use nxlink::{Client, DEFAULT_BATCH_CONCURRENCY};
use nxlink_integration_tests::fixtures::{APPEND_PATH, contacts, task};
use nxlink_testkit::{Emulator, Fault, FaultRule, Requests};

/// An emulator whose appends meet `fault` on `requests`.
async fn emulator_with(requests: Requests, fault: Fault) -> Emulator {
    Emulator::builder()
        .fault(FaultRule::new(APPEND_PATH, requests, fault))
        .max_recorded_requests(1_000)
        .start()
        .await
        .expect("emulator starts")
}

fn default_client(emulator: &Emulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .build()
        .expect("client builds")
}

/// Arrival times (ms) of the append requests, in order, and of those answered 429.
fn append_arrivals(emulator: &Emulator) -> (Vec<i64>, Vec<i64>) {
    let mut all = Vec::new();
    let mut throttled = Vec::new();
    for request in emulator.requests() {
        if request.path != APPEND_PATH {
            continue;
        }
        all.push(request.received_at_ms);
        if request.http_status == 429 {
            throttled.push(request.received_at_ms);
        }
    }
    all.sort_unstable();
    throttled.sort_unstable();
    (all, throttled)
}

/// Appends `count` contacts and checks each is in the task exactly once.
async fn append_all(emulator: &Emulator, client: &Client, count: usize) {
    let task_id = client
        .create_task(&task("adaptive", Vec::new()))
        .await
        .expect("an empty task")
        .task_id;
    let input = contacts("adaptive", count);
    let report = client
        .append_contacts(&AppendContactsRequest::new(&task_id, input.clone()))
        .await
        .expect("validated and sent");
    let errors: Vec<String> = report.failed.iter().map(|b| b.error.to_string()).collect();
    assert!(report.is_complete(), "{errors:?}");
    assert_eq!(report.submitted.len(), count);
    assert!(report.maybe_doubled.is_empty());
    let stored: Vec<String> = emulator
        .contacts(&task_id)
        .iter()
        .map(|contact| contact.contact_id().to_owned())
        .collect();
    assert_eq!(stored.len(), count, "each contact once");
    let distinct: HashSet<&String> = stored.iter().collect();
    assert_eq!(distinct.len(), count);
    for contact in &input {
        assert!(
            distinct.contains(&contact.contact_id),
            "{}",
            contact.contact_id
        );
    }
}

#[tokio::test]
async fn a_slow_link_widens_the_window() {
    let emulator = emulator_with(Requests::Every, Fault::Delay(Duration::from_millis(80))).await;
    let client = default_client(&emulator);
    append_all(&emulator, &client, 30_000).await;

    let stats = client.batch_limit().stats();
    assert!(
        stats.highest >= 2 * DEFAULT_BATCH_CONCURRENCY,
        "quick 2xx answers grow the limit: {stats:?}"
    );
    // Each batch holds its slot 80 ms: with 4 slots no 60 ms holds more than 4 arrivals.
    let (arrivals, _) = append_arrivals(&emulator);
    let most_at_once = arrivals
        .iter()
        .enumerate()
        .map(|(i, start)| {
            arrivals[i..]
                .iter()
                .take_while(|t| **t < start + 60)
                .count()
        })
        .max()
        .unwrap_or(0);
    assert!(
        most_at_once > DEFAULT_BATCH_CONCURRENCY,
        "{most_at_once} batches arrived within 60 ms"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_throttling_gateway_is_given_room_and_nothing_is_lost() {
    let emulator = emulator_with(
        Requests::Range(20..=21),
        Fault::TooManyRequests {
            retry_after: Duration::from_secs(1),
        },
    )
    .await;
    let client = default_client(&emulator);
    append_all(&emulator, &client, 30_000).await;

    let stats = client.batch_limit().stats();
    assert!(stats.throttled >= 1, "{stats:?}");
    assert!(stats.decreases >= 1, "a 429 halves the limit: {stats:?}");

    // After the first 429, batches already on their way may still arrive, but no new one
    // starts (and no throttled one is retried) until its Retry-After has passed.
    let (arrivals, throttled) = append_arrivals(&emulator);
    let first_429 = throttled[0];
    let during_pause: Vec<i64> = arrivals
        .iter()
        .map(|t| t - first_429)
        .filter(|offset| (200..950).contains(offset))
        .collect();
    assert!(
        during_pause.is_empty(),
        "appends arrived {during_pause:?} ms after the first 429 (Retry-After: 1 s)"
    );
    // 60 batches of 500, plus one retry per 429.
    assert_eq!(arrivals.len(), 60 + throttled.len());
    emulator.shutdown().await;
}
