//! Building a request: `Client::prepare` (validate, serialize once, sign: exactly what `send`
//! puts on the wire) of a 10 000-contact create, beside its two floors over the same bytes:
//! `serde_json::to_vec` of the same value alone, and the hash alone (MD5, SHA-256) of the
//! serialized body. Target: ≤ 1.10× the larger of the two (they could overlap on two cores,
//! so that maximum is what no implementation can beat).
//!
//! `cargo bench -p nxlink-bench --bench prepare`: every side in turns (see [`in_turns`]), the
//! medians to `prepare.json`. With `NXLINK_BENCH_ONCE=<n>` it instead prepares the request `n`
//! times (MD5), for a profiler:
//! `NXLINK_BENCH_ONCE=1 valgrind --tool=callgrind target/release/deps/prepare-<hash>`.

#[path = "common/figures_dir.rs"]
mod figures_dir;
#[path = "common/fixtures.rs"]
#[allow(dead_code, reason = "each benchmark uses part of the shared fixtures")]
mod fixtures;
#[path = "common/turns.rs"]
mod turns;

use std::hint::black_box;
use std::time::Instant;

use figures_dir::figures_dir;
use md5::{Digest, Md5};
use nxlink::Client;
use nxlink::model::CreateTaskRequest;
use nxlink::sign::{Algorithm, Credentials};
use sha2::Sha256;
use turns::median;

const CONTACTS: usize = 10_000;
/// The sides, in the order of [`SIDES`]: the two floors' parts, the breakdown, and `prepare`.
const TO_VEC: usize = 0;
const MD5_ALONE: usize = 1;
const SHA256_ALONE: usize = 2;
const SDK_SERIALIZE: usize = 3;
const VALIDATE: usize = 4;
const MD5_PREPARE: usize = 5;
const SHA256_PREPARE: usize = 6;
/// Each side's name in the output and in `prepare.json`.
const SIDES: [&str; 7] = [
    "serde_json_to_vec",
    "md5_alone",
    "sha256_alone",
    "sdk_serialize_alone",
    "validate_alone",
    "md5_prepare",
    "sha256_prepare",
];
/// Untimed iterations that start each turn: the allocator and caches settle on this side's
/// pattern before it is timed.
const WARM_UP: usize = 3;
/// Timed iterations a turn (about 50–100 ms); the turn's figure is their median.
const TURN: usize = 20;
/// Rounds measured, after one warm-up round.
const ROUNDS: usize = 20;

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

/// One side's turn: [`WARM_UP`] untimed runs of `work`, then the median of [`TURN`] timed
/// ones, in nanoseconds. What `work` returns is dropped inside the timing, as criterion's
/// `iter` does.
fn turn<T>(work: &dyn Fn() -> T) -> f64 {
    for _ in 0..WARM_UP {
        black_box(work());
    }
    let times = (0..TURN)
        .map(|_| {
            let started = Instant::now();
            black_box(work());
            started.elapsed().as_nanos() as f64
        })
        .collect();
    median(times)
}

/// Every side in turns, [`ROUNDS`] rounds, the order rotating; the medians (ns) go to
/// `prepare.json` under the names printed, with the median of `prepare`'s ratios to its floor
/// within a round.
///
/// In turns rather than one after the other (as criterion measures, which this benchmark
/// used): in three `cargo xtask bench` runs of nine, the floors and `prepare` measured
/// seconds apart saw a machine 20–40 % slower for `prepare`, which the SDK's single-threaded
/// writer, measured between them, showed too. A turn is a fraction of a second, and many
/// runs rather than one: alternating single calls put each side's allocations right after
/// another's, which made serde_json's growing `Vec` cost 4.5 ms instead of 2.6.
fn in_turns(request: &CreateTaskRequest) {
    let body = serde_json::to_vec(request).expect("serializable");
    let (md5_client, sha256_client) = (client(Algorithm::Md5), client(Algorithm::Sha256));
    let rounds = turns::in_turns::<{ SIDES.len() }>(ROUNDS, |side| match side {
        TO_VEC => turn(&|| serde_json::to_vec(black_box(request)).expect("serializable")),
        MD5_ALONE => turn(&|| Md5::digest(black_box(&body))),
        SHA256_ALONE => turn(&|| Sha256::digest(black_box(&body))),
        // Not floors, but the parts of `prepare`, for the breakdown: the SDK's own writer
        // (what `prepare` serializes with) and validation.
        SDK_SERIALIZE => turn(&|| {
            let mut written = Vec::with_capacity(body.len());
            nxlink::model::write_body(black_box(request), &mut written).expect("serializable");
            written
        }),
        VALIDATE => turn(&|| black_box(request).validate().expect("a valid request")),
        MD5_PREPARE => turn(&|| {
            md5_client
                .prepare(black_box(request))
                .expect("a valid request")
        }),
        // SHA256_PREPARE, the last side: `in_turns` asks for no other.
        _ => turn(&|| {
            sha256_client
                .prepare(black_box(request))
                .expect("a valid request")
        }),
    });
    let medians: [f64; SIDES.len()] = std::array::from_fn(|side| rounds.median(side));
    // Within each round: `prepare` against the larger of serializing and hashing alone.
    let md5_over_floor =
        rounds.median_of(|round| round[MD5_PREPARE] / round[TO_VEC].max(round[MD5_ALONE]));
    let sha256_over_floor =
        rounds.median_of(|round| round[SHA256_PREPARE] / round[TO_VEC].max(round[SHA256_ALONE]));
    println!(
        "prepare_10k ({ROUNDS} rounds of {TURN} a side, in turns, {} body bytes):",
        body.len()
    );
    for (name, ns) in SIDES.iter().zip(medians) {
        println!("  {name:<20} {:>8.3} ms", ns / 1e6);
    }
    println!(
        "  within a round, MD5 prepare {md5_over_floor:.2}x max(serialize, hash), SHA-256 \
         prepare {sha256_over_floor:.2}x (medians)"
    );
    let fields: Vec<String> = SIDES
        .iter()
        .zip(medians)
        .map(|(name, ns)| format!("\"{name}_ns\":{ns:.0}"))
        .chain([
            format!("\"md5_prepare_over_floor\":{md5_over_floor:.4}"),
            format!("\"sha256_prepare_over_floor\":{sha256_over_floor:.4}"),
        ])
        .collect();
    std::fs::write(
        figures_dir().join("prepare.json"),
        format!("{{{}}}", fields.join(",")),
    )
    .expect("prepare.json can be written");
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
    in_turns(&request);
}
