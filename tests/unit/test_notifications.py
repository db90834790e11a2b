"""Emails about security facts: which ones the tenant's switches ask for, what they say in
each language, that HTML is escaped, and that a fact is emailed once however often its
record comes (check, send, mark); and the fan-out's order, emails before events."""

from __future__ import annotations

import html
import json
from dataclasses import replace
from typing import Any

import pytest
from fakes import (
    FakeClock,
    FakeDatabase,
    FakeEventPublisher,
    FakeMailer,
    FakeNotificationMarks,
    FakeTenantRepository,
    FakeUserRepository,
)

from functions.core import email_templates as templates
from functions.core.fanout import PublishedEvents, SecurityFanOut
from functions.core.model import Tenant, User
from functions.core.notifications import Notifications, notices
from functions.core.policy import TenantPolicy
from functions.core.security_events import (
    CodeSetChange,
    CodeSetImage,
    SecurityFact,
    UsageEntry,
    fact_id,
)
from functions.core.tenants import TenantDirectory

AT = 1_796_197_420.0  # 2 December 2026, 07:43:40 UTC
TENANT = Tenant("acme", "Acme <Corp>", 0.0)
ORIGIN = "https://codes.example"


def fact(kind: Any, remaining: int | None = 9, language: str = "en", key: str = "1",
         **fields: Any) -> SecurityFact:
    return SecurityFact(type=kind, id=fact_id("acme", "alice", kind, key), tenant="acme",
                        username="alice", at=AT, remaining=remaining, language=language,
                        **{"ip": "192.0.2.10", "user_agent": "Firefox/140", **fields})


USED, LOW = fact("BackupCodeUsed"), fact("BackupCodesLow", 2)


class Mailroom:
    """Notifications over fakes: a user with an address, marks, a mailer."""

    def __init__(self, email: str | None = "alice@example.org") -> None:
        db = FakeDatabase()
        self.users = FakeUserRepository(db)
        self.users.create(User("acme", "alice", "hash", 0.0, email=email))
        self.marks = FakeNotificationMarks()
        self.mailer = FakeMailer()
        self.notifications = Notifications(self.users, self.marks, self.mailer, FakeClock(AT),
                                           ORIGIN + "/")

    def deliver(self, facts: list[SecurityFact], **policy: Any) -> int:
        return self.notifications.deliver(facts, TENANT, TenantPolicy(**policy))


# -- Which emails -------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "switch"), [
    ("BackupCodeUsed", "notify_code_used"), ("BackupCodesLow", "notify_codes_low"),
    ("BackupCodesAdded", "notify_codes_changed"),
    ("BackupCodesRegenerated", "notify_codes_changed"),
    ("BackupCodesRemoved", "notify_codes_changed"), ("MfaReset", "notify_mfa_reset"),
])
def test_each_kind_is_emailed_when_its_switch_is_on_and_not_when_off(kind: str,
                                                                     switch: str) -> None:
    on, off = Mailroom(), Mailroom()
    assert on.deliver([fact(kind)]) == 1 and len(on.mailer.sent) == 1
    assert off.deliver([fact(kind)], **{switch: False}) == 0 and off.mailer.sent == []


def test_a_lock_is_an_event_only() -> None:
    room = Mailroom()
    assert room.deliver([fact("SecondFactorLocked", None)]) == 0


def test_the_spend_that_leaves_few_is_one_email_that_says_so() -> None:
    planned = notices([USED, LOW], TenantPolicy())
    assert [(n.fact.type, n.few_left) for n in planned] == [("BackupCodeUsed", True)]
    room = Mailroom()
    room.deliver([USED, LOW])
    (sent,) = room.mailer.sent
    assert "Only a few are left" in sent.text


def test_few_left_alone_when_used_codes_are_not_emailed() -> None:
    planned = notices([USED, LOW], TenantPolicy(notify_code_used=False))
    assert [(n.fact.type, n.few_left) for n in planned] == [("BackupCodesLow", False)]
    planned = notices([USED, LOW], TenantPolicy(notify_codes_low=False))
    assert [(n.fact.type, n.few_left) for n in planned] == [("BackupCodeUsed", False)]


def test_no_address_no_email() -> None:
    room = Mailroom(email=None)
    assert room.deliver([USED]) == 0 and room.mailer.sent == []
    assert Mailroom().notifications.deliver(
        [replace(USED, username="nobody")], TENANT, TenantPolicy()) == 0


# -- Once, however often the record comes ------------------------------------------------------

def test_a_fact_delivered_twice_is_emailed_once() -> None:
    room = Mailroom()
    assert room.deliver([USED]) == 1
    assert room.deliver([USED]) == 0
    assert len(room.mailer.sent) == 1


def test_a_failed_send_leaves_no_mark_and_is_sent_on_the_retry() -> None:
    room = Mailroom()
    room.mailer.failures = 1
    with pytest.raises(RuntimeError):
        room.deliver([USED])
    assert room.marks.marks == {} and room.mailer.sent == []
    assert room.deliver([USED]) == 1
    assert room.deliver([USED]) == 0
    assert len(room.mailer.sent) == 1
    (expires_at,) = room.marks.marks.values()
    assert expires_at > AT + 24 * 3600  # outlives the stream's retention


def test_the_tenants_sender_and_name_are_the_emails() -> None:
    room = Mailroom()
    room.deliver([USED], email_sender="security@codes.example")
    room.deliver([fact("BackupCodesAdded", key="2")])
    tenant_sender, stack_sender = room.mailer.sent
    assert (tenant_sender.sender, tenant_sender.sender_name) == ("security@codes.example",
                                                                 "Acme <Corp>")
    assert stack_sender.sender is None


