"""DynamoDB implementations of the domain's repositories (functions/core/ports.py)."""

from .code_sets import DynamoCodeSetRepository
from .notification_marks import DynamoNotificationMarks
from .password_attempts import DynamoPasswordAttemptRepository
from .sessions import DynamoSessionRepository
from .signin import DynamoSignInStore
from .tenants import DynamoTenantRepository
from .users import DynamoUserRepository

__all__ = ["DynamoCodeSetRepository", "DynamoNotificationMarks",
           "DynamoPasswordAttemptRepository",
           "DynamoSessionRepository", "DynamoSignInStore", "DynamoTenantRepository",
           "DynamoUserRepository"]
