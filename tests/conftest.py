"""Shared fixtures: an in-process moto AWS whose DynamoDB is atomic per request."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest

# Cheap argon2 for everything but the tests that pin the real parameters.
os.environ.setdefault("ARGON2_MEMORY_KIB", "1024")
os.environ.setdefault("ARGON2_TIME_COST", "1")
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"  # noqa: S105
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_ACCOUNT_ID_ENDPOINT_MODE"] = "disabled"
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("DYNAMODB_ENDPOINT", None)
os.environ.pop("SSM_ENDPOINT", None)
os.environ["SECURE_COOKIES"] = "false"
# CloudWatch metrics are log lines (EMF): off, but where a test reads them.
os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"

from moto import mock_aws  # noqa: E402
from moto.core.botocore_stubber import BotocoreStubber  # noqa: E402

from functions.settings import Settings  # noqa: E402

_moto_lock = threading.Lock()
_original_process_request = BotocoreStubber.process_request


def _serialised_process_request(self, request):  # type: ignore[no-untyped-def]
    # DynamoDB applies each request atomically; moto does not, so concurrent
    # conditional writes could both pass. One request at a time, as in AWS.
    with _moto_lock:
        return _original_process_request(self, request)


BotocoreStubber.process_request = _serialised_process_request  # type: ignore[method-assign]


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@dataclass
class Stack:
    settings: Settings
    lookup_key: bytes


@pytest.fixture
def stack(aws: None) -> Stack:
    """Tables from infra/template.yaml and the lookup key in SSM, in moto."""
    from functions.local.keys import create_signing_key
    from functions.local.tables import create_tables
    from functions.store.secrets import store_lookup_key

    settings = Settings.from_env()
    create_tables(settings)
    key = secrets.token_bytes(32)
    store_lookup_key(settings.lookup_key_parameter, settings.region, None, key)
    settings = replace(settings, signing_key_ids=(create_signing_key(settings.region),),
                       public_origin="https://id.example.test")
    return Stack(settings, key)
