"""The OpenID Provider's HTTP edge: form bodies, client credentials, bearer tokens,
redirects and the issuer's origin."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs, unquote_plus

from chalice.app import Request, Response

from ..core.errors import InvalidClient, OAuthInvalidRequest
from ..core.tokens import TokenRequest
from .http import MAX_BODY_BYTES, NO_STORE

FORM = "application/x-www-form-urlencoded"
# CloudFront's edge function copies the viewer's Host here (infra/template.yaml).
FORWARDED_HOST = "x-forwarded-host"


def redirect(location: str) -> Response:
    return Response(body="", status_code=302, headers={"Location": location, **NO_STORE})


def query(request: Request) -> dict[str, list[str]]:
    """Every query parameter with all its values (a repeated one is an error)."""
    params = request.query_params
    if params is None:
        return {}
    return {name: list(params.getlist(name)) for name in params}


def read_form(request: Request) -> dict[str, str]:
    """A form body (RFC 6749 §3.2: no parameter twice), or OAuth's invalid_request."""
    raw = request.raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > MAX_BODY_BYTES:
        raise OAuthInvalidRequest("The request body is too large.")
    try:
        parsed = parse_qs(raw.decode("utf-8"), keep_blank_values=True,
                          max_num_fields=32, errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise OAuthInvalidRequest("The body must be an application/x-www-form-urlencoded "
                                  "form in UTF-8.") from error
    repeated = sorted(name for name, values in parsed.items() if len(values) > 1)
    if repeated:
        raise OAuthInvalidRequest(f"Parameters given more than once: {', '.join(repeated)}.")
    return {name: values[0] for name, values in parsed.items()}


def token_request(request: Request) -> TokenRequest:
    """The form and the client's credentials: client_secret_basic or client_secret_post
    (or a public client's bare client_id), never two methods at once (RFC 6749 §2.3)."""
    form = read_form(request)
    basic = _basic_credentials(request.headers.get("authorization"))
    if basic is not None:
        if "client_secret" in form or form.get("client_id", basic[0]) != basic[0]:
            raise OAuthInvalidRequest("Authenticate the client one way only.")
        return TokenRequest(form, basic[0], basic[1])
    return TokenRequest(form, form.get("client_id"), form.get("client_secret"))


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise InvalidClient("The Basic credentials are not valid base64.") from error
    client_id, separator, secret = decoded.partition(":")
    if not separator:
        raise InvalidClient("The Basic credentials need client_id:client_secret.")
    # RFC 6749 §2.3.1: each part is form-encoded before base64.
    return unquote_plus(client_id), unquote_plus(secret)


def bearer_token(request: Request, form: dict[str, str] | None = None) -> str | None:
    """RFC 6750: the Authorization header, or the form's access_token (userinfo POST)."""
    header = request.headers.get("authorization") or ""
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return (form or {}).get("access_token")


def public_origin(request: Request, configured: str | None) -> str:
    """The origin issuers are named by: the configured one, else the viewer's host that
    CloudFront forwards (only CloudFront reaches the API: the origin secret)."""
    if configured:
        return configured
    host = request.headers.get(FORWARDED_HOST) or request.headers.get("host") or "localhost"
    return f"https://{host}"
