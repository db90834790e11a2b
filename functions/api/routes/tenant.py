"""The tenant itself, public: /tenant (the page checks it before it shows a form)."""

from __future__ import annotations

from chalice.app import Response

from ..http import json_response
from ..routing import Call, Route


def tenant(call: Call) -> Response:
    found, _policy = call.services.tenants.tenant(call.tenant)
    return json_response({"tenant": found.tenant_id, "name": found.display_name})


ROUTES = [Route("GET", "/tenant", tenant, signed_in=False)]
