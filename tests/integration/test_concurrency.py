"""Races with real threads over moto (one request at a time, as DynamoDB applies them).

Single use, regenerate-vs-consume and regenerate-vs-regenerate rest on conditional
writes; these tests run the racing operations at once, many times.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest
from chalice.app import Chalice
from chalice.config import Config
from chalice.local import LocalGateway
from unit.fakes import CountingHasher

from functions.bootstrap import Repositories, Services
from functions.core.errors import InvalidCode
from functions.core.model import RequestContext, Session
from functions.core.signin import parse_second_factor
from functions.operator import Operator

if TYPE_CHECKING:
    from conftest import Api


CONTEXT = RequestContext.of("203.0.113.9", "race/1.0")


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in as many threads, released together; exceptions are returned."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - the caller inspects each outcome
            return error

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def late(delay: float, call: Callable[..., Any], *args: Any) -> Any:
    time.sleep(delay)
    return call(*args)


def session_of(api: Api, services: Services, cookie: str) -> Session:
    return services.sessions.resolve(api.tenant, cookie.split("=", 1)[1])


def backup_code_sign_in(services: Services, api: Api, flow: str, shown: str) -> int:
    """The second step with a backup code, as the API runs it: the codes left, or the
    domain error it raised."""
    done = services.signin.second_factor(api.tenant, services.tenants.policy(api.tenant),
                                         parse_second_factor(flow, "backup_code", shown),
                                         CONTEXT)
    assert done.backup_codes_remaining is not None
    return done.backup_codes_remaining


def test_forty_concurrent_sign_ins_with_one_code_let_exactly_one_in(
        api: Api, services: Services, repos: Repositories, operator: Operator) -> None:
    # Sets of 5 (the smallest policy), renewed as they run out: moto's cost grows
    # with the item. A lockout threshold high enough that the losers' failures,
    # counted like any wrong code, do not lock the user between rounds.
    operator.set_policy(api.tenant, code_count=5, lockout_threshold=100)
    api.clock.advance(31)
    cookie = api.sign_in()
    issued = api.add_codes(cookie)["codes"]
    for round_ in range(10):
        if round_ and round_ % 5 == 0:
            renewed = api.post("/me/backup-codes/regenerate", {}, cookie=cookie)
            issued = api.body_of(renewed)["codes"]
        shown = issued[round_ % 5]
        # WHEN 40 sign-ins, each on its own login flow, use the same code at once
        flows = [api.flow() for _ in range(40)]
        outcomes = at_once([partial(backup_code_sign_in, services, api, flow, shown)
                            for flow in flows])
        # THEN exactly one gets in, and every other one is refused as an invalid code
        winners = [o for o in outcomes if isinstance(o, int)]
        assert len(winners) == 1, (round_, Counter(type(o).__name__ for o in outcomes))
        assert all(isinstance(o, InvalidCode) for o in outcomes if not isinstance(o, int))
        assert winners == [4 - round_ % 5]
        stored = repos.code_sets.get(api.tenant, "alice")
        assert stored is not None and stored.remaining == 4 - round_ % 5
        assert len(stored.usage) == round_ % 5 + 1  # one use recorded, not forty


def test_a_sign_in_racing_a_regeneration_never_lets_an_old_code_in(
        api: Api, services: Services, repos: Repositories, operator: Operator) -> None:
    operator.set_policy(api.tenant, lockout_threshold=100)
    cookie = api.sign_in()
    session = session_of(api, services, cookie)
    policy = services.tenants.policy(api.tenant)
    current = api.body_of(api.post("/me/backup-codes", cookie=cookie))
    # How long a regeneration takes here and now, to spread the sign-ins over it.
    started = time.perf_counter()
    regenerated = services.backup_codes.regenerate(session, policy, current["generation"])
    took = time.perf_counter() - started
    current = {"codes": regenerated.codes, "generation": regenerated.generation}
    outcomes: Counter[str] = Counter()
    for _ in range(20):
        old_codes, old_generation = current["codes"], current["generation"]
        flows = [api.flow() for _ in range(4)]
        # WHEN four sign-ins with old codes and one regeneration run at once, the
        # sign-ins spread over the regeneration's time, so each lands before, during
        # (read the old set, write after the new one landed) or after it
        results = at_once([
            *[partial(late, delay, backup_code_sign_in, services, api, flow, code)
              for delay, flow, code in zip((0.0, took / 2, took, 2 * took), flows,
                                           old_codes[:4], strict=True)],
            partial(services.backup_codes.regenerate, session, policy, old_generation),
        ])
        *signed_in, regenerated = results
        assert not isinstance(regenerated, Exception), regenerated
        outcomes.update("spent" if isinstance(s, int) else type(s).__name__ for s in signed_in)
        assert all(isinstance(s, int | InvalidCode) for s in signed_in), signed_in
        # THEN the stored set is exactly the new one, untouched by any old spend ...
        stored = repos.code_sets.get(api.tenant, "alice")
        assert stored is not None
        assert stored.generation == regenerated.generation
        assert stored.remaining == stored.total == len(regenerated.codes)
        assert stored.usage == []
        # ... every old code is refused from now on, and the new ones work
        for shown in (old_codes[0], old_codes[5]):  # one a sign-in tried, one nobody did
            with pytest.raises(InvalidCode):
                backup_code_sign_in(services, api, api.flow(), shown)
        current = {"codes": regenerated.codes[1:], "generation": regenerated.generation}
        assert backup_code_sign_in(services, api, api.flow(), regenerated.codes[0]) == 9
    assert outcomes["spent"] + outcomes["InvalidCode"] == 80, outcomes
    # both orders happened: the race was run, not just the two sides one after the other
    assert outcomes["spent"] and outcomes["InvalidCode"], outcomes


def gateway_call(gateway: LocalGateway, path: str, cookie: str, payload: Any) -> tuple[int, Any]:
    response = gateway.handle_request(
        method="POST", path=path, body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest",
                 "Cookie": cookie})
    return response["statusCode"], json.loads(response["body"])


def test_two_concurrent_regenerations_one_wins_one_is_told(
        api: Api, services: Services, app_for: Callable[[Services], Chalice]) -> None:
    # Two Lambda containers, as it were: an app each (Chalice's current_request is
    # per app, not per thread), over the same tables.
    gateways = [LocalGateway(app_for(services), Config.create()) for _ in range(2)]
    path = f"/t/{api.tenant}/api/me/backup-codes/regenerate"
    cookie = api.sign_in()
    generation = api.add_codes(cookie)["generation"]
    for _ in range(10):
        # WHEN two tabs regenerate at once from the generation they both saw
        results = at_once([partial(gateway_call, g, path, cookie, {"generation": generation})
                           for g in gateways])
        # THEN one gets new codes and the other is told another change won
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 409], results
        winner = next(answer for status, answer in results if status == 200)
        loser = next(answer for status, answer in results if status == 409)
        assert loser["error"] == "generation_mismatch" and "codes" not in loser
        # and the codes the winner was shown are the ones stored
        status = api.body_of(api.get("/me/backup-codes", cookie=cookie))
        assert status["generation"] == winner["generation"] and status["remaining"] == 10
        assert api.body_of(api.mfa(api.flow(), "backup_code", winner["codes"][0]))[
            "backup_codes_remaining"] == 9
        generation = winner["generation"]


def test_a_stale_regeneration_after_a_concurrent_one_is_refused(
        api: Api, services: Services, app_for: Callable[[Services], Chalice]) -> None:
    cookie = api.sign_in()
    seen = api.add_codes(cookie)["generation"]
    gateways = [LocalGateway(app_for(services), Config.create()) for _ in range(3)]
    path = f"/t/{api.tenant}/api/me/backup-codes/regenerate"
    results = at_once([partial(gateway_call, g, path, cookie, {"generation": seen})
                       for g in gateways])
    assert sorted(status for status, _ in results) == [200, 409, 409]
    api.expect_error(api.post("/me/backup-codes/regenerate", {"generation": seen}, cookie=cookie),
                 409, "generation_mismatch")


def gateway_mfa(gateway: LocalGateway, path: str, payload: Any) -> tuple[int, Any, str | None]:
    """Status, body and Retry-After of one POST /auth/mfa."""
    response = gateway.handle_request(
        method="POST", path=path, body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest"})
    headers = {name.lower(): value for name, value in response["headers"].items()}
    return response["statusCode"], json.loads(response["body"]), headers.get("retry-after")


def test_a_burst_of_guesses_gets_no_more_than_the_threshold(
        api: Api, services: Services, repos: Repositories, hasher: CountingHasher,
        operator: Operator, app_for: Callable[[Services], Chalice]) -> None:
    # GIVEN a tenant that locks after 3 failures, and four login flows of 5 attempts each
    threshold, burst, flow_count = 3, 20, 4
    operator.set_policy(api.tenant, lockout_threshold=threshold)
    flows = [api.flow() for _ in range(flow_count)]
    gateways = [LocalGateway(app_for(services), Config.create()) for _ in range(burst)]
    path = f"/t/{api.tenant}/api/auth/mfa"
    verifications = hasher.verifications
    # WHEN 20 wrong codes arrive at once
    results = at_once([partial(gateway_mfa, gateway, path,
                               {"flow": flows[i % flow_count], "method": "backup_code",
                                "code": api.WRONG_CODE})
                       for i, gateway in enumerate(gateways)])
    # THEN exactly as many as the threshold are checked: those below it are answered
    # as wrong codes; the one that reaches it holds the lock while it is checked and
    # is answered with the lock, as is every other one, refused unchecked. The clock
    # stands still, so every lock answer tells the whole first wait.
    answers = Counter((status, answer["error"], retry_after)
                      for status, answer, retry_after in results)
    assert answers == {(401, "invalid_code", None): threshold - 1,
                       (429, "locked", "30"): burst - threshold + 1}, results
    assert hasher.verifications - verifications == threshold
    user = repos.users.get(api.tenant, "alice")
    assert user is not None and user.failed_attempts == threshold
    assert user.locked_until == api.clock.now() + 30
