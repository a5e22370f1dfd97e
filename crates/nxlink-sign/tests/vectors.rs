//! The signing vectors of `spec/signing.md` §5, asserted literally, with their intermediate strings.

use md5::Digest;
use nxlink_sign::{
    Algorithm, Credentials, DEFAULT_TOLERANCE_MS, ReceivedHeaders, Rejection, Signer,
    verify_received,
};

const OFFICIAL_KEY: &str = "fme2na3kdi3ki";
const OFFICIAL_SECRET: &str = "abciiiko2k3";
const OFFICIAL_TS: u64 = 1_655_710_885_431;

const V1_BODY: &str = r#"{"name":"牛小信","id":10001}"#;
const V2_BODY: &str = r#"{"id":10001,"name":"牛小信"}"#;
const V3_BODY: &str = r#"{"id": 10001, "name": "牛小信"}"#;

const AI_KEY: &str = "AK-6230339248928541113-2133";
const AI_SECRET: &str = "test-secret";
const D1_BODY: &str = r#"{"name":"Parcel","pageNumber":1,"pageSize":10}"#;

/// One vector: who signs (key, secret, product, algorithm) and the body.
struct Vector {
    signer: Signer,
    body: &'static str,
}

impl Vector {
    fn headers_string(&self) -> String {
        self.signer.headers_string(OFFICIAL_TS)
    }
}

fn official(body: &'static str, algorithm: Algorithm) -> Vector {
    Vector {
        signer: Signer::new(Credentials::new(OFFICIAL_KEY, OFFICIAL_SECRET), algorithm)
            .with_product("1", "send"),
        body,
    }
}

fn ai_agent(body: &'static str, algorithm: Algorithm) -> Vector {
    Vector {
        signer: Signer::new(Credentials::new(AI_KEY, AI_SECRET), algorithm),
        body,
    }
}

/// The digest of `vector` signed with `secret` at the official time.
fn hex_of(vector: &Vector, secret: &str) -> String {
    let access_key = vector.signer.credentials().access_key();
    let signer = Signer::new(
        Credentials::new(access_key, secret),
        vector.signer.algorithm(),
    )
    .with_product(
        vector.signer.biz_type().to_owned(),
        vector.signer.action().to_owned(),
    );
    signer
        .sign(OFFICIAL_TS, vector.body.as_bytes())
        .signature()
        .to_string()
}

/// The receiver's verdict on `vector`'s headers carrying `claimed` as `sign`, checked with
/// `secret`, over the vector's body.
fn verify(vector: &Vector, secret: &str, claimed: &str) -> Result<(), Rejection> {
    let signed = vector.signer.sign(OFFICIAL_TS, vector.body.as_bytes());
    let pairs: Vec<(&str, &str)> = signed
        .iter()
        .map(|(name, value)| {
            if name == "sign" {
                (name, claimed)
            } else {
                (name, value)
            }
        })
        .collect();
    let credentials = Credentials::new(vector.signer.credentials().access_key(), secret);
    verify_received(
        &ReceivedHeaders::from_pairs(pairs),
        vector.body.as_bytes(),
        &credentials,
        OFFICIAL_TS,
        DEFAULT_TOLERANCE_MS,
    )
}

#[test]
fn official_headers_string_matches_step_one() {
    assert_eq!(
        official(V1_BODY, Algorithm::Md5).headers_string(),
        "accessKey=fme2na3kdi3ki&action=send&bizType=1&ts=1655710885431"
    );
}

#[test]
fn official_md5_vectors() {
    let cases = [
        (V1_BODY, "87c3560d3331ae23f1021e2025722354"),
        (V2_BODY, "7750759da06333f20d0640be09355e34"),
        (V3_BODY, "d0c24a9886c629330d7f3f2056c65bc2"),
    ];
    for (body, expected) in cases {
        assert_eq!(
            hex_of(&official(body, Algorithm::Md5), OFFICIAL_SECRET),
            expected,
            "body {body}"
        );
    }
}

