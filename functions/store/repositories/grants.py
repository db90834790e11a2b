"""The OpenID Provider's short-lived items in the transient table, each deleted by TTL:
pending authorization requests, authorization codes, access tokens, and the index
from an ID token's `sid` to its session."""

from __future__ import annotations

from typing import TypeVar

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from ...core.grants import (
    AccessToken,
    AuthorizationRequest,
    CodeGrant,
    PendingAuthorization,
    SignedInUser,
)
from ...core.model import Session
from ...core.ports import CodeRedemption, IssueOutcome
from .. import keys
from ..conditional import Reasons, applied, returned, transact
from ..models import (
    AccessTokenModel,
    CodeGrantModel,
    PendingAuthorizationModel,
    SessionIndexModel,
    SessionModel,
    SignedInUserMap,
)
from ..times import utc

_Transient = TypeVar("_Transient", CodeGrantModel, AccessTokenModel, SessionIndexModel)
# Items outlive their validity a little (TTL deletion is lazy; `valid_until` decides).
_GRACE_SECONDS = 300
# transact() positions of the code issue's writes, for reading a cancellation.
_SESSION, _PENDING = 1, 3


class DynamoGrantStore:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def save_pending(self, pending: PendingAuthorization) -> None:
        request = pending.request
        PendingAuthorizationModel(
            keys.pending_authorization_pk(pending.tenant, pending.request_id),
            expires_at=utc(pending.expires_at + _GRACE_SECONDS), tenant=pending.tenant,
            client_id=request.client_id, redirect_uri=request.redirect_uri,
            scopes=list(request.scopes), state=request.state, nonce=request.nonce,
            code_challenge=request.code_challenge, prompt=request.prompt,
            max_age=request.max_age, created_at=pending.created_at,
            valid_until=pending.expires_at).save()

    def get_pending(self, tenant: str, request_id: str) -> PendingAuthorization | None:
        try:
            item = PendingAuthorizationModel.get(
                keys.pending_authorization_pk(tenant, request_id), consistent_read=True)
        except PendingAuthorizationModel.DoesNotExist:
            return None
        return _pending(tenant, request_id, item)

    def discard_pending(self, tenant: str, request_id: str) -> bool:
        item = PendingAuthorizationModel(keys.pending_authorization_pk(tenant, request_id))
        return applied(lambda: item.delete(condition=PendingAuthorizationModel.pk.exists()))

    def issue_code(self, grant: CodeGrant, session: Session,
                   pending_id: str | None) -> IssueOutcome:
        code_pk = keys.code_grant_pk(grant.tenant, grant.code_hash)

        def build(transaction: TransactWrite) -> None:
            transaction.save(_code_item(grant), condition=CodeGrantModel.pk.does_not_exist(),
                             return_values="ALL_OLD")
            # Only a session that still exists learns of the client: one purged a
            # moment ago is not brought back, and its code is not issued.
            transaction.update(SessionModel(keys.session_pk(session.tenant, session.token_hash)),
                               actions=[SessionModel.clients.add({grant.client_id}),
                                        SessionModel.subject.set(grant.user.subject)],
                               condition=SessionModel.pk.exists())
            transaction.save(SessionIndexModel(
                keys.session_index_pk(session.tenant, session.session_id),
                expires_at=utc(session.expires_at + _GRACE_SECONDS),
                username=session.username, token_hash=session.token_hash))
            if pending_id is not None:
                transaction.delete(PendingAuthorizationModel(
                    keys.pending_authorization_pk(grant.tenant, pending_id)),
                    condition=PendingAuthorizationModel.pk.exists())

        failed: list[IssueOutcome] = []

        def landed(reasons: Reasons) -> bool:
            # The code's key is new to this request: found stored, the transaction
            # had landed on a try whose answer was lost.
            if returned(reasons, code_pk) is not None:
                return True
            failed.append("session_ended" if _failed(reasons, _SESSION) else "request_gone")
            return False

        if transact(self._connection, build, token=grant.code_hash[:36], landed=landed):
            return "issued"
        return failed[0]

    def redeem_code(self, redemption: CodeRedemption) -> CodeGrant | None:
        item = CodeGrantModel(keys.code_grant_pk(redemption.tenant, redemption.code_hash))
        challenge = (CodeGrantModel.code_challenge.does_not_exist()
                     if redemption.code_challenge is None
                     else CodeGrantModel.code_challenge == redemption.code_challenge)
        condition = (CodeGrantModel.pk.exists() & CodeGrantModel.redeemed.does_not_exist()
                     & (CodeGrantModel.valid_until > redemption.now)
                     & (CodeGrantModel.client_id == redemption.client_id)
                     & (CodeGrantModel.redirect_uri == redemption.redirect_uri) & challenge)
        stored: list[CodeGrantModel] = []

        def landed() -> bool:
            found = _read(CodeGrantModel, item.pk)
            if found is not None and found.redeemed == redemption.access_token_hash:
                stored.append(found)
                return True
            if found is not None and found.redeemed is not None:
                # A replay: the token the first exchange issued is revoked.
                AccessTokenModel(keys.access_token_pk(redemption.tenant, found.redeemed)).delete()
            return False

        if not applied(lambda: item.update(
                actions=[CodeGrantModel.redeemed.set(redemption.access_token_hash)],
                condition=condition), landed=landed):
            return None
        return _grant(redemption.tenant, redemption.code_hash, stored[0] if stored else item)

    def save_access_token(self, token: AccessToken) -> None:
        AccessTokenModel(
            keys.access_token_pk(token.tenant, token.token_hash),
            expires_at=utc(token.expires_at + _GRACE_SECONDS), tenant=token.tenant,
            client_id=token.client_id, scopes=list(token.scopes), issued_at=token.issued_at,
            valid_until=token.expires_at,
            user=None if token.user is None else _user_map(token.user)).save()

    def get_access_token(self, tenant: str, token_hash: str) -> AccessToken | None:
        item = _read(AccessTokenModel, keys.access_token_pk(tenant, token_hash))
        if item is None or item.tenant != tenant:
            return None
        return AccessToken(tenant=tenant, token_hash=token_hash, client_id=item.client_id,
                           scopes=tuple(item.scopes), issued_at=float(item.issued_at),
                           expires_at=float(item.valid_until),
                           user=None if item.user is None else _user(item.user))

    def session_of(self, tenant: str, session_id: str) -> tuple[str, str] | None:
        if not 0 < len(session_id) <= 64:
            return None
        item = _read(SessionIndexModel, keys.session_index_pk(tenant, session_id))
        return None if item is None else (item.username, item.token_hash)


