"""What left the local stack: the security events on the bus and the emails SES took.

Events are watched as a tenant would watch them in AWS: a rule on the bus, matching
the service's source, with a CloudWatch Logs group as its target (moto delivers to
it; moto keeps no other record of what was put). Emails are read from what moto's
SES recorded (its `sent_messages`: the raw MIME messages the mailer sent). Local
only: `make run` serves them under /_local/, never deployed.
"""

from __future__ import annotations

import html
import json
import logging
import threading
from datetime import UTC, datetime
from email import message_from_string
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from typing import Any

import botocore.session
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import RawMessage, ses_backends

from ..core.policy import mask_email
from ..isotime import iso
from ..outbound.eventbridge import SOURCE
from ..settings import Settings

log = logging.getLogger("backup_codes.local")

LOG_GROUP = "/local/backup-codes/security-events"
RULE = "local-security-events"


class LocalOutbox:
    def __init__(self, settings: Settings) -> None:
        session = botocore.session.get_session()
        self._settings = settings
        self._events = session.create_client("events", region_name=settings.region,
                                             endpoint_url=settings.outbound.events_endpoint)
        self._logs = session.create_client("logs", region_name=settings.region,
                                           endpoint_url=settings.outbound.events_endpoint)
        self._ses = session.create_client("sesv2", region_name=settings.region,
                                          endpoint_url=settings.outbound.ses_endpoint)

    def open(self) -> None:
        """The bus, a rule that keeps every event of the service, and the sender's domain
        verified (SES refuses to send from an unverified identity)."""
        bus = self._settings.outbound.event_bus_name
        self._events.create_event_bus(Name=bus)
        self._logs.create_log_group(logGroupName=LOG_GROUP)
        group = self._logs.describe_log_groups(logGroupNamePrefix=LOG_GROUP)["logGroups"][0]
        self._events.put_rule(Name=RULE, EventBusName=bus,
                              EventPattern=json.dumps({"source": [SOURCE]}))
        self._events.put_targets(Rule=RULE, EventBusName=bus, Targets=[
            {"Id": "log-group", "Arn": group["arn"].removesuffix(":*")}])
        self._ses.create_email_identity(EmailIdentity=self._settings.outbound.email_domain)

    def events(self) -> list[dict[str, Any]]:
        """Every event the rule saw, oldest first: {detail_type, detail}."""
        found, token = [], None
        while True:
            page = self._logs.filter_log_events(logGroupName=LOG_GROUP,
                                                **({"nextToken": token} if token else {}))
            found += page["events"]
            token = page.get("nextToken")
            if not token:
                break
        found.sort(key=lambda logged: (logged["timestamp"], logged["eventId"]))
        events = [json.loads(logged["message"]) for logged in found]
        return [{"detail_type": event["detail-type"], "detail": event["detail"]}
                for event in events]

    def messages(self) -> list[dict[str, Any]]:
        """Every email SES took, oldest first: {to, subject, text, at}."""
        backend = ses_backends[DEFAULT_ACCOUNT_ID][self._settings.region]
        return [_message(sent) for sent in list(backend.sent_messages)
                if isinstance(sent, RawMessage)]

    def watch(self, stop: threading.Event, interval: float = 0.5) -> None:
        """One line per event and per email, as they arrive."""
        seen_events = seen_messages = 0
        while not stop.wait(interval):
            try:
                events, messages = self.events(), self.messages()
            except Exception:
                log.exception("reading the outbox failed; retrying")
                continue
            for event in events[seen_events:]:
                detail = event["detail"]
                log.info("event %s %s/%s id=%s", event["detail_type"], detail.get("tenant"),
                         detail.get("username"), detail.get("id"))
            for message in messages[seen_messages:]:
                log.info("email to %s: %s", mask_email(message["to"]), message["subject"])
            seen_events, seen_messages = len(events), len(messages)


def _message(sent: RawMessage) -> dict[str, Any]:
    parsed = message_from_string(sent.raw_data, policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    body = parsed.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    date = parsed["Date"]
    at = parsedate_to_datetime(str(date)) if date else datetime.now(UTC)
    return {"to": str(parsed["To"]), "subject": str(parsed["Subject"]), "text": text,
            "at": iso(at.timestamp())}


def outbox_page(events: list[dict[str, Any]], messages: list[dict[str, Any]]) -> bytes:
    """A small page for people: the emails (newest first) and the events, all escaped."""
    mails = "\n".join(
        f"<article><h3>{html.escape(m['subject'])}</h3>"
        f"<p>To {html.escape(m['to'])}, {html.escape(m['at'])}</p>"
        f"<pre>{html.escape(m['text'])}</pre></article>" for m in reversed(messages))
    rows = "\n".join(
        f"<tr><td>{html.escape(e['detail_type'])}</td>"
        f"<td><code>{html.escape(json.dumps(e['detail'], ensure_ascii=False))}</code></td></tr>"
        for e in reversed(events))
    page = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Local outbox</title></head>
<body>
<main>
<h1>Local outbox</h1>
<p>What the local stack sent: emails through SES and events on the bus (moto's record).
Refreshes every five seconds. Also as JSON: <a href="/_local/outbox.json">outbox.json</a>,
<a href="/_local/events.json">events.json</a>.</p>
<h2>Emails ({len(messages)})</h2>
{mails or "<p>None yet.</p>"}
<h2>Events ({len(events)})</h2>
<table><thead><tr><th scope="col">Type</th><th scope="col">Detail</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</main>
</body>
</html>
"""
    return page.encode()
