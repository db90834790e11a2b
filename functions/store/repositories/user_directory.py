"""A page of a tenant's users for the admin API: the by-tenant index for the names, then
the users' and code sets' items read in two batches (the index holds neither the lock
nor the codes)."""

from __future__ import annotations

from ...core.model import UserRow
from .. import keys
from ..models import CodeSetModel, UserModel
from .pages import decode_cursor, encode_cursor


class DynamoUserDirectory:
    def page(self, tenant: str, limit: int,
             cursor: str | None) -> tuple[list[UserRow], str | None]:
        start = decode_cursor(cursor, ("tenant", tenant))
        found = UserModel.by_tenant.query(tenant, limit=limit, last_evaluated_key=start)
        names = [item.username for item in found]
        last = found.last_evaluated_key
        if not names:
            return [], None
        pks = [keys.user_pk(tenant, name) for name in names]
        users = {item.username: item for item in UserModel.batch_get(
            pks, consistent_read=True, attributes_to_get=[
                "pk", "username", "created_at", "totp_secret", "locked_until"])}
        code_sets = {item.username: item for item in CodeSetModel.batch_get(
            pks, consistent_read=True, attributes_to_get=["pk", "username", "enabled", "codes"])}
        rows = [_row(users[name], code_sets.get(name)) for name in names if name in users]
        return rows, (encode_cursor(last) if last and len(names) == limit else None)


def _row(user: UserModel, code_set: CodeSetModel | None) -> UserRow:
    enabled = bool(code_set is not None and code_set.enabled)
    remaining = len(code_set.codes.as_dict()) if enabled and code_set and code_set.codes else 0
    return UserRow(username=user.username, created_at=float(user.created_at),
                   totp=user.totp_secret is not None, backup_codes=enabled,
                   backup_codes_remaining=remaining,
                   locked_until=None if user.locked_until is None else float(user.locked_until))
