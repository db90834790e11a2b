"""Generated input (Hypothesis): whatever arrives, the edge and the core answer with a
domain error or a value, never an exception of another kind; lone surrogates included."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from functions.api.http import HttpError, read_json
from functions.core import code_format
from functions.core.errors import DomainError
from functions.core.signin import parse_second_factor

# Any code point, lone surrogates ("\ud800") among them: valid in JSON text, not
# encodable as UTF-8.
ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                          categories=None), max_size=80)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=12)


class FakeRequest:
    def __init__(self, raw: bytes) -> None:
        self.raw_body = raw


@given(ANY_TEXT)
def test_normalizing_any_text_gives_a_code_or_nothing(typed: str) -> None:
    canonical = code_format.normalize(typed)
    if canonical is not None:
        assert len(canonical) == code_format.CODE_LENGTH
        assert set(canonical) <= set(code_format.ALPHABET)
        assert code_format.normalize(code_format.display(canonical)) == canonical


@given(st.lists(st.sampled_from(code_format.ALPHABET), min_size=16, max_size=16),
       st.sampled_from(["", " ", "-", "\u2013", "  -  "]), st.booleans())
def test_any_code_is_read_back_however_it_is_typed(symbols: list[str], separator: str,
                                                   lower: bool) -> None:
    code = "".join(symbols)
    typed = separator.join(code[i:i + 4] for i in range(0, 16, 4))
    assert code_format.normalize(typed.lower() if lower else typed) == code


@given(JSON_VALUES, JSON_VALUES, JSON_VALUES)
def test_any_second_factor_input_is_parsed_or_refused_by_name(flow: Any, method: Any,
                                                              code: Any) -> None:
    try:
        attempt = parse_second_factor(flow, method, code)
    except DomainError as refused:
        assert refused.code in ("invalid_request", "invalid_code")
        return
    assert attempt.method in ("totp", "backup_code")
    attempt.canonical_code.encode("ascii")  # what reaches argon2 or TOTP is plain ASCII


@settings(max_examples=300)
@given(st.binary(max_size=200) | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
def test_any_body_is_a_json_object_of_encodable_text_or_a_clear_400(raw: bytes) -> None:
    try:
        body = read_json(FakeRequest(raw))  # type: ignore[arg-type]
    except HttpError as refused:
        assert refused.status in (400, 413) and refused.message
        return
    assert isinstance(body, dict)
    json.dumps(body, ensure_ascii=False).encode()  # no lone surrogate got through


def test_a_lone_surrogate_is_refused_by_name() -> None:
    raw = json.dumps({"username": "alice", "password": "\ud800"}).encode()
    try:
        read_json(FakeRequest(raw))  # type: ignore[arg-type]
    except HttpError as refused:
        assert (refused.status, refused.code) == (400, "invalid_json")
    else:
        raise AssertionError("a lone surrogate was let through")
