"""Rotating the lookup-tag key (a new SSM parameter version): nothing in use breaks."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pyotp
from chalice.test import Client

from functions.api.application import create_app
from functions.bootstrap import LazyServices, build_operator, build_repositories, build_services
from functions.store.secrets import read_lookup_key, store_lookup_key

PASSWORD = "correct horse battery staple"  # noqa: S105
XHR = {"X-Requested-With": "XMLHttpRequest", "Content-Type": "application/json"}


class Container:
    """A fresh container: it reads the key's current version from SSM itself."""

    def __init__(self, settings: Any) -> None:
        services = build_services(settings)
        self.client = Client(create_app(LazyServices(lambda: services), settings))

    def call(self, method: str, path: str, body: Any = None, cookie: str = "") -> Any:
        headers = {**XHR, **({"Cookie": cookie} if cookie else {})}
        return self.client.http.request(method, f"/t/acme/api{path}", headers=headers,
                                        body=json.dumps(body or {}))

    def flow(self) -> str:
        return str(json.loads(self.call("POST", "/auth/login",
                                        {"username": "alice", "password": PASSWORD}).body)["flow"])

    def sign_in(self, flow: str, method: str, code: str) -> Any:
        return self.call("POST", "/auth/mfa", {"flow": flow, "method": method, "code": code})


def test_a_rotated_key_keeps_old_sets_and_flows_working_and_new_sets_use_it(stack: Any) -> None:
    # GIVEN alice's codes made under version 1 of the key, and a login flow begun then
    settings = stack.settings
    operator = build_operator(settings)
    operator.create_tenant("acme")
    uri = operator.create_user("acme", "alice", PASSWORD, totp=True)
    assert uri is not None
    totp = pyotp.parse_uri(uri)
    before = Container(settings)
    cookie = str(before.sign_in(before.flow(), "totp", totp.now()).headers["Set-Cookie"]
                 ).split(";", 1)[0]
    old = json.loads(before.call("POST", "/me/backup-codes", cookie=cookie).body)
    flow_before = before.flow()
    repos = build_repositories(settings)
    assert repos.code_sets.get("acme", "alice").key_version == 1

    # WHEN the operator rotates the key, and a new container starts
    version = store_lookup_key(settings.lookup_key_parameter, settings.region, None,
                               secrets.token_bytes(32), overwrite=True)
    assert version == 2
    after = Container(settings)

    # THEN a code of the version-1 set still signs in, through a flow begun before too
    assert after.sign_in(flow_before, "backup_code", old["codes"][0]).status_code == 200
    assert after.sign_in(after.flow(), "backup_code", old["codes"][1]).status_code == 200
    # AND a new set is made under version 2, its codes work, and the old ones do not
    cookie = str(after.sign_in(after.flow(), "backup_code", old["codes"][2]).headers[
        "Set-Cookie"]).split(";", 1)[0]
    new = json.loads(after.call("POST", "/me/backup-codes/regenerate", cookie=cookie).body)
    assert repos.code_sets.get("acme", "alice").key_version == 2
    assert after.sign_in(after.flow(), "backup_code", new["codes"][0]).status_code == 200
    assert after.sign_in(after.flow(), "backup_code", old["codes"][3]).status_code == 401
    # AND both versions are still readable: a set is regenerated on its user's time
    assert read_lookup_key(settings.lookup_key_parameter, settings.region, None, 1)[0] == 1
