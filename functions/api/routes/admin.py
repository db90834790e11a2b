"""The admin API (/admin/...): a tenant's administrators' application, with an access
token of the client_credentials grant and the `admin` scope, manages users and reads
the audit trail."""

from __future__ import annotations

from chalice.app import Response

from ...core.admin import NewUser
from ...core.grants import SCOPE_ADMIN
from ...isotime import iso
from .. import presenters
from ..http import json_response
from ..routing import Call, Route, View


def _actor(call: Call) -> str:
    assert call.actor is not None  # the preamble sets it for every admin route
    return call.actor


def _query(call: Call, name: str) -> str | None:
    params = call.request.query_params
    return None if params is None else params.get(name)


def list_users(call: Call) -> Response:
    rows, following = call.services.admin.list_users(call.tenant, _query(call, "limit"),
                                                     _query(call, "cursor"))
    return json_response(presenters.user_rows(rows, following))


def create_user(call: Call) -> Response:
    body = call.json()
    user, made = call.services.admin.create_user(call.tenant, call.policy, NewUser(
        username=body.get("username"), password=body.get("password"),  # type: ignore[arg-type]
        email=body.get("email")), _actor(call))
    answer = {"username": user.username, "created_at": iso(user.created_at)}
    # A password made for the user is shown this once; the administrator passes it on.
    return json_response({**answer, **({"password": made} if made else {})}, 201)


def delete_user(call: Call, username: str) -> Response:
    call.services.admin.delete_user(call.tenant, call.policy, username, _actor(call))
    return json_response(None, 204)


def reset_mfa(call: Call, username: str) -> Response:
    call.services.admin.reset_mfa(call.tenant, call.policy, username, _actor(call))
    return json_response(None, 204)


def unlock(call: Call, username: str) -> Response:
    call.services.admin.unlock(call.tenant, call.policy, username, _actor(call))
    return json_response(None, 204)


def end_sessions(call: Call, username: str) -> Response:
    call.services.admin.end_sessions(call.tenant, call.policy, username, _actor(call))
    return json_response(None, 204)


def audit(call: Call) -> Response:
    events, following = call.services.admin.audit(call.tenant, _query(call, "username"),
                                                  _query(call, "limit"), _query(call, "cursor"))
    return json_response(presenters.audit_events(events, following))


def _admin(method: str, path: str, view: View) -> Route:
    # Called by the administrators' application with its token: no cookie, no CSRF.
    return Route(method, f"/admin{path}", view, signed_in=False, csrf=False,
                 bearer_scope=SCOPE_ADMIN)


ROUTES = [
    _admin("GET", "/users", list_users),
    _admin("POST", "/users", create_user),
    _admin("DELETE", "/users/{username}", delete_user),
    _admin("POST", "/users/{username}/reset-mfa", reset_mfa),
    _admin("POST", "/users/{username}/unlock", unlock),
    _admin("POST", "/users/{username}/end-sessions", end_sessions),
    _admin("GET", "/audit", audit),
]
