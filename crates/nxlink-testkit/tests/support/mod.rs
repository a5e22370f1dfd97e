//! A tiny real HTTP client for the emulator's tests: sign with `nxlink-sign`, send over
//! loopback with hyper, read the envelope.
#![allow(dead_code, clippy::unwrap_used, unreachable_pub)]

use bytes::Bytes;
use http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use nxlink_sign::{Algorithm, Credentials, Signer};
use nxlink_testkit::{Emulator, ManualClock};
use serde_json::Value;

pub mod receiver;

/// Where task/create lives.
pub const CREATE: &str = "/openapi/aiagent/task/create";
/// Where flow/list lives.
pub const FLOWS: &str = "/openapi/aiagent/flow/list";
/// Where route/list lives.
pub const ROUTES: &str = "/openapi/aiagent/route/list";
/// Where task/list lives.
pub const TASKS: &str = "/openapi/aiagent/task/list";
/// Where call/append lives.
pub const APPEND: &str = "/openapi/aiagent/call/append";
/// Where order/delete lives.
pub const DELETE: &str = "/openapi/aiagent/order/delete";
/// Where call/list lives.
pub const CALLS: &str = "/openapi/aiagent/call/list";

/// The seeded route every test task uses.
pub const ROUTE: &str = "y29ND1X4kkCG_nC576sALEkvg3HjEqde";

/// Monday 2025-05-05 00:00:00 UTC, in ms: where manual clocks start.
pub const MONDAY_MS: i64 = 1_746_403_200_000;

/// The request example of spec §2.1, byte for byte (scheduled start, two contacts).
pub const EXAMPLE_BODY: &str = r#"{
  "userTaskId": "EXT-TASK-202603250001",
  "other": "task-batch-20260325",
  "taskName": "客户回访任务-0325",
  "taskDesc": "针对已下单客户进行满意度回访",
  "autoFlowId": 197,
  "routeId": "y29ND1X4kkCG_nC576sALEkvg3HjEqde",
  "taskKeep": 0,
  "startupType": 2,
  "startupAt": 1746583929,
  "shutdownAt": 1746670329,
  "zoneSecond": 28800,
  "weekDay": "1,2,3,4,5,6,7",
  "firstFifteen": "9,10,11,14,15,16,17",
  "secondFifteen": "9,10,11,14,15,16,17",
  "thirdFifteen": "9,10,11,14,15,16,17",
  "fourthFifteen": "9,10,11,14,15,16,17",
  "orderMaxCall": 1,
  "replayInterval": 600,
  "maxCall": 20,
  "maxRingTime": 40,
  "taskCallbackUrl": "https://example.com/webhook/task",
  "callCallbackUrl": "https://example.com/webhook/call",
  "countryCode": "86",
  "callList": [
    {"contactId": "c3d79370-9f3a-4da2-84dd-2d2200f40e11", "other": "contact-ext-001",
     "name": "Lucy", "phoneNumber": "13800000001",
     "params": [{"name": "customerName", "value": "Lucy"}, {"name": "orderNo", "value": "SO202603250001"}]},
    {"contactId": "5f6f6f6f-7a7b-4c4d-9e9f-101010101010", "other": "contact-ext-002",
     "name": "Tom", "phoneNumber": "13800000002",
     "params": [{"name": "customerName", "value": "Tom"}]}
  ]
}"#;

