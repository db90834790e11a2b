"""The tenant API's routes, by resource; each module lists its ROUTES."""

from ..routing import Route
from . import account, auth, backup_codes, contract, oidc, sessions, tenant

ROUTES: list[Route] = [*auth.ROUTES, *account.ROUTES, *backup_codes.ROUTES,
                       *sessions.ROUTES, *tenant.ROUTES, *oidc.ROUTES,
                       *contract.ROUTES]
