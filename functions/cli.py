"""backup-codes-admin: the operator's tool for tenants and users.

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
from dataclasses import replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from .bootstrap import build_operator
from .core.errors import DomainError
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
        settings = replace(settings, dynamodb_endpoint=endpoint, ssm_endpoint=endpoint)
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


def _run(operator: Operator, args: argparse.Namespace) -> None:
    if args.command in ("create-tenant", "set-policy", "list-tenants"):
        _run_tenant_command(operator, args)
    else:
        _run_user_command(operator, args)


def _run_tenant_command(operator: Operator, args: argparse.Namespace) -> None:
    if args.command == "create-tenant":
        policy = operator.create_tenant(args.tenant, args.name, **_policy_args(args))
        print(json.dumps({"tenant": args.tenant, "policy": policy.to_dict()}))
    elif args.command == "set-policy":
        policy = operator.set_policy(args.tenant, **_policy_args(args))
        print(json.dumps({"tenant": args.tenant, "policy": policy.to_dict()}))
    elif args.command == "list-tenants":
        for tenant, policy in operator.list_tenants():
            print(json.dumps({"tenant": tenant.tenant_id, "name": tenant.display_name,
                              "policy": policy.to_dict()}))


def _run_user_command(operator: Operator, args: argparse.Namespace) -> None:
    if args.command == "create-user":
        uri = operator.create_user(args.tenant, args.username, _password(args), totp=args.totp,
                                   email=args.email)
        print(f"Created {args.tenant}/{args.username}.")
        if uri:
            print("Add this to the user's authenticator app (shown once):")
            print(uri)
    elif args.command == "list-users":
        for user in operator.list_users(args.tenant):
            print(json.dumps({"username": user.username, "totp": user.totp_enabled}))
    elif args.command == "set-email":
        operator.set_email(args.tenant, args.username, None if args.clear else args.address)
        told = "no address" if args.clear else mask_email(args.address)
        print(f"Notifications of {args.tenant}/{args.username} go to {told}.")
    elif args.command == "unlock-user":
        operator.unlock_user(args.tenant, args.username)
        print(f"Unlocked the second factor of {args.tenant}/{args.username}.")


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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _run(build_operator(_settings(args)), args)
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
