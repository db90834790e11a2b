"""The signed-in user: /me."""

from __future__ import annotations

from chalice.app import Response

from .. import presenters
from ..http import json_response
from ..routing import Call, Route


def me(call: Call) -> Response:
    return json_response(presenters.profile(call.services.account.profile(call.session)))


ROUTES = [Route("GET", "/me", me, during_mfa_setup=True)]
