"""Tenant applications sign in through the service: the OpenID Connect code flow with
PKCE, with Authlib as the application and joserfc checking the ID tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import botocore.session
import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError
from chalice.app import Chalice
from joserfc import jwt
from oidc_world import (
    LOGOUT_REDIRECT_URI,
    REDIRECT_URI,
    Browser,
    Receiver,
    RelyingParty,
    backchannel_receiver,
    query_of,
)

from functions.api.application import LOGOUT_FUNCTION, PURGE_FUNCTION
from functions.local.pump import StreamPump
from functions.operator import Operator
from functions.settings import Settings

if TYPE_CHECKING:
    from conftest import Api

ORIGIN = "https://id.example.test"  # tests/integration/conftest.py's public origin


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with backchannel_receiver() as found:
        yield found


class Journey:
    """One tenant, its user alice, a registered application, and alice's browser."""

    def __init__(self, api: Api, operator: Operator, served: str, receiver: Receiver,
                 *, public: bool = False) -> None:
        self.api = api
        self.served = served
        self.receiver = receiver
        client, secret = operator.create_client(
            api.tenant, "Shop", (REDIRECT_URI,), public=public,
            post_logout_redirect_uris=(LOGOUT_REDIRECT_URI,),
            backchannel_logout_uri=receiver.url)
        self.client = client
        self.rp = RelyingParty(served, api.tenant, client.client_id, secret, api.clock.now)
        self.browser = Browser(served)
        self.issuer = f"{ORIGIN}/t/{api.tenant}"

    def sign_in(self, method: str = "totp", code: str | None = None) -> None:
        """alice signs in on the tenant's page in her browser."""
        answer = self.browser.call("POST", self.path("/auth/login"),
                                   {"username": "alice", "password": self.api.user.password})
        assert answer.status_code == 200, answer.text
        code = code or self.api.totp()
        done = self.browser.call("POST", self.path("/auth/mfa"), {
            "flow": answer.json()["flow"], "method": method, "code": code})
        assert done.status_code == 200, done.text

    def path(self, api_path: str) -> str:
        return f"/t/{self.api.tenant}/api{api_path}"

    def through_the_page(self, authorize_url: str, **sign_in: Any) -> str:
        """The browser goes to authorize, lands on the sign-in page, signs in there and
        the page completes the request: where the application gets the browser back."""
        first = self.browser.get(authorize_url)
        assert first.status_code == 302, first.text
        page = first.headers["Location"]
        assert page.startswith(f"/t/{self.api.tenant}/?authorize="), page
        request_id = query_of(page)["authorize"]
        info = self.browser.get(self.path(f"/oidc/requests/{request_id}"))
        assert info.json() == {"client_name": "Shop", "prompt": None}
        self.sign_in(**sign_in)
        completed = self.browser.call("POST", self.path(f"/oidc/requests/{request_id}/complete"))
        assert completed.status_code == 200, completed.text
        return str(completed.json()["redirect_to"])


@pytest.fixture
def journey(api: Api, operator: Operator, served: str, receiver: Receiver) -> Journey:
    return Journey(api, operator, served, receiver)


def test_discovery_names_the_tenants_endpoints(journey: Journey) -> None:
    found = journey.browser.get(f"/t/{journey.api.tenant}/.well-known/openid-configuration")
    assert found.status_code == 200
    metadata = found.json()
    assert metadata["issuer"] == journey.issuer
    assert metadata["token_endpoint"] == f"{journey.issuer}/api/oidc/token"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["id_token_signing_alg_values_supported"] == ["ES256"]
    assert metadata["backchannel_logout_supported"] is True


