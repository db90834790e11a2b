"""Password failures per tenant and username, on a transient item that expires a
day after the last failure; kept for usernames that do not exist too, so that a
lock says nothing about which ones do."""

from __future__ import annotations

from ...core.model import Counted, Reservation
from .. import keys
from ..attempts import Counter, Guard, counted, reserve
from ..models import PasswordAttemptsModel
from ..times import utc

COUNTER = Counter(failures=PasswordAttemptsModel.failures,
                  locked_until=PasswordAttemptsModel.locked_until,
                  attempt=PasswordAttemptsModel.attempt, exists=None, holds_at_ceiling=True)
KEEP_SECONDS = 24 * 3600


class DynamoPasswordAttemptRepository:
    def reserve(self, tenant: str, username: str, reservation: Reservation) -> Counted:
        pk = keys.password_attempts_pk(tenant, username)
        expires = PasswordAttemptsModel.expires_at.set(utc(reservation.now + KEEP_SECONDS))

        def read() -> PasswordAttemptsModel | None:
            try:
                return PasswordAttemptsModel.get(pk, consistent_read=True)
            except PasswordAttemptsModel.DoesNotExist:
                return None

        def new_item() -> PasswordAttemptsModel:
            return PasswordAttemptsModel(pk)

        item = reserve(new_item, read, COUNTER, reservation, Guard(actions=[expires]))
        return counted(item, COUNTER, reservation)

    def lock_until(self, tenant: str, username: str, until: float) -> None:
        PasswordAttemptsModel(keys.password_attempts_pk(tenant, username)).update(
            actions=[PasswordAttemptsModel.locked_until.set(until)])

    def clear(self, tenant: str, username: str) -> None:
        PasswordAttemptsModel(keys.password_attempts_pk(tenant, username)).delete()
