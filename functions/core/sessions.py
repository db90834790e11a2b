"""Sessions: opening, resolving, re-authentication, listing and ending them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import InvalidCredentials, InvalidRequest, SessionNotFound, Unauthenticated
from .model import RequestContext, Session, SessionSummary, User
from .ports import Clock, Hasher, SessionRepository, UserRepository

# last_seen_at is written at most this often, so reads stay reads.
TOUCH_INTERVAL_SECONDS = 60
MAX_PASSWORD_LENGTH = 1024
# A stolen session cookie must not become an unlimited password oracle.
MAX_REAUTH_FAILURES = 5


@dataclass(frozen=True)
class SessionLimits:
    lifetime_seconds: int
    idle_seconds: int
    flow_seconds: int
    flow_max_attempts: int


@dataclass(frozen=True)
class Tokens:
    """Where bearer tokens come from and how they are reduced for storage."""

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

    def open(self, user: User, context: RequestContext) -> str:
        """A new session for a user who just authenticated; returns its token."""
        now = self._clock.now()
        token = self._tokens.new_token()
        self._sessions.create(Session(
            tenant=user.tenant, username=user.username,
            token_hash=self._tokens.token_hash(token), session_id=self._tokens.new_id(),
            created_at=now, last_seen_at=now, authenticated_at=now,
            expires_at=now + min(self._limits.lifetime_seconds, self._limits.idle_seconds),
            ip=context.ip, user_agent=context.user_agent))
        return token

    def resolve(self, tenant: str, token: str | None) -> Session:
        if not token or len(token) > 128:
            raise Unauthenticated()
        session = self._sessions.get(tenant, self._tokens.token_hash(token))
        now = self._clock.now()
        if session is None or session.expires_at <= now:
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
        user = self._users.get(session.tenant, session.username)
        if user is None or not self._hasher.verify(user.password_hash, password):
            failures = self._sessions.count_reauth_failure(session)
            if failures is None or failures >= MAX_REAUTH_FAILURES:
                self._sessions.delete(session.tenant, session.token_hash)
                raise Unauthenticated("Too many wrong passwords: sign in again.")
            raise InvalidCredentials("The password is incorrect.")
        self._sessions.mark_authenticated(session, self._clock.now())

    def logout(self, session: Session) -> None:
        self._sessions.delete(session.tenant, session.token_hash)

    def list(self, session: Session) -> list[SessionSummary]:
        """The user's live sessions, most recently seen first."""
        now = self._clock.now()
        found = self._sessions.list_for_user(session.tenant, session.username)
        return sorted((s for s in found if s.expires_at > now),
                      key=lambda s: s.last_seen_at, reverse=True)

    def end(self, session: Session, session_id: str) -> None:
        if not 0 < len(session_id) <= 64:
            raise InvalidRequest("That is not a session id.")
        for candidate in self._sessions.list_for_user(session.tenant, session.username):
            if candidate.session_id == session_id:
                self._sessions.delete(session.tenant, candidate.token_hash)
                return
        raise SessionNotFound()


def checked_password(password: object) -> str:
    if not isinstance(password, str) or not 0 < len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidRequest(
            f"password must be a non-empty string of at most {MAX_PASSWORD_LENGTH} characters."
        )
    return password
