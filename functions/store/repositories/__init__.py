"""DynamoDB implementations of the domain's repositories (functions/core/ports.py)."""

from .authenticators import DynamoAuthenticatorRepository
from .code_sets import DynamoCodeSetRepository
from .password_attempts import DynamoPasswordAttemptRepository
from .sessions import DynamoSessionRepository
from .signin import DynamoSignInStore
from .tenants import DynamoTenantRepository
from .users import DynamoUserRepository

__all__ = ["DynamoAuthenticatorRepository", "DynamoCodeSetRepository",
           "DynamoPasswordAttemptRepository", "DynamoSessionRepository", "DynamoSignInStore",
           "DynamoTenantRepository", "DynamoUserRepository"]