def test_the_code_flow_with_totp_gives_a_verified_id_token(journey: Journey) -> None:
    # WHEN the application sends alice to sign in, and she does with her authenticator
    back = journey.through_the_page(journey.rp.authorization_url())
    # THEN she returns to the registered address with a code, the state and the issuer
    assert back.startswith(REDIRECT_URI + "?")
    assert query_of(back)["state"] == journey.rp.state
    assert query_of(back)["iss"] == journey.issuer
    # AND the application's exchange gives tokens whose ID token the JWKS verifies
    token = journey.rp.exchange(back)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    claims = journey.rp.verified(token["id_token"], journey.issuer, nonce=journey.rp.nonce)
    assert claims["amr"] == ["pwd", "otp", "mfa"]
    assert "backup_code" not in claims
    assert claims["preferred_username"] == "alice"
    assert claims["auth_time"] <= claims["iat"] < claims["exp"]
    assert claims["sub"] and claims["sub"] != "alice" and claims["sid"]
    # AND userinfo with the access token says who she is
    info = requests.get(f"{journey.rp.api}/userinfo", timeout=5,
                        headers={"Authorization": f"Bearer {token['access_token']}"})
    assert info.json() == {"sub": claims["sub"], "preferred_username": "alice"}


def test_a_backup_code_sign_in_says_so_and_the_subject_stays(journey: Journey) -> None:
    cookie = journey.api.sign_in()
    codes = journey.api.add_codes(cookie)["codes"]
    first = journey.rp.exchange(journey.through_the_page(journey.rp.authorization_url()))
    first_claims = journey.rp.verified(first["id_token"], journey.issuer)
    # WHEN alice signs in again, in a new browser, with a backup code
    journey.browser = Browser(journey.served)
    back = journey.through_the_page(journey.rp.authorization_url(), method="backup_code",
                                    code=codes[0])
    claims = journey.rp.verified(journey.rp.exchange(back)["id_token"], journey.issuer)
    # THEN the ID token says a backup code was used, and she is the same subject
    assert claims["backup_code"] is True
    assert claims["amr"] == ["pwd", "otp", "mfa"]
    assert claims["sub"] == first_claims["sub"]
    assert claims["sid"] != first_claims["sid"]


def test_a_signed_in_browser_gets_the_code_at_once(journey: Journey) -> None:
    # GIVEN alice signed in (same-site: her cookie comes with the navigation)
    journey.sign_in()
    # WHEN the application sends her to authorize
    answer = journey.browser.get(journey.rp.authorization_url())
    # THEN she goes straight back with a code, no page in between
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(REDIRECT_URI + "?code=")
    claims = journey.rp.verified(journey.rp.exchange(answer.headers["Location"])["id_token"],
                                 journey.issuer)
    assert claims["amr"] == ["pwd", "otp", "mfa"]


def test_a_replayed_code_is_refused_and_revokes_what_it_gave(journey: Journey) -> None:
    back = journey.through_the_page(journey.rp.authorization_url())
    token = journey.rp.exchange(back)
    # WHEN the same code is exchanged again
    with pytest.raises(OAuthError) as replayed:
        journey.rp.exchange(back)
    # THEN it is refused, and the access token the first exchange gave no longer works
    assert replayed.value.error == "invalid_grant"
    info = requests.get(f"{journey.rp.api}/userinfo", timeout=5,
                        headers={"Authorization": f"Bearer {token['access_token']}"})
    assert info.status_code == 401
    assert info.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_wrong_secret_is_refused(journey: Journey) -> None:
    back = journey.through_the_page(journey.rp.authorization_url())
    journey.rp.session.client_secret = "not-the-secret"
    with pytest.raises(OAuthError) as refused:
        journey.rp.exchange(back)
    assert refused.value.error == "invalid_client"


def test_an_expired_code_is_refused(journey: Journey) -> None:
    back = journey.through_the_page(journey.rp.authorization_url())
    journey.api.clock.advance(61)
    with pytest.raises(OAuthError) as refused:
        journey.rp.exchange(back)
    assert refused.value.error == "invalid_grant"


def test_a_wrong_pkce_verifier_is_refused(journey: Journey) -> None:
    back = journey.through_the_page(journey.rp.authorization_url())
    journey.rp.verifier = "x" * 50
    with pytest.raises(OAuthError) as refused:
        journey.rp.exchange(back)
    assert refused.value.error == "invalid_grant"


def test_an_unregistered_redirect_uri_is_shown_never_followed(journey: Journey) -> None:
    url = journey.rp.authorization_url().replace(
        "shop.example%2Fcallback", "evil.example%2Fcallback")
    answer = journey.browser.get(url)
    assert answer.status_code == 302
    assert answer.headers["Location"] == (
        f"/t/{journey.api.tenant}/?authorize_error=invalid_redirect_uri")


