"""botocore clients for what leaves the service, made on first use (a cold start that
never sends an event or an email never loads their service models)."""

from __future__ import annotations

from typing import Any

import botocore.session
from botocore.config import Config

from ..lazy import Lazy


# The timeouts and attempts are the caller's bound on how long a call may take.
def lazy_client(service: str, region: str, endpoint: str | None, *,  # noqa: PLR0913
                connect_timeout: float, read_timeout: float, attempts: int) -> Lazy[Any]:
    """One client per container, made on first use; botocore clients are thread-safe."""
    return Lazy(lambda: botocore.session.get_session().create_client(
        service, region_name=region, endpoint_url=endpoint, config=Config(
            connect_timeout=connect_timeout, read_timeout=read_timeout,
            retries={"max_attempts": attempts, "mode": "standard"})))
