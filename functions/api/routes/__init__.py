"""The tenant API's routes, by resource; each module lists its ROUTES."""

from ..routing import Route
from . import account, auth, authenticator, backup_codes, contract, oidc, sessions, tenant

ROUTES: list[Route] = [*auth.ROUTES, *account.ROUTES, *authenticator.ROUTES,
                       *backup_codes.ROUTES, *sessions.ROUTES, *tenant.ROUTES, *oidc.ROUTES,
                       *contract.ROUTES]
