"""argon2id hashing, HMAC lookup tags, bearer tokens and TOTP matching."""

from __future__ import annotations

import re

import pyotp
import pytest

from functions import crypto
from functions.settings import Argon2Parameters, Settings

SECRET = pyotp.random_base32()
NOW = 1_760_000_015.0  # mid-step, so +-0.5 step does not change the step
STEP = int(NOW) // 30


def code_at_step(step: int) -> str:
    return pyotp.TOTP(SECRET).at(step * 30)


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_totp_accepts_one_step_of_drift_each_way(offset: int) -> None:
    assert crypto.Totp().matching_step(SECRET, code_at_step(STEP + offset), NOW) == STEP + offset


@pytest.mark.parametrize("offset", [-3, -2, 2, 3])
def test_totp_refuses_two_steps_of_drift(offset: int) -> None:
    code = code_at_step(STEP + offset)
    near = {code_at_step(STEP + d) for d in (-1, 0, 1)}
    if code in near:  # one in a million: the far code collides with a near one
        pytest.skip("the codes of two steps collide")
    assert crypto.Totp().matching_step(SECRET, code, NOW) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12345a", " 123456"])
def test_totp_refuses_what_is_not_six_ascii_digits(code: str) -> None:
    assert crypto.Totp().matching_step(SECRET, code, NOW) is None


def test_totp_refuses_non_ascii_digits() -> None:
    assert crypto.Totp().matching_step(SECRET, "\u0661\u0662\u0663\u0664\u0665\u0666",
                                       NOW) is None


def test_totp_refuses_another_users_code() -> None:
    other = pyotp.random_base32()
    code = pyotp.TOTP(other).at(NOW)
    if code in {code_at_step(STEP + d) for d in (-1, 0, 1)}:
        pytest.skip("the two secrets agree by chance")
    assert crypto.Totp().matching_step(SECRET, code, NOW) is None


def test_provisioning_uri_round_trips_through_pyotp() -> None:
    uri = crypto.Totp.provisioning_uri(SECRET, "alice", "Backup Codes (acme)")
    parsed = pyotp.parse_uri(uri)
    assert isinstance(parsed, pyotp.TOTP)
    assert parsed.secret == SECRET
    assert parsed.name == "alice"
    assert parsed.issuer == "Backup Codes (acme)"


KEY = bytes(range(32))


def tagger_of(key: bytes) -> crypto.HmacTagger:
    return crypto.HmacTagger(crypto.KeyRing.fixed(key))


def test_tags_are_deterministic_and_keyed() -> None:
    tagger = tagger_of(KEY)
    assert tagger.tag(1, "acme", "alice", "g1", "CODE") == tagger.tag(1, "acme", "alice", "g1",
                                                                      "CODE")
    other_key = tagger_of(bytes(reversed(KEY)))
    assert tagger.tag(1, "acme", "alice", "g1", "CODE") != other_key.tag(1, "acme", "alice",
                                                                         "g1", "CODE")


@pytest.mark.parametrize("parts", [
    ("globex", "alice", "g1", "CODE"),   # another tenant
    ("acme", "bob", "g1", "CODE"),       # another user
    ("acme", "alice", "g2", "CODE"),     # another generation
    ("acme", "alice", "g1", "CODF"),     # another code
    ("acmealice", "", "g1", "CODE"),     # the same characters, split elsewhere
    ("acme", "aliceg1", "", "CODE"),
])
def test_every_part_of_a_tag_matters(parts: tuple[str, ...]) -> None:
    tagger = tagger_of(KEY)
    assert tagger.tag(1, *parts) != tagger.tag(1, "acme", "alice", "g1", "CODE")


def test_a_tag_is_short_url_safe_text_and_not_the_code() -> None:
    tag = tagger_of(KEY).tag(1, "acme", "alice", "g1", "ABCDEFGHJKMNPQRS")
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", tag)  # 128 bits, unpadded base64url
    assert "ABCD" not in tag


def test_the_tag_key_must_be_at_least_256_bits() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        tagger_of(b"k" * 31).tag(1, "acme", "alice", "g1", "CODE")


class VersionedSource:
    """A parameter store with versions, counting its reads: what SSM does for the key."""

    def __init__(self) -> None:
        self.versions = {1: bytes(range(32))}
        self.reads: list[int | None] = []

    def rotate(self) -> int:
        version = max(self.versions) + 1
        self.versions[version] = bytes([version]) * 32
        return version

    def __call__(self, version: int | None) -> tuple[int, bytes]:
        self.reads.append(version)
        if version is None:
            version = max(self.versions)
        if version not in self.versions:
            raise LookupError(version)
        return version, self.versions[version]


