//! Signing a 1 MiB body against the physical limit: hashing the same bytes with the same hash
//! crate directly. Target: the SDK signs at ≥ 0.95× the raw hash throughput.
//!
//! `cargo bench -p nxlink-bench --bench sign`; `cargo xtask bench` reads the medians and prints the
//! ratio.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use md5::{Digest, Md5};
use nxlink::sign::{Algorithm, Credentials, Signer};
use sha2::Sha256;

/// One MiB: a large create (about 5 000 contacts) is this big.
const BODY_BYTES: usize = 1 << 20;

/// A JSON-looking body of exactly [`BODY_BYTES`]: the hash does not care, but a reader of a
/// profile might.
fn body() -> Vec<u8> {
    let record = br#"{"contactId":"c3d79370-9f3a-4da2-84dd-2d2200f40e11","name":"Lucy","phoneNumber":"13800000001"},"#;
    record.iter().copied().cycle().take(BODY_BYTES).collect()
}

fn signing(c: &mut Criterion) {
    let body = body();
    let mut group = c.benchmark_group("sign_1mib");
    group.throughput(Throughput::Bytes(BODY_BYTES as u64));
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(4));
    pair(&mut group, &body, "md5", Algorithm::Md5, |bytes| {
        Md5::digest(bytes)
    });
    pair(&mut group, &body, "sha256", Algorithm::Sha256, |bytes| {
        Sha256::digest(bytes)
    });
    group.finish();
}

/// The SDK's signature and the raw digest of `body`, back to back, so both halves of the
/// ratio see the same machine state.
fn pair<D>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    body: &[u8],
    name: &str,
    algorithm: Algorithm,
    raw: impl Fn(&[u8]) -> D,
) {
    let credentials = Credentials::new("AK-6230339248928541113-2133", "bench-secret");
    let signer = Signer::new(credentials, algorithm);
    let ts = 1_774_425_600_000;
    group.bench_function(format!("{name}_sdk"), |b| {
        b.iter(|| *signer.sign(ts, black_box(body)).signature());
    });
    group.bench_function(format!("{name}_raw"), |b| b.iter(|| raw(black_box(body))));
}

criterion_group!(benches, signing);
criterion_main!(benches);
