"""The route preamble, declared once: tenant, CSRF, session (and what a session that
must set up a second factor may do), then the route's own few lines.

Every route of a tenant's API is a plain function of a `Call` listed in a
`Route`; `register` puts each behind the same preamble and the same error
handling, so a new route cannot forget the CSRF check or the tenant check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from chalice.app import Chalice, Request, Response

from ..bootstrap import Services
from ..core.audit import admin_actor
from ..core.errors import MfaSetupRequired, Unauthenticated
from ..core.grants import Issuer
from ..core.model import RequestContext, Session
from ..core.policy import TenantPolicy
from ..settings import Settings
from .errors import handles_errors
from .http import cookie_name, read_cookie, read_json, request_context, require_xhr, session_cookie
from .oauth import bearer_token, public_origin

TENANT_PREFIX = "/t/{tenant}"
API_PREFIX = f"{TENANT_PREFIX}/api"


@dataclass
class Call:
    """One request to a tenant's API, its tenant known to exist."""

    tenant: str
    policy: TenantPolicy
    request: Request
    services: Services
    _session: Session | None = None
    # Who calls an admin route: the application the bearer token was issued to.
    actor: str | None = None

    @property
    def session(self) -> Session:
        """The signed-in session (routes declared `signed_in` always have one)."""
        if self._session is None:
            self._session = self.services.sessions.resolve(self.tenant, self.session_token)
        return self._session

    @property
    def session_token(self) -> str | None:
        return read_cookie(self.request, self._cookie_name)

    def optional_session(self) -> Session | None:
        """The signed-in session if there is one (routes that serve both)."""
        if self.session_token is None:
            return None
        try:
            return self.session
        except Unauthenticated:
            return None

    @cached_property
    def issuer(self) -> Issuer:
        """This tenant as an OpenID Provider."""
        origin = public_origin(self.request, self.services.settings.public_origin)
        return Issuer.at(origin, self.tenant)

    def json(self, *, required: bool = True) -> dict[str, Any]:
        return read_json(self.request, required=required)

    @cached_property
    def context(self) -> RequestContext:
        return request_context(self.request, self.services.settings.client_ip_header)

    def with_session_cookie(self, response: Response, token: str) -> Response:
        """The answer, setting (or, with an empty token, clearing) the session cookie."""
        settings = self.services.settings
        max_age = settings.session_lifetime_seconds if token else 0
        response.headers["Set-Cookie"] = session_cookie(self._cookie_name, token, max_age,
                                                        settings.secure_cookies)
        return response

    @property
    def _cookie_name(self) -> str:
        return cookie_name(self.tenant, self.services.settings.secure_cookies)


View = Callable[..., Response]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # under /t/{tenant}/api
    view: View
    signed_in: bool = True
    # State-changing calls from the page must carry X-Requested-With (DESIGN.md).
    csrf: bool | None = None  # None: every method but GET
    # Whatever the answer (an error, an outage), it also clears the session cookie.
    clears_session_cookie: bool = False
    # Authorised by a bearer access token with this scope (the admin API), not a session.
    bearer_scope: str | None = None
    # Under /t/{tenant}/api, or (discovery) directly under /t/{tenant}.
    under_api: bool = True
    content_types: tuple[str, ...] = ("application/json",)
    # Open to a session that must set up a second factor first (a tenant's
    # require_mfa); every other signed-in route refuses it: 403 mfa_setup_required.
    during_mfa_setup: bool = False

    @property
    def checks_csrf(self) -> bool:
        return self.method != "GET" if self.csrf is None else self.csrf


def register(app: Chalice, routes: Iterable[Route], services: Callable[[], Services],
             settings: Settings) -> None:
    for route in routes:
        handler = handles_errors(_with_preamble(app, route, services))
        if route.clears_session_cookie:
            handler = _clearing_cookie(handler, settings)
        prefix = API_PREFIX if route.under_api else TENANT_PREFIX
        app.route(f"{prefix}{route.path}", methods=[route.method],
                  content_types=list(route.content_types))(handler)


def _clearing_cookie(handler: View, settings: Settings) -> View:
    def handle(tenant: str, **params: str) -> Response:
        response = handler(tenant=tenant, **params)
        response.headers["Set-Cookie"] = session_cookie(
            cookie_name(tenant, settings.secure_cookies), "", 0, settings.secure_cookies)
        return response

    handle.__name__ = handler.__name__
    return handle


def _with_preamble(app: Chalice, route: Route, services: Callable[[], Services]) -> View:
    def handle(tenant: str, **params: str) -> Response:
        request = app.current_request
        assert request is not None  # Chalice sets it for every route call
        if route.checks_csrf:
            require_xhr(request)
        found = services()
        call = Call(tenant, found.tenants.policy(tenant), request, found)
        if route.bearer_scope is not None:
            # 401 invalid_token without a live token of this tenant; 403 without the scope.
            access = found.tokens.bearer(tenant, bearer_token(request), route.bearer_scope)
            call.actor = admin_actor(access.client_id)
        # A signed-in route's session is resolved before it runs (401 if there is none).
        if route.signed_in and call.session.mfa_setup_required and not route.during_mfa_setup:
            raise MfaSetupRequired()
        return route.view(call, **params)

    handle.__name__ = route.view.__name__
    return handle
