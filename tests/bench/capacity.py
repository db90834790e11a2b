"""DynamoDB on-demand request units of one request, as DynamoDB bills them: moto's own
ConsumedCapacity is a constant per operation, so the units are computed here from the
sizes of the items read and written (moto's item sizes follow DynamoDB's rules).

Reads: one RRU per 4 KB read strongly consistent, half that eventually consistent; a
Query or Scan rounds the sum of what it returns. Writes: one WRU per 1 KB of the larger
of the item before and after; each global secondary index the item is (or was) in
costs one more write (two when its index key changed; the projected items here are all
under 1 KB). Transactions: twice the units of each item in its table (its index writes
counted once), a ConditionCheck billed as a write.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

READS = frozenset({"GetItem", "BatchGetItem", "TransactGetItems", "Query", "Scan"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                    "TransactWriteItems"})


@dataclass(frozen=True)
class Units:
    read: float = 0.0
    write: float = 0.0
    # By table (the name's last part: sets, users, ...): (read, write).
    tables: tuple[tuple[str, float, float], ...] = ()


def _short(table: str) -> str:
    return table.rsplit("-", 1)[-1]


def _units(by_table: dict[str, list[float]]) -> Units:
    return Units(read=sum(r for r, _ in by_table.values()),
                 write=sum(w for _, w in by_table.values()),
                 tables=tuple((t, r, w) for t, (r, w) in sorted(by_table.items())))


@dataclass(frozen=True)
class _Touch:
    table: str
    key: dict[str, Any]
    factor: int  # 2 in a transaction


@dataclass(frozen=True)
class _State:
    size: int  # 0: no item
    index_keys: tuple[Any, ...]  # per global index: its key values, or None
    projected: tuple[Any, ...]  # per global index: the item as projected, or None


def wire_size(attributes: dict[str, Any]) -> int:
    """An item's size in DynamoDB's terms, from its wire (JSON) form."""
    return sum(len(name.encode()) + _value_size(value) for name, value in attributes.items())


def _value_size(value: dict[str, Any]) -> int:  # noqa: PLR0911
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        return _number_size(inner)
    if kind == "B":
        return len(base64.b64decode(inner))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in inner)
    if kind == "NS":
        return sum(_number_size(n) for n in inner)
    if kind == "BS":
        return sum(len(base64.b64decode(b)) for b in inner)
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in inner)
    return 3 + sum(1 + len(k.encode()) + _value_size(v) for k, v in inner.items())  # M


def _number_size(number: str) -> int:
    digits = number.lstrip("-").replace(".", "").strip("0") or "0"
    return (len(digits) + 1) // 2 + 1


def _backend() -> Any:
    return dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]


class Meter:
    """Brackets one request: `before` while nothing else runs (moto's lock held), then
    `after` with its answer."""

    def __init__(self, operation: str, params: dict[str, Any]) -> None:
        self.operation = operation
        self.params = params
        self._touches = self._writes() if operation in WRITES else []
        self._before = [self._state(t) for t in self._touches]

    def after(self, answer: dict[str, Any]) -> Units:
        by_table: dict[str, list[float]] = {}
        if self.operation in READS:
            for table, units in self._read_units(answer):
                by_table.setdefault(_short(table), [0.0, 0.0])[0] += units
            return _units(by_table)
        for touch, before in zip(self._touches, self._before, strict=True):
            now = self._state(touch)
            write = max(1, math.ceil(max(before.size, now.size) / 1024)) * touch.factor
            write += sum(_index_writes(*pair) for pair in zip(
                zip(before.index_keys, before.projected, strict=True),
                zip(now.index_keys, now.projected, strict=True), strict=True))
            by_table.setdefault(_short(touch.table), [0.0, 0.0])[1] += write
        return _units(by_table)

    def _writes(self) -> list[_Touch]:
        p = self.params
        if self.operation == "PutItem":
            return [_Touch(p["TableName"], self._key(p["TableName"], p["Item"]), 1)]
        if self.operation in ("UpdateItem", "DeleteItem"):
            return [_Touch(p["TableName"], p["Key"], 1)]
        if self.operation == "BatchWriteItem":
            return [_Touch(table, self._key(table, r["PutRequest"]["Item"]) if "PutRequest"
                           in r else r["DeleteRequest"]["Key"], 1)
                    for table, requests in p["RequestItems"].items() for r in requests]
        touches = []
        for item in p["TransactItems"]:
            action = next(iter(item.values()))
            key = action.get("Key") or self._key(action["TableName"], action["Item"])
            touches.append(_Touch(action["TableName"], key, 2))
        return touches

    @staticmethod
    def _key(table: str, item: dict[str, Any]) -> dict[str, Any]:
        attrs = _backend().get_table(table).table_key_attrs
        return {name: item[name] for name in attrs}

    @staticmethod
    def _state(touch: _Touch) -> _State:
        backend = _backend()
        try:
            item = backend.get_item(touch.table, touch.key)
        except Exception:  # noqa: BLE001 - a key moto refuses: the request fails too
            item = None
        table = backend.get_table(touch.table)
        if item is None:
            nothing = tuple(None for _ in table.global_indexes)
            return _State(0, nothing, nothing)
        keys, projected = [], []
        for index in table.global_indexes:
            values = [item.attrs.get(name) for name in index.schema_key_attrs]
            if any(v is None for v in values):
                keys.append(None)
                projected.append(None)
            else:
                keys.append(tuple(str(v.value) for v in values))  # type: ignore[union-attr]
                projected.append(str(index.project(item).to_json()))
        return _State(item.size(), tuple(keys), tuple(projected))

    def _read_units(self, answer: dict[str, Any]) -> list[tuple[str, float]]:
        p = self.params
        strong = 1.0 if p.get("ConsistentRead") else 0.5
        if self.operation == "GetItem":
            return [(p["TableName"], _rru(wire_size(answer.get("Item", {}))) * strong)]
        if self.operation == "TransactGetItems":
            return [(item["Get"]["TableName"], 2.0 * _rru(wire_size(r.get("Item", {}))))
                    for item, r in zip(p["TransactItems"], answer.get("Responses", []),
                                       strict=False)]
        if self.operation == "BatchGetItem":
            found = []
            for table, items in answer.get("Responses", {}).items():
                consistent = p["RequestItems"].get(table, {}).get("ConsistentRead")
                found.append((table, sum(_rru(wire_size(i)) for i in items)
                              * (1.0 if consistent else 0.5)))
            return found
        size = sum(wire_size(i) for i in answer.get("Items", []))
        return [(p["TableName"], _rru(size) * strong)]  # Query, Scan


def _index_writes(before: tuple[Any, Any], after: tuple[Any, Any]) -> int:
    """An index's writes for one item: none if it is in neither image or its projection
    did not change, two if its index key changed (a delete and a put), else one."""
    (old_key, old_view), (new_key, new_view) = before, after
    if old_key is None and new_key is None:
        return 0
    if old_key is not None and new_key is not None:
        if old_key != new_key:
            return 2
        return 0 if old_view == new_view else 1
    return 1


def _rru(size: int) -> int:
    return max(1, math.ceil(size / 4096))
