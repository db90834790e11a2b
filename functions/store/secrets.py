"""The lookup-tag key, a SecureString in SSM Parameter Store, by parameter version.

Each rotation (`put-parameter --overwrite`) makes a new parameter version; code
sets record the version their tags were made with, so older versions are read
too (by `name:version`) until the last set made under them is regenerated.
"""

from __future__ import annotations

import base64

import botocore.session
from botocore.exceptions import ClientError

_MISSING = {"ParameterNotFound", "ParameterVersionNotFound"}


def _client(region: str, endpoint: str | None):  # type: ignore[no-untyped-def]
    # botocore, not boto3: boto3 would add its import time to every cold start. A new
    # client each time: the key ring reads once per version, and the current version
    # once per refresh period, so there is nothing worth keeping a client for.
    return botocore.session.get_session().create_client("ssm", region_name=region,
                                                        endpoint_url=endpoint)


def read_lookup_key(parameter_name: str, region: str, endpoint: str | None,
                    version: int | None = None) -> tuple[int, bytes]:
    """(version, key) of the given version, or of the current one; LookupError if none."""
    name = parameter_name if version is None else f"{parameter_name}:{version}"
    try:
        response = _client(region, endpoint).get_parameter(Name=name, WithDecryption=True)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _MISSING:
            raise LookupError(f"No lookup-tag key at {name}.") from error
        raise
    parameter = response["Parameter"]
    return int(parameter["Version"]), base64.b64decode(parameter["Value"], validate=True)


def store_lookup_key(parameter_name: str, region: str, endpoint: str | None,
                     key: bytes, overwrite: bool = False) -> int:
    """Operators and the local stack create (or rotate) the key; the service only reads it.
    Returns the new version."""
    response = _client(region, endpoint).put_parameter(
        Name=parameter_name, Value=base64.b64encode(key).decode(), Type="SecureString",
        Overwrite=overwrite)
    return int(response["Version"])
