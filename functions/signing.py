"""ID and logout tokens signed with ES256 by a KMS key whose private half never leaves KMS.

PyJWT writes and reads the tokens (JWS compact serialisation, headers, base64url);
its ES256 is replaced by one that asks KMS to sign and to verify, so the Lambda zip
carries no `cryptography` wheel. What is written here is what is specific to KMS:
its DER signatures become JWS's raw r||s (RFC 7518 §3.4) and back, and its DER
public key becomes a JWK (RFC 7517) for the JWKS.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.exceptions import ClientError
from jwt.algorithms import Algorithm
from jwt.api_jws import PyJWS
from jwt.exceptions import InvalidKeyError, PyJWTError

ALGORITHM = "ES256"
# SubjectPublicKeyInfo of an uncompressed P-256 point, up to the point itself (the
# last 65 bytes: 0x04 || x || y). KMS answers GetPublicKey with exactly this.
_P256_SPKI_PREFIX = bytes.fromhex(
    "3059301306072a8648ce3d020106082a8648ce3d030107034200")
_COORDINATE = 32


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def der_to_raw(der: bytes) -> bytes:
    """ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } -> r || s, 32 bytes each."""
    if len(der) < 8 or der[0] != 0x30 or der[1] != len(der) - 2:
        raise ValueError("Not a DER ECDSA signature.")
    values, at = [], 2
    for _ in range(2):
        if der[at] != 0x02:
            raise ValueError("Not a DER ECDSA signature.")
        length = der[at + 1]
        value = der[at + 2: at + 2 + length]
        at += 2 + length
        number = int.from_bytes(value, "big")
        if len(value) != length or number.bit_length() > 8 * _COORDINATE:
            raise ValueError("Not a P-256 signature.")
        values.append(number.to_bytes(_COORDINATE, "big"))
    if at != len(der):
        raise ValueError("Trailing bytes after the signature.")
    return values[0] + values[1]


def raw_to_der(raw: bytes) -> bytes:
    def integer(value: bytes) -> bytes:
        value = value.lstrip(b"\x00") or b"\x00"
        if value[0] & 0x80:  # a positive INTEGER's first bit is 0
            value = b"\x00" + value
        return bytes([0x02, len(value)]) + value

    body = integer(raw[:_COORDINATE]) + integer(raw[_COORDINATE:])
    return bytes([0x30, len(body)]) + body


@dataclass(frozen=True)
class KmsKey:
    key_id: str  # the key's ARN (or id)

    @property
    def kid(self) -> str:
        """The JWKS key id: the KMS key's own id, the ARN's last part."""
        return self.key_id.rsplit("/", 1)[-1]


class _KmsEs256(Algorithm):
    """ES256 by KMS: Sign and Verify with ECDSA_SHA_256 over the signing input."""

    def __init__(self, kms: Callable[[], Any], public_keys: Callable[[KmsKey], bytes]) -> None:
        self._kms = kms
        self._public_keys = public_keys

    def prepare_key(self, key: Any) -> KmsKey:
        if not isinstance(key, KmsKey):
            raise InvalidKeyError("Sign with a KmsKey.")
        return key

    def sign(self, msg: bytes, key: Any) -> bytes:
        answer = self._kms().sign(KeyId=key.key_id, Message=msg, MessageType="RAW",
                                  SigningAlgorithm="ECDSA_SHA_256")
        return der_to_raw(answer["Signature"])

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        if len(sig) != 2 * _COORDINATE:
            return False
        try:
            answer = self._kms().verify(KeyId=key.key_id, Message=msg, MessageType="RAW",
                                        Signature=raw_to_der(sig),
                                        SigningAlgorithm="ECDSA_SHA_256")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "KMSInvalidSignatureException":
                return False
            raise
        return bool(answer.get("SignatureValid"))

    def to_jwk(self, key_obj: Any, as_dict: bool = False) -> Any:  # type: ignore[override]
        point = self._public_keys(key_obj)
        jwk = {"kty": "EC", "crv": "P-256", "x": _b64(point[1:1 + _COORDINATE]),
               "y": _b64(point[1 + _COORDINATE:]), "use": "sig", "alg": ALGORITHM,
               "kid": key_obj.kid}
        return jwk if as_dict else json.dumps(jwk)

    @staticmethod
    def from_jwk(jwk: str | dict[str, Any]) -> Any:
        raise InvalidKeyError("A KMS key is named by its ARN, never loaded from a JWK.")


class KmsJwtSigner:
    """The provider's JwtSigner: the first key signs; every key listed verifies and is
    published (the previous key stays listed during a rotation, docs/DEPLOY.md)."""

    def __init__(self, key_ids: Sequence[str], kms: Callable[[], Any]) -> None:
        # No key configured fails the provider's calls only, never the rest of the API.
        self._keys = [KmsKey(key_id) for key_id in key_ids]
        self._kms = kms
        self._points: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._algorithm = _KmsEs256(kms, self._public_point)
        self._jws = PyJWS(algorithms=[ALGORITHM])
        with contextlib.suppress(KeyError):  # PyJWT's own ES256, where cryptography is
            self._jws.unregister_algorithm(ALGORITHM)
        self._jws.register_algorithm(ALGORITHM, self._algorithm)

    def sign(self, claims: dict[str, Any], *, typ: str = "JWT") -> str:
        if not self._keys:
            raise RuntimeError("No signing key is configured (SIGNING_KEY_IDS).")
        payload = json.dumps(claims, separators=(",", ":")).encode()
        key = self._keys[0]
        # PyJWT hands the key to the algorithm's prepare_key as it is; its annotation
        # names only the key types of its own algorithms.
        return self._jws.encode(payload, key, algorithm=ALGORITHM,  # type: ignore[arg-type]
                                headers={"kid": key.kid, "typ": typ})

    def verify(self, token: str) -> dict[str, Any] | None:
        try:
            kid = self._jws.get_unverified_header(token).get("kid")
            key = next((k for k in self._keys if k.kid == kid), None)
            if key is None:
                return None
            claims = json.loads(self._jws.decode(token, key,  # type: ignore[arg-type]
                                                 algorithms=[ALGORITHM]))
        except (PyJWTError, ValueError):
            return None
        return claims if isinstance(claims, dict) else None

    def jwks(self) -> dict[str, Any]:
        if not self._keys:
            raise RuntimeError("No signing key is configured (SIGNING_KEY_IDS).")
        return {"keys": [self._algorithm.to_jwk(key, as_dict=True) for key in self._keys]}

    def _public_point(self, key: KmsKey) -> bytes:
        # A key's public half never changes: read once per container.
        with self._lock:
            point = self._points.get(key.key_id)
            if point is None:
                der = self._kms().get_public_key(KeyId=key.key_id)["PublicKey"]
                if len(der) != len(_P256_SPKI_PREFIX) + 65 or not der.startswith(
                        _P256_SPKI_PREFIX):
                    raise ValueError(f"Key {key.kid} is not an ECC_NIST_P256 key.")
                point = self._points[key.key_id] = der[len(_P256_SPKI_PREFIX):]
        return point


def kms_client(region: str, endpoint: str | None) -> Callable[[], Any]:
    """One KMS client per container, made at first use."""
    made: list[Any] = []
    lock = threading.Lock()

    def client() -> Any:
        with lock:
            if not made:
                made.append(botocore.session.get_session().create_client(
                    "kms", region_name=region, endpoint_url=endpoint))
        return made[0]

    return client
