"""Domain errors as the contract's JSON answers, and one log line per request."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from typing import Any

from chalice.app import Response

from ..core import errors
from ..logs import count, logger
from .http import HttpError, json_response
from .overload import RETRY_AFTER_OVERLOAD_SECONDS, overloaded

# Domain error -> HTTP status: the one table that translates the core's errors.
# tests/unit/test_architecture.py proves every domain error is in it.
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
    errors.MfaSetupRequired: 403,
    errors.NoPendingSetup: 404,
    # The set-up existed and is gone for good (expired, used up, replaced): start anew.
    errors.SetupExpired: 410,
    errors.SecondFactorRequired: 409,
    errors.OAuthError: 400,
    errors.InvalidClient: 401,
    errors.InvalidGrant: 400,
    errors.UnsupportedGrantType: 400,
    errors.InvalidScope: 400,
    errors.OAuthInvalidRequest: 400,
    errors.InvalidToken: 401,
    errors.InsufficientScope: 403,
    errors.AuthorizationRequestNotFound: 404,
    # Only ever seen by the authorization endpoint, which answers it with a redirect.
    errors.AuthorizationRefused: 400,
}

# RFC 6749 §5.2 and RFC 6750 §3: how a client is told to authenticate.
_CHALLENGES: dict[type[errors.DomainError], str] = {
    errors.InvalidClient: 'Basic realm="token"',
    errors.InvalidToken: 'Bearer error="invalid_token"',
    errors.InsufficientScope: 'Bearer error="insufficient_scope"',
}


def error_response(error: errors.DomainError) -> Response:
    status = error.status if isinstance(error, HttpError) else STATUS[type(error)]
    headers = {}
    if isinstance(error, errors.Locked) and error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    body = {"error": error.code, "message": error.message}
    if isinstance(error, errors.OAuthError):
        # OAuth clients read error_description (RFC 6749 §5.2); the same words.
        body["error_description"] = error.message
        challenge = _CHALLENGES.get(type(error))
        if challenge:
            headers["WWW-Authenticate"] = challenge
    return json_response(body, status, headers)


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


def _failure_response(route: str, error: Exception) -> tuple[str, Response]:
    if overloaded(error):
        # Throttling that outlasted botocore's retries: "try again shortly", which
        # the page and a tenant's client can tell from a bug.
        logger.warning("overloaded", extra={"route": route, "error": type(error).__name__})
        count("Overloaded")
        return "unavailable", json_response(
            {"error": "unavailable", "message": "The service is busy. Try again in a moment."},
            503, {"Retry-After": str(RETRY_AFTER_OVERLOAD_SECONDS)})
    # Never a trace to the client; the log has it (and no secrets: the core never
    # puts codes, passwords or tokens in exception messages).
    logger.exception("unhandled error", extra={"route": route})
    return "internal", json_response({"error": "internal",
                                      "message": "Something went wrong. Try again."}, 500)


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
        except Exception as error:  # noqa: BLE001 - every failure gets the contract's answer
            outcome, response = _failure_response(route.__name__, error)
        logger.info("request", extra={
            "route": route.__name__, "tenant": kwargs.get("tenant"),
            "status": response.status_code, "outcome": outcome,
            "ms": round((time.perf_counter() - started) * 1000, 1)})
        return response

    return wrapper
