"""Sessions: opening, resolving, re-authentication, listing and ending them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from .errors import (
    InvalidCredentials,
    InvalidRequest,
    ReauthenticationRequired,
    SessionNotFound,
    Unauthenticated,
)
from .model import Method, RequestContext, Session, SessionSummary, User
from .policy import USERNAME, TenantPolicy
from .ports import Clock, Hasher, SessionRepository, UserRepository

# last_seen_at is written at most this often, so reads stay reads.
TOUCH_INTERVAL_SECONDS = 60
MAX_PASSWORD_LENGTH = 1024
# A stolen session cookie must not become an unlimited password oracle.
MAX_REAUTH_FAILURES = 5
# A session token is "<username>~<256 random bits>": naming the user lets one
# request read the session and the user's credential state together. "~" occurs
# in neither usernames nor URL-safe base64; the stored key hashes the whole token.
TOKEN_SEPARATOR = "~"  # noqa: S105 - a separator, not a secret
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class SessionLimits:
    lifetime_seconds: int
    idle_seconds: int
    flow_seconds: int
    flow_max_attempts: int


@dataclass(frozen=True)
class Tokens:
    """Where bearer tokens and ids come from and how tokens are reduced for storage."""

    new_token: Callable[[], str]
    token_hash: Callable[[str], str]
    new_id: Callable[[], str]


class Sessions:
    # Re-authentication checks the user's password: the users' store and the hasher
    # come with the sessions' own store, tokens, time and limits.
    def __init__(self, sessions: SessionRepository, users: UserRepository,  # noqa: PLR0913
                 hasher: Hasher, tokens: Tokens, clock: Clock, limits: SessionLimits) -> None:
        self._sessions = sessions
        self._users = users
        self._hasher = hasher
        self._tokens = tokens
        self._clock = clock
        self._limits = limits

    def new(self, user: User, context: RequestContext, methods: tuple[Method, ...],
            credential_generation: str | None, *,
            mfa_setup_required: bool = False) -> tuple[Session, str]:
        """A session for a user who just authenticated, and its token; not stored yet."""
        now = self._clock.now()
        token = f"{user.username}{TOKEN_SEPARATOR}{self._tokens.new_token()}"
        session = Session(
            tenant=user.tenant, username=user.username,
            token_hash=self._tokens.token_hash(token), session_id=self._tokens.new_id(),
            created_at=now, last_seen_at=now, authenticated_at=now,
            expires_at=now + min(self._limits.lifetime_seconds, self._limits.idle_seconds),
            ip=context.ip, user_agent=context.user_agent,
            credential_generation=credential_generation, methods=methods,
            mfa_setup_required=mfa_setup_required)
        return session, token

    def open(self, user: User, context: RequestContext, methods: tuple[Method, ...],
             credential_generation: str | None, *,
             mfa_setup_required: bool = False) -> tuple[Session, str]:
        """A new stored session, and its token."""
        session, token = self.new(user, context, methods, credential_generation,
                                  mfa_setup_required=mfa_setup_required)
        self._sessions.create(session)
        return session, token

    def resolve(self, tenant: str, token: str | None) -> Session:
        username = _username_of(token)
        assert token is not None
        session, current = self._sessions.get_current(tenant, username,
                                                      self._tokens.token_hash(token))
        now = self._clock.now()
        if session is None or session.expires_at <= now or session.username != username:
            raise Unauthenticated()
        # Sessions end at the change: one authenticated under an older second
        # factor is refused from the moment the change commits, purged or not.
        if session.credential_generation != current:
            raise Unauthenticated()
        if now - session.last_seen_at >= TOUCH_INTERVAL_SECONDS:
            expires_at = min(session.created_at + self._limits.lifetime_seconds,
                             now + self._limits.idle_seconds)
            # The touch is conditional on the record existing, so a session
            # purged a moment ago is not brought back by its own request.
            if not self._sessions.touch(session, now, expires_at):
                raise Unauthenticated()
            session.last_seen_at, session.expires_at = now, expires_at
        return session

    def reauthenticate(self, session: Session, password: object) -> None:
        password = checked_password(password)
        # Counted before it is checked: a burst of guesses on one session gets no
        # more than MAX_REAUTH_FAILURES verifications.
        failures = self._sessions.reserve_reauthentication(session, self._tokens.new_id(),
                                                           MAX_REAUTH_FAILURES)
        if failures is None:
            self._end_for_guessing(session)
        user = self._users.get(session.tenant, session.username)
        if user is None or not self._hasher.verify(user.password_hash, password):
            if failures >= MAX_REAUTH_FAILURES:
                self._end_for_guessing(session)
            raise InvalidCredentials("The password is incorrect.")
        if not self._sessions.mark_authenticated(session, self._clock.now()):
            raise Unauthenticated()

    def _end_for_guessing(self, session: Session) -> NoReturn:
        self._sessions.delete(session.tenant, session.token_hash)
        raise Unauthenticated("Too many wrong passwords: sign in again.")

    def logout(self, session: Session) -> None:
        self._sessions.delete(session.tenant, session.token_hash)

    def list(self, session: Session) -> list[SessionSummary]:
        """The user's live sessions, most recently seen first.

        Only sessions of the caller's credential generation, which is the current one
        (resolve() just checked): older ones are refused, whether purged yet or not.
        """
        now = self._clock.now()
        found = self._sessions.list_for_user(session.tenant, session.username)
        return sorted((s for s in found if s.expires_at > now
                       and s.credential_generation == session.credential_generation),
                      key=lambda s: s.last_seen_at, reverse=True)

    def end(self, session: Session, session_id: str) -> None:
        if not 0 < len(session_id) <= 64:
            raise InvalidRequest("That is not a session id.")
        for candidate in self._sessions.list_for_user(session.tenant, session.username):
            if candidate.session_id == session_id:
                self._sessions.delete(session.tenant, candidate.token_hash)
                return
        raise SessionNotFound()


def require_recent_authentication(session: Session, policy: TenantPolicy, now: float) -> None:
    """Changes to the second factor need a password younger than the tenant's limit."""
    if now - session.authenticated_at > policy.reauth_max_age_seconds:
        raise ReauthenticationRequired()


def _username_of(token: str | None) -> str:
    if not token or len(token) > MAX_TOKEN_LENGTH or TOKEN_SEPARATOR not in token:
        raise Unauthenticated()
    username = token.rsplit(TOKEN_SEPARATOR, 1)[0]
    if not USERNAME.fullmatch(username) or username != username.lower():
        raise Unauthenticated()
    return username


def checked_password(password: object) -> str:
    if not isinstance(password, str) or not 0 < len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidRequest(
            f"password must be a non-empty string of at most {MAX_PASSWORD_LENGTH} characters."
        )
    return password
