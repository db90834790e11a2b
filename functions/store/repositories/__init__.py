"""DynamoDB implementations of the domain's repositories (functions/core/ports.py)."""

from .code_sets import DynamoCodeSetRepository
from .login_flows import DynamoLoginFlowRepository
from .sessions import DynamoSessionRepository
from .tenants import DynamoTenantRepository
from .users import DynamoUserRepository

__all__ = ["DynamoCodeSetRepository", "DynamoLoginFlowRepository", "DynamoSessionRepository",
           "DynamoTenantRepository", "DynamoUserRepository"]
