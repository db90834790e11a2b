"""Generated requests against the served API: Schemathesis reads the OpenAPI document the
API serves and sends what it describes (and what it does not) to a real HTTP server
over the app; Hypothesis sends JSON bodies of every shape, lone surrogates included.
No answer may be a 5xx, and every answer is the document's.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from functions.api.routes.contract import OPENAPI

if TYPE_CHECKING:
    from conftest import Api

SCHEMA = schemathesis.openapi.from_dict(json.loads(OPENAPI.read_text()))
ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                          categories=None), max_size=40)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(ANY_TEXT, children, max_size=3), max_leaves=8)
FIELDS = ("username", "password", "flow", "method", "code", "generation")
# Every status the generated requests got, by class: the last test looks at the spread.
SEEN: Counter[str] = Counter()


@pytest.fixture
def session_headers(api: Api) -> dict[str, str]:
    """A signed-in user with codes, so the routes behind a session are reached too."""
    cookie = api.sign_in()
    api.add_codes(cookie)
    return {"Cookie": cookie, "X-Requested-With": "XMLHttpRequest"}


@SCHEMA.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_generated_request_is_a_server_error(case: Any, served: str, api: Api,
                                                session_headers: dict[str, str]) -> None:
    # Most requests name the tenant of a real user and carry her session, so that they
    # get past the tenant check and the session check to the routes' own work.
    case.path_parameters = {**(case.path_parameters or {}), "tenant": api.tenant}
    response = case.call(base_url=served, headers=session_headers)
    SEEN[f"{response.status_code // 100}xx"] += 1
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=st.sampled_from(["/auth/login", "/auth/mfa", "/auth/reauth",
                             "/me/backup-codes/regenerate", "/me/totp/confirm"]),
       body=st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=4) | JSON_VALUES)
def test_any_json_body_is_answered_in_the_contract(api: Api, session_headers: dict[str, str],
                                                   path: str, body: Any) -> None:
    response = api.post(path, raw=json.dumps(body), headers=session_headers)
    assert response.status_code < 500, (path, body, response.body)
    if response.status_code >= 400:
        answer = json.loads(response.body)
        assert set(answer) == {"error", "message"} and answer["message"], answer


def test_the_document_schemathesis_reads_is_the_one_served(api: Api) -> None:
    served = json.loads(api.get("/openapi.json").body)
    assert served == json.loads(Path(OPENAPI).read_text())
    # The generated requests reached the routes' own work, not only their refusals.
    print(f"generated requests: {dict(SEEN)}")
    assert SEEN["2xx"] > 20 and SEEN["4xx"] > 100 and "5xx" not in SEEN
