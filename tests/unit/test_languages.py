"""The language the service writes to a user in, from the page's Accept-Language."""

from __future__ import annotations

import pytest

from functions.core.languages import negotiate, supported
from functions.core.model import RequestContext


@pytest.mark.parametrize(("header", "language"), [
    ("es", "es"), ("de", "de"), ("en", "en"),
    ("es-ES,es;q=0.9,en;q=0.8", "es"),
    ("de-CH", "de"),
    ("fr, de;q=0.5, en;q=0.4", "de"),
    ("en;q=0.2, es;q=0.9", "es"),
    ("DE", "de"),
    ("es;q=0.5, de;q=0.5", "es"),  # equal weights: the first listed
    ("es;q=0", "en"),  # "not this one"
    ("fr", "en"), ("", "en"), (None, "en"),
    ("es;q=abc", "en"), ("de;q=2", "en"),
    ("x" * 300 + ",de", "en"),  # a hostile header is not read past its bound
])
def test_the_preferred_language_the_service_writes_in_else_english(
        header: str | None, language: str) -> None:
    assert negotiate(header) == language


def test_a_request_context_holds_only_a_language_of_ours() -> None:
    assert RequestContext.of("192.0.2.1", "ua", "de").language == "de"
    assert RequestContext.of("192.0.2.1", "ua", "fr").language == "en"
    assert RequestContext.of("192.0.2.1", "ua").language == "en"
    assert supported("es") == "es" and supported(None) == "en"
