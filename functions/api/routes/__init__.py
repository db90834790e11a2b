"""The tenant API's routes, by resource; each module lists its ROUTES."""

from ..routing import Route
from . import account, admin, auth, authenticator, backup_codes, contract, oidc, sessions, tenant

ROUTES: list[Route] = [*auth.ROUTES, *account.ROUTES, *authenticator.ROUTES,
                       *backup_codes.ROUTES, *sessions.ROUTES, *tenant.ROUTES, *oidc.ROUTES,
                       *admin.ROUTES, *contract.ROUTES]
