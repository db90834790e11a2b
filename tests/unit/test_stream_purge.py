"""purge_order over sample stream records captured from moto (tests/events/)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from functions.core.purge import PurgeOrder, sessions_to_keep
from functions.stream.records import UnreadableRecord, purge_order

EVENTS = Path(__file__).resolve().parents[1] / "events"


def record(name: str) -> dict:
    return json.loads((EVENTS / f"{name}.json").read_text())["Records"][0]


@pytest.mark.parametrize("name, change", [
    ("code_set_added", "added"),
    ("code_set_regenerated", "regenerated"),
    ("code_set_removed", "removed"),
    # A first authenticator of a user without codes puts a disabled code-set item.
    ("authenticator_added", "authenticator_added"),
    ("authenticator_removed", "authenticator_removed"),
])
def test_every_change_to_the_second_factor_orders_a_purge_keeping_its_session(
        name, change) -> None:
    source = record(name)
    order = purge_order(source)
    assert order is not None
    assert (order.tenant, order.username, order.change) == ("demo", "alice", change)
    assert order.keep_session == source["dynamodb"]["NewImage"]["changed_by"]["S"]
    assert order.changed_at == float(source["dynamodb"]["NewImage"]["changed_at"]["N"])


def test_an_authenticator_change_ends_the_sessions_of_the_generation_before_it() -> None:
    added, removed = record("authenticator_added"), record("authenticator_removed")
    assert (added["eventName"], removed["eventName"]) == ("INSERT", "MODIFY")
    first, second = purge_order(added), purge_order(removed)
    assert first is not None and second is not None
    assert first.old_generation is None  # there was no code-set item before it
    # The removal's order names the generation the set-up moved to: sign-ins that raced
    # the removal under it end too.
    assert second.old_generation == added["dynamodb"]["NewImage"]["credential_generation"]["S"]


def test_spending_a_code_orders_nothing() -> None:
    spent = record("code_spent")
    assert spent["eventName"] == "MODIFY"
    assert purge_order(spent) is None


def test_a_regeneration_is_told_apart_from_a_spend_by_its_generation() -> None:
    spent = copy.deepcopy(record("code_spent"))
    spent["dynamodb"]["NewImage"]["generation"] = {"S": "another"}
    assert purge_order(spent) is not None


def test_a_deleted_item_purges_every_session_of_the_user() -> None:
    removed = copy.deepcopy(record("code_set_removed"))
    removed["eventName"] = "REMOVE"
    del removed["dynamodb"]["NewImage"]
    order = purge_order(removed)
    old_generation = removed["dynamodb"]["OldImage"]["generation"]["S"]
    assert order == PurgeOrder("demo", "alice", removed["dynamodb"]["ApproximateCreationDateTime"],
                               old_generation, None, "deleted")


def test_the_tenant_policy_decides_whether_the_changing_session_stays() -> None:
    order = purge_order(record("code_set_added"))
    assert order is not None
    assert sessions_to_keep(order, "keep_current") == order.keep_session
    assert sessions_to_keep(order, "all") is None


@pytest.mark.parametrize("unreadable", [
    {"eventName": "INSERT", "dynamodb": {}},
    {},
    {"eventName": "RENAME", "dynamodb": {"NewImage": {"tenant": {"S": "demo"}}}},
    {"eventName": "INSERT", "dynamodb": {"NewImage": {"tenant": {"S": "demo"},
                                                      "changed_at": {"N": "1"}}}},
])
def test_a_record_that_cannot_be_read_is_reported_never_skipped(unreadable: dict) -> None:
    # A skipped record could leave sessions open after a change: it must fail, so
    # that the batch reports it, the mapping retries it, and the queue gets it at last.
    with pytest.raises(UnreadableRecord):
        purge_order(unreadable)