def _read(model: type[_Transient], pk: str) -> _Transient | None:
    try:
        return model.get(pk, consistent_read=True)
    except model.DoesNotExist:
        return None


def _failed(reasons: Reasons, position: int) -> bool:
    reason = reasons[position] if position < len(reasons) else None
    return reason is not None and reason.code == "ConditionalCheckFailed"


def _code_item(grant: CodeGrant) -> CodeGrantModel:
    return CodeGrantModel(
        keys.code_grant_pk(grant.tenant, grant.code_hash),
        expires_at=utc(grant.expires_at + _GRACE_SECONDS), tenant=grant.tenant,
        client_id=grant.client_id, redirect_uri=grant.redirect_uri, scopes=list(grant.scopes),
        user=_user_map(grant.user), valid_until=grant.expires_at, nonce=grant.nonce,
        code_challenge=grant.code_challenge)


def _grant(tenant: str, code_hash: str, item: CodeGrantModel) -> CodeGrant:
    return CodeGrant(tenant=tenant, code_hash=code_hash, client_id=item.client_id,
                     redirect_uri=item.redirect_uri, scopes=tuple(item.scopes),
                     user=_user(item.user), expires_at=float(item.valid_until),
                     nonce=item.nonce, code_challenge=item.code_challenge)


def _user_map(user: SignedInUser) -> SignedInUserMap:
    return SignedInUserMap(username=user.username, subject=user.subject,
                           session_id=user.session_id, auth_time=user.auth_time,
                           methods=list(user.methods))


def _user(stored: SignedInUserMap) -> SignedInUser:
    return SignedInUser(username=stored.username, subject=stored.subject,
                        session_id=stored.session_id, auth_time=float(stored.auth_time),
                        methods=tuple(stored.methods))


def _pending(tenant: str, request_id: str,
             item: PendingAuthorizationModel) -> PendingAuthorization:
    request = AuthorizationRequest(
        client_id=item.client_id, redirect_uri=item.redirect_uri, scopes=tuple(item.scopes),
        state=item.state, nonce=item.nonce, code_challenge=item.code_challenge,
        prompt=item.prompt if item.prompt in ("login", "none") else None,  # type: ignore[arg-type]
        max_age=None if item.max_age is None else int(item.max_age))
    return PendingAuthorization(tenant, request_id, request, created_at=float(item.created_at),
                                expires_at=float(item.valid_until))
