"""Where a running local stack listens, so the CLI finds it without flags."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

STATE_FILE = Path(os.environ.get("BACKUP_CODES_STATE_DIR", Path.home() / ".cache")) / (
    "backup-codes-local.json")


def write_local_stack(endpoint: str, url: str) -> None:
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps({"endpoint": endpoint, "url": url, "pid": os.getpid()}))


def clear_local_stack() -> None:
    STATE_FILE.unlink(missing_ok=True)


def find_local_stack() -> dict[str, Any] | None:
    """The running local stack's endpoints, or None (a stale file is ignored)."""
    try:
        state: dict[str, Any] = json.loads(STATE_FILE.read_text())
        os.kill(int(state["pid"]), 0)
    except (OSError, ValueError, KeyError):
        return None
    return state
