"""Hashing, keyed lookup tags, tokens and TOTP: the service's only cryptography."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

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


class HmacTagger:
    """HMAC-SHA256 lookup tags under a key held outside the tables.

    The key is fetched on first use, once: a function that never tags (the
    session purge) never reads it, and its role is not allowed to.
    """

    def __init__(self, key: bytes | Callable[[], bytes]) -> None:
        self._source = key if callable(key) else (lambda: key)
        self._key: bytes | None = None
        self._lock = threading.Lock()
        if not callable(key):
            self._load()

    def _load(self) -> bytes:
        with self._lock:
            if self._key is None:
                key = self._source()
                if len(key) < 32:
                    raise ValueError("The lookup-tag key must be at least 32 bytes.")
                self._key = key
            return self._key

    def tag(self, *parts: str) -> str:
        key = self._key if self._key is not None else self._load()
        # NUL cannot occur in tenant ids, usernames, generations or codes, so
        # the joined message is unambiguous.
        message = "\x00".join(parts).encode()
        digest = hmac.new(key, message, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_token() -> str:
    """An opaque bearer token: 256 bits from the OS generator."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored of a bearer token; a SHA-256 of 256 random bits needs no salt."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_id(nbytes: int = 12) -> str:
    return secrets.token_urlsafe(nbytes)


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
        return pyotp.random_base32()

    @staticmethod
    def provisioning_uri(secret: str, username: str, issuer: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)
