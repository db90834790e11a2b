"""The service's one structured logger and its metrics (Powertools): JSON lines for
CloudWatch Logs, and CloudWatch metrics written as Embedded Metric Format log lines
(no API call: CloudWatch reads them from the function's log)."""

from __future__ import annotations

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.functions import is_metrics_disabled

SERVICE = "backup-codes"
# The metrics' namespace; the template's alarms name it too (infra/template.yaml).
NAMESPACE = "BackupCodes"

logger = Logger(service=SERVICE)


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """One datum of a metric, with its dimensions (and the service's).

    Never a secret in a dimension: methods, outcomes, kinds of change. Turned off by
    POWERTOOLS_METRICS_DISABLED (the local stack and the tests, but those that read it):
    asked here, since Powertools' single_metric prints its line whatever that says.
    """
    if is_metrics_disabled():
        return
    with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE,
                       default_dimensions={"service": SERVICE, **dimensions}):
        pass
