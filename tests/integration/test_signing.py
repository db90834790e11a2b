"""ID and logout tokens signed by KMS (moto's): checked with `cryptography`, an
implementation that shares nothing with the signer."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given
from hypothesis import strategies as st
from moto import mock_aws
from moto.kms import models as moto_kms
from moto.kms import utils as kms_utils

from functions.local.keys import create_signing_key
from functions.signing import KmsJwtSigner, der_to_raw, kms_client, raw_to_der

REGION = "us-east-1"


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    # Two keys that really differ (the suite otherwise shares one per key spec).
    monkeypatch.setattr(moto_kms, "generate_private_key", kms_utils.generate_private_key)
    with mock_aws():
        yield create_signing_key(REGION), create_signing_key(REGION)


def b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def public_key(key_arn: str) -> ec.EllipticCurvePublicKey:
    kms = botocore.session.get_session().create_client("kms", region_name=REGION)
    loaded = serialization.load_der_public_key(kms.get_public_key(KeyId=key_arn)["PublicKey"])
    assert isinstance(loaded, ec.EllipticCurvePublicKey)
    return loaded


def verify_with_cryptography(token: str, key: ec.EllipticCurvePublicKey) -> dict[str, Any]:
    header, payload, signature = token.split(".")
    raw = b64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    return {"header": json.loads(b64(header)), "claims": json.loads(b64(payload))}


def test_a_token_verifies_with_the_kms_public_key(keys: tuple[str, str]) -> None:
    current, _ = keys
    signer = KmsJwtSigner([current], kms_client(REGION, None))
    token = signer.sign({"iss": "https://id.example/t/acme", "sub": "s1"}, typ="logout+jwt")
    found = verify_with_cryptography(token, public_key(current))
    assert found["header"] == {"alg": "ES256", "kid": current.rsplit("/", 1)[-1],
                               "typ": "logout+jwt"}
    assert found["claims"] == {"iss": "https://id.example/t/acme", "sub": "s1"}
    assert signer.verify(token) == found["claims"]


def test_the_jwks_is_the_kms_public_key(keys: tuple[str, str]) -> None:
    current, previous = keys
    signer = KmsJwtSigner([current, previous], kms_client(REGION, None))
    published = signer.jwks()["keys"]
    assert [k["kid"] for k in published] == [current.rsplit("/", 1)[-1],
                                             previous.rsplit("/", 1)[-1]]
    for jwk, arn in zip(published, (current, previous), strict=True):
        numbers = public_key(arn).public_numbers()
        assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == ("EC", "P-256", "ES256", "sig")
        assert int.from_bytes(b64(jwk["x"]), "big") == numbers.x
        assert int.from_bytes(b64(jwk["y"]), "big") == numbers.y


def test_a_token_of_the_previous_key_still_verifies_during_a_rotation(
        keys: tuple[str, str]) -> None:
    current, previous = keys
    old = KmsJwtSigner([previous], kms_client(REGION, None)).sign({"sid": "1"})
    rotated = KmsJwtSigner([current, previous], kms_client(REGION, None))
    assert rotated.verify(old) == {"sid": "1"}
    assert KmsJwtSigner([current], kms_client(REGION, None)).verify(old) is None


@pytest.mark.parametrize("tamper", ["payload", "signature", "alg", "garbage"])
def test_a_tampered_token_does_not_verify(keys: tuple[str, str], tamper: str) -> None:
    signer = KmsJwtSigner([keys[0]], kms_client(REGION, None))
    header, payload, signature = signer.sign({"sub": "alice"}).split(".")
    mallory = encode({"sub": "mallory"})
    hmac_header = encode({"alg": "HS256", "kid": json.loads(b64(header))["kid"]})
    forged = {
        "payload": f"{header}.{mallory}.{signature}",
        "signature": f"{header}.{payload}.{signature[:-4]}AAAA",
        "alg": f"{hmac_header}.{payload}.{signature}",
        "garbage": "not.a.token",
    }[tamper]
    assert signer.verify(forged) is None


@given(st.integers(1, 2**256 - 1), st.integers(1, 2**256 - 1))
def test_der_and_raw_signatures_convert_both_ways(r: int, s: int) -> None:
    der = encode_dss_signature(r, s)
    raw = der_to_raw(der)
    assert raw == r.to_bytes(32, "big") + s.to_bytes(32, "big")
    assert decode_dss_signature(raw_to_der(raw)) == (r, s)


@pytest.mark.parametrize("broken", [b"", b"\x30\x02\x02\x00", b"\x31" + bytes(70),
                                    encode_dss_signature(1, 1) + b"\x00",
                                    encode_dss_signature(2**300, 1)])
def test_a_malformed_der_signature_is_refused(broken: bytes) -> None:
    with pytest.raises(ValueError):
        der_to_raw(broken)


def test_cryptography_refuses_what_it_should(keys: tuple[str, str]) -> None:
    # The check above can fail: a token of one key does not verify with the other.
    token = KmsJwtSigner([keys[0]], kms_client(REGION, None)).sign({"a": 1})
    with pytest.raises(InvalidSignature):
        verify_with_cryptography(token, public_key(keys[1]))
