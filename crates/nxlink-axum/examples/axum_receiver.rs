//! An axum service receiving NXLink callbacks: each verified over its raw body (401
//! otherwise), parsed, printed and acknowledged.
//!
//! ```sh
//! NXLINK_ACCESS_KEY=… NXLINK_ACCESS_SECRET=… cargo run -p nxlink-axum --example axum_receiver
//! ```
//! Then set `taskCallbackUrl` to `http://<host>:8090/callbacks/task` and `callCallbackUrl`
//! to `http://<host>:8090/callbacks/call`. Without the variables it accepts the emulator's
//! demo account.

use axum::Router;
use axum::routing::post;
use nxlink::callbacks::{CallbackVerifier, DEFAULT_REPLAY_CAPACITY};
use nxlink::model::{CallRecordCallback, TaskStatusCallback};
use nxlink::sign::Credentials;
use nxlink_axum::{Ack, Verified};

async fn on_call(Verified(call): Verified<CallRecordCallback>) -> Ack {
    println!(
        "call {} to {}: result {:?}{}",
        call.call_id.as_deref().unwrap_or("?"),
        call.callee_phone.as_deref().unwrap_or("?"),
        call.call_result,
        if call.is_last_attempt() {
            " (last attempt)"
        } else {
            ""
        },
    );
    Ack
}

async fn on_task(Verified(task): Verified<TaskStatusCallback>) -> Ack {
    println!(
        "task {} is now {:?}",
        task.task_id.as_deref().unwrap_or("?"),
        task.task_status
    );
    Ack
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let credentials = match (
        std::env::var(nxlink::ENV_ACCESS_KEY),
        std::env::var(nxlink::ENV_ACCESS_SECRET),
    ) {
        (Ok(key), Ok(secret)) => Credentials::new(key, secret),
        _ => nxlink_testkit::demo_credentials(),
    };
    let verifier = CallbackVerifier::new(credentials).with_replay_guard(DEFAULT_REPLAY_CAPACITY);
    let app = Router::new()
        .route("/callbacks/call", post(on_call))
        .route("/callbacks/task", post(on_task))
        .with_state(verifier);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8090").await?;
    println!(
        "listening on http://{}/callbacks/{{task,call}}",
        listener.local_addr()?
    );
    axum::serve(listener, app).await
}
