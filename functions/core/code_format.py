"""Backup codes: generation, display grouping and tolerant parsing of typed input."""

from __future__ import annotations

import re
import secrets

# No look-alikes: 0/O, 1/I/L and U/V are left out. 30 symbols, 16 of them per
# code: log2(30) * 16 = 78.5 bits, above the 64 bits the design asks for.
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 16
GROUP = 4
# Typed input longer than this is refused before any parsing or hashing.
MAX_INPUT_LENGTH = 64
# Between groups people type or paste any whitespace, hyphens, or the Unicode
# dashes a word processor substitutes; the SPA strips the same set.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")


def generate_code() -> str:
    """A new code in canonical form (no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def generate_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(generate_code())
    return sorted(codes)


def display(code: str) -> str:
    """ABCDEFGHJKMNPQRS -> ABCD-EFGH-JKMN-PQRS."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalize(typed: str) -> str | None:
    """Canonical form of what a user typed, or None when it cannot be a code."""
    if len(typed) > MAX_INPUT_LENGTH:
        return None
    stripped = _SEPARATORS.sub("", typed)
    # ASCII before upper-casing: "\u017f".upper() is "S" and "\u00df".upper() is "SS".
    if not stripped.isascii():
        return None
    canonical = stripped.upper()
    if len(canonical) != CODE_LENGTH or any(c not in ALPHABET for c in canonical):
        return None
    return canonical
