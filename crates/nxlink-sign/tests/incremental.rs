//! Property: hashing piece by piece equals hashing the naively concatenated string.

use md5::Md5;
use nxlink_sign::{AccessSecret, Algorithm, SignatureInput, compute_signature};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

fn naive_preimage(input: &SignatureInput<'_>, secret: &str) -> Vec<u8> {
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

fn naive_hex(input: &SignatureInput<'_>, secret: &str) -> String {
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
        let input = SignatureInput {
            access_key: &access_key,
            timestamp_ms,
            biz_type: &biz_type,
            action: &action,
            body: &body,
            algorithm: if sha256 { Algorithm::Sha256 } else { Algorithm::Md5 },
        };
        let computed = compute_signature(&input, &AccessSecret::new(secret.clone()));
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
        let secret = AccessSecret::new("secret");
        let input = SignatureInput {
            access_key: "AK-1",
            timestamp_ms,
            biz_type: "100",
            action: "nxai",
            body: &body,
            algorithm,
        };
        let mut points: Vec<usize> = cuts.iter().map(|cut| cut.index(body.len() + 1)).collect();
        points.sort_unstable();
        let mut signer = nxlink_sign::StreamingSigner::begin("AK-1", timestamp_ms, "100", "nxai", algorithm);
        let mut start = 0;
        for point in points.into_iter().chain([body.len()]) {
            signer.update(&body[start..point]);
            start = point;
        }
        prop_assert_eq!(signer.finish(&secret), compute_signature(&input, &secret));
    }
}
