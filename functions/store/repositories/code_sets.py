"""Code sets: one item per user, its generation moved by every change."""

from __future__ import annotations

from typing import Any, cast

from pynamodb.expressions.operand import Path

from ...core.errors import AlreadyEnabled, GenerationMismatch, NotEnabled
from ...core.model import Change, CodeSet, Usage
from .. import keys
from ..conditional import applied
from ..models import CodeSetModel, UsageMap

# Conditions, named once. `== True` builds a PynamoDB condition, not a comparison.
_ENABLED = CodeSetModel.enabled == True  # noqa: E712
_DISABLED = CodeSetModel.enabled == False  # noqa: E712


class DynamoCodeSetRepository:
    def get(self, tenant: str, username: str) -> CodeSet | None:
        try:
            item = CodeSetModel.get(keys.code_set_pk(tenant, username), consistent_read=True)
        except CodeSetModel.DoesNotExist:
            return None
        return CodeSet(
            tenant=item.tenant, username=item.username, enabled=bool(item.enabled),
            generation=item.generation,
            hashes=dict(item.codes.as_dict()) if item.codes is not None else {},
            total=int(item.total), created_at=float(item.created_at),
            last_used_at=None if item.last_used_at is None else float(item.last_used_at),
            usage=[Usage(at=float(u.at), ip=u.ip, user_agent=u.user_agent)
                   for u in (item.usage or [])])

    def add(self, code_set: CodeSet, change: Change) -> None:
        # A first set, or a set after a removal (the item stays as a disabled
        # tombstone); never over a set that is on.
        if not applied(lambda: self._item(code_set, change).save(
                condition=CodeSetModel.pk.does_not_exist() | _DISABLED)):
            raise AlreadyEnabled()

    def replace(self, code_set: CodeSet, expected_generation: str, change: Change) -> None:
        # The whole new set in one conditional put: it lands only over the
        # generation the user saw, so two regenerations cannot both win and
        # the codes shown are always the codes stored.
        if not applied(lambda: self._item(code_set, change).save(
                condition=_ENABLED & (CodeSetModel.generation == expected_generation))):
            self._raise_lost_race(code_set.tenant, code_set.username)

    def remove(self, tenant: str, username: str, expected_generation: str,
               new_generation: str, change: Change) -> None:
        # The item stays, disabled, so the stream record says who removed it.
        if not applied(lambda: CodeSetModel(keys.code_set_pk(tenant, username)).update(
                actions=[CodeSetModel.enabled.set(False),
                         CodeSetModel.generation.set(new_generation),
                         CodeSetModel.codes.remove(), CodeSetModel.usage.remove(),
                         CodeSetModel.last_used_at.remove(), CodeSetModel.total.set(0),
                         *self._change_actions(change)],
                condition=_ENABLED & (CodeSetModel.generation == expected_generation))):
            self._raise_lost_race(tenant, username)

    def consume(self, tenant: str, username: str, tag: str, generation: str,
                usage: Usage) -> bool:
        used = UsageMap(at=usage.at, ip=usage.ip, user_agent=usage.user_agent)
        # Removes the code's hash only while it is still there and the set is
        # still the generation that was read: exactly one concurrent spend wins.
        return applied(lambda: CodeSetModel(keys.code_set_pk(tenant, username)).update(
            actions=[_code_path(tag).remove(),
                     CodeSetModel.last_used_at.set(usage.at),
                     CodeSetModel.usage.set((CodeSetModel.usage | []).append([used]))],
            condition=(_code_path(tag).exists() & (CodeSetModel.generation == generation)
                       & _ENABLED)))

    def _raise_lost_race(self, tenant: str, username: str) -> None:
        current = self.get(tenant, username)
        if current is None or not current.enabled:
            raise NotEnabled()
        raise GenerationMismatch()

    @staticmethod
    def _change_actions(change: Change) -> list[Any]:
        return [CodeSetModel.change.set(change.kind),
                CodeSetModel.changed_by.set(change.session_ref),
                CodeSetModel.changed_at.set(change.at)]

    @staticmethod
    def _item(code_set: CodeSet, change: Change) -> CodeSetModel:
        return CodeSetModel(
            keys.code_set_pk(code_set.tenant, code_set.username), tenant=code_set.tenant,
            username=code_set.username, enabled=code_set.enabled, generation=code_set.generation,
            codes=code_set.hashes, total=code_set.total, created_at=code_set.created_at,
            usage=[], change=change.kind, changed_by=change.session_ref, changed_at=change.at)


def _code_path(tag: str) -> Path:
    # `codes` is a raw map keyed by lookup tag: indexing it gives a document path.
    return cast(Path, CodeSetModel.codes[tag])
