//! The extractors over real HTTP: an axum server on loopback, callbacks signed by the
//! testkit's `SignedCallback` as the gateway signs them.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::post;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use nxlink::callbacks::CallbackVerifier;
use nxlink::model::{CallRecordCallback, TaskStatus, TaskStatusCallback};
use nxlink::sign::Credentials;
use nxlink_axum::{Ack, Verified, VerifiedBody};
use nxlink_testkit::SignedCallback;

#[derive(Clone)]
struct AppState {
    verifier: CallbackVerifier,
    seen: Arc<Mutex<Vec<String>>>,
}

impl FromRef<AppState> for CallbackVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

async fn on_call(
    State(state): State<AppState>,
    Verified(call): Verified<CallRecordCallback>,
) -> Ack {
    let id = call.call_id.unwrap_or_default();
    state.seen.lock().expect("lock").push(format!("call {id}"));
    Ack
}

async fn on_task(
    State(state): State<AppState>,
    Verified(task): Verified<TaskStatusCallback>,
) -> Ack {
    let status = task.task_status.map(i64::from).unwrap_or_default();
    state
        .seen
        .lock()
        .expect("lock")
        .push(format!("task {status}"));
    Ack
}

async fn on_raw(State(state): State<AppState>, VerifiedBody(body): VerifiedBody) -> Ack {
    let text = String::from_utf8_lossy(&body).into_owned();
    state.seen.lock().expect("lock").push(format!("raw {text}"));
    Ack
}

const SECRET: &str = "axum-test-secret";

async fn start(verifier: CallbackVerifier) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route("/call", post(on_call))
        .route("/task", post(on_task))
        .route("/raw", post(on_raw))
        .with_state(AppState {
            verifier,
            seen: Arc::clone(&seen),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, seen)
}

async fn send(addr: SocketAddr, signed: &SignedCallback, path: &str) -> (u16, String) {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    let request: http::Request<Full<Bytes>> = signed
        .to_request(&format!("http://{addr}{path}"))
        .expect("request");
    let response = sender.send_request(request).await.expect("answer");
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

#[tokio::test]
async fn verified_callbacks_reach_the_handler_typed_and_the_rest_do_not() {
    let credentials = Credentials::new("AK-AXUM", SECRET);
    let (addr, seen) = start(CallbackVerifier::new(credentials.clone())).await;
    let call = CallRecordCallback {
        call_id: Some("call-7".into()),
        call_result: Some(1),
        ..CallRecordCallback::default()
    };
    let task = TaskStatusCallback {
        task_id: Some("t-1".into()),
        task_status: Some(TaskStatus::Completed),
        ..TaskStatusCallback::default()
    };

    let good = SignedCallback::call_record(&credentials, now_ms(), &call);
    assert_eq!(
        send(addr, &good, "/call").await,
        (200, r#"{"code":0,"message":"success"}"#.to_owned())
    );
    let status = SignedCallback::task_status(&credentials, now_ms(), &task);
    assert_eq!(send(addr, &status, "/task").await.0, 200);
    assert_eq!(send(addr, &good, "/raw").await.0, 200);

    let forged =
        SignedCallback::call_record(&Credentials::new("AK-AXUM", "guessed"), now_ms(), &call);
    let (code, body) = send(addr, &forged, "/call").await;
    assert_eq!(code, 401);
    assert!(body.contains("signature"), "{body}");
    assert!(
        !body.contains(SECRET) && !body.contains("guessed"),
        "{body}"
    );

    let stale = SignedCallback::call_record(&credentials, now_ms() - 120_000, &call);
    assert_eq!(send(addr, &stale, "/call").await.0, 401);

    let not_json = SignedCallback::new(&credentials, now_ms(), &b"[1,2"[..]);
    assert_eq!(send(addr, &not_json, "/call").await.0, 400);

    let seen = seen.lock().expect("lock").clone();
    let raw = format!("raw {}", String::from_utf8_lossy(good.body()));
    assert_eq!(seen, ["call call-7".to_owned(), "task 3".to_owned(), raw]);
}

#[tokio::test]
async fn with_a_replay_guard_a_replay_is_acknowledged_without_running_the_handler() {
    let credentials = Credentials::new("AK-AXUM", SECRET);
    let (addr, seen) =
        start(CallbackVerifier::new(credentials.clone()).with_replay_guard(1_000)).await;
    let call = CallRecordCallback {
        call_id: Some("call-8".into()),
        ..CallRecordCallback::default()
    };
    let signed = SignedCallback::call_record(&credentials, now_ms(), &call);
    assert_eq!(send(addr, &signed, "/call").await.0, 200);
    assert_eq!(send(addr, &signed, "/call").await.0, 200);
    assert_eq!(seen.lock().expect("lock").as_slice(), ["call call-8"]);
}
