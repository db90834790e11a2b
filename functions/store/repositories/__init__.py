"""DynamoDB implementations of the domain's repositories (functions/core/ports.py)."""

from .audit import DynamoAuditTrail
from .authenticators import DynamoAuthenticatorRepository
from .clients import DynamoClientRepository
from .code_sets import DynamoCodeSetRepository
from .grants import DynamoGrantStore
from .notification_marks import DynamoNotificationMarks
from .password_attempts import DynamoPasswordAttemptRepository
from .sessions import DynamoSessionRepository
from .signin import DynamoSignInStore
from .tenants import DynamoTenantRepository
from .user_changes import DynamoUserChanges
from .user_directory import DynamoUserDirectory
from .users import DynamoUserRepository

__all__ = ["DynamoAuditTrail", "DynamoAuthenticatorRepository", "DynamoClientRepository",
           "DynamoCodeSetRepository", "DynamoGrantStore", "DynamoNotificationMarks",
           "DynamoPasswordAttemptRepository", "DynamoSessionRepository", "DynamoSignInStore",
           "DynamoTenantRepository", "DynamoUserChanges",
           "DynamoUserDirectory", "DynamoUserRepository"]
