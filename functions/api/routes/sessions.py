"""The user's open sessions: /me/sessions."""

from __future__ import annotations

from chalice.app import Response

from .. import presenters
from ..http import json_response
from ..routing import Call, Route


def list_sessions(call: Call) -> Response:
    found = call.services.sessions.list(call.session)
    return json_response(presenters.sessions(found, call.session))


def end_session(call: Call, session_id: str) -> Response:
    call.services.sessions.end(call.session, session_id)
    return json_response(None, 204)


ROUTES = [
    Route("GET", "/me/sessions", list_sessions),
    Route("DELETE", "/me/sessions/{session_id}", end_session),
]
