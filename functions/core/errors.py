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
