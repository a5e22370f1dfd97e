//! Property: hashing piece by piece equals hashing the naively concatenated string.

use md5::Md5;
use nxlink_sign::{Algorithm, Credentials, Signer};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// What enters one signature, spelled out for the naive computation.
struct Input<'a> {
    access_key: &'a str,
    timestamp_ms: u64,
    biz_type: &'a str,
    action: &'a str,
    body: &'a [u8],
    algorithm: Algorithm,
}

fn naive_preimage(input: &Input<'_>, secret: &str) -> Vec<u8> {
    let mut text = format!(
        "accessKey={}&action={}&bizType={}&ts={}",
        input.access_key, input.action, input.biz_type, input.timestamp_ms
    )
    .into_bytes();
    if !input.body.is_empty() {
        text.extend_from_slice(b"&body=");
        text.extend_from_slice(input.body);
    }
    text.extend_from_slice(b"&accessSecret=");
    text.extend_from_slice(secret.as_bytes());
    text
}

fn naive_hex(input: &Input<'_>, secret: &str) -> String {
    let preimage = naive_preimage(input, secret);
    match input.algorithm {
        Algorithm::Md5 => hex::encode(Md5::digest(&preimage)),
        _ => hex::encode(Sha256::digest(&preimage)),
    }
}

proptest! {
    #[test]
    fn incremental_hash_equals_naive_concatenation(
        access_key in ".{0,40}",
        action in ".{0,12}",
        biz_type in "[0-9]{0,4}",
        timestamp_ms in any::<u64>(),
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        secret in ".{0,40}",
        sha256 in any::<bool>(),
    ) {
        let input = Input {
            access_key: &access_key,
            timestamp_ms,
            biz_type: &biz_type,
            action: &action,
            body: &body,
            algorithm: if sha256 { Algorithm::Sha256 } else { Algorithm::Md5 },
        };
        let signer = Signer::new(Credentials::new(access_key.clone(), secret.clone()), input.algorithm)
            .with_product(biz_type.clone(), action.clone());
        let signed = signer.sign(timestamp_ms, &body);
        let computed = signed.signature();
        prop_assert_eq!(computed.as_str(), naive_hex(&input, &secret));
        prop_assert_eq!(computed.as_str().len(), input.algorithm.hex_len());
    }
}

proptest! {
    #[test]
    fn streaming_in_any_pieces_equals_one_shot(
        body in proptest::collection::vec(any::<u8>(), 0..4096),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
        timestamp_ms in any::<u64>(),
        sha256 in any::<bool>(),
    ) {
        let algorithm = if sha256 { Algorithm::Sha256 } else { Algorithm::Md5 };
        let signer = Signer::new(Credentials::new("AK-1", "secret"), algorithm);
        let mut points: Vec<usize> = cuts.iter().map(|cut| cut.index(body.len() + 1)).collect();
        points.sort_unstable();
        let mut pieces = signer.begin(timestamp_ms);
        let mut start = 0;
        for point in points.into_iter().chain([body.len()]) {
            pieces.update(&body[start..point]);
            start = point;
        }
        prop_assert_eq!(pieces.finish(), signer.sign(timestamp_ms, &body));
    }
}
