"""Security facts from code-set stream records (tests/events/, captured from moto) and from
hand-made images: one fact per change, two at the spend that leaves few, the same ids
when a record comes twice, and nothing secret in any of them."""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest

from functions.core.model import RequestContext
from functions.core.security_events import (
    CodeSetChange,
    CodeSetImage,
    UsageEntry,
    crosses_low,
    facts_of,
    lock_fact,
)
from functions.stream.records import UnreadableRecord, code_set_change

EVENTS = Path(__file__).resolve().parents[1] / "events"


def record(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())["Records"][0]
    return loaded


def facts(name: str, threshold: int = 3) -> list[Any]:
    return list(facts_of(code_set_change(record(name)), threshold))


def image(remaining: int, uses: int = 0, total: int = 10, **changes: Any) -> CodeSetImage:
    usage = tuple(UsageEntry(at=1000.0 + n, ip="192.0.2.1", user_agent="Firefox",
                             use_id=f"use-{n}") for n in range(uses))
    found = CodeSetImage(tenant="acme", username="alice", enabled=True, remaining=remaining,
                         total=total, credential_generation="g1", change="added",
                         changed_at=900.0, usage=usage)
    return replace(found, **changes)


def spend(before: int, total: int = 10) -> CodeSetChange:
    used = total - before
    return CodeSetChange(old=image(before, used, total), new=image(before - 1, used + 1, total))


@pytest.mark.parametrize(("name", "kind"), [
    ("code_set_added", "BackupCodesAdded"),
    ("code_set_regenerated", "BackupCodesRegenerated"),
    ("code_set_removed", "BackupCodesRemoved"),
    ("code_set_mfa_reset", "MfaReset"),
])
def test_each_change_to_the_codes_is_one_fact_of_its_kind(name: str, kind: str) -> None:
    source = record(name)["dynamodb"]["NewImage"]
    (fact,) = facts(name)
    assert (fact.type, fact.tenant, fact.username) == (kind, "demo", "alice")
    assert fact.at == float(source["changed_at"]["N"])


def test_a_change_says_how_many_codes_the_new_set_has() -> None:
    (added,) = facts("code_set_added")
    (removed,) = facts("code_set_removed")
    assert added.remaining == len(record("code_set_added")["dynamodb"]["NewImage"]["codes"]["M"])
    assert removed.remaining is None


def test_a_spend_is_one_fact_with_the_count_left_and_where_it_came_from() -> None:
    new = record("code_spent_in_german")["dynamodb"]["NewImage"]
    used = new["usage"]["L"][-1]["M"]
    (fact,) = facts("code_spent_in_german")
    assert fact.type == "BackupCodeUsed"
    assert fact.remaining == len(new["codes"]["M"]) == 9
    assert (fact.at, fact.ip, fact.user_agent) == (
        float(used["at"]["N"]), used["ip"]["S"], used["user_agent"]["S"])
    # the language of the request that spent it, recorded in the same write
    assert fact.language == "de"


def test_a_spend_recorded_before_use_ids_still_gets_a_stable_fact() -> None:
    (first,) = facts("code_spent")
    (again,) = facts("code_spent")
    assert first.type == "BackupCodeUsed" and first.id == again.id


@pytest.mark.parametrize("name", ["code_set_added", "code_set_regenerated", "code_set_removed",
                                  "code_set_mfa_reset", "code_spent", "code_spent_in_german"])
def test_a_record_delivered_twice_gives_the_same_facts_with_the_same_ids(name: str) -> None:
    first = record(name)
    # The second delivery: another batch, another arrival time, the same change.
    second = copy.deepcopy(first)
    second["dynamodb"]["ApproximateCreationDateTime"] += 3600
    assert facts_of(code_set_change(first), 3) == facts_of(code_set_change(second), 3)


def test_different_changes_have_different_ids() -> None:
    ids = [f.id for name in ("code_set_added", "code_set_regenerated", "code_set_removed",
                             "code_set_mfa_reset", "code_spent_in_german") for f in facts(name)]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(("change", "fact"), [("authenticator_added", "AuthenticatorAdded"),
                                              ("authenticator_removed", "AuthenticatorRemoved")])