def test_an_unknown_client_is_shown_never_followed(journey: Journey) -> None:
    url = journey.rp.authorization_url().replace(journey.client.client_id, "unknownclient1")
    answer = journey.browser.get(url)
    assert answer.headers["Location"] == f"/t/{journey.api.tenant}/?authorize_error=unknown_client"


def test_a_public_client_without_pkce_is_sent_back_an_error(
        api: Api, operator: Operator, served: str, receiver: Receiver) -> None:
    journey = Journey(api, operator, served, receiver, public=True)
    url = journey.rp.authorization_url()
    bare = url.split("&code_challenge=")[0] + "&" + url.split("&", 1)[1].split(
        "code_challenge_method=S256")[1].lstrip("&")
    answer = journey.browser.get(bare)
    back = query_of(answer.headers["Location"])
    assert answer.headers["Location"].startswith(REDIRECT_URI)
    assert back["error"] == "invalid_request" and back["state"] == journey.rp.state


def test_a_public_client_signs_in_with_pkce_alone(
        api: Api, operator: Operator, served: str, receiver: Receiver) -> None:
    journey = Journey(api, operator, served, receiver, public=True)
    token = journey.rp.exchange(journey.through_the_page(journey.rp.authorization_url()))
    assert journey.rp.verified(token["id_token"], journey.issuer)["aud"] == (
        journey.client.client_id)


def test_a_code_of_one_tenant_is_nothing_at_another(
        journey: Journey, api: Api, new_user: Any, operator: Operator, served: str,
        receiver: Receiver) -> None:
    back = journey.through_the_page(journey.rp.authorization_url())
    # GIVEN another tenant with a client of its own
    operator.create_tenant(f"{api.tenant}-b", "B")
    other = Journey(api.as_user(new_user(f"{api.tenant}-b")), operator, served, receiver)
    # WHEN its client presents the first tenant's code there
    other.rp.verifier = journey.rp.verifier
    with pytest.raises(OAuthError) as refused:
        other.rp.exchange(back)
    # THEN there is no such code there
    assert refused.value.error == "invalid_grant"
    # AND the first tenant's client cannot use its credentials at the other tenant
    journey.rp.api = other.rp.api
    with pytest.raises(OAuthError) as foreign:
        journey.rp.exchange(back)
    assert foreign.value.error == "invalid_client"


def test_prompt_login_asks_again_even_when_signed_in(journey: Journey) -> None:
    journey.sign_in()
    first = journey.browser.get(journey.rp.authorization_url(prompt="login"))
    page = first.headers["Location"]
    request_id = query_of(page)["authorize"]
    info = journey.browser.get(journey.path(f"/oidc/requests/{request_id}")).json()
    assert info["prompt"] == "login"
    complete = journey.path(f"/oidc/requests/{request_id}/complete")
    # WHEN the page tries to complete it without a fresh sign-in
    refused = journey.browser.call("POST", complete)
    assert refused.status_code == 403
    assert refused.json()["error"] == "reauthentication_required"
    # THEN after the password again it completes, with the new authentication time
    journey.api.clock.advance(5)
    assert journey.browser.call("POST", journey.path("/auth/reauth"),
                                {"password": journey.api.user.password}).status_code == 200
    back = journey.browser.call("POST", complete).json()["redirect_to"]
    claims = journey.rp.verified(journey.rp.exchange(back)["id_token"], journey.issuer)
    assert claims["auth_time"] == int(journey.api.clock.now())


def test_a_request_is_completed_once(journey: Journey) -> None:
    journey.sign_in()
    first = journey.browser.get(journey.rp.authorization_url(prompt="login"))
    request_id = query_of(first.headers["Location"])["authorize"]
    journey.api.clock.advance(1)
    journey.browser.call("POST", journey.path("/auth/reauth"),
                         {"password": journey.api.user.password})
    complete = journey.path(f"/oidc/requests/{request_id}/complete")
    assert journey.browser.call("POST", complete).status_code == 200
    again = journey.browser.call("POST", complete)
    assert again.status_code == 404 and again.json()["error"] == "request_not_found"


