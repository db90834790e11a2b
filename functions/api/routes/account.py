"""The signed-in user: /me."""

from __future__ import annotations

from chalice.app import Response

from .. import presenters
from ..http import json_response
from ..routing import Call, Route


def me(call: Call) -> Response:
    return json_response(presenters.profile(call.services.account.profile(call.session)))


def activity(call: Call) -> Response:
    answer = presenters.audit_events(call.services.account.activity(call.session), None)
    return json_response({"events": answer["events"]})


ROUTES = [Route("GET", "/me", me, during_mfa_setup=True),
          # What happened to the account (the set-up included) is the user's to see.
          Route("GET", "/me/activity", activity, during_mfa_setup=True)]
