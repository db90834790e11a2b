"""Users: credentials, the TOTP step last used, and second-factor failures.

The sign-in step's own reads and writes of this item are in signin.py.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import Conflict, NotFound
from ...core.model import User, UserSummary
from .. import keys
from ..conditional import applied
from ..models import UserModel

# Conditions, named once.
_EXISTS = UserModel.pk.exists()


class DynamoUserRepository:
    def get(self, tenant: str, username: str) -> User | None:
        try:
            item = UserModel.get(keys.user_pk(tenant, username), consistent_read=True)
        except UserModel.DoesNotExist:
            return None
        return user_of(item)

    def create(self, user: User) -> None:
        item = UserModel(keys.user_pk(user.tenant, user.username), tenant=user.tenant,
                         username=user.username, password_hash=user.password_hash,
                         totp_secret=user.totp_secret, totp_enabled=user.totp_enabled,
                         failed_attempts=0, flows={}, created_at=user.created_at,
                         email=user.email)
        if not applied(lambda: item.save(condition=UserModel.pk.does_not_exist())):
            raise Conflict(f"User {user.username} already exists.")

    def list_users(self, tenant: str) -> list[UserSummary]:
        return [UserSummary(username=item.username, created_at=float(item.created_at),
                            totp_enabled=bool(item.totp_enabled))
                for item in UserModel.by_tenant.query(tenant)]

    def set_password_hash(self, tenant: str, username: str, password_hash: str) -> None:
        self._update_existing(tenant, username, [UserModel.password_hash.set(password_hash)])

    def set_email(self, tenant: str, username: str, email: str | None) -> None:
        action = UserModel.email.set(email) if email else UserModel.email.remove()
        self._update_existing(tenant, username, [action])

    def lock_until(self, tenant: str, username: str, until: float) -> None:
        self._update_existing(tenant, username, [UserModel.locked_until.set(until)])

    def reset_failures(self, tenant: str, username: str) -> None:
        self._update_existing(tenant, username, [UserModel.failed_attempts.set(0),
                                                 UserModel.locked_until.remove()])

    def _update_existing(self, tenant: str, username: str, actions: list[Any]) -> None:
        if not applied(lambda: UserModel(keys.user_pk(tenant, username)).update(
                actions=actions, condition=_EXISTS)):
            raise NotFound(f"User {username} does not exist.")


def user_of(item: UserModel) -> User:
    return User(tenant=item.tenant, username=item.username, password_hash=item.password_hash,
                created_at=float(item.created_at), totp_secret=item.totp_secret,
                totp_last_step=None if item.totp_last_step is None else int(item.totp_last_step),
                failed_attempts=int(item.failed_attempts or 0),
                locked_until=None if item.locked_until is None else float(item.locked_until),
                email=item.email)
