"""The HTTP contract of DESIGN.md as Chalice routes: thin, over the core services."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

from chalice.app import Blueprint, Request, Response

from ..bootstrap import Services
from ..core.errors import InvalidRequest, Unauthenticated
from ..core.model import Session
from .http import (
    cookie_name,
    handles_errors,
    json_response,
    read_cookie,
    read_json,
    request_context,
    require_xhr,
    session_cookie,
)

PREFIX = "/t/{tenant}/api"
OPENAPI = Path(__file__).with_name("openapi.json")


def build_blueprint(services: Callable[[], Services]) -> Blueprint:
    bp = Blueprint(__name__)

    def request() -> Request:
        current = bp.current_request
        assert current is not None  # set by Chalice for every route call
        return current

    def current_session(tenant: str) -> Session:
        svc = services()
        svc.tenants.policy(tenant)
        token = read_cookie(request(), cookie_name(tenant, svc.settings.secure_cookies))
        return svc.auth.resolve_session(tenant, token)

    def with_session_cookie(response: Response, tenant: str, token: str) -> Response:
        settings = services().settings
        response.headers["Set-Cookie"] = session_cookie(
            cookie_name(tenant, settings.secure_cookies), token,
            settings.session_lifetime_seconds, settings.secure_cookies)
        return response

    # Authentication -----------------------------------------------------------------

    @bp.route(f"{PREFIX}/auth/login", methods=["POST"])
    @handles_errors
    def login(tenant: str) -> Response:
        require_xhr(request())
        svc = services()
        svc.tenants.policy(tenant)
        body = read_json(request())
        result = svc.auth.login(tenant, body.get("username"), body.get("password"),
                                request_context(request(), svc.settings.client_ip_header))
        if result.session_token is not None:
            return with_session_cookie(json_response({"status": result.status}), tenant,
                                       result.session_token)
        return json_response({"status": result.status, "flow": result.flow_token,
                              "methods": list(result.methods)})

    @bp.route(f"{PREFIX}/auth/mfa", methods=["POST"])
    @handles_errors
    def second_factor(tenant: str) -> Response:
        require_xhr(request())
        svc = services()
        policy = svc.tenants.policy(tenant)
        body = read_json(request())
        done = svc.auth.second_factor(tenant, policy, body.get("flow"), body.get("method"),
                                      body.get("code"),
                                      request_context(request(), svc.settings.client_ip_header))
        return with_session_cookie(
            json_response({"status": "authenticated",
                           "backup_codes_remaining": done.backup_codes_remaining}),
            tenant, done.session_token)

    @bp.route(f"{PREFIX}/auth/reauth", methods=["POST"])
    @handles_errors
    def reauthenticate(tenant: str) -> Response:
        require_xhr(request())
        session = current_session(tenant)
        body = read_json(request())
        services().auth.reauthenticate(session, body.get("password"))
        return json_response({"status": "authenticated"})

    @bp.route(f"{PREFIX}/auth/logout", methods=["POST"])
    @handles_errors
    def logout(tenant: str) -> Response:
        require_xhr(request())
        svc = services()
        with contextlib.suppress(Unauthenticated):  # signing out twice is not an error
            svc.auth.logout(current_session(tenant))
        response = json_response(None, 204)
        response.headers["Set-Cookie"] = session_cookie(
            cookie_name(tenant, svc.settings.secure_cookies), "", 0, svc.settings.secure_cookies)
        return response

    # The signed-in user ---------------------------------------------------------------

    @bp.route(f"{PREFIX}/me", methods=["GET"])
    @handles_errors
    def me(tenant: str) -> Response:
        session = current_session(tenant)
        svc = services()
        user = svc.users.get(tenant, session.username)
        if user is None:
            raise Unauthenticated()
        code_set = svc.code_sets.get(tenant, session.username)
        return json_response({"username": user.username, "tenant": tenant, "factors": {
            "totp": user.totp_enabled,
            "backup_codes": bool(code_set and code_set.enabled)}})

    @bp.route(f"{PREFIX}/me/backup-codes", methods=["GET"])
    @handles_errors
    def backup_code_status(tenant: str) -> Response:
        return json_response(services().backup_codes.status(current_session(tenant)))

    @bp.route(f"{PREFIX}/me/backup-codes", methods=["POST"])
    @handles_errors
    def add_backup_codes(tenant: str) -> Response:
        require_xhr(request())
        session = current_session(tenant)
        svc = services()
        issued = svc.backup_codes.add(session, svc.tenants.policy(tenant))
        return json_response(issued.to_dict(), 201)

    @bp.route(f"{PREFIX}/me/backup-codes/regenerate", methods=["POST"])
    @handles_errors
    def regenerate_backup_codes(tenant: str) -> Response:
        require_xhr(request())
        session = current_session(tenant)
        body = read_json(request(), required=False)
        generation = body.get("generation")
        if generation is not None and (not isinstance(generation, str) or len(generation) > 64):
            raise InvalidRequest("generation must be the string from the status.")
        svc = services()
        issued = svc.backup_codes.regenerate(session, svc.tenants.policy(tenant), generation)
        return json_response(issued.to_dict())

    @bp.route(f"{PREFIX}/me/backup-codes", methods=["DELETE"])
    @handles_errors
    def remove_backup_codes(tenant: str) -> Response:
        require_xhr(request())
        session = current_session(tenant)
        svc = services()
        svc.backup_codes.remove(session, svc.tenants.policy(tenant))
        return json_response(None, 204)

    @bp.route(f"{PREFIX}/me/sessions", methods=["GET"])
    @handles_errors
    def list_sessions(tenant: str) -> Response:
        session = current_session(tenant)
        return json_response({"sessions": services().auth.list_sessions(session)})

    @bp.route(f"{PREFIX}/me/sessions/{{session_id}}", methods=["DELETE"])
    @handles_errors
    def end_session(tenant: str, session_id: str) -> Response:
        require_xhr(request())
        session = current_session(tenant)
        if len(session_id) > 64:
            raise InvalidRequest("That is not a session id.")
        services().auth.end_session(session, session_id)
        return json_response(None, 204)

    # The contract itself ----------------------------------------------------------------

    @bp.route(f"{PREFIX}/openapi.json", methods=["GET"])
    @handles_errors
    def openapi(tenant: str) -> Response:
        services().tenants.policy(tenant)
        document = json.loads(OPENAPI.read_text())
        return Response(body=json.dumps(document), status_code=200,
                        headers={"Content-Type": "application/json",
                                 "Cache-Control": "public, max-age=300"})

    return bp
