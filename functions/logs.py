"""The service's one structured logger (Powertools): JSON lines for CloudWatch."""

from __future__ import annotations

from aws_lambda_powertools import Logger

SERVICE = "backup-codes"

logger = Logger(service=SERVICE)