# -- What they say ---------------------------------------------------------------------------

def letter(kind: str = templates.USED, language: str = "en", **fields: Any) -> templates.Rendered:
    values: dict[str, Any] = {"tenant_name": "Acme", "username": "alice", "at": AT,
                              "link": f"{ORIGIN}/t/acme/", "remaining": 9, "ip": "192.0.2.10",
                              "user_agent": "Firefox/140", **fields}
    return templates.render(templates.Letter(kind=kind, language=language, **values))


@pytest.mark.parametrize(("language", "subject", "when", "left", "where"), [
    ("en", "A backup code was used to sign in to Acme", "2 December 2026 at 07:43 UTC",
     "You have 9 backup codes left.", "from the IP address 192.0.2.10, with this browser: "
     "Firefox/140."),
    ("es", "Se ha usado un código de respaldo para iniciar sesión en Acme",
     "2 de diciembre de 2026 a las 07:43 UTC", "Le quedan 9 códigos de respaldo.",
     "desde la dirección IP 192.0.2.10, con este navegador: Firefox/140."),
    ("de", "Anmeldung bei Acme mit einem Backup-Code", "2. Dezember 2026 um 07:43 UTC",
     "Sie haben noch 9 Backup-Codes.", "von der IP-Adresse 192.0.2.10, mit diesem Browser: "
     "Firefox/140."),
])
def test_a_used_code_email_says_how_many_are_left_when_where_and_what_to_do(
        language: str, subject: str, when: str, left: str, where: str) -> None:
    rendered = letter(language=language)
    assert rendered.subject == subject
    for said in (when, left, where, f"{ORIGIN}/t/acme/", "alice"):
        assert said in rendered.text, said
    assert f'<html lang="{language}">' in rendered.html
    assert f'<a href="{ORIGIN}/t/acme/">' in rendered.html


@pytest.mark.parametrize(("language", "one", "none"), [
    ("en", "You have 1 backup code left.", "You have no backup codes left."),
    ("es", "Le queda 1 código de respaldo.", "No le queda ningún código de respaldo."),
    ("de", "Sie haben noch 1 Backup-Code.", "Sie haben keine Backup-Codes mehr."),
])
def test_one_code_and_none_are_said_as_people_say_them(language: str, one: str,
                                                       none: str) -> None:
    assert one in letter(language=language, remaining=1).text
    assert none in letter(language=language, remaining=0).text


@pytest.mark.parametrize("kind", [templates.USED, templates.LOW, templates.ADDED,
                                  templates.REGENERATED, templates.REMOVED,
                                  templates.MFA_RESET])
@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_every_kind_has_its_words_in_every_language(kind: str, language: str) -> None:
    rendered = letter(kind, language, remaining=2)
    english = letter(kind, "en", remaining=2)
    assert rendered.subject and rendered.text.strip()
    assert "$" not in rendered.text + rendered.subject  # nothing left unfilled
    if language != "en":
        assert rendered.subject != english.subject


def test_a_language_the_service_does_not_write_is_english() -> None:
    assert letter(language="fr").subject == letter(language="en").subject


def test_what_came_with_the_request_is_escaped_in_html_and_plain_in_text() -> None:
    hostile = '<script>alert("x")</script>'
    rendered = letter(user_agent=hostile + "\x1b[31m", tenant_name="Acme & <Sons>")
    assert "<script>" not in rendered.html
    assert html.escape(hostile) in rendered.html
    assert "Acme &amp; &lt;Sons&gt;" in rendered.html
    assert hostile in rendered.text and "\x1b" not in rendered.text


def test_an_email_carries_no_code_or_hash() -> None:
    room = Mailroom()
    room.deliver([USED, LOW])
    text = json.dumps([vars(sent) for sent in room.mailer.sent])
    assert "$argon2" not in text and "tag-" not in text


# -- The fan-out ---------------------------------------------------------------------------------

class World:
    def __init__(self) -> None:
        self.room = Mailroom()
        tenants = FakeTenantRepository()
        tenants.create(TENANT, TenantPolicy())
        self.events = FakeEventPublisher()
        self.fanout = SecurityFanOut(TenantDirectory(tenants, FakeClock(AT), 30.0),
                                     [self.room.notifications, PublishedEvents(self.events)])


def spent() -> CodeSetChange:
    def side(remaining: int, uses: int) -> CodeSetImage:
        return CodeSetImage("acme", "alice", True, remaining, 10, "g1", "added", AT - 60,
                            tuple(UsageEntry(AT + n, "192.0.2.10", "Firefox", f"u{n}")
                                  for n in range(uses)))

    return CodeSetChange(side(4, 6), side(3, 7))


def test_the_fan_out_emails_then_publishes_every_fact() -> None:
    world = World()
    facts = world.fanout.handle(spent())
    assert [f.type for f in facts] == ["BackupCodeUsed", "BackupCodesLow"]
    assert world.events.published == list(facts)
    assert len(world.room.mailer.sent) == 1


def test_a_failing_email_publishes_nothing_and_its_retry_does_it_all_once() -> None:
    world = World()
    world.room.mailer.failures = 1
    with pytest.raises(RuntimeError):
        world.fanout.handle(spent())
    assert world.events.published == []
    world.fanout.handle(spent())
    assert len(world.room.mailer.sent) == 1 and len(world.events.published) == 2


def test_a_failing_publish_sends_no_email_twice_on_its_retry() -> None:
    world = World()
    world.events.failures = 1
    with pytest.raises(RuntimeError):
        world.fanout.handle(spent())
    world.fanout.handle(spent())
    assert len(world.room.mailer.sent) == 1 and len(world.events.published) == 2
