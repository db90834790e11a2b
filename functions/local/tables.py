"""Create the service's tables from infra/template.yaml, their one definition.

Used by the local stack, the tests and the benchmark; in AWS, CloudFormation
creates the same tables from the same file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import yaml

from ..settings import Settings
from ..store.models import table_names

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "template.yaml"
_CREATE_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes",
                      "StreamSpecification", "BillingMode", "SSESpecification")


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads !Ref, !GetAtt, !Sub ... as {'Ref': ...} style dicts."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    name = suffix if suffix == "Ref" else f"Fn::{suffix}"
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {name: value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open() as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_CloudFormationLoader)  # noqa: S506
    return loaded


def table_definitions(template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Logical id -> Properties of every DynamoDB table in the template."""
    template = template or load_template()
    return {name: resource["Properties"] for name, resource in template["Resources"].items()
            if resource["Type"] == "AWS::DynamoDB::Table"}


def create_tables(settings: Settings) -> None:
    """Create every table (and its TTL setting) as the template defines it."""
    client = botocore.session.get_session().create_client(
        "dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint)
    names = table_names(settings)
    for logical_id, properties in table_definitions().items():
        request = {k: properties[k] for k in _CREATE_TABLE_KEYS if k in properties}
        if "StreamSpecification" in request:
            request["StreamSpecification"] = {"StreamEnabled": True,
                                              **request["StreamSpecification"]}
        if "SSESpecification" in request:
            request["SSESpecification"] = {"Enabled": request["SSESpecification"]["SSEEnabled"]}
        client.create_table(TableName=names[logical_id], **request)
        client.get_waiter("table_exists").wait(TableName=names[logical_id])
        ttl = properties.get("TimeToLiveSpecification")
        if ttl:
            client.update_time_to_live(TableName=names[logical_id], TimeToLiveSpecification={
                "AttributeName": ttl["AttributeName"], "Enabled": ttl["Enabled"]})
