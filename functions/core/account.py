"""What the signed-in user sees of themselves."""

from __future__ import annotations

from .audit import AuditEvent
from .errors import Unauthenticated
from .model import Profile, Session
from .ports import AuditTrail, CodeSetRepository, UserRepository
from .signin import METHOD_BACKUP_CODE, METHOD_TOTP, methods_of

# The account page shows this many of the user's latest security events.
RECENT_ACTIVITY = 20


class Account:
    def __init__(self, users: UserRepository, code_sets: CodeSetRepository,
                 audit: AuditTrail) -> None:
        self._users = users
        self._code_sets = code_sets
        self._audit = audit

    def activity(self, session: Session) -> list[AuditEvent]:
        """The user's own recent security activity, newest first."""
        events, _ = self._audit.recent(session.tenant, session.username, RECENT_ACTIVITY)
        return events

    def profile(self, session: Session) -> Profile:
        user = self._users.get(session.tenant, session.username)
        if user is None:  # deleted while signed in
            raise Unauthenticated()
        methods = methods_of(user, self._code_sets.get(session.tenant, session.username))
        return Profile(username=user.username, tenant=session.tenant,
                       totp=METHOD_TOTP in methods, backup_codes=METHOD_BACKUP_CODE in methods)
