"""Emails to users about their security facts: which the tenant's policy asks for, and
sending each at least once and, on a stream record's redelivery, not again.

Order per email: check the mark, send, mark. A redelivered record finds the mark
and sends nothing; the one window left is a send that SES accepted but whose mark
was never written (the function died between the two, or the mark's write failed):
the retry sends that email a second time. The other order (mark, then send) would
instead lose the email when the send fails after the mark: a duplicate is the
smaller harm for a security notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import email_templates as templates
from .model import OutgoingEmail, Tenant, User
from .policy import TenantPolicy
from .ports import Clock, Mailer, NotificationMarks, UserRepository
from .security_events import (
    BACKUP_CODE_USED,
    BACKUP_CODES_ADDED,
    BACKUP_CODES_LOW,
    BACKUP_CODES_REGENERATED,
    BACKUP_CODES_REMOVED,
    MFA_RESET,
    FactType,
    SecurityFact,
)

# Longer than a stream keeps a record (24 hours): any redelivery finds the mark.
MARK_SECONDS = 4 * 24 * 3600

# Each emailed kind of fact, its template and the tenant's switch for it. The lock
# is an event only (the design emails none).
EMAILED: dict[FactType, tuple[str, str]] = {
    BACKUP_CODE_USED: (templates.USED, "notify_code_used"),
    BACKUP_CODES_LOW: (templates.LOW, "notify_codes_low"),
    BACKUP_CODES_ADDED: (templates.ADDED, "notify_codes_changed"),
    BACKUP_CODES_REGENERATED: (templates.REGENERATED, "notify_codes_changed"),
    BACKUP_CODES_REMOVED: (templates.REMOVED, "notify_codes_changed"),
    MFA_RESET: (templates.MFA_RESET, "notify_mfa_reset"),
}


@dataclass(frozen=True)
class Notice:
    """One email to write: about `fact`; a used-code email may also say few are left."""

    fact: SecurityFact
    few_left: bool = False


def notices(facts: Sequence[SecurityFact], policy: TenantPolicy) -> list[Notice]:
    """The emails the tenant's switches ask for, of the facts of one change. A spend that
    leaves few codes is one email when both switches are on (the used-code email says
    few are left), not two at the same moment."""
    wanted = [f for f in facts if f.type in EMAILED and getattr(policy, EMAILED[f.type][1])]
    kinds = {f.type for f in wanted}
    folded = {BACKUP_CODE_USED, BACKUP_CODES_LOW} <= kinds
    return [Notice(f, few_left=folded and f.type == BACKUP_CODE_USED)
            for f in wanted if not (folded and f.type == BACKUP_CODES_LOW)]


@dataclass(frozen=True)
class Letterhead:
    """Who writes: the tenant, by name, from its sender (None: the stack's), and the
    page the emails send users to."""

    tenant: Tenant
    sender: str | None
    link: str


class Notifications:
    def __init__(self, users: UserRepository, marks: NotificationMarks, mailer: Mailer,
                 clock: Clock, site_origin: str) -> None:
        self._users = users
        self._marks = marks
        self._mailer = mailer
        self._clock = clock
        self._site_origin = site_origin.rstrip("/")

    def deliver(self, facts: Sequence[SecurityFact], tenant: Tenant,
                policy: TenantPolicy) -> int:
        """Email the facts' user what the policy asks for; the number of emails sent."""
        planned = notices(facts, policy)
        if not planned:
            return 0
        user = self._users.get(planned[0].fact.tenant, planned[0].fact.username)
        if user is None or user.email is None:
            return 0
        letterhead = Letterhead(tenant, policy.email_sender or None,
                                f"{self._site_origin}/t/{tenant.tenant_id}/")
        return sum(self._send_once(notice, user, letterhead) for notice in planned)

    def _send_once(self, notice: Notice, user: User, letterhead: Letterhead) -> int:
        assert user.email is not None
        fact = notice.fact
        if self._marks.sent(fact.tenant, fact.id, user.email):  # check
            return 0
        self._mailer.send(compose(notice, user.email, letterhead))  # send
        self._marks.mark_sent(fact.tenant, fact.id, user.email,  # mark
                              self._clock.now() + MARK_SECONDS)
        return 1


def compose(notice: Notice, to: str, letterhead: Letterhead) -> OutgoingEmail:
    fact = notice.fact
    rendered = templates.render(templates.Letter(
        kind=EMAILED[fact.type][0], language=fact.language,
        tenant_name=letterhead.tenant.display_name, username=fact.username, at=fact.at,
        link=letterhead.link, remaining=fact.remaining, ip=fact.ip, user_agent=fact.user_agent,
        few_left=notice.few_left))
    return OutgoingEmail(to=to, subject=rendered.subject, text=rendered.text,
                         html=rendered.html, language=fact.language,
                         sender_name=letterhead.tenant.display_name, sender=letterhead.sender)
