//! Hostile input for the receiver-side check: arbitrary headers and bodies never panic, and
//! only a request signed with the right secret, over the exact body, in time, is accepted.

use nxlink_sign::{
    Algorithm, Credentials, DEFAULT_TOLERANCE_MS, ReceivedHeaders, Rejection, Signer,
    verify_received,
};
use proptest::prelude::*;

const NOW: u64 = 1_700_000_000_000;

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("accessKey".to_owned()),
        Just("ACCESSKEY".to_owned()),
        Just("ts".to_owned()),
        Just("bizType".to_owned()),
        Just("action".to_owned()),
        Just("sign".to_owned()),
        Just("algorithm".to_owned()),
        "[a-zA-Z-]{1,12}",
    ]
}

proptest! {
    #[test]
    fn arbitrary_headers_and_bodies_never_panic(
        pairs in proptest::collection::vec((header_name(), ".{0,80}"), 0..12),
        body in proptest::collection::vec(any::<u8>(), 0..512),
        now in any::<u64>(),
        tolerance in any::<u64>(),
    ) {
        let credentials = Credentials::new("AK-1", "secret");
        let headers = ReceivedHeaders::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        // Random headers essentially never carry a valid signature.
        let verdict = verify_received(&headers, &body, &credentials, now, tolerance);
        prop_assert!(verdict.is_err());
    }

    #[test]
    fn only_the_exact_signed_body_in_time_is_accepted(
        body in proptest::collection::vec(any::<u8>(), 1..512),
        flip in any::<prop::sample::Index>(),
        age_ms in -200_000i64..200_000,
    ) {
        let credentials = Credentials::new("AK-1", "secret");
        let ts = NOW.saturating_add_signed(-age_ms);
        let signer = Signer::new(credentials.clone(), Algorithm::Md5);
        let signed = signer.sign(ts, &body);
        let pairs: Vec<(String, String)> = signed
            .iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
            .collect();
        let headers = ReceivedHeaders::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let verdict = verify_received(&headers, &body, &credentials, NOW, DEFAULT_TOLERANCE_MS);
        if age_ms.unsigned_abs() <= DEFAULT_TOLERANCE_MS {
            prop_assert_eq!(verdict, Ok(()));
            let mut altered = body.clone();
            let at = flip.index(altered.len());
            altered[at] ^= 0x01;
            prop_assert_eq!(
                verify_received(&headers, &altered, &credentials, NOW, DEFAULT_TOLERANCE_MS),
                Err(Rejection::BadSignature)
            );
        } else {
            let is_stale = matches!(verdict, Err(Rejection::StaleTimestamp { .. }));
            prop_assert!(is_stale);
        }
    }
}
