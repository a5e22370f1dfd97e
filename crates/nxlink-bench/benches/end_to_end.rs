//! End to end: `Client::create_task` with a small body (the reference example's two contacts),
//! 64 requests in flight, against a minimal loopback server; versus a raw hyper-util client
//! sending the same pre-built, pre-signed request to the same server at the same concurrency
//! with the same pool settings. Target: SDK throughput ≥ 0.90× raw.
//!
//! `cargo bench -p nxlink-bench --bench end_to_end`.

#[path = "common/fixtures.rs"]
#[allow(dead_code, reason = "each benchmark uses part of the shared fixtures")]
mod fixtures;
#[path = "common/server.rs"]
mod server;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http::{HeaderMap, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as RawClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use nxlink::Client;
use nxlink::model::CreateTaskRequest;
use nxlink::sign::Credentials;
use server::MinimalServer;

/// Requests in flight at once, on each side.
const IN_FLIGHT: u64 = 64;
/// The SDK's transport keeps idle connections this long (`DEFAULT_POOL_IDLE_TIMEOUT`).
const POOL_IDLE: Duration = Duration::from_secs(90);

/// A request signed once: what a hand-written client would resend.
struct Prepared {
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl Prepared {
    /// A fresh copy to send: the body is shared (a `Bytes` clone), the headers are copied.
    fn request(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }
}

/// The baseline client, pooled exactly like `HttpTransport`: unlimited idle connections per
/// host, kept 90 s, `TCP_NODELAY`.
fn raw_client() -> RawClient<HttpConnector, Full<Bytes>> {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    RawClient::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(POOL_IDLE)
        .pool_max_idle_per_host(usize::MAX)
        .build(connector)
}

/// Makes `total` calls as [`IN_FLIGHT`] spawned tasks: `worker(share)` is a task making its
/// `share` of the calls one after the other. Returns the wall time of the whole run.
async fn run_in_flight<W, Fut>(total: u64, worker: W) -> Duration
where
    W: Fn(u64) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    let tasks: Vec<_> = (0..IN_FLIGHT)
        // The first `total % IN_FLIGHT` workers make one call more.
        .map(|index| total / IN_FLIGHT + u64::from(index < total % IN_FLIGHT))
        .map(|share| tokio::spawn(worker(share)))
        .collect();
    for task in tasks {
        task.await.expect("a benchmark task panicked");
    }
    started.elapsed()
}

fn end_to_end(c: &mut Criterion) {
    let server = MinimalServer::start().expect("a loopback server");
    // The client side gets the same two workers as the server; the machine has two cores.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::new(
            "AK-6230339248928541113-2133",
            "bench-secret",
        ))
        .build()
        .expect("a loopback client");
    let task: Arc<CreateTaskRequest> = Arc::new(fixtures::spec_task());
    let prepared = {
        let (parts, body) = client
            .prepare(&*task)
            .expect("a valid request")
            .into_parts();
        Arc::new(Prepared {
            uri: parts.uri,
            headers: parts.headers,
            body,
        })
    };
    let raw = raw_client();

    let mut group = c.benchmark_group("e2e_64");
    // One element per request: criterion's "thrpt" is requests per second.
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("sdk_create_task", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(run_in_flight(iters, |share| {
                let (client, task) = (client.clone(), Arc::clone(&task));
                async move {
                    for _ in 0..share {
                        let created = client.create_task(&task).await.expect("created");
                        black_box(created.task_id);
                    }
                }
            }))
        });
    });
    group.bench_function("raw_hyper", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(run_in_flight(iters, |share| {
                let (raw, prepared) = (raw.clone(), Arc::clone(&prepared));
                async move {
                    for _ in 0..share {
                        let response = raw.request(prepared.request()).await.expect("answered");
                        assert!(response.status().is_success(), "{}", response.status());
                        let body = response.into_body().collect().await.expect("a body");
                        black_box(body.to_bytes());
                    }
                }
            }))
        });
    });
    group.finish();
}

criterion_group!(benches, end_to_end);
criterion_main!(benches);
