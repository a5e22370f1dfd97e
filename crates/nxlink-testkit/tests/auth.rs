//! The gateway's common checks, their codes and their order, over real HTTP.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use http::Method;
use nxlink_sign::{Algorithm, Credentials};
use nxlink_testkit::{DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET, Emulator, ManualClock};
use support::{CREATE, EXAMPLE_BODY, is_hex, now, post, send, set, signed};

fn demo() -> Credentials {
    Credentials::new(DEMO_ACCESS_KEY, DEMO_ACCESS_SECRET)
}

async fn create_with(emulator: &Emulator, headers: &[(String, String)]) -> support::Answer {
    post(emulator, CREATE, headers, EXAMPLE_BODY).await
}

fn good_headers(emulator: &Emulator) -> Vec<(String, String)> {
    signed(
        &demo(),
        Algorithm::Md5,
        now(emulator),
        EXAMPLE_BODY.as_bytes(),
    )
}

#[tokio::test]
async fn each_missing_or_blank_common_header_is_1001() {
    let emulator = Emulator::start().await.unwrap();
    for name in ["accessKey", "ts", "bizType", "action", "sign"] {
        for value in [None, Some("  ")] {
            let mut headers = good_headers(&emulator);
            set(&mut headers, name, value);
            let answer = create_with(&emulator, &headers).await;
            assert_eq!(
                (answer.status, answer.code()),
                (200, 1001),
                "{name} {value:?}"
            );
            assert_eq!(
                answer.message(),
                "Authentication failed (missing public parameters)"
            );
            assert!(is_hex(answer.json["traceId"].as_str().unwrap(), 32));
        }
    }
    assert!(emulator.tasks().is_empty());
}

#[tokio::test]
async fn header_names_are_case_insensitive() {
    let emulator = Emulator::start().await.unwrap();
    let headers: Vec<(String, String)> = good_headers(&emulator)
        .into_iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value))
        .collect();
    assert_eq!(create_with(&emulator, &headers).await.code(), 0);
}

#[tokio::test]
async fn wrong_product_or_action_is_1002() {
    let emulator = Emulator::start().await.unwrap();
    for (name, value) in [("bizType", "8"), ("action", "send")] {
        let mut headers = good_headers(&emulator);
        set(&mut headers, name, Some(value));
        let answer = create_with(&emulator, &headers).await;
        assert_eq!(answer.code(), 1002, "{name}");
        assert_eq!(answer.message(), "Authentication failed (parameter error)");
    }
}

#[tokio::test]
async fn signature_problems_are_1003() {
    let emulator = Emulator::start().await.unwrap();
    let body = EXAMPLE_BODY.as_bytes();

    let wrong_secret = signed(
        &Credentials::new(DEMO_ACCESS_KEY, "nope"),
        Algorithm::Md5,
        now(&emulator),
        body,
    );
    assert_eq!(create_with(&emulator, &wrong_secret).await.code(), 1003);

    let altered = format!("{EXAMPLE_BODY} ");
    let headers = good_headers(&emulator);
    assert_eq!(
        post(&emulator, CREATE, &headers, altered).await.code(),
        1003
    );

    let mut sha_unannounced = signed(&demo(), Algorithm::Sha256, now(&emulator), body);
    set(&mut sha_unannounced, "algorithm", None);
    assert_eq!(create_with(&emulator, &sha_unannounced).await.code(), 1003);

    let mut unknown_algorithm = good_headers(&emulator);
    set(&mut unknown_algorithm, "algorithm", Some("sha1"));
    assert_eq!(
        create_with(&emulator, &unknown_algorithm).await.code(),
        1003
    );

    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut headers = good_headers(&emulator);
        set(&mut headers, "Content-Type", content_type);
        let answer = create_with(&emulator, &headers).await;
        assert_eq!(answer.code(), 1003, "{content_type:?}");
        assert_eq!(
            answer.message(),
            "Authentication failed (invalid signature)"
        );
    }

    let mut uppercase_sign = good_headers(&emulator);
    let sign = uppercase_sign
        .iter()
        .find(|(n, _)| n == "sign")
        .unwrap()
        .1
        .to_uppercase();
    set(&mut uppercase_sign, "sign", Some(&sign));
    assert_eq!(create_with(&emulator, &uppercase_sign).await.code(), 1003);
    assert!(emulator.tasks().is_empty());
}

#[tokio::test]
async fn sha256_and_content_type_parameters_pass() {
    let emulator = Emulator::start().await.unwrap();
    let sha = signed(
        &demo(),
        Algorithm::Sha256,
        now(&emulator),
        EXAMPLE_BODY.as_bytes(),
    );
    assert!(sha.iter().any(|(n, v)| n == "algorithm" && v == "sha256"));
    assert_eq!(create_with(&emulator, &sha).await.code(), 0);

    let mut explicit_md5 = good_headers(&emulator);
    set(&mut explicit_md5, "algorithm", Some("md5"));
    set(
        &mut explicit_md5,
        "Content-Type",
        Some("application/json; charset=utf-8"),
    );
    assert_eq!(create_with(&emulator, &explicit_md5).await.code(), 0);
    assert_eq!(emulator.tasks().len(), 2);
}

