"""Tenant policy, the lockout arithmetic, and tenant id / username validation."""

from __future__ import annotations

from typing import Any

import pytest

from functions.core.errors import InvalidRequest
from functions.core.policy import (
    BACKOFF_MAX_SECONDS,
    LOCKOUT_CEILING,
    TenantPolicy,
    lockout_seconds,
    mask_email,
    validate_email,
    validate_tenant_id,
    validate_username,
)


def test_the_default_policy_is_the_designs() -> None:
    policy = TenantPolicy()
    assert policy.to_dict() == {"code_count": 10, "lockout_threshold": 10,
                                "password_lockout_threshold": 10,
                                "reauth_max_age_seconds": 900, "purge_mode": "keep_current",
                                "require_mfa": False,
                                # every notification on; few left at 3; the stack's sender
                                "notify_code_used": True, "notify_codes_low": True,
                                "notify_codes_changed": True, "notify_mfa_reset": True,
                                "low_codes_threshold": 3, "email_sender": "",
                                "audit_retention_days": 400}


@pytest.mark.parametrize("changes", [
    {"code_count": 5}, {"code_count": 20},
    {"lockout_threshold": 3}, {"lockout_threshold": LOCKOUT_CEILING},
    {"reauth_max_age_seconds": 60}, {"reauth_max_age_seconds": 86400},
    {"purge_mode": "all"}, {"purge_mode": "keep_current"},
    {"require_mfa": True}, {"require_mfa": False},
    {"notify_code_used": False}, {"notify_codes_low": False},
    {"notify_codes_changed": False}, {"notify_mfa_reset": False},
    {"low_codes_threshold": 1}, {"low_codes_threshold": 10},
    {"email_sender": ""}, {"email_sender": "security@acme.example"},
    {"email_sender": "a+b.c@mail.acme.example"},
])
def test_policy_values_at_their_bounds_are_accepted(changes: dict[str, Any]) -> None:
    policy = TenantPolicy().updated(**changes)
    assert {k: policy.to_dict()[k] for k in changes} == changes


@pytest.mark.parametrize(("changes", "names"), [
    ({"code_count": 4}, "code_count"),
    ({"code_count": 21}, "code_count"),
    ({"code_count": 0}, "code_count"),
    ({"lockout_threshold": 2}, "lockout_threshold"),
    ({"lockout_threshold": LOCKOUT_CEILING + 1}, "lockout_threshold"),
    ({"reauth_max_age_seconds": 59}, "reauth_max_age_seconds"),
    ({"reauth_max_age_seconds": 86401}, "reauth_max_age_seconds"),
    ({"purge_mode": "none"}, "purge_mode"),
    ({"require_mfa": 1}, "require_mfa"),
    ({"require_mfa": "yes"}, "require_mfa"),
    ({"notify_code_used": "off"}, "notify_code_used"),
    ({"low_codes_threshold": 0}, "low_codes_threshold"),
    ({"low_codes_threshold": 11}, "low_codes_threshold"),
    ({"email_sender": "security"}, "email_sender"),
    ({"email_sender": "security@acme"}, "email_sender"),
    ({"email_sender": "Acme <security@acme.example>"}, "email_sender"),
    ({"email_sender": "a@b.example\r\nBcc: x@y.example"}, "email_sender"),
    ({"email_sender": "x" * 250 + "@acme.example"}, "email_sender"),
    ({"email_sender": 7}, "email_sender"),
    ({"colour": "blue"}, "colour"),
])
def test_policy_values_out_of_range_are_refused_by_name(changes: dict[str, Any],
                                                        names: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        TenantPolicy().updated(**changes)
    assert names in refused.value.message


def test_policy_round_trips_through_a_dict_and_ignores_unknown_keys() -> None:
    policy = TenantPolicy(code_count=12, lockout_threshold=5, reauth_max_age_seconds=300,
                          purge_mode="all", require_mfa=True)
    assert TenantPolicy.from_dict(policy.to_dict()) == policy
    assert TenantPolicy.from_dict({"code_count": 7, "retired_setting": 1}) == TenantPolicy(
        code_count=7)


def test_no_lock_below_the_threshold() -> None:
    assert [lockout_seconds(n, 10) for n in range(10)] == [0] * 10


def test_the_back_off_starts_at_the_threshold_and_doubles() -> None:
    assert [lockout_seconds(n, 10) for n in range(10, 15)] == [30, 60, 120, 240, 480]


def test_the_back_off_grows_monotonically_to_its_cap() -> None:
    waits = [lockout_seconds(n, 3) for n in range(3, LOCKOUT_CEILING)]
    finite = [w for w in waits if w is not None]
    assert len(finite) == len(waits) and min(finite) > 0
    assert finite == sorted(finite)
    assert finite[-1] == max(finite) == BACKOFF_MAX_SECONDS


@pytest.mark.parametrize("failures", [LOCKOUT_CEILING, LOCKOUT_CEILING + 1, 10_000])
def test_the_ceiling_locks_until_an_operator_unlocks(failures: int) -> None:
    assert LOCKOUT_CEILING == 100
    assert lockout_seconds(failures, 10) is None


def test_the_last_failure_below_the_ceiling_still_has_a_finite_wait() -> None:
    assert lockout_seconds(LOCKOUT_CEILING - 1, 10) == BACKOFF_MAX_SECONDS


@pytest.mark.parametrize("tenant", ["a", "acme", "acme-2", "a1", "0", "x" * 32, "a-b-c"])
def test_valid_tenant_ids(tenant: str) -> None:
    assert validate_tenant_id(tenant) == tenant


@pytest.mark.parametrize("tenant", ["", "Acme", "acme_2", "-acme", "acme-", "x" * 33,
                                    "ac#me", "ac me", "acmé", "acme\n", "../etc", None, 7])
def test_invalid_tenant_ids(tenant: Any) -> None:
    with pytest.raises(InvalidRequest):
        validate_tenant_id(tenant)


@pytest.mark.parametrize(("username", "stored"), [
    ("alice", "alice"), ("Alice", "alice"), ("ALICE@Example.com", "alice@example.com"),
    ("a.b_c+d-e", "a.b_c+d-e"), ("x" * 64, "x" * 64), ("7", "7"),
])
def test_usernames_are_matched_without_case(username: str, stored: str) -> None:
    assert validate_username(username) == stored


@pytest.mark.parametrize("username", ["", "x" * 65, "al ice", "al#ice", "alice\n",
                                      "TENANT#acme", "ålice", "a/b", None, 42, ["alice"]])
def test_invalid_usernames(username: Any) -> None:
    with pytest.raises(InvalidRequest):
        validate_username(username)


@pytest.mark.parametrize(("address", "stored"), [
    ("alice@example.com", "alice@example.com"),
    ("Alice.Smith+codes@Mail.Example.COM", "Alice.Smith+codes@mail.example.com"),
])
def test_email_addresses_keep_their_mailbox_and_lower_their_domain(address: str,
                                                                   stored: str) -> None:
    assert validate_email(address) == stored


@pytest.mark.parametrize("address", ["", "alice", "alice@", "@example.com", "alice@example",
                                     "alice@@example.com", "al ice@example.com",
                                     "alice@example.com\n", "Alice <alice@example.com>",
                                     "a" * 65 + "@example.com", None, ["alice@example.com"]])
def test_invalid_email_addresses(address: Any) -> None:
    with pytest.raises(InvalidRequest):
        validate_email(address)


def test_a_masked_address_shows_its_first_letter_and_domain_only() -> None:
    assert mask_email("alice@example.com") == "a***@example.com"
    assert "lice" not in mask_email("alice@example.com")
