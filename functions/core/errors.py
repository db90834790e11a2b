"""Domain errors: plain exceptions with a stable code; the API maps them to HTTP."""

from __future__ import annotations


class DomainError(Exception):
    code = "error"
    message = "The request could not be completed."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


class InvalidRequest(DomainError):
    code = "invalid_request"
    message = "The request is not valid."


class UnknownTenant(DomainError):
    code = "unknown_tenant"
    message = "This tenant does not exist."


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    message = "The username or password is incorrect."


class InvalidCode(DomainError):
    # One answer for a wrong code, a used code and a code of a replaced set,
    # so a guesser learns nothing about which codes once existed.
    code = "invalid_code"
    message = "The code is not valid."


class FlowExpired(DomainError):
    code = "flow_expired"
    message = "This sign-in has expired. Start again with your password."


class Locked(DomainError):
    code = "locked"
    message = "Too many failed attempts. Try again later."

    def __init__(self, retry_after: int | None, *, started: bool = False,
                 factor: str = "second_factor") -> None:
        if retry_after is None:
            super().__init__(
                "Too many failed attempts. Your administrator must unlock your account."
            )
        else:
            super().__init__(f"Too many failed attempts. Try again in {retry_after} seconds.")
        self.retry_after = retry_after
        # Whether this very failure began the lock (not one refused during it), and
        # which factor it holds: what the service's metrics count.
        self.started = started
        self.factor = factor


class Unauthenticated(DomainError):
    code = "unauthenticated"
    message = "Sign in to continue."


class ReauthenticationRequired(DomainError):
    code = "reauthentication_required"
    message = "Confirm your password to continue."


class AlreadyEnabled(DomainError):
    code = "already_enabled"
    message = "Backup codes are already set up. Regenerate them instead."


class NotEnabled(DomainError):
    code = "not_enabled"
    message = "Backup codes are not set up."


class GenerationMismatch(DomainError):
    code = "generation_mismatch"
    message = "Your backup codes were changed elsewhere. Reload and try again."


class SessionNotFound(DomainError):
    code = "session_not_found"
    message = "That session does not exist."


class Conflict(DomainError):
    code = "conflict"
    message = "That already exists."


class NotFound(DomainError):
    code = "not_found"
    message = "Not found."


class MfaSetupRequired(DomainError):
    code = "mfa_setup_required"
    message = "Set up an authenticator app first: your organisation requires a second factor."


class NoPendingSetup(DomainError):
    code = "no_pending_setup"
    message = "There is no authenticator set-up to confirm. Start the set-up again."


class SetupExpired(DomainError):
    code = "setup_expired"
    message = "This authenticator set-up has expired. Start the set-up again."


class SecondFactorRequired(DomainError):
    code = "second_factor_required"
    message = ("Your organisation requires a second factor: add backup codes before "
               "removing the authenticator app.")


class OAuthError(DomainError):
    """An error of the OpenID Provider's token, userinfo and admin endpoints, whose
    codes are OAuth 2.0's (RFC 6749 §5.2, RFC 6750 §3.1)."""

    code = "invalid_request"


class InvalidClient(OAuthError):
    code = "invalid_client"
    message = "The client is unknown or its credentials are wrong."


class InvalidGrant(OAuthError):
    # One answer for a wrong, used, expired or foreign code: the caller learns nothing
    # about which codes exist.
    code = "invalid_grant"
    message = "The authorization code is not valid."


class UnsupportedGrantType(OAuthError):
    code = "unsupported_grant_type"
    message = "Use the authorization_code or client_credentials grant."


class InvalidScope(OAuthError):
    code = "invalid_scope"
    message = "The client may not ask for that scope."


class OAuthInvalidRequest(OAuthError):
    code = "invalid_request"
    message = "The request is missing a parameter or has a wrong one."


class InvalidToken(OAuthError):
    code = "invalid_token"
    message = "The access token is missing, expired or not valid."


class InsufficientScope(OAuthError):
    code = "insufficient_scope"
    message = "The access token does not allow this."


class AuthorizationRequestNotFound(DomainError):
    code = "request_not_found"
    message = "This sign-in request has expired or was used. Go back to the application."


class AuthorizationRefused(DomainError):
    """An authorization request the endpoint cannot serve (OpenID Connect Core §3.1.2.6).

    Errors about the client or the redirect URI have no `redirect_uri`: they are shown
    on the service's own page, never sent to an address that was not verified. The
    others go back to the client's verified redirect URI, with its `state`.
    """

    code = "invalid_request"

    def __init__(self, code: str, message: str, *, redirect_uri: str | None = None,
                 state: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.redirect_uri = redirect_uri
        self.state = state