/// A minimal valid body with the given start fields and contacts (raw JSON).
pub fn task_body(start: &str, call_list: &str) -> String {
    format!(
        r#"{{"taskName":"t","autoFlowId":197,"routeId":"y29ND1X4kkCG_nC576sALEkvg3HjEqde","taskKeep":0,{start},"zoneSecond":0,"weekDay":"1,2,3,4,5","firstFifteen":"9","secondFifteen":"9","thirdFifteen":"9","fourthFifteen":"9","orderMaxCall":1,"replayInterval":600,"callList":[{call_list}]}}"#
    )
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Answer {
    /// The envelope's `code`.
    pub fn code(&self) -> i64 {
        self.json["code"].as_i64().unwrap()
    }

    /// The envelope's `message`.
    pub fn message(&self) -> &str {
        self.json["message"].as_str().unwrap()
    }
}

/// The emulator's current time (skew included) as a `ts`.
pub fn now(emulator: &Emulator) -> u64 {
    u64::try_from(emulator.now_ms()).unwrap()
}

/// Every header of a correctly signed request, `Content-Type` included.
pub fn signed(
    credentials: &Credentials,
    algorithm: Algorithm,
    ts: u64,
    body: &[u8],
) -> Vec<(String, String)> {
    let signer = Signer::new(credentials.clone(), algorithm);
    let mut headers: Vec<(String, String)> = signer
        .sign(ts, body)
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    headers
}

/// Replaces (or adds) a header; `None` removes it. Names compare case-insensitively.
pub fn set(headers: &mut Vec<(String, String)>, name: &str, value: Option<&str>) {
    headers.retain(|(known, _)| !known.eq_ignore_ascii_case(name));
    if let Some(value) = value {
        headers.push((name.to_owned(), value.to_owned()));
    }
}

/// Sends one request and reads the JSON answer.
pub async fn send(
    emulator: &Emulator,
    method: Method,
    path: &str,
    headers: &[(String, String)],
    body: impl Into<Bytes>,
) -> Answer {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut request = Request::builder()
        .method(method)
        .uri(format!("{}{path}", emulator.base_url()));
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = client
        .request(request.body(Full::new(body.into())).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    Answer {
        status,
        headers,
        json,
    }
}

/// POSTs `headers` and `body` to `path`.
pub async fn post(
    emulator: &Emulator,
    path: &str,
    headers: &[(String, String)],
    body: impl Into<Bytes>,
) -> Answer {
    send(emulator, Method::POST, path, headers, body).await
}

/// A correctly signed (MD5, the emulator's first account, its clock) task/create.
pub async fn create(emulator: &Emulator, body: &str) -> Answer {
    let headers = signed(
        &emulator.credentials(),
        Algorithm::Md5,
        now(emulator),
        body.as_bytes(),
    );
    post(emulator, CREATE, &headers, body.to_owned()).await
}

/// Asserts a 20000 answer whose message names every one of `paths` as `path: reason`.
pub fn assert_violations(answer: &Answer, paths: &[&str]) {
    assert_eq!(answer.code(), 20000, "{}", answer.json);
    for path in paths {
        let named = format!("{path}: ");
        assert!(
            answer.message().contains(&named),
            "{path} missing from {}",
            answer.message()
        );
    }
}

/// True for `len` lowercase hex digits.
pub fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
}

/// A correctly signed (MD5, the emulator's first account, its clock) POST to `path`.
pub async fn call(emulator: &Emulator, path: &str, body: &str) -> Answer {
    call_as(emulator, &emulator.credentials(), path, body).await
}

/// A correctly signed POST to `path` as `credentials`, at the emulator's (skewed) now.
pub async fn call_as(
    emulator: &Emulator,
    credentials: &Credentials,
    path: &str,
    body: &str,
) -> Answer {
    let headers = signed(credentials, Algorithm::Md5, now(emulator), body.as_bytes());
    post(emulator, path, &headers, body.to_owned()).await
}

/// A task body with the given extra fields (raw JSON, each ending in a comma) and contacts,
/// on agent 197 and the seeded route, calling every day at every hour; one attempt per
/// contact and 600 s between redials unless `extra` says otherwise.
pub fn open_task(extra: &str, call_list: &str) -> String {
    let extra = if extra.contains("orderMaxCall") {
        extra.to_owned()
    } else {
        format!(r#"{extra}"orderMaxCall":1,"replayInterval":600,"#)
    };
    format!(
        r#"{{"taskName":"open","autoFlowId":197,"routeId":"{ROUTE}","taskKeep":0,{extra}"zoneSecond":0,"weekDay":"1,2,3,4,5,6,7","firstFifteen":"{h}","secondFifteen":"{h}","thirdFifteen":"{h}","fourthFifteen":"{h}","callList":[{call_list}]}}"#,
        h = "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23"
    )
}

/// `count` contacts `c0`, `c1`, … whose numbers end in the given digits, in turn.
pub fn contacts(count: usize, last_digits: &[u8]) -> String {
    (0..count)
        .map(|i| {
            let digit = last_digits[i % last_digits.len()];
            format!(r#"{{"contactId":"c{i}","name":"n{i}","phoneNumber":"13800{i:05}{digit}"}}"#)
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Creates a task and returns its id, asserting success.
pub async fn create_task(emulator: &Emulator, body: &str) -> String {
    let answer = create(emulator, body).await;
    assert_eq!(answer.code(), 0, "{}", answer.json);
    answer.json["data"]["taskId"].as_str().unwrap().to_owned()
}

/// The page of a paged answer, wherever its keys sit (inside `data` or at the top level).
pub fn page(answer: &Answer) -> &Value {
    match answer.json.get("data") {
        Some(data) => data,
        None => &answer.json,
    }
}

/// The `list` of a paged answer.
pub fn items(answer: &Answer) -> &Vec<Value> {
    page(answer)["list"].as_array().unwrap()
}

/// An emulator on a manual clock starting at [`MONDAY_MS`], and that clock.
pub async fn manual() -> (Emulator, ManualClock) {
    let clock = ManualClock::new(MONDAY_MS);
    let emulator = Emulator::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    (emulator, clock)
}
