//! The accept loop: one tokio task per connection, HTTP/1.1 with keep-alive, and a graceful
//! stop that lets in-flight requests finish. Each connection's stream can be taken over by
//! an injected fault (see `wire`).

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

use crate::dispatch;
use crate::faultable_stream::{FaultableStream, Wire};
use crate::gateway_state::GatewayState;

/// How long a stop waits for open connections to finish their current request.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// A client gets this long to send its request headers (slow clients cannot pin a task).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Connections served at once: far below the usual descriptor limit, so that a flood of idle
/// connections cannot exhaust it.
const MAX_CONNECTIONS: usize = 512;

/// Waits for a free connection slot, then for a connection.
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> std::io::Result<(TcpStream, OwnedSemaphorePermit)> {
    let slot = Arc::clone(slots)
        .acquire_owned()
        .await
        .map_err(|_| std::io::Error::other("connection slots closed"))?;
    let (stream, _peer) = listener.accept().await?;
    Ok((stream, slot))
}

/// Resolves once a stop is requested (or the emulator handle is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // An error means the sender was dropped: that is a stop too.
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Accepts connections until a stop is requested, then drains them.
pub(crate) async fn serve(
    listener: TcpListener,
    gateway: Arc<GatewayState>,
    mut stop: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        tokio::select! {
            () = stopped(&mut stop) => break,
            // At the cap, new connections wait in the kernel's backlog until one closes.
            accepted = accept(&listener, &slots) => match accepted {
                Ok((stream, slot)) => {
                    let gateway = Arc::clone(&gateway);
                    let stop = stop.clone();
                    connections.spawn(async move {
                        connection(stream, gateway, stop).await;
                        drop(slot);
                    });
                }
                // Typically out of file descriptors: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.abort_all();
    }
}

/// Serves one connection until the peer closes it or a stop is requested.
async fn connection(
    stream: TcpStream,
    gateway: Arc<GatewayState>,
    mut stop: watch::Receiver<bool>,
) {
    // Small JSON answers: waiting for Nagle only adds latency.
    let _ = stream.set_nodelay(true);
    let wire = Wire::default();
    let stream = FaultableStream::new(stream, wire.clone());
    let service =
        service_fn(move |request| dispatch::serve(Arc::clone(&gateway), wire.clone(), request));
    let mut builder = http1::Builder::new();
    builder
        .keep_alive(true)
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        // A protocol error from a broken client only ends that client's connection.
        _ = connection.as_mut() => {}
        () = stopped(&mut stop) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}
