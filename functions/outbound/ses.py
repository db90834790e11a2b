"""Emails through Amazon SES (API v2 SendEmail), as a MIME message of our own making:
plain text and HTML alternatives, and headers SES's simple form cannot carry
(Auto-Submitted, so that vacation responders stay quiet; Content-Language).

Every email is sent from the stack's verified SES identity (a domain): the tenant's
own sender when it lies in that domain, else the stack's sender (the function's role
may send from that domain only, `ses:FromAddress`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, formataddr
from typing import TYPE_CHECKING, Any

from ..core.model import OutgoingEmail
from ..core.policy import mask_email
from ..logs import logger

if TYPE_CHECKING:
    from email.message import EmailMessage


class SesMailer:
    def __init__(self, client: Callable[[], Any], domain: str, default_sender: str,
                 now: Callable[[], float]) -> None:
        self._client = client
        self._domain = domain.lower()
        self._default_sender = default_sender
        self._now = now

    def send(self, email: OutgoingEmail) -> None:
        sender = self.sender_of(email)
        # The display name in MIME encoded words when it is not ASCII, as SES asks.
        from_address = formataddr((_header_text(email.sender_name), sender))
        message = mime(email, from_address, self._now())
        self._client().send_email(FromEmailAddress=from_address,
                                  Destination={"ToAddresses": [email.to]},
                                  Content={"Raw": {"Data": message.as_bytes()}})
        logger.info("email sent", extra={"to": mask_email(email.to), "from": sender,
                                         "language": email.language})

    def sender_of(self, email: OutgoingEmail) -> str:
        """The tenant's sender if SES may send from it, else the stack's."""
        if email.sender is None:
            return self._default_sender
        if email.sender.rsplit("@", 1)[-1].lower() == self._domain:
            return email.sender
        logger.warning("tenant sender outside the email domain; the stack's sender is used",
                       extra={"sender": email.sender, "domain": self._domain})
        return self._default_sender


def mime(email: OutgoingEmail, from_address: str, now: float) -> EmailMessage:
    # Imported here: only the notifying function pays for the email package's import,
    # not every cold start of the API.
    from email.message import EmailMessage  # noqa: PLC0415
    from email.policy import SMTP  # noqa: PLC0415

    message = EmailMessage(policy=SMTP)
    message["From"] = from_address
    message["To"] = email.to
    message["Subject"] = _header_text(email.subject)
    message["Date"] = format_datetime(datetime.fromtimestamp(now, UTC))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic replies
    message.set_content(email.text, cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", cte="quoted-printable")
    # After the content: setting it clears every Content-* header.
    message["Content-Language"] = email.language
    return message


def _header_text(value: str) -> str:
    # A tenant's name or a subject on one line: no line breaks to forge headers with.
    return " ".join("".join(c if unicodedata.category(c)[0] != "C" else " "
                            for c in value).split())
