"""TenantDirectory: every request needs the policy, so it is cached briefly."""

from __future__ import annotations

import pytest
from fakes import FakeClock, FakeTenantRepository

from functions.core.errors import InvalidRequest, UnknownTenant
from functions.core.model import Tenant
from functions.core.policy import TenantPolicy
from functions.core.tenants import TenantDirectory


@pytest.fixture
def repo() -> FakeTenantRepository:
    tenants = FakeTenantRepository()
    tenants.create(Tenant("acme", "Acme", 0.0), TenantPolicy(code_count=12))
    return tenants


def test_a_known_tenant_is_read_once_within_the_cache_time(repo: FakeTenantRepository) -> None:
    clock = FakeClock()
    directory = TenantDirectory(repo, clock, cache_seconds=30)
    assert directory.policy("acme").code_count == 12
    clock.advance(29)
    assert directory.policy("acme").code_count == 12
    assert repo.gets == 1


def test_a_policy_change_shows_after_the_cache_time(repo: FakeTenantRepository) -> None:
    # GIVEN a cached policy
    clock = FakeClock()
    directory = TenantDirectory(repo, clock, cache_seconds=30)
    directory.policy("acme")
    # WHEN the operator changes it
    repo.set_policy("acme", TenantPolicy(code_count=5))
    # THEN the old one is served until the cache time passes, the new one after
    assert directory.policy("acme").code_count == 12
    clock.advance(30)
    assert directory.policy("acme").code_count == 5
    assert repo.gets == 2


def test_an_unknown_tenant_is_remembered_for_five_seconds_at_most(
        repo: FakeTenantRepository) -> None:
    clock = FakeClock()
    directory = TenantDirectory(repo, clock, cache_seconds=30)
    for _ in range(3):
        with pytest.raises(UnknownTenant):
            directory.policy("globex")
    assert repo.gets == 1
    # WHEN the tenant is created, THEN it is found within five seconds
    repo.create(Tenant("globex", "Globex", 0.0), TenantPolicy())
    clock.advance(4.9)
    with pytest.raises(UnknownTenant):
        directory.policy("globex")
    clock.advance(0.1)
    assert directory.policy("globex") == TenantPolicy()
    assert repo.gets == 2


def test_a_short_cache_time_also_bounds_the_negative_cache(repo: FakeTenantRepository) -> None:
    clock = FakeClock()
    directory = TenantDirectory(repo, clock, cache_seconds=1)
    with pytest.raises(UnknownTenant):
        directory.policy("globex")
    clock.advance(1)
    with pytest.raises(UnknownTenant):
        directory.policy("globex")
    assert repo.gets == 2


@pytest.mark.parametrize("tenant", ["ACME", "ac#me", "", "a" * 33, "acme\n"])
def test_an_invalid_tenant_id_never_reaches_the_table(repo: FakeTenantRepository,
                                                      tenant: str) -> None:
    directory = TenantDirectory(repo, FakeClock(), cache_seconds=30)
    with pytest.raises(InvalidRequest):
        directory.policy(tenant)
    assert repo.gets == 0


def test_the_cache_is_bounded_and_keeps_the_recently_used(repo: FakeTenantRepository) -> None:
    # GIVEN a directory that remembers three tenants, one of them known and in use
    directory = TenantDirectory(repo, FakeClock(), cache_seconds=30, max_entries=3)
    directory.policy("acme")
    # WHEN requests name many made-up tenants, acme used between them
    for i in range(50):
        with pytest.raises(UnknownTenant):
            directory.policy(f"nobody-{i}")
        directory.policy("acme")
    # THEN the cache held no more than three, and acme was never read again
    assert len(directory._cache) == 3
    assert repo.gets == 1 + 50
