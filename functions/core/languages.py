"""The languages the service writes to users in, and choosing one from Accept-Language.

The page sends the language its picker chose (en, es or de) as Accept-Language; the
service records it with each spend and change, so that the email about it can be
written in the language the user was reading.
"""

from __future__ import annotations

SUPPORTED = ("en", "es", "de")
DEFAULT = "en"
# A hostile header is not parsed past this: browsers send a few dozen bytes.
MAX_HEADER_LENGTH = 256


def supported(language: object) -> str:
    """The language if the service writes in it, else the default."""
    return language if isinstance(language, str) and language in SUPPORTED else DEFAULT


def negotiate(accept_language: str | None) -> str:
    """The supported language the header prefers most (RFC 9110 weights), else English.

    "es-ES,es;q=0.9,en;q=0.8" -> "es"; "fr, de;q=0.5" -> "de"; "fr" -> "en".
    """
    best, best_weight = DEFAULT, 0.0
    for part in (accept_language or "")[:MAX_HEADER_LENGTH].split(","):
        tag, _, parameters = part.strip().partition(";")
        primary = tag.strip().lower().split("-", 1)[0]
        weight = _weight(parameters)
        # Strictly heavier only: of equal weights, the one listed first wins.
        if primary in SUPPORTED and weight > best_weight:
            best, best_weight = primary, weight
    return best


def _weight(parameters: str) -> float:
    name, _, value = parameters.strip().partition("=")
    if name.strip().lower() != "q":
        return 1.0
    try:
        weight = float(value)
    except ValueError:
        return 0.0
    return weight if 0.0 <= weight <= 1.0 else 0.0
