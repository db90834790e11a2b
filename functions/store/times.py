"""TTL attributes hold aware datetimes; the domain's times are POSIX seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def epoch(value: datetime | None) -> float:
    return value.timestamp() if value is not None else 0.0


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
