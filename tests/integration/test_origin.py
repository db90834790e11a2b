"""In AWS the API answers only requests that came through CloudFront."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from chalice.test import Client

from functions.api.application import create_app
from functions.bootstrap import LazyServices, build_operator, build_services
from functions.settings import Settings

SECRET = "k" * 40  # noqa: S105
XHR = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}
LOGIN = json.dumps({"username": "alice", "password": "correct-horse-battery-staple"})


@pytest.fixture
def client(stack):
    settings = replace(stack.settings, origin_secrets=(SECRET,))
    operator = build_operator(settings)
    operator.create_tenant("acme")
    operator.create_user("acme", "alice", "correct-horse-battery-staple")
    services = build_services(settings, lookup_key=stack.lookup_key)
    with Client(create_app(LazyServices(lambda: services), settings)) as test_client:
        yield test_client


@pytest.mark.parametrize("sent", [None, "", "k" * 39, "k" * 40 + "x", "\u00e9" * 40])
def test_a_request_without_the_origin_secret_is_refused(client, sent) -> None:
    # GIVEN a caller of API Gateway's own address: no header, or a wrong one
    headers = {**XHR, **({"X-Origin-Verify": sent} if sent is not None else {})}
    # WHEN it signs in with the right password
    reply = client.http.post("/t/acme/api/auth/login", headers=headers, body=LOGIN)
    # THEN it is refused in the contract's words, before any route runs
    assert reply.status_code == 403
    assert json.loads(reply.body) == {"error": "forbidden",
                                      "message": "Use the service's own address."}
    assert "Set-Cookie" not in reply.headers


def test_a_request_through_cloudfront_goes_on(client) -> None:
    reply = client.http.post("/t/acme/api/auth/login",
                             headers={**XHR, "X-Origin-Verify": SECRET}, body=LOGIN)
    assert reply.status_code == 200
    assert json.loads(reply.body)["status"] == "authenticated"


def test_during_a_rotation_both_secrets_are_accepted_and_no_third(stack) -> None:
    # GIVEN the API configured as during a rotation: the new secret and the one
    # CloudFront's edges may still send for a few minutes
    new, previous = "n" * 40, "p" * 40
    settings = replace(Settings.from_env({"ORIGIN_SECRET": new,
                                          "ORIGIN_SECRET_PREVIOUS": previous}),
                       **{f: getattr(stack.settings, f) for f in ("region",)})
    assert settings.origin_secrets == (new, previous)
    operator = build_operator(settings)
    operator.create_tenant("acme")
    operator.create_user("acme", "alice", "correct-horse-battery-staple")
    services = build_services(settings, lookup_key=stack.lookup_key)
    with Client(create_app(LazyServices(lambda: services), settings)) as client:
        def status(sent: str) -> int:
            return client.http.post("/t/acme/api/auth/login",
                                    headers={**XHR, "X-Origin-Verify": sent},
                                    body=LOGIN).status_code

        # THEN requests with either go on, and anything else is refused
        assert [status(new), status(previous), status("k" * 40)] == [200, 200, 403]
    # AND once the rotation is over (no previous secret), the old one is refused
    assert Settings.from_env({"ORIGIN_SECRET": new}).origin_secrets == (new,)
