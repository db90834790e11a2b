"""Backup codes as text: generation, display grouping and tolerant parsing."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest

from functions.core import code_format as codes

DISPLAYED = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")


def test_the_alphabet_has_no_look_alikes() -> None:
    # 0/O, 1/I/L and U/V are the pairs people misread on paper.
    assert set(codes.ALPHABET).isdisjoint({"0", "O", "1", "I", "L", "U"})
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET)
    assert codes.ALPHABET.upper() == codes.ALPHABET


def test_a_code_carries_at_least_64_bits() -> None:
    bits = codes.CODE_LENGTH * math.log2(len(codes.ALPHABET))
    assert bits >= 64


def test_a_generated_code_has_the_canonical_form() -> None:
    for _ in range(200):
        code = codes.generate_code()
        assert len(code) == codes.CODE_LENGTH
        assert set(code) <= set(codes.ALPHABET)
        assert codes.normalize(code) == code


def test_generation_uses_the_whole_alphabet_evenly() -> None:
    # GIVEN many codes
    counts = Counter("".join(codes.generate_code() for _ in range(1000)))
    # THEN every symbol occurs, none far from its share (16000 / 30 = 533)
    assert set(counts) == set(codes.ALPHABET)
    assert all(350 < n < 750 for n in counts.values()), counts


@pytest.mark.parametrize("count", [5, 10, 20])
def test_a_set_has_the_asked_number_of_distinct_codes(count: int) -> None:
    generated = codes.generate_codes(count)
    assert len(generated) == count
    assert len(set(generated)) == count


def test_sets_do_not_repeat() -> None:
    seen = [code for _ in range(100) for code in codes.generate_codes(10)]
    assert len(set(seen)) == len(seen)


def test_display_groups_by_four() -> None:
    assert codes.display("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"
    for code in codes.generate_codes(20):
        shown = codes.display(code)
        assert DISPLAYED.match(shown)
        assert codes.normalize(shown) == code


CANONICAL = "ABCDEFGHJKMNPQRS"


@pytest.mark.parametrize("typed", [
    "ABCDEFGHJKMNPQRS",
    "abcdefghjkmnpqrs",
    "AbCd-EfGh-JkMn-PqRs",
    "ABCD-EFGH-JKMN-PQRS",
    "abcd efgh jkmn pqrs",
    " ABCD EFGH-JKMN  PQRS ",
    "A-B-C-D-E-F-G-H-J-K-M-N-P-Q-R-S",
    "ABCD\tEFGH\tJKMN\tPQRS",
    "ABCD-EFGH-JKMN-PQRS\n",          # pasted from the downloaded file
    "ABCD\u00a0EFGH\u00a0JKMN\u00a0PQRS",  # a no-break space from a document
    "ABCD\u2013EFGH\u2013JKMN\u2013PQRS",  # an en dash from a word processor
])
def test_normalize_accepts_any_case_spaces_and_dashes(typed: str) -> None:
    assert codes.normalize(typed) == CANONICAL


@pytest.mark.parametrize("typed", [
    "",
    "ABCDEFGHJKMNPQR",            # 15 symbols
    "ABCDEFGHJKMNPQRST",          # 17 symbols
    "ABCDEFGHJKMNPQR0",           # zero is not in the alphabet
    "ABCDEFGHJKMNPQRO",           # nor the letter O
    "ABCDEFGHJKMNPQR1",
    "ABCDEFGHJKMNPQRI",
    "ABCDEFGHJKMNPQRL",
    "abcdefghjkmnpqrl",           # lower-case l is still L
    "ABCDEFGHJKMNPQRU",
    "ABCD_EFGH_JKMN_PQ",
    "ABCD.EFGH.JKMN.PQRS",
    "ABCDEFGHJKMNPQR!",
    "ABCDEFGHJKMNPQR\u017f",      # long s: upper-cases to S, but is not what was shown
    "ABCDEFGHJKMNPQ\u00df",       # sharp s: upper-cases to SS
    "\uff21BCDEFGHJKMNPQRS",      # a full-width A
])
def test_normalize_refuses_what_cannot_be_a_code(typed: str) -> None:
    assert codes.normalize(typed) is None


def test_normalize_refuses_over_long_input_before_parsing() -> None:
    # 16 valid symbols padded with separators to 65 characters: would collapse
    # to a valid code, but input that long is refused as it is.
    padded = CANONICAL + " " * (codes.MAX_INPUT_LENGTH + 1 - len(CANONICAL))
    assert len(padded) == codes.MAX_INPUT_LENGTH + 1
    assert codes.normalize(padded) is None
    # ... while 64 characters are still parsed.
    assert codes.normalize(padded[:-1]) == CANONICAL
