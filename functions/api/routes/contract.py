"""The contract itself: /openapi.json."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from chalice.app import Response

from ..routing import Call, Route

OPENAPI = Path(__file__).resolve().parents[1] / "openapi.json"


@cache
def _document() -> str:
    return OPENAPI.read_text()


def openapi(call: Call) -> Response:
    return Response(body=_document(), status_code=200,
                    headers={"Content-Type": "application/json",
                             "Cache-Control": "public, max-age=300"})


ROUTES = [Route("GET", "/openapi.json", openapi, signed_in=False)]
