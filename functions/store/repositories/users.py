"""Users: credentials, the TOTP step last used, and second-factor failures."""

from __future__ import annotations

from typing import Any

from ...core.errors import Conflict, NotFound
from ...core.model import User, UserSummary
from ...core.policy import LOCKOUT_CEILING
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
        return _user(item)

    def create(self, user: User) -> None:
        item = UserModel(keys.user_pk(user.tenant, user.username), tenant=user.tenant,
                         username=user.username, password_hash=user.password_hash,
                         totp_secret=user.totp_secret, totp_enabled=user.totp_enabled,
                         failed_attempts=0, created_at=user.created_at)
        if not applied(lambda: item.save(condition=UserModel.pk.does_not_exist())):
            raise Conflict(f"User {user.username} already exists.")

    def list_users(self, tenant: str) -> list[UserSummary]:
        return [UserSummary(username=item.username, created_at=float(item.created_at),
                            totp_enabled=bool(item.totp_enabled))
                for item in UserModel.by_tenant.query(tenant)]

    def set_password_hash(self, tenant: str, username: str, password_hash: str) -> None:
        self._update_existing(tenant, username, [UserModel.password_hash.set(password_hash)])

    def reserve_attempt(self, tenant: str, username: str, now: float, lock_from: int,
                        hold_until: float) -> tuple[bool, User | None]:
        # Counted before the code is checked, under a condition that refuses a
        # locked user: concurrent guesses cannot slip past the threshold or the
        # ceiling, and an old login flow gives a locked user nothing.
        item = UserModel(keys.user_pk(tenant, username))
        unlocked = UserModel.locked_until.does_not_exist() | (UserModel.locked_until <= now)
        # Well below the threshold, attempts just count and may run side by side.
        # update() writes the item as stored after the update (ALL_NEW) into `item`.
        if applied(lambda: item.update(
                actions=[UserModel.failed_attempts.add(1)],
                condition=_EXISTS & (UserModel.failed_attempts < lock_from - 1) & unlocked)):
            return True, _user(item)
        # The attempt that reaches the threshold, and each one after it, also
        # locks while it is checked: of a burst, only it gets through. A
        # failure replaces the hold with the back-off; a success clears it.
        if applied(lambda: item.update(
                actions=[UserModel.failed_attempts.add(1),
                         UserModel.locked_until.set(hold_until)],
                condition=_EXISTS & (UserModel.failed_attempts < LOCKOUT_CEILING) & unlocked)):
            return True, _user(item)
        return False, self.get(tenant, username)

    def lock_until(self, tenant: str, username: str, until: float | None) -> None:
        if until is not None:
            self._update_existing(tenant, username, [UserModel.locked_until.set(until)])

    def reset_failures(self, tenant: str, username: str) -> None:
        self._update_existing(tenant, username, [UserModel.failed_attempts.set(0),
                                                 UserModel.locked_until.remove()])

    def claim_totp_step(self, tenant: str, username: str, step: int) -> bool:
        return applied(lambda: UserModel(keys.user_pk(tenant, username)).update(
            actions=[UserModel.totp_last_step.set(step)],
            condition=_EXISTS & (UserModel.totp_last_step.does_not_exist()
                                 | (UserModel.totp_last_step < step))))

    def _update_existing(self, tenant: str, username: str, actions: list[Any]) -> None:
        if not applied(lambda: UserModel(keys.user_pk(tenant, username)).update(
                actions=actions, condition=_EXISTS)):
            raise NotFound(f"User {username} does not exist.")


def _user(item: UserModel) -> User:
    return User(tenant=item.tenant, username=item.username, password_hash=item.password_hash,
                created_at=float(item.created_at), totp_secret=item.totp_secret,
                totp_last_step=None if item.totp_last_step is None else int(item.totp_last_step),
                failed_attempts=int(item.failed_attempts or 0),
                locked_until=None if item.locked_until is None else float(item.locked_until))
