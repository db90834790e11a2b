"""A tenant's clients: one item each under the tenant's key, listed by one Query."""

from __future__ import annotations

from ...core.errors import Conflict
from ...core.grants import Client
from .. import keys
from ..conditional import applied
from ..models import ClientModel


class DynamoClientRepository:
    def get(self, tenant: str, client_id: str) -> Client | None:
        try:
            item = ClientModel.get(keys.tenant_pk(tenant), keys.client_sk(client_id),
                                   consistent_read=True)
        except ClientModel.DoesNotExist:
            return None
        return _client(tenant, item)

    def create(self, client: Client) -> None:
        # A new random id: a retry of this put finds its own item, the same client.
        _item(client).save()

    def replace(self, client: Client) -> None:
        item = _item(client)
        if not applied(lambda: item.save(condition=ClientModel.pk.exists())):
            raise Conflict(f"Client {client.client_id} was deleted meanwhile.")

    def delete(self, tenant: str, client_id: str) -> bool:
        item = ClientModel(keys.tenant_pk(tenant), keys.client_sk(client_id))
        return applied(lambda: item.delete(condition=ClientModel.pk.exists()))

    def list_clients(self, tenant: str) -> list[Client]:
        found = ClientModel.query(keys.tenant_pk(tenant),
                                  ClientModel.sk.startswith(keys.client_sk("")))
        return sorted((_client(tenant, item) for item in found), key=lambda c: c.created_at)


def _item(client: Client) -> ClientModel:
    return ClientModel(
        keys.tenant_pk(client.tenant), keys.client_sk(client.client_id),
        client_id=client.client_id, name=client.name, redirect_uris=list(client.redirect_uris),
        post_logout_redirect_uris=list(client.post_logout_redirect_uris) or None,
        secret_hash=client.secret_hash, backchannel_logout_uri=client.backchannel_logout_uri,
        scopes=list(client.scopes), created_at=client.created_at)


def _client(tenant: str, item: ClientModel) -> Client:
    return Client(tenant=tenant, client_id=item.client_id, name=item.name,
                  redirect_uris=tuple(item.redirect_uris), created_at=float(item.created_at),
                  secret_hash=item.secret_hash,
                  post_logout_redirect_uris=tuple(item.post_logout_redirect_uris or ()),
                  backchannel_logout_uri=item.backchannel_logout_uri,
                  scopes=tuple(item.scopes))
