"""The lookup-tag key, read once from SSM Parameter Store (a SecureString)."""

from __future__ import annotations

import base64

import botocore.session


def read_lookup_key(parameter_name: str, region: str, endpoint: str | None) -> bytes:
    # botocore, not boto3: boto3 would add its import time to every cold start.
    client = botocore.session.get_session().create_client(
        "ssm", region_name=region, endpoint_url=endpoint)
    response = client.get_parameter(Name=parameter_name, WithDecryption=True)
    return base64.b64decode(response["Parameter"]["Value"], validate=True)


def store_lookup_key(parameter_name: str, region: str, endpoint: str | None,
                     key: bytes, overwrite: bool = False) -> None:
    """Operators and the local stack create the key; the service only reads it."""
    client = botocore.session.get_session().create_client(
        "ssm", region_name=region, endpoint_url=endpoint)
    client.put_parameter(Name=parameter_name, Value=base64.b64encode(key).decode(),
                         Type="SecureString", Overwrite=overwrite)
