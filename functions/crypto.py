"""Hashing, keyed lookup tags, tokens and TOTP: the service's only cryptography."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import Any

import pyotp
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from .settings import Argon2Parameters


class Argon2Hasher:
    """argon2id with the configured cost; verification is constant-time in argon2."""

    def __init__(self, params: Argon2Parameters) -> None:
        self._hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
            type=Type.ID,
        )
        # argon2-cffi releases the GIL, so threads hash a new set on every core.
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)

    @cached_property
    def dummy_hash(self) -> str:
        """A real hash to verify against when there is nothing to match, so an
        unknown user or a missing code costs the same time as a wrong one."""
        return self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, secret: str) -> str:
        return self._hasher.hash(secret)

    def hash_many(self, secrets_: Sequence[str]) -> list[str]:
        return list(self._pool.map(self._hasher.hash, secrets_))

    def verify(self, encoded: str, secret: str) -> bool:
        try:
            return self._hasher.verify(encoded, secret)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, encoded: str) -> bool:
        return self._hasher.check_needs_rehash(encoded)

    def burn(self, secret: str) -> None:
        """One verification that cannot succeed, for uniform timing."""
        self.verify(self.dummy_hash, secret)


# Where a key version comes from: (version, key) for a version, or for the current
# one when asked for None (SSM Parameter Store's parameter versions, in AWS).
KeySource = Callable[[int | None], tuple[int, bytes]]
MIN_KEY_BYTES = 32


class KeyRing:
    """The lookup-tag key, by version.

    A version never changes, so each is read once; which version is current is
    read again every `refresh_seconds`, so a rotation reaches running containers
    without a redeploy. Nothing is read until first needed: a function that never
    tags (the session purge) never reads the key, and its role is not allowed to.
    """

    def __init__(self, source: KeySource, refresh_seconds: float = 600.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._versions: dict[int, bytes] = {}
        self._current: tuple[int, float] | None = None  # (version, read at)
        self._lock = threading.Lock()

    @classmethod
    def fixed(cls, key: bytes, version: int = 1) -> KeyRing:
        """One key, one version: tests and tools that hold the key themselves."""
        return cls(lambda asked: (version, key))

    def current(self) -> tuple[int, bytes]:
        now = self._monotonic()
        current = self._current
        if current is None or now - current[1] >= self._refresh_seconds:
            with self._lock:
                version, key = self._source(None)
                self._versions[version] = _checked_key(key)
                self._current = current = (version, now)
        return current[0], self._versions[current[0]]

    def get(self, version: int) -> bytes:
        """The key of `version`; LookupError when there is no such version."""
        found = self._versions.get(version)
        if found is None:
            if not 0 < version <= self.current()[0]:
                raise LookupError(f"No key version {version}.")
            with self._lock:
                read_version, key = self._source(version)
                if read_version != version:
                    raise LookupError(f"Asked for key version {version}, got {read_version}.")
                found = self._versions[version] = _checked_key(key)
        return found


def _checked_key(key: bytes) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"The lookup-tag key must be at least {MIN_KEY_BYTES} bytes.")
    return key


class HmacTagger:
    """HMAC-SHA256 lookup tags under a versioned key held outside the tables."""

    def __init__(self, keys: KeyRing) -> None:
        self._keys = keys

    def current_version(self) -> int:
        return self._keys.current()[0]

    def tag(self, version: int, *parts: str) -> str:
        # NUL cannot occur in tenant ids, usernames, generations or codes, so
        # the joined message is unambiguous.
        message = "\x00".join(parts).encode()
        digest = hmac.new(self._keys.get(version), message, hashlib.sha256).digest()[:16]
        return _b64(digest)


class TokenSigner:
    """Tokens the service hands out and reads back itself (a login flow between its
    two steps): claims in JSON, HMAC-SHA256 under a key derived from the lookup-tag
    key's version named in the token, so a rotation keeps tokens in flight valid."""

    PREFIX = "v1"
    _DERIVATION = b"backup-codes/signed-token/v1"

    def __init__(self, keys: KeyRing) -> None:
        self._keys = keys

    def sign(self, claims: dict[str, Any]) -> str:
        version, key = self._keys.current()
        body = f"{self.PREFIX}.{version}.{_b64(json.dumps(claims, separators=(',', ':')).encode())}"
        return f"{body}.{_b64(self._mac(key, body))}"

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a token this service signed, else None (never an exception)."""
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != self.PREFIX or not parts[1].isdigit():
            return None
        body = ".".join(parts[:3])
        try:
            key = self._keys.get(int(parts[1]))
        except (ValueError, LookupError):
            return None
        if not hmac.compare_digest(_b64(self._mac(key, body)), parts[3]):
            return None
        claims = json.loads(_unb64(parts[2]))
        return claims if isinstance(claims, dict) else None

    def _mac(self, key: bytes, body: str) -> bytes:
        derived = hmac.new(key, self._DERIVATION, hashlib.sha256).digest()
        return hmac.new(derived, body.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_token() -> str:
    """An opaque bearer token: 256 bits from the OS generator."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored of a bearer token; a SHA-256 of 256 random bits needs no salt."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_id(nbytes: int = 12) -> str:
    """An id (a client, a change, an event): hex, so that it never begins with "-" and
    reads as a flag on a command line, nor differs only in case."""
    return secrets.token_hex(nbytes)


class Totp:
    """RFC 6238 codes from an authenticator app, one step of clock drift allowed."""

    STEP_SECONDS = 30

    def matching_step(self, secret: str, code: str, now: float) -> int | None:
        """The time step whose code equals `code`, or None.

        All three candidate steps are compared, with a constant-time compare, so
        the answer's timing does not say which step matched.
        """
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            return None
        totp = pyotp.TOTP(secret)
        current = int(now) // self.STEP_SECONDS
        found = None
        for step in (current - 1, current, current + 1):
            if hmac.compare_digest(totp.generate_otp(step), code):
                found = step
        return found

    @staticmethod
    def new_secret() -> str:
        """160 bits from the OS generator, in base32 (RFC 4226's recommended length)."""
        return pyotp.random_base32()

    @staticmethod
    def provisioning_uri(secret: str, account: str, issuer: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)
