"""The OpenID Provider's signing key in moto's KMS: the stack creates it in AWS
(infra/template.yaml); the local stack and the tests make the same kind of key."""

from __future__ import annotations

import botocore.session


def create_signing_key(region: str, endpoint: str | None = None) -> str:
    """A new ECC_NIST_P256 SIGN_VERIFY key; its ARN (what SIGNING_KEY_IDS holds)."""
    kms = botocore.session.get_session().create_client("kms", region_name=region,
                                                       endpoint_url=endpoint)
    created = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY",
                             Description="OpenID Provider token signing (local)")
    return str(created["KeyMetadata"]["Arn"])