def test_authenticator_changes_are_facts_of_their_own(change: str, fact: str) -> None:
    source = record("code_set_authenticator_added")
    source["dynamodb"]["NewImage"]["change"] = {"S": change}
    (found,) = facts_of(code_set_change(source), 3)
    # (the recorded change was made by the operator)
    assert (found.type, found.remaining, found.actor) == (fact, None, "operator")


@pytest.mark.parametrize("change", ["sessions_ended", "user_deleted"])
def test_an_administrators_session_ending_change_states_no_fact(change: str) -> None:
    source = record("code_set_mfa_reset")
    source["dynamodb"]["NewImage"]["change"] = {"S": change}
    assert facts_of(code_set_change(source), 3) == ()


def test_a_reset_names_its_actor() -> None:
    (found,) = facts_of(code_set_change(record("code_set_mfa_reset")), 3)
    assert (found.type, found.actor) == ("MfaReset", "operator")


def test_an_item_deleted_outright_states_no_fact() -> None:
    source = record("code_set_removed")
    source["eventName"] = "REMOVE"
    source["dynamodb"].pop("NewImage")
    assert facts_of(code_set_change(source), 3) == ()


def test_a_record_without_its_user_is_unreadable_not_skipped() -> None:
    source = record("code_spent_in_german")
    del source["dynamodb"]["NewImage"]["tenant"]
    with pytest.raises(UnreadableRecord):
        code_set_change(source)


@pytest.mark.parametrize(("before", "threshold", "low"), [
    (5, 3, False), (4, 3, True), (3, 3, False), (2, 3, False), (1, 3, False),
    (2, 1, True), (11, 10, True), (10, 10, False)])
def test_few_left_is_told_once_at_the_spend_that_crosses_the_threshold(
        before: int, threshold: int, low: bool) -> None:
    found = facts_of(spend(before, total=12), threshold)
    assert [f.type for f in found] == ["BackupCodeUsed"] + (["BackupCodesLow"] if low else [])
    if low:
        assert found[1].remaining == before - 1 == found[0].remaining
        assert found[1].id != found[0].id


def test_a_set_never_above_the_threshold_is_told_few_left_at_its_first_spend() -> None:
    # five codes and a threshold of six: the first spend says so, the next ones do not
    assert crosses_low(image(5, 0, 5), image(4, 1, 5), 6)
    assert not crosses_low(image(4, 1, 5), image(3, 2, 5), 6)


def test_a_change_of_generation_is_never_a_spend() -> None:
    old = image(3, 7)
    new = replace(image(10, 0), credential_generation="g2", change="regenerated")
    (fact,) = facts_of(CodeSetChange(old, new), 3)
    assert fact.type == "BackupCodesRegenerated"


def test_the_lock_fact_has_a_stable_id_of_its_start() -> None:
    context = RequestContext.of("198.51.100.7", "curl/8", "es")
    first = lock_fact("acme", "alice", 1234.5, context)
    assert first == lock_fact("acme", "alice", 1234.5, context)
    assert first.id != lock_fact("acme", "alice", 1264.5, context).id
    assert (first.type, first.ip, first.user_agent, first.language) == (
        "SecondFactorLocked", "198.51.100.7", "curl/8", "es")


def test_no_fact_carries_a_code_hash_tag_or_session() -> None:
    secrets = set()
    everything = []
    for name in ("code_set_added", "code_set_regenerated", "code_set_removed",
                 "code_set_mfa_reset", "code_spent", "code_spent_in_german"):
        source = record(name)["dynamodb"]
        for side in ("NewImage", "OldImage"):
            found = source.get(side) or {}
            for tag, hashed in ((found.get("codes") or {}).get("M") or {}).items():
                secrets |= {tag, hashed["S"]}
            # A user's own change names their session; an actor ("operator") is no secret.
            changed_by = found.get("changed_by", {}).get("S", "changed_by")
            if changed_by != "operator" and not changed_by.startswith("admin:"):
                secrets.add(changed_by)
        everything += [asdict(f) for f in facts(name)]
    text = json.dumps(everything)
    assert secrets and not [s for s in secrets if s in text]
    assert "$argon2" not in text
