//! Receives NXLink callbacks: verifies each signature over the raw body and its `ts` window,
//! parses it, logs it and answers HTTP 200 with `{"code":0,"message":"success"}`.
//!
//! ```sh
//! NXLINK_ACCESS_KEY=… NXLINK_ACCESS_SECRET=… cargo run --example webhook_receiver -- 8090
//! ```
//! Then set `taskCallbackUrl` to `http://<host>:8090/webhook/task` and `callCallbackUrl` to
//! `http://<host>:8090/webhook/call`. Without the variables it accepts the emulator's demo
//! account.

#[path = "shared/callback_server.rs"]
mod callback_server;

use callback_server::Callback;
use nxlink::callbacks::{CallbackVerifier, DEFAULT_REPLAY_CAPACITY};
use nxlink::sign::Credentials;
use tokio::sync::mpsc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = match std::env::args().nth(1) {
        Some(port) => port.parse()?,
        None => 8090,
    };
    let credentials = match (
        std::env::var(nxlink::ENV_ACCESS_KEY),
        std::env::var(nxlink::ENV_ACCESS_SECRET),
    ) {
        (Ok(key), Ok(secret)) => Credentials::new(key, secret),
        _ => nxlink_testkit::demo_credentials(),
    };
    println!(
        "verifying callbacks for access key {}",
        credentials.access_key()
    );
    let (listener, addr) = callback_server::bind(port).await?;
    println!("listening on http://{addr}/webhook/task and http://{addr}/webhook/call");

    let (deliveries, mut received) = mpsc::unbounded_channel();
    tokio::spawn(callback_server::serve(
        listener,
        CallbackVerifier::new(credentials).with_replay_guard(DEFAULT_REPLAY_CAPACITY),
        deliveries,
    ));
    while let Some(callback) = received.recv().await {
        match callback {
            Callback::TaskStatus(task) => println!(
                "task {} ({}) is now {:?}",
                task.task_id.as_deref().unwrap_or("?"),
                task.task_name.as_deref().unwrap_or("?"),
                task.task_status,
            ),
            Callback::CallRecord(call) => println!(
                "call {} to {}: result {:?}, {} s talk{}",
                call.call_id.as_deref().unwrap_or("?"),
                call.callee_phone.as_deref().unwrap_or("?"),
                call.call_result,
                call.call_elapsed.unwrap_or(0),
                if call.is_last_attempt() {
                    " (last attempt)"
                } else {
                    ""
                },
            ),
        }
    }
    Ok(())
}
