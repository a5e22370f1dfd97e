"""nxlink.sign and nxlink.verify_callback: the official vectors of the NXLink docs
(signing.md §5), the derived SHA-256 and AI-agent vectors, and every refusal of a callback."""

import hashlib

import pytest

import nxlink

# The official convention page's inputs (signing.md §5).
AK, SECRET, TS = "fme2na3kdi3ki", "abciiiko2k3", 1655710885431
OFFICIAL = {"biz_type": "1", "action": "send"}
V1 = '{"name":"牛小信","id":10001}'
V2 = '{"id":10001,"name":"牛小信"}'
V3 = '{"id": 10001, "name": "牛小信"}'

# The AI-agent-shaped derived vectors (signing.md §5, "computed locally").
D_AK, D_SECRET = "AK-6230339248928541113-2133", "test-secret"
D1 = '{"name":"Parcel","pageNumber":1,"pageSize":10}'


@pytest.mark.parametrize(
    "body, md5, sha256",
    [
        (V1, "87c3560d3331ae23f1021e2025722354", "e0eec2c99ef80f269a82795e2223f618ebfc0616c8b6c8c7d438021ec38ad0eb"),
        (V2, "7750759da06333f20d0640be09355e34", "d04863619d46121592cdb312ec0a91c148a1f5daea64930ad0e1fb31a04dc808"),
        (V3, "d0c24a9886c629330d7f3f2056c65bc2", "feaa901c8a317a0f5e488dd7d9ae046742afa0d0a70f415817c835873efa4cb7"),
    ],
)
def test_official_vectors(body, md5, sha256):
    assert nxlink.sign(AK, SECRET, TS, body.encode(), **OFFICIAL)["sign"] == md5
    # str bodies are signed as their UTF-8 bytes, as the docs hash them.
    assert nxlink.sign(AK, SECRET, TS, body, **OFFICIAL)["sign"] == md5
    assert nxlink.sign(AK, SECRET, TS, body.encode(), "sha256", **OFFICIAL)["sign"] == sha256


@pytest.mark.parametrize(
    "body, md5, sha256",
    [
        (D1, "2eaba87cdab24efd7ed39abcc121d1fe", "8eed7bd93f0a10806dd49ed14fbc72aea34bbe148f3c8288f98f29863955ec91"),
        # No body: the body part is skipped.
        ("", "396f7e3d877cb8e1def6b9af434ec95a", "806d6334aebb8137d8bc2c9357cbdae291e4d334bd88b1ac6571898e7ac348f9"),
        # `{}` is not empty: the body part is included.
        ("{}", "e226f95c2d786448cfc404d7592195a3", "370af0dcd58c1ca36acf362cb07af50a60b8e27e044a1b3052200abcd7a5db55"),
    ],
)
def test_derived_ai_agent_vectors(body, md5, sha256):
    assert nxlink.sign(D_AK, D_SECRET, TS, body.encode())["sign"] == md5
    assert nxlink.sign(D_AK, D_SECRET, TS, body.encode(), algorithm="sha256")["sign"] == sha256


def test_headers_to_send():
    headers = nxlink.sign(D_AK, D_SECRET, TS, D1.encode())
    assert headers == {
        "accessKey": D_AK,
        "ts": "1655710885431",
        "bizType": "100",
        "action": "nxai",
        "sign": "2eaba87cdab24efd7ed39abcc121d1fe",
        "Content-Type": "application/json",
    }
    # Only SHA-256 is announced: the gateway assumes MD5 without the header.
    assert nxlink.sign(D_AK, D_SECRET, TS, b"{}", "SHA256")["algorithm"] == "sha256"


def test_matches_the_documented_formula_by_concatenation():
    # The formula as every public client writes it, as an independent oracle.
    for ts, body in [(0, b"x"), (1, "é€😀".encode()), (2**53, b'{"a":[1,2,3]}' * 1000)]:
        text = f"accessKey={D_AK}&action=nxai&bizType=100&ts={ts}".encode()
        text += b"&body=" + body + f"&accessSecret={D_SECRET}".encode()
        assert nxlink.sign(D_AK, D_SECRET, ts, body)["sign"] == hashlib.md5(text).hexdigest()
        assert nxlink.sign(D_AK, D_SECRET, ts, body, "sha256")["sign"] == hashlib.sha256(text).hexdigest()


def test_bad_arguments_raise_typed_errors():
    with pytest.raises(ValueError, match="md5 or sha256"):
        nxlink.sign(D_AK, D_SECRET, TS, b"{}", "sha1")
    with pytest.raises(ValueError, match="ts_ms"):
        nxlink.sign(D_AK, D_SECRET, -1, b"{}")
    with pytest.raises(TypeError, match="body"):
        nxlink.sign(D_AK, D_SECRET, TS, {"not": "bytes"})
    with pytest.raises(TypeError):
        nxlink.sign(D_AK, D_SECRET, "1655710885431", b"{}")


BODY = b'{"taskId":"t-1","callId":"c-1"}'


def received(body=BODY, ts=TS, secret=D_SECRET):
    """Callback headers as a gateway sends them: signed, names lower-cased."""
    return {name.lower(): value for name, value in nxlink.sign(D_AK, secret, ts, body).items()}


def test_a_good_callback_verifies():
    nxlink.verify_callback(received(), BODY, D_AK, D_SECRET, now_ms=TS + 1_000)
    # Pairs (e.g. ASGI's raw headers) and bytes work too; the tolerance is inclusive.
    pairs = [(name.encode(), value.encode()) for name, value in received().items()]
    nxlink.verify_callback(pairs, bytearray(BODY), D_AK, D_SECRET, now_ms=TS + 60_000)


def refusal(headers, body=BODY, now_ms=TS, access_key=D_AK, secret=D_SECRET):
    with pytest.raises(nxlink.CallbackVerificationError) as raised:
        nxlink.verify_callback(headers, body, access_key, secret, now_ms=now_ms)
    return raised.value


def test_a_tampered_callback_is_refused():
    error = refusal(received(), body=BODY.replace(b"t-1", b"t-2"))
    assert error.reason == "bad_signature"
    assert isinstance(error, nxlink.NXLinkError)
    assert refusal(received(secret="another-secret")).reason == "bad_signature"


def test_a_stale_callback_is_refused_either_way():
    stale = refusal(received(), now_ms=TS + 60_001)
    assert (stale.reason, stale.age_ms) == ("stale_timestamp", 60_001)
    future = refusal(received(), now_ms=TS - 60_001)
    assert (future.reason, future.age_ms) == ("stale_timestamp", -60_001)
    # The system clock is the default: a 2022 timestamp is stale today.
    with pytest.raises(nxlink.CallbackVerificationError, match="stale"):
        nxlink.verify_callback(received(), BODY, D_AK, D_SECRET)


def test_missing_headers_and_strangers_are_refused():
    headers = received()
    del headers["sign"]
    assert refusal(headers).reason == "missing_header"
    assert refusal(received(), access_key="AK-someone-else").reason == "unknown_access_key"
    assert refusal({**received(), "ts": "16557108854.31"}).reason == "malformed_timestamp"
    assert refusal({**received(), "algorithm": "sha1"}).reason == "unknown_algorithm"
