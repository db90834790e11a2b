"""The command line: every command, its arguments and its help."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from ..core.admin import MAX_PAGE
from ..core.policy import TenantPolicy

# Options every command takes, before or after its name; their values when not given.
COMMON_DEFAULTS: dict[str, Any] = {"json": False, "endpoint": None, "local": None,
                                   "aws": False, "table_prefix": None}

EXIT_STATUS = ("exit status: 0 done, 1 failed, 2 bad usage, 3 not found, 4 already exists "
               "(backup-codes-admin --help says more)")

USER_ACTIONS = (
    ("unlock-user", "clear a user's lockout: failed attempts count from zero"),
    ("reset-mfa", "remove a user's authenticator and backup codes and end their sessions "
                  "(for a user who lost both); they set up a second factor again"),
    ("remove-codes", "remove a user's backup codes"),
    ("end-sessions", "end every session of a user (applications are told)"),
)


class Parser(argparse.ArgumentParser):
    """Its errors are one line, as every other error of the CLI; --help has the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see --help)\n")


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError("a port is a number from 1 to 65535")
    return int(value)


def _limit(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise argparse.ArgumentTypeError(f"a number from 1 to {MAX_PAGE}")
    return int(value)


def _on_off(value: str) -> bool:
    if value not in ("on", "off"):
        raise argparse.ArgumentTypeError("say on or off")
    return value == "on"


def common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Added to the program and to each command: `--json list-users` and
    `list-users --json` both work. A command's copy sets nothing when not given,
    so it never hides the program's."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--json", action="store_true", default=default or False,
                        help="print one JSON document (on success; errors go to stderr)")
    where = parser.add_argument_group("where (one of; default: the one local stack running)")
    where.add_argument("--local", type=_port, metavar="PORT", default=default,
                       help="the local stack (`make run`) serving on PORT")
    where.add_argument("--endpoint", metavar="URL", default=default,
                       help="a moto or DynamoDB endpoint (no AWS credentials needed)")
    where.add_argument("--aws", action="store_true", default=default or False,
                       help="the deployed tables in AWS, with your AWS credentials")
    where.add_argument("--table-prefix", metavar="PREFIX", default=default,
                       help="with --aws: the stack's table prefix (default $TABLE_PREFIX, "
                            "else backup-codes)")


def policy_options(command: argparse.ArgumentParser) -> None:
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


class Commands:
    """The subcommands, each with the common options."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self._sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(self, name: str, text: str, *positionals: str) -> argparse.ArgumentParser:
        command = self._sub.add_parser(name, help=text, description=text, epilog=EXIT_STATUS)
        for positional in positionals:
            command.add_argument(positional)
        common_options(command, top=False)
        return command


def _password_options(command: argparse.ArgumentParser) -> None:
    how = command.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    how.add_argument("--generate-password", action="store_true",
                     help="make a strong password and print it once (the default when "
                          "there is no terminal to type one at)")


def _tenant_commands(commands: Commands) -> None:
    create = commands.add("create-tenant", "create a tenant", "tenant")
    create.add_argument("--name", help="display name (default: the tenant id)")
    policy_options(create)
    policy_options(commands.add("set-policy", "change a tenant's policy", "tenant"))
    commands.add("list-tenants", "list tenants and their policies")


def _user_commands(commands: Commands) -> None:
    create = commands.add("create-user", "create a user", "tenant", "username")
    create.add_argument("--totp", action="store_true",
                        help="enrol an authenticator app; prints the otpauth URI once")
    create.add_argument("--email", metavar="ADDRESS",
                        help="where the user's security notifications go")
    _password_options(create)
    commands.add("list-users", "list a tenant's users", "tenant")
    set_email = commands.add("set-email", "set or clear where a user's notifications go",
                             "tenant", "username")
    address = set_email.add_mutually_exclusive_group(required=True)
    address.add_argument("address", nargs="?", help="the user's email address")
    address.add_argument("--clear", action="store_true", help="no address: no emails")
    for name, text in USER_ACTIONS:
        commands.add(name, text, "tenant", "username")
    _password_options(commands.add("reset-password", "set a new password for a user and "
                                   "end their sessions", "tenant", "username"))
    delete = commands.add("delete-user", "delete a user, their second factors and sessions",
                          "tenant", "username")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    audit = commands.add("audit", "a tenant's audit trail (or one user's), newest first",
                         "tenant")
    audit.add_argument("--user", metavar="USERNAME", help="only this user's events")
    audit.add_argument("--limit", type=_limit, default=50, help="events per page (default 50)")
    audit.add_argument("--cursor", help="the next page: the cursor the previous one printed")


def _client_commands(commands: Commands) -> None:
    create = commands.add("create-client", "register an application (OpenID Connect)",
                          "tenant")
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
    commands.add("list-clients", "list a tenant's applications", "tenant")
    for name, text in (("delete-client", "remove an application"),
                       ("rotate-client-secret", "replace a client's secret (shown once)")):
        command = commands.add(name, text, "tenant")
        command.add_argument("client_id", help="the application's client_id")


def build(description: str, epilog: str) -> argparse.ArgumentParser:
    parser = Parser(prog="backup-codes-admin", description=description,
                                     epilog=epilog,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    common_options(parser, top=True)
    commands = Commands(parser)
    _tenant_commands(commands)
    _user_commands(commands)
    _client_commands(commands)
    return parser
