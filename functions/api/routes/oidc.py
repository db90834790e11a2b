"""The tenant as an OpenID Provider: discovery, JWKS, authorize, token, userinfo,
end session, and the page's side of a pending authorization."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from chalice.app import Response

from ...core.authorization import CodeIssued, redirect_with
from ...core.errors import AuthorizationRefused
from ...core.grants import SCOPE_ADMIN, USER_SCOPES
from ..http import json_response
from ..oauth import FORM, bearer_token, query, read_form, redirect, token_request
from ..routing import Call, Route

OIDC = "/oidc"


def _page(call: Call, **params: str) -> str:
    """The tenant's sign-in page (same origin), with what it is to do."""
    return f"/t/{quote(call.tenant)}/?{urlencode(params)}"


def discovery(call: Call) -> Response:
    issuer = call.issuer.url
    endpoint = f"{issuer}/api{OIDC}"
    return json_response({
        "issuer": issuer,
        "authorization_endpoint": f"{endpoint}/authorize",
        "token_endpoint": f"{endpoint}/token",
        "userinfo_endpoint": f"{endpoint}/userinfo",
        "jwks_uri": f"{endpoint}/jwks",
        "end_session_endpoint": f"{endpoint}/logout",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                  "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": [*USER_SCOPES, SCOPE_ADMIN],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "amr",
                             "sid", "at_hash", "backup_code", "preferred_username"],
        "prompt_values_supported": ["none", "login"],
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }, headers={"Cache-Control": "public, max-age=300"})


def jwks(call: Call) -> Response:
    return json_response(call.services.tokens.jwks(),
                         headers={"Cache-Control": "public, max-age=300"})


def authorize(call: Call) -> Response:
    try:
        outcome = call.services.authorization.authorize(call.issuer, query(call.request),
                                                        call.optional_session())
    except AuthorizationRefused as refused:
        if refused.redirect_uri is None:
            return redirect(_page(call, authorize_error=refused.code))
        return redirect(redirect_with(refused.redirect_uri, error=refused.code,
                                      error_description=refused.message,
                                      state=refused.state, iss=call.issuer.url))
    if isinstance(outcome, CodeIssued):
        return redirect(outcome.redirect_to)
    return redirect(_page(call, authorize=outcome.request_id))


def pending_request(call: Call, request_id: str) -> Response:
    client, pending = call.services.authorization.pending(call.tenant, request_id)
    return json_response({"client_name": client.name, "prompt": pending.request.prompt})


def complete_request(call: Call, request_id: str) -> Response:
    location = call.services.authorization.complete(call.issuer, request_id, call.session)
    return json_response({"redirect_to": location})


def cancel_request(call: Call, request_id: str) -> Response:
    location = call.services.authorization.cancel(call.issuer, request_id,
                                                  call.json().get("error"))
    return json_response({"redirect_to": location})


def token(call: Call) -> Response:
    answer: dict[str, Any] = call.services.tokens.exchange(call.issuer,
                                                           token_request(call.request))
    return json_response(answer)


def userinfo(call: Call) -> Response:
    form = read_form(call.request) if call.request.method == "POST" else None
    return json_response(call.services.tokens.userinfo(call.tenant,
                                                       bearer_token(call.request, form)))


def end_session(call: Call) -> Response:
    try:
        outcome = call.services.logout.end_session(call.issuer, query(call.request))
    except AuthorizationRefused as refused:
        return redirect(_page(call, authorize_error=refused.code))
    if outcome.confirm:
        return redirect(_page(call, signout="confirm"))
    # The session named by the hint is gone; this browser's cookie goes with it.
    response = redirect(outcome.redirect_to or f"/t/{quote(call.tenant)}/")
    return call.with_session_cookie(response, "")


ROUTES = [
    Route("GET", "/.well-known/openid-configuration", discovery, signed_in=False,
          under_api=False),
    Route("GET", f"{OIDC}/jwks", jwks, signed_in=False),
    Route("GET", f"{OIDC}/authorize", authorize, signed_in=False),
    Route("GET", f"{OIDC}/requests/{{request_id}}", pending_request, signed_in=False),
    Route("POST", f"{OIDC}/requests/{{request_id}}/complete", complete_request),
    Route("POST", f"{OIDC}/requests/{{request_id}}/cancel", cancel_request, signed_in=False),
    # Called by applications' servers, not the page: no cookie, so no CSRF to guard.
    Route("POST", f"{OIDC}/token", token, signed_in=False, csrf=False, content_types=(FORM,)),
    Route("GET", f"{OIDC}/userinfo", userinfo, signed_in=False),
    Route("POST", f"{OIDC}/userinfo", userinfo, signed_in=False, csrf=False,
          content_types=(FORM,)),
    Route("GET", f"{OIDC}/logout", end_session, signed_in=False),
]
