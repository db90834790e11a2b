"""Recovery Options › backup codes: /me/backup-codes."""

from __future__ import annotations

from chalice.app import Response

from ...core.errors import InvalidRequest
from .. import presenters
from ..http import json_response
from ..routing import Call, Route


def status(call: Call) -> Response:
    return json_response(presenters.code_set_status(
        call.services.backup_codes.status(call.session)))


def add(call: Call) -> Response:
    issued = call.services.backup_codes.add(call.session, call.policy, call.context)
    return json_response(presenters.issued_codes(issued), 201)


def regenerate(call: Call) -> Response:
    generation = call.json(required=False).get("generation")
    if generation is not None and (not isinstance(generation, str) or len(generation) > 64):
        raise InvalidRequest("generation must be the string from the status.")
    issued = call.services.backup_codes.regenerate(call.session, call.policy, generation,
                                                   call.context)
    return json_response(presenters.issued_codes(issued))


def remove(call: Call) -> Response:
    call.services.backup_codes.remove(call.session, call.policy, call.context)
    return json_response(None, 204)


ROUTES = [
    Route("GET", "/me/backup-codes", status),
    Route("POST", "/me/backup-codes", add),
    Route("POST", "/me/backup-codes/regenerate", regenerate),
    Route("DELETE", "/me/backup-codes", remove),
]
