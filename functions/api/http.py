"""The HTTP edge: body parsing, cookies, CSRF, and domain errors as JSON responses."""

from __future__ import annotations

import functools
import hmac
import json
import time
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import Request, Response

from ..core import errors
from ..core.model import RequestContext

logger = Logger(service="backup-codes")

MAX_BODY_BYTES = 16 * 1024
ORIGIN_HEADER = "x-origin-verify"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

# Domain error -> HTTP status: the one table that translates the core's errors.
STATUS: dict[type[errors.DomainError], int] = {
    errors.InvalidRequest: 400,
    errors.UnknownTenant: 404,
    errors.InvalidCredentials: 401,
    errors.InvalidCode: 401,
    errors.FlowExpired: 401,
    errors.Unauthenticated: 401,
    errors.ReauthenticationRequired: 403,
    errors.Locked: 429,
    errors.AlreadyEnabled: 409,
    errors.GenerationMismatch: 409,
    errors.Conflict: 409,
    errors.NotEnabled: 404,
    errors.SessionNotFound: 404,
    errors.NotFound: 404,
}


class HttpError(errors.DomainError):
    """An error of the HTTP layer itself (CSRF, body shape, size)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body=json.dumps(body) if body is not None else "", status_code=status,
                    headers={"Content-Type": "application/json", **NO_STORE, **(headers or {})})


def error_response(error: errors.DomainError) -> Response:
    status = error.status if isinstance(error, HttpError) else STATUS.get(type(error), 400)
    headers = {}
    if isinstance(error, errors.Locked) and error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return json_response({"error": error.code, "message": error.message}, status, headers)


# Chalice's own refusals (before a route runs) in the contract's words.
_CHALICE_ERRORS = {
    "UnsupportedMediaType": ("unsupported_media_type", "Send the body as application/json."),
    "MethodNotAllowedError": ("method_not_allowed", "This route does not take that method."),
    "BadRequestError": ("invalid_request", "The request is not valid."),
}


def uniform_error(response: Response) -> Response:
    """Rewrite Chalice's {"Code", "Message"} errors as {"error", "message"}."""
    if response.status_code < 400 or not isinstance(response.body, dict | str):
        return response
    try:
        body = json.loads(response.body) if isinstance(response.body, str) else response.body
    except ValueError:
        return response
    if not isinstance(body, dict) or "Code" not in body:
        return response
    code, message = _CHALICE_ERRORS.get(body["Code"], ("internal", "Something went wrong."))
    replaced = json_response({"error": code, "message": message}, response.status_code)
    replaced.headers = {**response.headers, **replaced.headers}
    return replaced


def from_trusted_origin(request: Request, secret: str | None) -> bool:
    """True when no origin secret is set (local), or the request carries it."""
    if secret is None:
        return True
    sent = (request.headers.get(ORIGIN_HEADER) or "").encode()
    return hmac.compare_digest(sent, secret.encode())


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
    return body


def require_xhr(request: Request) -> None:
    # A cross-site form cannot set this header, and a cross-site fetch that sets
    # it needs a CORS preflight that this API never grants.
    if (request.headers.get("x-requested-with") or "").lower() != "xmlhttprequest":
        raise HttpError(403, "csrf", "The request must carry X-Requested-With: XMLHttpRequest.")


def request_context(request: Request, ip_header: str | None) -> RequestContext:
    """Client IP and browser; behind CloudFront the viewer's address is in a header."""
    ip = None
    value = request.headers.get(ip_header) if ip_header else None
    if value and ip_header and ip_header.lower() == "cloudfront-viewer-address":
        ip = value.rsplit(":", 1)[0]  # "ip:port", IPv4 or IPv6
    elif value:
        ip = value.split(",")[0].strip()  # X-Forwarded-For: client first
    if not ip:
        ip = (request.context.get("identity") or {}).get("sourceIp")
    return RequestContext.of(ip, request.headers.get("user-agent"))


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


def handles_errors(route: Callable[..., Response]) -> Callable[..., Response]:
    """Turn domain errors into JSON answers and log one line per request."""

    @functools.wraps(route)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        started = time.perf_counter()
        outcome = "ok"
        try:
            response = route(*args, **kwargs)
        except errors.DomainError as error:
            outcome = error.code
            response = error_response(error)
        except Exception:
            # Never a trace to the client; the log has it (and no secrets: the
            # core never puts codes, passwords or tokens in exception messages).
            logger.exception("unhandled error", extra={"route": route.__name__})
            outcome = "internal"
            response = json_response({"error": "internal",
                                      "message": "Something went wrong. Try again."}, 500)
        logger.info("request", extra={
            "route": route.__name__, "tenant": kwargs.get("tenant"),
            "status": response.status_code, "outcome": outcome,
            "ms": round((time.perf_counter() - started) * 1000, 1)})
        return response

    return wrapper
