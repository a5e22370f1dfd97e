//! The receiver-side signature check on arbitrary headers and bodies: never a panic, and
//! random input is never accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nxlink_sign::{Credentials, ReceivedHeaders, verify_received};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\n');
    let body = parts.next().unwrap_or_default().as_bytes().to_vec();
    let pairs: Vec<(&str, &str)> = parts.filter_map(|line| line.split_once(':')).collect();
    let headers = ReceivedHeaders::from_pairs(pairs);
    let credentials = Credentials::new("AK-FUZZ", "fuzz-secret");
    let verdict = verify_received(&headers, &body, &credentials, 1_700_000_000_000, 60_000);
    assert!(verdict.is_err() || headers.sign.is_some());
});
