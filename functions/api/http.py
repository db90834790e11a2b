"""The HTTP edge: JSON bodies and answers, cookies, CSRF, the origin check, the client."""

from __future__ import annotations

import hmac
import json
from http.cookies import CookieError, SimpleCookie
from typing import Any

from chalice.app import Request, Response

from ..core.errors import DomainError
from ..core.languages import negotiate
from ..core.model import RequestContext

MAX_BODY_BYTES = 16 * 1024
ORIGIN_HEADER = "x-origin-verify"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class HttpError(DomainError):
    """An error of the HTTP layer itself (CSRF, body shape, size)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps(body) if body is not None else "", status_code=status,
                    headers={"Content-Type": "application/json", **NO_STORE, **(headers or {})})


def from_trusted_origin(request: Request, secrets: tuple[str, ...]) -> bool:
    """True when no origin secret is set (local), or the request carries one of them
    (two during a rotation, while CloudFront's edges change over)."""
    if not secrets:
        return True
    sent = (request.headers.get(ORIGIN_HEADER) or "").encode()
    # Every secret is compared, so the time taken says nothing about which matched.
    matches = [hmac.compare_digest(sent, secret.encode()) for secret in secrets]
    return any(matches)


def read_json(request: Request, *, required: bool = True) -> dict[str, Any]:
    """The body as a JSON object, or a clear 4xx before any real work."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise HttpError(413, "payload_too_large",
                        f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if not raw.strip():
        if required:
            raise HttpError(400, "invalid_json", "The request needs a JSON object body.")
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as error:  # RecursionError: "[[[[..." nested deep
        raise HttpError(400, "invalid_json", "The request body is not valid JSON.") from error
    if not isinstance(body, dict):
        raise HttpError(400, "invalid_json", "The request body must be a JSON object.")
    try:
        # JSON may carry "\ud800", a lone surrogate: valid JSON, but not text that
        # can be encoded, hashed or stored.
        json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError as error:
        raise HttpError(400, "invalid_json",
                        "The request body holds text that is not valid Unicode.") from error
    return body


def require_xhr(request: Request) -> None:
    # A cross-site form cannot set this header, and a cross-site fetch that sets
    # it needs a CORS preflight that this API never grants.
    if (request.headers.get("x-requested-with") or "").lower() != "xmlhttprequest":
        raise HttpError(403, "csrf", "The request must carry X-Requested-With: XMLHttpRequest.")


def request_context(request: Request, ip_header: str | None) -> RequestContext:
    """Client IP, browser and language; behind CloudFront the viewer's address is in a
    header. The page sends the language its picker chose as Accept-Language."""
    ip = None
    value = request.headers.get(ip_header) if ip_header else None
    if value and ip_header and ip_header.lower() == "cloudfront-viewer-address":
        ip = value.rsplit(":", 1)[0]  # "ip:port", IPv4 or IPv6
    elif value:
        ip = value.split(",")[0].strip()  # X-Forwarded-For: client first
    if not ip:
        ip = (request.context.get("identity") or {}).get("sourceIp")
    return RequestContext.of(ip, request.headers.get("user-agent"),
                             negotiate(request.headers.get("accept-language")))


def cookie_name(tenant: str, secure: bool) -> str:
    # One cookie per tenant, so a person signed in to two tenants keeps both.
    return f"__Host-session-{tenant}" if secure else f"session-{tenant}"


def read_cookie(request: Request, name: str) -> str | None:
    header = request.headers.get("cookie")
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def session_cookie(name: str, token: str, max_age: int, secure: bool) -> str:
    parts = [f"{name}={token}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Strict"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