def test_a_rotated_key_tags_new_sets_and_still_reads_old_ones() -> None:
    # GIVEN a tag made under version 1 of the key
    source, clock = VersionedSource(), [0.0]
    ring = crypto.KeyRing(source, refresh_seconds=600, monotonic=lambda: clock[0])
    tagger = crypto.HmacTagger(ring)
    assert tagger.current_version() == 1
    old_tag = tagger.tag(1, "acme", "alice", "g1", "CODE")
    # WHEN the key is rotated THEN containers take the new version within the refresh time
    source.rotate()
    clock[0] = 599.0
    assert tagger.current_version() == 1
    clock[0] = 600.0
    assert tagger.current_version() == 2
    # AND a set of version 1 still finds its tag, while version 2 makes other tags
    assert tagger.tag(1, "acme", "alice", "g1", "CODE") == old_tag
    assert tagger.tag(2, "acme", "alice", "g1", "CODE") != old_tag
    # AND each version was read once: the current one at each refresh, none again
    assert source.reads == [None, None]


def test_a_version_above_the_current_one_is_never_asked_for() -> None:
    source = VersionedSource()
    ring = crypto.KeyRing(source)
    with pytest.raises(LookupError):
        ring.get(7)
    assert 7 not in source.reads


def test_signed_tokens_carry_claims_and_refuse_any_change() -> None:
    source = VersionedSource()
    signer = crypto.TokenSigner(crypto.KeyRing(source))
    token = signer.sign({"t": "acme", "u": "alice"})
    assert signer.verify(token) == {"t": "acme", "u": "alice"}
    head, version, payload, mac = token.split(".")
    forged_payload = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    for forged in (f"{head}.{version}.{forged_payload}.{mac}", f"{head}.{version}.{payload}.x",
                   f"v2.{version}.{payload}.{mac}", f"{head}.9.{payload}.{mac}", "", "a.b.c"):
        assert signer.verify(forged) is None
    other = crypto.TokenSigner(crypto.KeyRing.fixed(bytes(reversed(range(32)))))
    assert other.verify(token) is None


def test_a_signed_token_outlives_a_key_rotation() -> None:
    source, clock = VersionedSource(), [0.0]
    signer = crypto.TokenSigner(crypto.KeyRing(source, refresh_seconds=1,
                                               monotonic=lambda: clock[0]))
    before = signer.sign({"f": "1"})
    source.rotate()
    clock[0] = 5.0
    after = signer.sign({"f": "2"})
    assert before.split(".")[1] == "1" and after.split(".")[1] == "2"
    assert signer.verify(before) == {"f": "1"} and signer.verify(after) == {"f": "2"}


TINY = Argon2Parameters(memory_kib=8, time_cost=1, parallelism=1)


def test_argon2_hashes_verify_and_reject() -> None:
    hasher = crypto.Argon2Hasher(TINY)
    encoded = hasher.hash("ABCDEFGHJKMNPQRS")
    assert encoded.startswith("$argon2id$")
    assert "ABCDEFGHJKMNPQRS" not in encoded
    assert hasher.verify(encoded, "ABCDEFGHJKMNPQRS")
    assert not hasher.verify(encoded, "ABCDEFGHJKMNPQRT")


def test_argon2_verify_of_a_malformed_hash_is_false_not_an_error() -> None:
    hasher = crypto.Argon2Hasher(TINY)
    assert hasher.verify("not-a-hash", "secret") is False
    assert hasher.verify("", "secret") is False


def test_hash_many_salts_each_code() -> None:
    hasher = crypto.Argon2Hasher(TINY)
    plain = ["ABCDEFGHJKMNPQRS", "ABCDEFGHJKMNPQRS", "SRQPNMKJHGFEDCBA"]
    hashes = hasher.hash_many(plain)
    assert len(set(hashes)) == 3  # the same code twice still gets two salts
    assert all(hasher.verify(h, p) for h, p in zip(hashes, plain, strict=True))


def test_burn_never_succeeds() -> None:
    hasher = crypto.Argon2Hasher(TINY)
    hasher.burn("anything")  # no exception, no result to leak
    assert not hasher.verify(hasher.dummy_hash, "anything")


def test_needs_rehash_when_the_parameters_rise() -> None:
    weak = crypto.Argon2Hasher(TINY)
    strong = crypto.Argon2Hasher(Argon2Parameters(memory_kib=16, time_cost=2, parallelism=1))
    encoded = weak.hash("secret")
    assert strong.needs_rehash(encoded)
    assert not weak.needs_rehash(encoded)


def test_the_deployed_argon2_cost_is_at_least_owasps() -> None:
    params = Settings.from_env({}).argon2  # no environment: what Lambda gets
    assert params.memory_kib >= 19456 and params.time_cost >= 2 and params.parallelism >= 1
    encoded = crypto.Argon2Hasher(params).hash("x")
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_tokens_are_256_bit_and_stored_only_as_a_digest() -> None:
    tokens = {crypto.new_token() for _ in range(100)}
    assert len(tokens) == 100
    token = tokens.pop()
    assert len(token) == 43 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    digest = crypto.token_hash(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert crypto.token_hash(token) == digest
    assert token not in digest
