//! Delivering callbacks: the worker that sends each queued callback as a signed JSON POST to
//! the customer's URL, retried on the redelivery schedule (see [`crate::callbacks`]).

use std::sync::Arc;

use http::Uri;
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

use crate::callback_signer::SignedCallback;
use crate::callbacks::{Callback, CallbackDelivery, DeliveryOutcome, Queue};
use crate::gateway_state::GatewayState;

/// The delivery worker: sends queued callbacks, as many at once as configured (acquiring
/// a slot before taking the next keeps one-at-a-time delivery in order), until the queue
/// closes.
pub(crate) async fn deliver_all(mut queue: Queue, gateway: Arc<GatewayState>) {
    let slots = Arc::new(Semaphore::new(gateway.outbox.concurrency));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let Some(callback) = queue.0.recv().await else {
            return;
        };
        let gateway = Arc::clone(&gateway);
        tokio::spawn(async move {
            deliver(&gateway, &callback).await;
            gateway.outbox.done();
            drop(slot);
        });
    }
}

/// Sends one callback, retrying on the schedule, recording every attempt.
async fn deliver(gateway: &GatewayState, callback: &Callback) {
    let schedule = gateway.outbox.schedule;
    for attempt in 1..=schedule.attempts() {
        let ts = u64::try_from(gateway.now_ms()).unwrap_or(0);
        let outcome = match target(&callback.url) {
            Ok(uri) => {
                let timeout = schedule.attempt_timeout();
                match tokio::time::timeout(timeout, post(uri, callback, ts)).await {
                    Ok(Ok(status)) => DeliveryOutcome::Status(status),
                    Ok(Err(error)) => DeliveryOutcome::Failed(error),
                    Err(_) => DeliveryOutcome::Failed(format!(
                        "no answer within {} ms",
                        timeout.as_millis()
                    )),
                }
            }
            Err(why) => DeliveryOutcome::Undeliverable(why),
        };
        let delivery = CallbackDelivery {
            callback: callback.number,
            kind: callback.kind,
            url: callback.url.clone(),
            body: callback.body.clone(),
            attempt,
            ts,
            outcome,
        };
        let finished = delivery.is_delivered()
            || matches!(delivery.outcome, DeliveryOutcome::Undeliverable(_));
        gateway.outbox.record(delivery);
        if finished {
            return;
        }
        if attempt < schedule.attempts() {
            tokio::time::sleep(schedule.pause_after(attempt)).await;
        }
    }
}

/// The URL as something the emulator can POST to: plain `http` with a host.
fn target(url: &str) -> Result<Uri, String> {
    let uri: Uri = url
        .parse()
        .map_err(|error| format!("not a URL ({error})"))?;
    match uri.scheme_str() {
        Some("http") if uri.host().is_some() => Ok(uri),
        Some("http") => Err("the URL has no host".to_owned()),
        Some("https") => Err("https is not supported by the emulator (no TLS client)".to_owned()),
        _ => Err("only http:// URLs can be delivered to".to_owned()),
    }
}

/// One signed POST; the answer's status.
async fn post(uri: Uri, callback: &Callback, ts: u64) -> Result<u16, String> {
    let host = uri.host().unwrap_or_default();
    // IPv6 literals come bracketed in URLs but not in socket addresses.
    let bare_host = host.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((bare_host, port))
        .await
        .map_err(|error| format!("cannot connect: {error}"))?;
    let _ = stream.set_nodelay(true);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| format!("HTTP handshake failed: {error}"))?;
    // The connection ends by itself once the sender is dropped.
    tokio::spawn(connection);

    let signed = SignedCallback::new(&callback.credentials, ts, callback.body.clone());
    let request = signed
        .request_to(&uri)
        .map_err(|error| format!("cannot build the request: {error}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|error| format!("no answer: {error}"))?;
    let status = response.status().as_u16();
    // Reading the (small) answer lets the receiver finish cleanly; its content is unused.
    let _ = response.into_body().collect().await;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_urls_are_targets() {
        assert!(target("http://127.0.0.1:8080/hook?x=1").is_ok());
        assert!(target("http://[::1]:9/").is_ok());
        let https = target("https://example.com/webhook").expect_err("https");
        assert!(https.contains("https"), "{https}");
        assert!(target("ftp://example.com/").is_err());
        assert!(target("not a url").is_err());
        assert!(target("/relative").is_err());
    }
}