def test_cancel_sends_the_user_back_with_an_error(journey: Journey) -> None:
    page = journey.browser.get(journey.rp.authorization_url()).headers["Location"]
    request_id = query_of(page)["authorize"]
    answer = journey.browser.call("POST", journey.path(f"/oidc/requests/{request_id}/cancel"),
                                  {"error": "access_denied"})
    back = query_of(answer.json()["redirect_to"])
    assert back == {"error": "access_denied", "state": journey.rp.state, "iss": journey.issuer}


def test_the_admin_scope_needs_the_operators_leave(
        api: Api, operator: Operator, served: str) -> None:
    allowed, secret = operator.create_client(api.tenant, "Admin tool", (), admin=True)
    plain, plain_secret = operator.create_client(api.tenant, "Shop", (REDIRECT_URI,))
    token_url = f"{served}/t/{api.tenant}/api/oidc/token"
    granted = requests.post(token_url, data={"grant_type": "client_credentials",
                                             "scope": "admin"},
                            auth=(allowed.client_id, secret or ""), timeout=5)
    assert granted.status_code == 200
    assert granted.json()["scope"] == "admin" and granted.json()["expires_in"] == 900
    refused = requests.post(token_url, data={"grant_type": "client_credentials",
                                             "scope": "admin"},
                            auth=(plain.client_id, plain_secret or ""), timeout=5)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    # An admin token is no user's: userinfo refuses it.
    info = requests.get(f"{served}/t/{api.tenant}/api/oidc/userinfo", timeout=5,
                        headers={"Authorization": f"Bearer {granted.json()['access_token']}"})
    assert info.status_code == 403 and info.json()["error"] == "insufficient_scope"


def test_end_session_with_a_hint_ends_it_and_returns_to_the_application(
        journey: Journey) -> None:
    token = journey.rp.exchange(journey.through_the_page(journey.rp.authorization_url()))
    url = (f"{journey.rp.api}/logout?id_token_hint={token['id_token']}"
           f"&post_logout_redirect_uri={LOGOUT_REDIRECT_URI}&state=bye")
    answer = journey.browser.get(url)
    assert answer.headers["Location"] == f"{LOGOUT_REDIRECT_URI}?state=bye"
    # The session is over: the page's own calls are refused.
    assert journey.browser.call("GET", journey.path("/me")).status_code == 401


def test_end_session_without_a_hint_asks_the_user(journey: Journey) -> None:
    answer = journey.browser.get(f"{journey.rp.api}/logout")
    assert answer.headers["Location"] == f"/t/{journey.api.tenant}/?signout=confirm"


def test_end_session_refuses_an_unregistered_return_address(journey: Journey) -> None:
    token = journey.rp.exchange(journey.through_the_page(journey.rp.authorization_url()))
    answer = journey.browser.get(f"{journey.rp.api}/logout?id_token_hint={token['id_token']}"
                                 "&post_logout_redirect_uri=https://evil.example/")
    assert answer.headers["Location"] == (
        f"/t/{journey.api.tenant}/?authorize_error=invalid_redirect_uri")
    assert journey.browser.call("GET", journey.path("/me")).status_code == 200


# Ended here, ended there: back-channel logout ----------------------------------------

class Streams:
    """Both streams, run as Lambda's event source mappings run them."""

    def __init__(self, app: Chalice, settings: Settings) -> None:
        session = botocore.session.get_session()
        dynamodb = session.create_client("dynamodb", region_name=settings.region)
        streams = session.create_client("dynamodbstreams", region_name=settings.region)
        self.purge = StreamPump(dynamodb, streams, settings.code_sets_table,
                                app.handler_map[PURGE_FUNCTION])
        self.logout = StreamPump(dynamodb, streams, settings.sessions_table,
                                 app.handler_map[LOGOUT_FUNCTION], retry_delay_seconds=0.01)
        self.purge.open()
        self.logout.open()

    def run(self) -> None:
        self.purge.drain()
        self.logout.drain()