#[test]
fn derived_sha256_vectors_of_the_official_inputs() {
    let cases = [
        (
            V1_BODY,
            "e0eec2c99ef80f269a82795e2223f618ebfc0616c8b6c8c7d438021ec38ad0eb",
        ),
        (
            V2_BODY,
            "d04863619d46121592cdb312ec0a91c148a1f5daea64930ad0e1fb31a04dc808",
        ),
        (
            V3_BODY,
            "feaa901c8a317a0f5e488dd7d9ae046742afa0d0a70f415817c835873efa4cb7",
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(
            hex_of(&official(body, Algorithm::Sha256), OFFICIAL_SECRET),
            expected,
            "body {body}"
        );
    }
}

#[test]
fn derived_ai_agent_vectors() {
    let cases = [
        // D1: a body.
        (
            D1_BODY,
            "2eaba87cdab24efd7ed39abcc121d1fe",
            "8eed7bd93f0a10806dd49ed14fbc72aea34bbe148f3c8288f98f29863955ec91",
        ),
        // D2: no body, so the `&body=` part is skipped.
        (
            "",
            "396f7e3d877cb8e1def6b9af434ec95a",
            "806d6334aebb8137d8bc2c9357cbdae291e4d334bd88b1ac6571898e7ac348f9",
        ),
        // D3: `{}` is not empty, so `&body={}` is included.
        (
            "{}",
            "e226f95c2d786448cfc404d7592195a3",
            "370af0dcd58c1ca36acf362cb07af50a60b8e27e044a1b3052200abcd7a5db55",
        ),
    ];
    for (body, md5, sha256) in cases {
        assert_eq!(hex_of(&ai_agent(body, Algorithm::Md5), AI_SECRET), md5);
        assert_eq!(
            hex_of(&ai_agent(body, Algorithm::Sha256), AI_SECRET),
            sha256
        );
    }
}

#[test]
fn d1_full_string_is_what_gets_hashed() {
    // Pin the whole pre-image: hashing this literal string naively gives the same digest.
    let full = "accessKey=AK-6230339248928541113-2133&action=nxai&bizType=100&ts=1655710885431\
                &body={\"name\":\"Parcel\",\"pageNumber\":1,\"pageSize\":10}&accessSecret=test-secret";
    let input = ai_agent(D1_BODY, Algorithm::Md5);
    assert_eq!(
        format!(
            "{}&body={}&accessSecret={AI_SECRET}",
            input.headers_string(),
            D1_BODY
        ),
        full
    );
    // The literal pre-image hashed in one go gives the published digest.
    assert_eq!(
        hex::encode(md5::Md5::digest(full.as_bytes())),
        "2eaba87cdab24efd7ed39abcc121d1fe"
    );
    assert_eq!(
        hex_of(&input, AI_SECRET),
        "2eaba87cdab24efd7ed39abcc121d1fe"
    );
}

#[test]
fn sign_emits_the_common_headers() {
    let credentials = Credentials::new(AI_KEY, AI_SECRET);
    let md5 = Signer::new(credentials.clone(), Algorithm::Md5);
    let headers = md5.sign(OFFICIAL_TS, D1_BODY.as_bytes());
    let sent: Vec<_> = headers.iter().collect();
    assert_eq!(
        sent,
        vec![
            ("accessKey", AI_KEY),
            ("ts", "1655710885431"),
            ("bizType", "100"),
            ("action", "nxai"),
            ("sign", "2eaba87cdab24efd7ed39abcc121d1fe"),
        ]
    );

    let sha = Signer::new(credentials, Algorithm::Sha256);
    let headers = sha.sign(OFFICIAL_TS, D1_BODY.as_bytes());
    let sent: Vec<_> = headers.iter().collect();
    assert_eq!(sent.len(), 6);
    assert_eq!(sent[5], ("algorithm", "sha256"));
    assert_eq!(
        headers.signature().as_str(),
        "8eed7bd93f0a10806dd49ed14fbc72aea34bbe148f3c8288f98f29863955ec91"
    );
}

#[test]
fn verify_accepts_the_vector_and_refuses_any_change() {
    let secret = AI_SECRET;
    let input = ai_agent(D1_BODY, Algorithm::Md5);
    assert_eq!(
        verify(&input, secret, "2eaba87cdab24efd7ed39abcc121d1fe"),
        Ok(())
    );
    // One hex digit off, upper case, truncated, empty, other algorithm's digest.
    for claimed in [
        "2eaba87cdab24efd7ed39abcc121d1ff",
        "2EABA87CDAB24EFD7ED39ABCC121D1FE",
        "2eaba87cdab24efd7ed39abcc121d1f",
        "",
        "8eed7bd93f0a10806dd49ed14fbc72aea34bbe148f3c8288f98f29863955ec91",
    ] {
        assert!(verify(&input, secret, claimed).is_err(), "{claimed}");
    }
    // Right digest, wrong secret or different bytes.
    assert!(verify(&input, "other", "2eaba87cdab24efd7ed39abcc121d1fe").is_err());
    let spaced = ai_agent(
        r#"{"name": "Parcel","pageNumber":1,"pageSize":10}"#,
        Algorithm::Md5,
    );
    assert!(verify(&spaced, secret, "2eaba87cdab24efd7ed39abcc121d1fe").is_err());
}
