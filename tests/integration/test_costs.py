"""What a request costs: argon2 verifications and DynamoDB calls, counted for real.

argon2 is counted by a wrapper around the real hasher; DynamoDB calls by a hook on
the botocore clients the PynamoDB models use (one event per API call).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

import pyotp
import pytest
from unit.fakes import CountingHasher

from functions.operator import Operator

if TYPE_CHECKING:
    from conftest import Api, Demo, DynamoCalls


def spend_all_but(api: Api, codes: list[str], left: int) -> list[str]:
    """Sign in with codes until `left` remain; returns the unspent ones."""
    for shown in codes[: len(codes) - left]:
        assert api.mfa(api.flow(), "backup_code", shown).status_code == 200
    return codes[len(codes) - left:]


@pytest.mark.parametrize("left", [10, 1])
def test_one_argon2_verification_per_backup_code_attempt(api: Api, hasher: CountingHasher,
                                                         left: int) -> None:
    # GIVEN a user with `left` codes remaining and a login flow
    unspent = spend_all_but(api, api.add_codes(api.sign_in())["codes"], left)
    for code, status in ((api.WRONG_CODE, 401), (unspent[0], 200), (unspent[0], 401)):
        flow = api.flow()
        before = hasher.verifications
        # WHEN one code is tried (wrong, right, then the same one again, now used)
        response = api.mfa(flow, "backup_code", code)
        # THEN it costs exactly one argon2 verification, whatever the outcome
        assert response.status_code == status
        assert hasher.verifications - before == 1, (code, status)


@pytest.mark.parametrize("code", ["", "not a code", "ABCD-EFGH-JKMN-PQR0", "ABCD-EFGH-JKMN",
                                  "A" * 65, "\u0410BCD-EFGH-JKMN-PQRS"])
def test_no_argon2_verification_for_malformed_input(api: Api, hasher: CountingHasher,
                                                    code: str) -> None:
    api.add_codes(api.sign_in())
    flow = api.flow()
    before = hasher.verifications
    assert api.mfa(flow, "backup_code", code).status_code in (400, 401)
    assert hasher.verifications == before


def test_a_totp_attempt_costs_no_argon2(api: Api, hasher: CountingHasher) -> None:
    flow = api.flow()
    before = hasher.verifications
    assert api.mfa(flow, "totp", api.totp()).status_code == 200
    assert hasher.verifications == before


def test_dynamodb_calls_of_a_backup_code_login_step(api: Api, ddb: DynamoCalls) -> None:
    codes = api.add_codes(api.sign_in())["codes"]
    flow = api.flow()
    # WHEN a right backup code finishes the sign-in
    ddb.reset()
    assert api.mfa(flow, "backup_code", codes[0]).status_code == 200
    # THEN three requests in all, in two round trips: the attempt counted on the
    # user's item and the code set read, sent together; then one transaction that
    # spends the code, closes the flow and the count, opens the session and writes the
    # audit event (in the transaction: no round trip of its own)
    first, second = ddb.requests()[:2], ddb.requests()[2:]
    assert sorted(first) == ["CodeSets GetItem", "Users UpdateItem"]
    assert second == ["Audit+CodeSets+Sessions+Users TransactWriteItems"]


def test_dynamodb_calls_of_a_totp_login_step(api: Api, ddb: DynamoCalls) -> None:
    code = api.totp()
    flow = api.flow()
    ddb.reset()
    assert api.mfa(flow, "totp", code).status_code == 200
    # The same shape: the transaction checks the second factor did not change.
    assert sorted(ddb.requests()[:2]) == ["CodeSets GetItem", "Users UpdateItem"]
    assert ddb.requests()[2:] == ["Audit+CodeSets+Sessions+Users TransactWriteItems"]


def test_dynamodb_calls_of_a_wrong_backup_code(api: Api, ddb: DynamoCalls) -> None:
    api.add_codes(api.sign_in())
    flow = api.flow()
    ddb.reset()
    assert api.mfa(flow, "backup_code", api.WRONG_CODE).status_code == 401
    # the failed attempt is audited: the administrator's trail shows guessing
    assert sorted(ddb.requests()) == ["Audit PutItem", "CodeSets GetItem", "Users UpdateItem"]


def test_dynamodb_calls_of_the_status(api: Api, ddb: DynamoCalls) -> None:
    cookie = api.sign_in()
    api.add_codes(cookie)
    ddb.reset()
    response = api.get("/me/backup-codes", cookie=cookie)
    assert api.body_of(response)["enabled"] is True
    # the session check is one request (the session and the credential generation
    # together), then one code-set read; the tenant policy is cached
    assert ddb.requests() == ["CodeSets+Sessions TransactGetItems", "CodeSets GetItem"]


def test_dynamodb_calls_of_the_password_step(api: Api, ddb: DynamoCalls) -> None:
    api.add_codes(api.sign_in())
    ddb.reset()
    assert api.body_of(api.login())["status"] == "mfa_required"
    # count the attempt, read the user, clear the count, read the second factors:
    # the flow itself is signed and carried by the client, nothing stored
    assert ddb.requests() == ["Transient UpdateItem", "Users GetItem", "Transient DeleteItem",
                              "CodeSets GetItem"]


def test_malformed_input_costs_no_dynamodb_call(api: Api, ddb: DynamoCalls) -> None:
    flow = api.flow()
    ddb.reset()
    api.mfa(flow, "backup_code", "not a code")
    api.mfa(flow, "backup_code", ["not", "a", "string"])
    api.post("/auth/login", raw=b"{bad")
    assert ddb.calls == []


def test_dynamodb_calls_of_the_openid_provider(api: Api, ddb: DynamoCalls,
                                               operator: Operator) -> None:
    client, secret = operator.create_client(api.tenant, "Shop", ("https://shop.example/cb",))
    cookie = api.sign_in()
    query = urlencode({"client_id": client.client_id, "redirect_uri": "https://shop.example/cb",
                       "response_type": "code", "scope": "openid", "state": "s"})
    ddb.reset()
    # A signed-in browser at the authorization endpoint: the session, the client, the
    # user's subject, then one transaction for the code.
    location = api.get(f"/oidc/authorize?{query}", cookie=cookie).headers["Location"]
    assert ddb.requests() == ["CodeSets+Sessions TransactGetItems", "Clients GetItem",
                              "Users GetItem", "Sessions+Transient TransactWriteItems"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    ddb.reset()
    # The exchange: the client (remembered by this container since the authorization),
    # the code used (one conditional update, nothing read first), the access token
    # stored; the ID token is signed by KMS, not DynamoDB.
    pair = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    answer = api.post("/oidc/token", raw=urlencode({
        "grant_type": "authorization_code", "code": code,
        "redirect_uri": "https://shop.example/cb"}), headers={
        "Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {pair}"})
    assert answer.status_code == 200
    assert ddb.requests() == ["Transient UpdateItem", "Transient PutItem"]
    ddb.reset()
    # userinfo: the access token, one read.
    assert api.get("/oidc/userinfo", headers={
        "Authorization": f"Bearer {api.body_of(answer)['access_token']}"}).status_code == 200
    assert ddb.requests() == ["Transient GetItem"]


def _password_only(api: Api, new_user: Callable[..., Demo]) -> tuple[Api, str]:
    """bob, who has no second factor yet, signed in by his password."""
    bob = api.as_user(new_user(api.tenant, "bob", totp=False))
    return bob, bob.cookie_of(bob.login())


def test_dynamodb_calls_of_starting_an_authenticator_set_up(
        api: Api, ddb: DynamoCalls, new_user: Callable[..., Demo]) -> None:
    bob, cookie = _password_only(api, new_user)
    ddb.reset()
    assert bob.post("/me/totp", cookie=cookie).status_code == 200
    # the session check, then the pending set-up written on the user's item
    assert ddb.requests() == ["CodeSets+Sessions TransactGetItems", "Users UpdateItem"]


def test_dynamodb_calls_of_confirming_an_authenticator(
        api: Api, ddb: DynamoCalls, new_user: Callable[..., Demo]) -> None:
    bob, cookie = _password_only(api, new_user)
    secret = bob.body_of(bob.post("/me/totp", cookie=cookie))["secret"]
    code = pyotp.TOTP(secret).at(bob.clock.now())
    wrong = "000000" if code != "000000" else "111111"
    ddb.reset()
    assert bob.post("/me/totp/confirm", {"code": wrong}, cookie=cookie).status_code == 401
    # a wrong code: the session check and the attempt counted (which reads the set-up)
    assert ddb.requests() == ["CodeSets+Sessions TransactGetItems", "Users UpdateItem"]
    ddb.reset()
    assert bob.post("/me/totp/confirm", {"code": code}, cookie=cookie).status_code == 204
    # a right one: then one transaction of the user, the code set and the session
    assert ddb.requests() == ["CodeSets+Sessions TransactGetItems", "Users UpdateItem",
                              "CodeSets+Sessions+Users TransactWriteItems"]


def test_dynamodb_calls_of_removing_the_authenticator(api: Api, ddb: DynamoCalls) -> None:
    cookie = api.sign_in()
    ddb.reset()
    assert api.delete("/me/totp", cookie=cookie).status_code == 204
    assert ddb.requests() == ["CodeSets+Sessions TransactGetItems",
                              "CodeSets+Sessions+Users TransactWriteItems"]


def test_dynamodb_calls_of_a_sign_in_that_must_set_up_a_factor(
        api: Api, ddb: DynamoCalls, operator: Operator, new_user: Callable[..., Demo]) -> None:
    operator.set_policy(api.tenant, require_mfa=True)
    api.clock.advance(31)  # past the tenant cache
    bob = api.as_user(new_user(api.tenant, "bob", totp=False))
    assert bob.get("/tenant").status_code == 200  # the policy read, and cached
    ddb.reset()
    assert bob.body_of(bob.login())["status"] == "mfa_setup_required"
    # the password step as ever, then the restricted session stored
    assert ddb.requests() == ["Transient UpdateItem", "Users GetItem", "Transient DeleteItem",
                              "CodeSets GetItem", "Sessions PutItem", "Audit PutItem"]
