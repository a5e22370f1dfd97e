//! Building a request: `Client::prepare` (validate, serialize once, sign: exactly what `send`
//! puts on the wire) of a 10 000-contact create, beside its two floors over the same bytes:
//! `serde_json::to_vec` of the same value alone, and the hash alone (MD5, SHA-256) of the
//! serialized body. Target: ≤ 1.10× the larger of the two (they could overlap on two cores,
//! so that maximum is what no implementation can beat).
//!
//! `cargo bench -p nxlink-bench --bench prepare`. With `NXLINK_BENCH_ONCE=<n>` it skips criterion
//! and prepares the request `n` times (MD5), for a profiler:
//! `NXLINK_BENCH_ONCE=1 valgrind --tool=callgrind target/release/deps/prepare-<hash>`.

#[path = "common/fixtures.rs"]
#[allow(dead_code, reason = "each benchmark uses part of the shared fixtures")]
mod fixtures;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use md5::{Digest, Md5};
use nxlink::Client;
use nxlink::model::CreateTaskRequest;
use nxlink::sign::{Algorithm, Credentials};
use sha2::Sha256;

const CONTACTS: usize = 10_000;

/// A client that is never used to send: `prepare` needs no server.
fn client(algorithm: Algorithm) -> Client {
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(Credentials::new(
            "AK-6230339248928541113-2133",
            "bench-secret",
        ))
        .algorithm(algorithm)
        .build()
        .expect("a loopback client")
}

fn building(c: &mut Criterion, request: &CreateTaskRequest) {
    let body_bytes = serde_json::to_vec(request).expect("serializable").len();
    let mut group = c.benchmark_group("prepare_10k");
    group.throughput(Throughput::Bytes(body_bytes as u64));
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(6));
    // Baseline first, then each algorithm: all three in one process and run.
    group.bench_function("serde_json_to_vec", |b| {
        b.iter(|| serde_json::to_vec(black_box(request)).expect("serializable"));
    });
    let body = serde_json::to_vec(request).expect("serializable");
    group.bench_function("md5_alone", |b| {
        b.iter(|| Md5::digest(black_box(&body)));
    });
    group.bench_function("sha256_alone", |b| {
        b.iter(|| Sha256::digest(black_box(&body)));
    });
    // Not floors, but the parts of `prepare`, for the breakdown: the SDK's own serializer
    // (what `prepare` writes with) and validation.
    let hint = serde_json::to_vec(request).expect("serializable").len();
    group.bench_function("sdk_serialize_alone", |b| {
        b.iter(|| {
            let mut body = Vec::with_capacity(hint);
            nxlink::model::write_body(black_box(request), &mut body).expect("serializable");
            body
        });
    });
    group.bench_function("validate_alone", |b| {
        b.iter(|| black_box(request).validate().expect("a valid request"));
    });
    for (name, algorithm) in [("md5", Algorithm::Md5), ("sha256", Algorithm::Sha256)] {
        let client = client(algorithm);
        group.bench_function(format!("{name}_prepare"), |b| {
            b.iter(|| client.prepare(black_box(request)).expect("a valid request"));
        });
    }
    group.finish();
}

/// The profiled part, kept out of line so a profiler can single it out
/// (`valgrind --tool=callgrind --toggle-collect='prepare::prepare_times*'`).
#[inline(never)]
fn prepare_times(client: &Client, request: &CreateTaskRequest, times: usize) {
    for _ in 0..times {
        let prepared = client.prepare(request).expect("a valid request");
        black_box(prepared);
    }
}

fn main() {
    let request = fixtures::task(fixtures::contacts(CONTACTS));
    if let Some(times) = std::env::var_os("NXLINK_BENCH_ONCE") {
        let times: usize = times.to_str().and_then(|t| t.parse().ok()).unwrap_or(1);
        prepare_times(&client(Algorithm::Md5), &request, times);
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    building(&mut criterion, &request);
    criterion.final_summary();
}