@pytest.fixture
def streams(app: Chalice, settings: Settings) -> Streams:
    return Streams(app, settings)


def logout_tokens(journey: Journey, sid: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(header, claims) of each verified logout token the application got for `sid`."""
    found = []
    for token in journey.receiver.tokens:  # every test's application posts to this one
        decoded = jwt.decode(token, journey.rp.jwks(), algorithms=["ES256"])
        if decoded.claims["aud"] != journey.client.client_id:
            continue
        claims = journey.rp.verified(token, journey.issuer)
        if claims["sid"] == sid:
            found.append((decoded.header, claims))
    return found


def test_a_change_of_codes_signs_the_user_out_of_the_application(
        journey: Journey, streams: Streams) -> None:
    # GIVEN alice signed in to the application
    token = journey.rp.exchange(journey.through_the_page(journey.rp.authorization_url()))
    signed_in = journey.rp.verified(token["id_token"], journey.issuer)
    streams.run()
    assert logout_tokens(journey, signed_in["sid"]) == []
    # WHEN she adds backup codes from another browser, and the streams run
    other = journey.api.sign_in()
    journey.api.add_codes(other)
    streams.run()
    # THEN the application was sent one back-channel logout token for that session
    ((header, claims),) = logout_tokens(journey, signed_in["sid"])
    assert header["typ"] == "logout+jwt"
    assert claims["sub"] == signed_in["sub"]
    assert claims["events"] == {"http://schemas.openid.net/event/backchannel-logout": {}}
    assert "nonce" not in claims and claims["jti"]
    # AND the session is over at the service too
    assert journey.browser.call("GET", journey.path("/me")).status_code == 401


def test_signing_out_on_the_page_signs_out_of_the_application(
        journey: Journey, streams: Streams) -> None:
    token = journey.rp.exchange(journey.through_the_page(journey.rp.authorization_url()))
    sid = journey.rp.verified(token["id_token"], journey.issuer)["sid"]
    assert journey.browser.call("POST", journey.path("/auth/logout")).status_code == 204
    streams.run()
    assert len(logout_tokens(journey, sid)) == 1


def test_a_session_that_signed_in_to_no_application_sends_nothing(
        journey: Journey, streams: Streams) -> None:
    streams.run()
    before = len(journey.receiver.tokens)
    journey.sign_in()
    assert journey.browser.call("POST", journey.path("/auth/logout")).status_code == 204
    streams.run()
    assert len(journey.receiver.tokens) == before


def test_an_application_that_fails_is_retried_then_given_up(
        journey: Journey, streams: Streams) -> None:
    token = journey.rp.exchange(journey.through_the_page(journey.rp.authorization_url()))
    sid = journey.rp.verified(token["id_token"], journey.issuer)["sid"]
    streams.run()
    journey.receiver.status = 500
    try:
        journey.browser.call("POST", journey.path("/auth/logout"))
        dropped = streams.logout.stats.dropped
        streams.run()
    finally:
        journey.receiver.status = 200
    # Each of the pump's attempts tried twice; the record then went to the failure queue.
    assert streams.logout.stats.dropped == dropped + 1
    assert len(logout_tokens(journey, sid)) == 2 * 4


def test_a_user_made_before_subjects_gets_one_at_first_use(journey: Journey) -> None:
    # GIVEN alice's item as it was before users had an OpenID subject
    from functions.store import keys
    from functions.store.models import UserModel

    UserModel(keys.user_pk(journey.api.tenant, "alice")).update(
        actions=[UserModel.subject.remove()])
    # WHEN she signs in to the application, twice
    first = journey.rp.verified(journey.rp.exchange(journey.through_the_page(
        journey.rp.authorization_url()))["id_token"], journey.issuer)
    journey.browser = Browser(journey.served)
    second = journey.rp.verified(journey.rp.exchange(journey.through_the_page(
        journey.rp.authorization_url()))["id_token"], journey.issuer)
    # THEN she got one at the first, and keeps it
    stored = UserModel.get(keys.user_pk(journey.api.tenant, "alice")).subject
    assert first["sub"] == second["sub"] == stored
