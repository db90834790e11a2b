"""Additional Authentication › authenticator app: /me/totp.

Open to a session that must set up a second factor first (a tenant's require_mfa).
"""

from __future__ import annotations

from chalice.app import Response

from .. import presenters
from ..http import json_response
from ..routing import Call, Route


def start(call: Call) -> Response:
    setup = call.services.authenticators.start(call.session, call.policy)
    return json_response(presenters.totp_setup(setup))  # no-store, as every answer


def confirm(call: Call) -> Response:
    call.services.authenticators.confirm(call.session, call.policy, call.json().get("code"))
    return json_response(None, 204)


def remove(call: Call) -> Response:
    call.services.authenticators.remove(call.session, call.policy)
    return json_response(None, 204)


ROUTES = [
    Route("POST", "/me/totp", start, during_mfa_setup=True),
    Route("POST", "/me/totp/confirm", confirm, during_mfa_setup=True),
    Route("DELETE", "/me/totp", remove, during_mfa_setup=True),
]
