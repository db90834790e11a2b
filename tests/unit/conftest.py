"""Fixtures of the unit tests: the core over fakes (see world.py)."""

from __future__ import annotations

import pytest
from world import TINY_ARGON2, World, build_world

from functions import crypto


@pytest.fixture(scope="session")
def argon2() -> crypto.Argon2Hasher:
    return crypto.Argon2Hasher(TINY_ARGON2)


@pytest.fixture
def world(argon2: crypto.Argon2Hasher) -> World:
    return build_world(argon2)
