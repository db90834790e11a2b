"""backup-codes-admin: the operator's tool for tenants, users and their applications.

Targets, in order: --endpoint URL; DYNAMODB_ENDPOINT from the environment; the
local stack when one is running (`make run` writes where it listens); else AWS
with the usual credentials. --aws skips the local stack.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from .bootstrap import build_operator
from .core.errors import DomainError
from .core.grants import Client
from .core.policy import TenantPolicy, mask_email
from .local.discovery import find_local_stack
from .operator import Operator
from .settings import Settings


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    endpoint = args.endpoint or settings.dynamodb_endpoint
    if endpoint is None and not args.aws:
        local = find_local_stack()
        if local is not None:
            endpoint = local["endpoint"]
            # The local stack's fake credentials; moto accepts any.
            os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
            os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    if endpoint:
        print(f"Using the endpoint {endpoint}", file=sys.stderr)
        # A local stack: its demo applications live on http://localhost.
        settings = replace(settings, dynamodb_endpoint=endpoint, ssm_endpoint=endpoint,
                           allow_http_loopback=True)
    return settings


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise DomainError("The passwords differ.")
    return first


def _policy_args(args: argparse.Namespace) -> dict[str, Any]:
    return {setting.name: getattr(args, setting.name) for setting in TenantPolicy.settings()
            if getattr(args, setting.name) is not None}


def _policy_options(command: argparse.ArgumentParser) -> None:
    """One option per policy setting, its type, range and help from the policy itself."""
    for setting in TenantPolicy.settings():
        option, help_text = f"--{setting.name.replace('_', '-')}", setting.metadata["help"]
        if setting.metadata["switch"]:
            default = "on" if setting.default else "off"
            command.add_argument(option, type=_on_off, metavar="on|off",
                                 help=f"{help_text} (default {default})")
            continue
        between, choices = setting.metadata["between"], setting.metadata["choices"]
        bounds = f"{between[0]}-{between[1]}, " if between else ""
        shown = setting.default if setting.default != "" else "none"
        command.add_argument(option, type=int if between else str, choices=choices,
                             help=f"{help_text} ({bounds}default {shown})")


def _on_off(value: str) -> bool:
    if value not in ("on", "off"):
        raise argparse.ArgumentTypeError("say on or off")
    return value == "on"


def _print(value: Any) -> None:
    print(json.dumps(value))


def _create_tenant(operator: Operator, args: argparse.Namespace) -> None:
    policy = operator.create_tenant(args.tenant, args.name, **_policy_args(args))
    _print({"tenant": args.tenant, "policy": policy.to_dict()})


def _set_policy(operator: Operator, args: argparse.Namespace) -> None:
    policy = operator.set_policy(args.tenant, **_policy_args(args))
    _print({"tenant": args.tenant, "policy": policy.to_dict()})


def _list_tenants(operator: Operator, args: argparse.Namespace) -> None:
    for tenant, policy in operator.list_tenants():
        _print({"tenant": tenant.tenant_id, "name": tenant.display_name,
                "policy": policy.to_dict()})


def _create_user(operator: Operator, args: argparse.Namespace) -> None:
    uri = operator.create_user(args.tenant, args.username, _password(args), totp=args.totp,
                               email=args.email)
    print(f"Created {args.tenant}/{args.username}.")
    if uri:
        print("Add this to the user's authenticator app (shown once):")
        print(uri)


def _list_users(operator: Operator, args: argparse.Namespace) -> None:
    for user in operator.list_users(args.tenant):
        _print({"username": user.username, "totp": user.totp_enabled})


def _set_email(operator: Operator, args: argparse.Namespace) -> None:
    operator.set_email(args.tenant, args.username, None if args.clear else args.address)
    told = "no address" if args.clear else mask_email(args.address)
    print(f"Notifications of {args.tenant}/{args.username} go to {told}.")


def _unlock_user(operator: Operator, args: argparse.Namespace) -> None:
    operator.unlock_user(args.tenant, args.username)
    print(f"Unlocked the second factor of {args.tenant}/{args.username}.")


def _client_json(client: Client) -> dict[str, Any]:
    return {"client_id": client.client_id, "name": client.name,
            "type": "public" if client.public else "confidential",
            "redirect_uris": list(client.redirect_uris),
            "post_logout_redirect_uris": list(client.post_logout_redirect_uris),
            "backchannel_logout_uri": client.backchannel_logout_uri,
            "scopes": list(client.scopes)}


def _create_client(operator: Operator, args: argparse.Namespace) -> None:
    client, secret = operator.create_client(
        args.tenant, args.name, tuple(args.redirect_uri or ()), public=args.public,
        post_logout_redirect_uris=tuple(args.post_logout_redirect_uri or ()),
        backchannel_logout_uri=args.backchannel_logout_uri, admin=args.scope == "admin")
    # The secret is shown this once; only its hash is kept.
    _print({**_client_json(client), **({"client_secret": secret} if secret else {})})


def _list_clients(operator: Operator, args: argparse.Namespace) -> None:
    for client in operator.list_clients(args.tenant):
        _print(_client_json(client))


def _delete_client(operator: Operator, args: argparse.Namespace) -> None:
    operator.delete_client(args.tenant, args.client_id)
    _print({"deleted": args.client_id})


def _rotate_client_secret(operator: Operator, args: argparse.Namespace) -> None:
    secret = operator.rotate_client_secret(args.tenant, args.client_id)
    _print({"client_id": args.client_id, "client_secret": secret})


COMMANDS: dict[str, Callable[[Operator, argparse.Namespace], None]] = {
    "create-tenant": _create_tenant, "set-policy": _set_policy, "list-tenants": _list_tenants,
    "create-user": _create_user, "list-users": _list_users, "set-email": _set_email,
    "unlock-user": _unlock_user,
    "create-client": _create_client, "list-clients": _list_clients,
    "delete-client": _delete_client, "rotate-client-secret": _rotate_client_secret,
}


def _client_commands(commands: Any) -> None:
    create = commands.add_parser("create-client", help="register an application (OpenID Connect)")
    create.add_argument("tenant")
    create.add_argument("name", help="shown to users on the sign-in page")
    create.add_argument("--redirect-uri", action="append", metavar="URI",
                        help="where users come back with a code (repeatable)")
    create.add_argument("--public", action="store_true",
                        help="a native app or a page: no secret, PKCE required")
    create.add_argument("--post-logout-redirect-uri", action="append", metavar="URI",
                        help="where the end-session endpoint may send users (repeatable)")
    create.add_argument("--backchannel-logout-uri", metavar="URI",
                        help="where logout tokens are posted when a session ends")
    create.add_argument("--scope", choices=["admin"],
                        help="admin: the client_credentials grant for the admin API")
    list_clients = commands.add_parser("list-clients", help="list a tenant's applications")
    list_clients.add_argument("tenant")
    for name, text in (("delete-client", "remove an application"),
                       ("rotate-client-secret", "replace a client's secret (shown once)")):
        command = commands.add_parser(name, help=text)
        command.add_argument("tenant")
        command.add_argument("client_id")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backup-codes-admin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", help="DynamoDB endpoint URL (a local stack)")
    parser.add_argument("--aws", action="store_true", help="use AWS even if a local stack runs")
    commands = parser.add_subparsers(dest="command", required=True)

    create_tenant = commands.add_parser("create-tenant", help="create a tenant")
    create_tenant.add_argument("tenant")
    create_tenant.add_argument("--name", help="display name")
    _policy_options(create_tenant)
    set_policy = commands.add_parser("set-policy", help="change a tenant's policy")
    set_policy.add_argument("tenant")
    _policy_options(set_policy)
    commands.add_parser("list-tenants", help="list tenants and their policies")
    create_user = commands.add_parser("create-user", help="create a user")
    create_user.add_argument("tenant")
    create_user.add_argument("username")
    create_user.add_argument("--totp", action="store_true",
                             help="enrol an authenticator app; prints the otpauth URI")
    create_user.add_argument("--password-stdin", action="store_true",
                             help="read the password from standard input")
    create_user.add_argument("--email", metavar="ADDRESS",
                             help="where the user's security notifications go")
    set_email = commands.add_parser("set-email",
                                    help="set or clear where a user's notifications go")
    set_email.add_argument("tenant")
    set_email.add_argument("username")
    address = set_email.add_mutually_exclusive_group(required=True)
    address.add_argument("address", nargs="?", help="the user's email address")
    address.add_argument("--clear", action="store_true", help="no address: no emails")
    list_users = commands.add_parser("list-users", help="list a tenant's users")
    list_users.add_argument("tenant")
    unlock = commands.add_parser("unlock-user", help="clear a second-factor lockout")
    unlock.add_argument("tenant")
    unlock.add_argument("username")
    _client_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        COMMANDS[args.command](build_operator(_settings(args)), args)
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError, PynamoDBException) as error:
        cause = error.cause if isinstance(error, PynamoDBException) and error.cause else error
        print(f"error: could not reach the tables: {cause}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
