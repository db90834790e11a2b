"""Signing in and out: /auth/login, /auth/mfa, /auth/reauth, /auth/logout."""

from __future__ import annotations

import contextlib

from chalice.app import Response

from ...core.errors import Unauthenticated
from ...core.signin import METHOD_BACKUP_CODE, METHOD_TOTP, parse_second_factor
from .. import presenters
from ..http import json_response
from ..routing import Call, Route
from ..telemetry import counted_sign_in

SECOND_FACTORS = (METHOD_TOTP, METHOD_BACKUP_CODE)


def login(call: Call) -> Response:
    body = call.json()
    with counted_sign_in("password"):
        result = call.services.signin.login(call.tenant, call.policy, body.get("username"),
                                            body.get("password"), call.context)
    response = json_response(presenters.login_result(result))
    if result.session_token is not None:
        return call.with_session_cookie(response, result.session_token)
    return response


def second_factor(call: Call) -> Response:
    body = call.json()
    method = body.get("method") if body.get("method") in SECOND_FACTORS else "other"
    with counted_sign_in(str(method)):
        attempt = parse_second_factor(body.get("flow"), body.get("method"), body.get("code"))
        done = call.services.signin.second_factor(call.tenant, call.policy, attempt,
                                                  call.context)
    return call.with_session_cookie(
        json_response(presenters.authenticated(done.backup_codes_remaining)), done.session_token)


def reauthenticate(call: Call) -> Response:
    call.services.sessions.reauthenticate(call.session, call.json().get("password"))
    return json_response({"status": "authenticated"})


def logout(call: Call) -> Response:
    with contextlib.suppress(Unauthenticated):  # signing out twice is not an error
        call.services.sessions.logout(call.session)
    return json_response(None, 204)  # the route clears the cookie, whatever the answer


ROUTES = [
    Route("POST", "/auth/login", login, signed_in=False),
    Route("POST", "/auth/mfa", second_factor, signed_in=False),
    # A set-up outlasting the tenant's re-authentication limit asks for the password
    # again, so a session that must set up a second factor may give it.
    Route("POST", "/auth/reauth", reauthenticate, during_mfa_setup=True),
    Route("POST", "/auth/logout", logout, signed_in=False, clears_session_cookie=True),
]