#[tokio::test]
async fn timestamps_out_of_tolerance_are_1004() {
    let clock = ManualClock::new(1_774_400_000_000);
    let emulator = Emulator::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let body = EXAMPLE_BODY.as_bytes();
    let at = |ts: u64| signed(&demo(), Algorithm::Md5, ts, body);
    let now_ms = now(&emulator);

    let answer = create_with(&emulator, &at(now_ms - 61_000)).await;
    assert_eq!(answer.code(), 1004);
    assert_eq!(
        answer.message(),
        "Authentication failed (timestamp expired)"
    );
    assert_eq!(
        create_with(&emulator, &at(now_ms + 61_000)).await.code(),
        1004
    );
    assert_eq!(
        create_with(&emulator, &at(now_ms / 1000)).await.code(),
        1004,
        "seconds"
    );
    assert_eq!(
        create_with(&emulator, &at(now_ms - 60_000)).await.code(),
        0,
        "edge"
    );

    let mut garbage = at(now_ms);
    set(&mut garbage, "ts", Some("soon"));
    assert_eq!(create_with(&emulator, &garbage).await.code(), 1004);

    // The same signed request becomes stale when the emulator's clock moves on.
    let headers = at(now_ms);
    assert_eq!(create_with(&emulator, &headers).await.code(), 0);
    clock.advance(Duration::from_secs(61));
    assert_eq!(create_with(&emulator, &headers).await.code(), 1004);
}

#[tokio::test]
async fn date_header_follows_the_emulator_clock() {
    let clock = ManualClock::new(784_111_777_000);
    let emulator = Emulator::builder().clock(clock).start().await.unwrap();
    let answer = create_with(&emulator, &[]).await;
    assert_eq!(answer.headers["date"], "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_eq!(emulator.clock().now_ms(), 784_111_777_000);
}

#[tokio::test]
async fn unknown_access_key_is_1005_and_configured_accounts_work() {
    let emulator = Emulator::builder()
        .account("AK-1111111111111111111-0001", "one")
        .account("AK-2222222222222222222-0002", "two")
        .start()
        .await
        .unwrap();
    let body = EXAMPLE_BODY.as_bytes();
    let demo_headers = signed(&demo(), Algorithm::Md5, now(&emulator), body);
    let answer = create_with(&emulator, &demo_headers).await;
    assert_eq!(
        answer.code(),
        1005,
        "the demo account is off once accounts are given"
    );
    assert_eq!(
        answer.message(),
        "Authentication failed (insufficient authority)"
    );
    for (key, secret) in [
        ("AK-1111111111111111111-0001", "one"),
        ("AK-2222222222222222222-0002", "two"),
    ] {
        let headers = signed(
            &Credentials::new(key, secret),
            Algorithm::Md5,
            now(&emulator),
            body,
        );
        assert_eq!(create_with(&emulator, &headers).await.code(), 0, "{key}");
    }
    let owners: Vec<String> = emulator.tasks().into_iter().map(|t| t.access_key).collect();
    assert_eq!(
        owners,
        ["AK-1111111111111111111-0001", "AK-2222222222222222222-0002"]
    );
}

#[tokio::test]
async fn checks_run_in_the_documented_order() {
    let clock = ManualClock::new(1_774_400_000_000);
    let emulator = Emulator::builder().clock(clock).start().await.unwrap();
    let stranger = Credentials::new("AK-unknown", "x");
    let stale = now(&emulator) - 120_000;
    let mut headers = signed(&stranger, Algorithm::Md5, stale, b"tampered");
    set(&mut headers, "Content-Type", Some("text/plain"));
    set(&mut headers, "bizType", Some("8"));
    set(&mut headers, "sign", None);
    let mut expected = vec![1001, 1002, 1004, 1005, 1003];
    // Repair one fault at a time: each answer names the earliest remaining one.
    for step in 0..5 {
        let answer = create_with(&emulator, &headers).await;
        assert_eq!(answer.code(), expected.remove(0), "step {step}");
        match step {
            0 => set(&mut headers, "sign", Some("0123")),
            1 => set(&mut headers, "bizType", Some("100")),
            2 => set(&mut headers, "ts", Some(&now(&emulator).to_string())),
            3 => set(&mut headers, "accessKey", Some(DEMO_ACCESS_KEY)),
            _ => {}
        }
    }
}

#[tokio::test]
async fn routing_answers_404_and_405_with_an_envelope() {
    let emulator = Emulator::start().await.unwrap();
    let headers = good_headers(&emulator);
    let missing = post(
        &emulator,
        "/openapi/aiagent/task/nope",
        &headers,
        EXAMPLE_BODY,
    )
    .await;
    assert_eq!((missing.status, missing.code()), (404, 404));
    let get = send(&emulator, Method::GET, CREATE, &headers, "").await;
    assert_eq!((get.status, get.code()), (405, 1002));
    assert_eq!(get.headers["allow"], "POST");
    assert!(is_hex(get.json["traceId"].as_str().unwrap(), 32));
    assert!(get.headers.contains_key("date"));
}
