"""GET/POST/DELETE /me/backup-codes and POST /me/backup-codes/regenerate over moto."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from unit.fakes import CountingHasher

from functions.bootstrap import Services, build_services
from functions.operator import Operator
from functions.settings import Settings

if TYPE_CHECKING:
    from conftest import Api


DISPLAYED = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")
DISABLED: dict[str, Any] = {"enabled": False, "total": 0, "remaining": 0, "created_at": None,
            "last_used_at": None, "generation": None, "usage": []}


def iso_now(api: Api) -> str:
    return datetime.fromtimestamp(api.clock.now(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_status_before_any_codes(api: Api) -> None:
    response = api.get("/me/backup-codes", cookie=api.sign_in())
    assert response.status_code == 200
    assert api.body_of(response) == DISABLED


def test_add_shows_ten_codes_once_and_never_again(api: Api) -> None:
    cookie = api.sign_in()
    response = api.post("/me/backup-codes", cookie=cookie)
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    issued = api.body_of(response)
    assert set(issued) == {"codes", "created_at", "generation"}
    assert len(issued["codes"]) == 10 == len(set(issued["codes"]))
    assert all(DISPLAYED.match(code) for code in issued["codes"])
    assert issued["created_at"] == iso_now(api)
    # the status tells about the codes but never shows one
    status = api.get("/me/backup-codes", cookie=cookie)
    assert api.body_of(status) == {"enabled": True, "total": 10, "remaining": 10,
                            "created_at": issued["created_at"], "last_used_at": None,
                            "generation": issued["generation"], "usage": []}
    for code in issued["codes"]:
        assert code.encode() not in status.body
        assert code.replace("-", "").encode() not in status.body


def test_add_twice_is_a_conflict(api: Api) -> None:
    cookie = api.sign_in()
    first = api.add_codes(cookie)
    api.expect_error(api.post("/me/backup-codes", cookie=cookie), 409, "already_enabled")
    status = api.body_of(api.get("/me/backup-codes", cookie=cookie))
    assert status["generation"] == first["generation"]


def test_changes_need_an_authentication_younger_than_the_tenant_limit(
        api: Api, operator: Operator) -> None:
    # GIVEN a tenant that wants a password within the last 5 minutes
    operator.set_policy(api.tenant, reauth_max_age_seconds=300)
    cookie = api.sign_in()
    api.clock.advance(301)  # the tenant cache (30 s) has long expired too
    # WHEN the user adds codes THEN they are asked for the password
    api.expect_error(api.post("/me/backup-codes", cookie=cookie), 403, "reauthentication_required")
    # ... and after giving it, the change goes through
    assert api.post("/auth/reauth", {"password": api.user.password},
                    cookie=cookie).status_code == 200
    issued = api.add_codes(cookie)
    api.clock.advance(301)
    api.expect_error(api.post("/me/backup-codes/regenerate", {}, cookie=cookie), 403,
                 "reauthentication_required")
    api.expect_error(api.delete("/me/backup-codes", cookie=cookie), 403,
                     "reauthentication_required")
    status = api.body_of(api.get("/me/backup-codes", cookie=cookie))
    assert status["generation"] == issued["generation"]


def test_the_default_limit_is_fifteen_minutes(api: Api) -> None:
    cookie = api.sign_in()
    api.clock.advance(900)
    assert api.post("/me/backup-codes", cookie=cookie).status_code == 201
    api.clock.advance(1)
    api.expect_error(api.delete("/me/backup-codes", cookie=cookie), 403,
                     "reauthentication_required")


def test_regenerate_replaces_the_set_and_the_old_codes_die(api: Api) -> None:
    cookie = api.sign_in()
    old = api.add_codes(cookie)
    response = api.post("/me/backup-codes/regenerate", {"generation": old["generation"]},
                        cookie=cookie)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    new = api.body_of(response)
    assert set(new) == {"codes", "created_at", "generation"}
    assert len(new["codes"]) == 10 and set(new["codes"]).isdisjoint(old["codes"])
    assert new["generation"] != old["generation"]
    for code in old["codes"][:3]:
        api.expect_error(api.mfa(api.flow(), "backup_code", code), 401, "invalid_code")
    assert api.body_of(api.mfa(api.flow(), "backup_code", new["codes"][0]))[
        "backup_codes_remaining"] == 9


def test_regenerate_without_a_body_or_generation(api: Api) -> None:
    cookie = api.sign_in()
    old = api.add_codes(cookie)
    payloads: list[dict[str, Any] | None] = [None, {}]
    for payload in payloads:
        response = api.post("/me/backup-codes/regenerate", payload, cookie=cookie)
        assert response.status_code == 200, response.body
        assert api.body_of(response)["generation"] != old["generation"]


def test_regenerate_with_a_stale_generation_is_a_conflict(api: Api) -> None:
    # GIVEN two tabs that both read generation 1, and one that regenerated
    cookie = api.sign_in()
    first = api.add_codes(cookie)
    winner = api.body_of(api.post("/me/backup-codes/regenerate",
                                  {"generation": first["generation"]}, cookie=cookie))
    # WHEN the other tab regenerates from what it read
    late = api.post("/me/backup-codes/regenerate", {"generation": first["generation"]},
                    cookie=cookie)
    # THEN it is told, and the codes the winner showed stay the ones that work
    api.expect_error(late, 409, "generation_mismatch")
    status = api.body_of(api.get("/me/backup-codes", cookie=cookie))
    assert status["generation"] == winner["generation"]
    assert api.mfa(api.flow(), "backup_code", winner["codes"][0]).status_code == 200


def test_regenerate_needs_codes(api: Api) -> None:
    cookie = api.sign_in()
    api.expect_error(api.post("/me/backup-codes/regenerate", {}, cookie=cookie), 404, "not_enabled")
    api.expect_error(api.post("/me/backup-codes/regenerate", {"generation": "abc"}, cookie=cookie),
                 404, "not_enabled")


def test_remove_turns_codes_off(api: Api) -> None:
    cookie = api.sign_in()
    issued = api.add_codes(cookie)
    response = api.delete("/me/backup-codes", cookie=cookie)
    assert response.status_code == 204 and response.body == b""
    assert api.body_of(api.get("/me/backup-codes", cookie=cookie)) == DISABLED
    assert api.body_of(api.login())["methods"] == ["totp"]
    # a code of the removed set is refused even through a flow that offered codes
    api.expect_error(api.mfa(api.flow(), "backup_code", issued["codes"][0]), 401, "invalid_code")
    # removing again: nothing to remove
    api.expect_error(api.delete("/me/backup-codes", cookie=cookie), 404, "not_enabled")
    # adding after a removal starts a new set
    assert len(api.add_codes(cookie)["codes"]) == 10


def test_remove_needs_codes(api: Api) -> None:
    api.expect_error(api.delete("/me/backup-codes", cookie=api.sign_in()), 404, "not_enabled")


def test_the_code_count_follows_the_tenant_policy(api: Api, operator: Operator) -> None:
    # GIVEN a tenant that wants 12 codes
    operator.set_policy(api.tenant, code_count=12)
    api.clock.advance(31)  # past the tenant cache
    cookie = api.sign_in()
    assert len(api.add_codes(cookie)["codes"]) == 12
    # WHEN the tenant lowers it to 5 THEN the next set has 5
    operator.set_policy(api.tenant, code_count=5)
    api.clock.advance(31)
    regenerated = api.body_of(api.post("/me/backup-codes/regenerate", {}, cookie=cookie))
    assert len(regenerated["codes"]) == 5
    assert api.body_of(api.get("/me/backup-codes", cookie=cookie))["total"] == 5


def test_a_code_use_is_recorded_with_time_address_and_browser(api: Api,
                                                              services: Services) -> None:
    cookie = api.sign_in()
    codes = api.add_codes(cookie)["codes"]
    api.clock.advance(120)
    used_at = iso_now(api)
    response = api.mfa(api.flow(), "backup_code", codes[4],
                       headers={"User-Agent": "Mozilla/5.0 (X11; Linux) Firefox/128.0"})
    assert response.status_code == 200
    status = api.body_of(api.get("/me/backup-codes", cookie=cookie))
    assert status["remaining"] == 9 and status["total"] == 10
    assert status["last_used_at"] == used_at
    assert status["usage"] == [{"at": used_at, "ip": "127.0.0.1",
                                "user_agent": "Mozilla/5.0 (X11; Linux) Firefox/128.0"}]


def test_usage_takes_the_viewer_address_behind_cloudfront(
        api: Api, settings: Settings, hasher: CountingHasher) -> None:
    # GIVEN the deployed setting: the client address comes from CloudFront's header
    cloudfront = replace(settings, client_ip_header="CloudFront-Viewer-Address")
    behind = api.over(build_services(cloudfront, hasher=hasher, clock=api.clock))
    cookie = behind.sign_in()
    codes = behind.add_codes(cookie)["codes"]
    behind.mfa(behind.flow(), "backup_code", codes[0],
               headers={"CloudFront-Viewer-Address": "198.51.100.23:50123"})
    behind.mfa(behind.flow(), "backup_code", codes[1],
               headers={"CloudFront-Viewer-Address": "2001:db8::7:443"})
    usage = api.body_of(behind.get("/me/backup-codes", cookie=cookie))["usage"]
    assert [u["ip"] for u in usage] == ["198.51.100.23", "2001:db8::7"]


def test_a_hostile_user_agent_is_bounded(api: Api) -> None:
    cookie = api.sign_in()
    codes = api.add_codes(cookie)["codes"]
    api.mfa(api.flow(), "backup_code", codes[0], headers={"User-Agent": "A" * 5000})
    usage = api.body_of(api.get("/me/backup-codes", cookie=cookie))["usage"]
    assert usage[0]["user_agent"] == "A" * 256


def test_the_last_code_can_be_used_and_then_none_are_left(api: Api,
                                                         operator: Operator) -> None:
    operator.set_policy(api.tenant, code_count=5)
    api.clock.advance(31)
    cookie = api.sign_in()
    codes = api.add_codes(cookie)["codes"]
    remaining = [api.body_of(api.mfa(api.flow(), "backup_code", code))["backup_codes_remaining"]
                 for code in codes]
    assert remaining == [4, 3, 2, 1, 0]
    status = api.body_of(api.get("/me/backup-codes", cookie=cookie))
    assert (status["enabled"], status["remaining"], len(status["usage"])) == (True, 0, 5)
