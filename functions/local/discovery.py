"""Where each running local stack listens: one file per stack, named by its port.

Several stacks may run at once (on different ports): each writes its own file when it
is ready and removes only that file when it stops, so that the operator CLI never
mistakes one stack for another, nor loses the one it was told to use.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..settings import Settings

STATE_DIR_VARIABLE = "BACKUP_CODES_STATE_DIR"
_TABLES = tuple(field.name for field in fields(Settings) if field.name.endswith("_table"))


@dataclass(frozen=True)
class LocalStackInfo:
    """A running stack: its page and API (url), its embedded AWS (endpoint), the region
    and tables it created, and its process."""

    port: int
    url: str
    endpoint: str
    region: str
    tables: dict[str, str]
    pid: int


def state_dir() -> Path:
    configured = os.environ.get(STATE_DIR_VARIABLE)
    return Path(configured) if configured else Path.home() / ".cache" / "backup-codes"


def state_file(port: int) -> Path:
    return state_dir() / f"local-{port}.json"


def write_local_stack(port: int, url: str, endpoint: str, settings: Settings) -> Path:
    info = LocalStackInfo(port=port, url=url, endpoint=endpoint, region=settings.region,
                          tables={name: getattr(settings, name) for name in _TABLES},
                          pid=os.getpid())
    path = state_file(port)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole, then renamed: a reader never sees half a file.
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(asdict(info)))
    os.replace(partial, path)
    return path


def clear_local_stack(port: int) -> None:
    """Remove this process's own file; another stack's (one started on this port
    after this one failed) stays."""
    found = _read(state_file(port))
    if found is not None and found.pid == os.getpid():
        state_file(port).unlink(missing_ok=True)


def find_local_stack(port: int) -> LocalStackInfo | None:
    """The stack running on `port`, or None (a file its stack left behind is ignored)."""
    found = _read(state_file(port))
    return found if found is not None and _alive(found.pid) else None


def running_local_stacks() -> list[LocalStackInfo]:
    """Every running stack, by port."""
    found = (_read(path) for path in state_dir().glob("local-*.json"))
    return sorted((info for info in found if info is not None and _alive(info.pid)),
                  key=lambda info: info.port)


def _read(path: Path) -> LocalStackInfo | None:
    try:
        state: dict[str, Any] = json.loads(path.read_text())
        tables = {name: str(state["tables"][name]) for name in _TABLES}
        return LocalStackInfo(port=int(state["port"]), url=str(state["url"]),
                              endpoint=str(state["endpoint"]), region=str(state["region"]),
                              tables=tables, pid=int(state["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except PermissionError:  # another user's process: alive
        return True
    except (OSError, OverflowError):
        return False
    return True
