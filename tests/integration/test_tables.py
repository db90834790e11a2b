"""The tables exist once, in infra/template.yaml: the PynamoDB models must agree with it.

CloudFormation creates the tables in AWS from the template and functions/local/tables.py
creates the local and test tables from it, so a model that drifts from the template
would pass every moto test against a table shaped by the template, yet query an index,
a key or a TTL attribute that the code assumes differently. These tests compare the
template with what PynamoDB itself would ask CreateTable for.
"""

from __future__ import annotations

from typing import Any

import pytest
from pynamodb.attributes import Attribute, TTLAttribute
from pynamodb.models import Model

from functions.local.tables import table_definitions
from functions.store.models import ALL_MODELS, MODELS_BY_RESOURCE

TABLES = table_definitions()


def _schema(model: type[Model]) -> dict[str, Any]:
    # PynamoDB's own CreateTable input for the model (what Model.create_table sends).
    schema: Any = model._get_schema()
    return schema


def _keys(key_schema: list[dict[str, str]]) -> dict[str, str]:
    return {key["KeyType"]: key["AttributeName"] for key in key_schema}


def _attribute_types(definitions: list[dict[str, str]]) -> dict[str, str]:
    return {d["AttributeName"]: d["AttributeType"] for d in definitions}


def test_every_model_has_exactly_one_table_and_every_table_a_model() -> None:
    assert set(TABLES) == set(MODELS_BY_RESOURCE)
    # Each model is the table's own or an item kind of it (a subclass sharing its keys).
    for model in ALL_MODELS:
        tables = [name for name, base in MODELS_BY_RESOURCE.items() if issubclass(model, base)]
        assert len(tables) == 1, (model.__name__, tables)
    assert set(MODELS_BY_RESOURCE.values()) <= set(ALL_MODELS)


@pytest.mark.parametrize("resource", sorted(MODELS_BY_RESOURCE))
def test_table_keys_and_attribute_types_match_the_model(resource: str) -> None:
    table, model = TABLES[resource], MODELS_BY_RESOURCE[resource]
    schema = _schema(model)

    assert _keys(table["KeySchema"]) == _keys(schema["key_schema"])
    # Exactly the key attributes of the table and its indexes are declared, each
    # with the type the model's attribute stores.
    assert _attribute_types(table["AttributeDefinitions"]) == _attribute_types(
        schema["attribute_definitions"])
    attributes: dict[str, Attribute[Any]] = model.get_attributes()
    for name, attr_type in _attribute_types(table["AttributeDefinitions"]).items():
        assert attributes[name].attr_type == attr_type, name


@pytest.mark.parametrize("resource", sorted(MODELS_BY_RESOURCE))
def test_indexes_and_projections_match_the_model(resource: str) -> None:
    table, model = TABLES[resource], MODELS_BY_RESOURCE[resource]
    schema = _schema(model)

    assert not schema["local_secondary_indexes"]
    assert "LocalSecondaryIndexes" not in table
    in_template = {index["IndexName"]: index for index in table.get("GlobalSecondaryIndexes", [])}
    in_model = {index["index_name"]: index for index in schema["global_secondary_indexes"]}
    assert set(in_template) == set(in_model)
    attributes = model.get_attributes()
    for name, index in in_template.items():
        expected = in_model[name]
        assert _keys(index["KeySchema"]) == _keys(expected["key_schema"]), name
        projection, wanted = index["Projection"], expected["projection"]
        assert projection["ProjectionType"] == wanted["ProjectionType"], name
        assert sorted(projection.get("NonKeyAttributes", [])) == sorted(
            wanted.get("NonKeyAttributes", [])), name
        # A projected attribute the model does not have would be a typo on both sides.
        assert set(projection.get("NonKeyAttributes", [])) <= set(attributes), name


@pytest.mark.parametrize("resource", sorted(MODELS_BY_RESOURCE))
def test_ttl_attribute_matches_the_model(resource: str) -> None:
    table, model = TABLES[resource], MODELS_BY_RESOURCE[resource]
    ttl_attributes = [name for name, attribute in model.get_attributes().items()
                      if isinstance(attribute, TTLAttribute)]
    ttl = table.get("TimeToLiveSpecification")
    if not ttl_attributes:
        assert ttl is None
        return
    assert ttl == {"AttributeName": ttl_attributes[0], "Enabled": True}
    # DynamoDB reads a TTL as epoch seconds in a number: what TTLAttribute stores.
    assert model.get_attributes()[ttl_attributes[0]].attr_type == "N"


def test_the_streams_carry_what_their_readers_compare() -> None:
    # The purge compares the old and new generation of a code set (a spent code
    # keeps it, a change moves it), so it needs NEW_AND_OLD_IMAGES; back-channel
    # logout reads only what a deleted session held.
    streams = {name: table["StreamSpecification"]["StreamViewType"]
               for name, table in TABLES.items() if "StreamSpecification" in table}
    assert streams == {"CodeSetsTable": "NEW_AND_OLD_IMAGES", "SessionsTable": "OLD_IMAGE"}


def test_tables_are_on_demand_and_encrypted() -> None:
    for name, table in TABLES.items():
        assert table["BillingMode"] == "PAY_PER_REQUEST", name
        assert table["SSESpecification"] == {"SSEEnabled": True}, name
