"""backup-codes-admin: the operator's tool for tenants, users and their applications."""

from __future__ import annotations

import argparse
import json
import sys

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from ..bootstrap import build_operator
from ..core.errors import Conflict, DomainError, InvalidRequest, NotFound, UnknownTenant
from . import parser as command_line
from .commands import COMMANDS, Declined
from .target import UsageError, choose

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_CONFLICT = 0, 1, 2, 3, 4

DESCRIPTION = __doc__ or ""
EPILOG = """\
where it works (give at most one):
  --local PORT     the local stack serving on PORT (`make run`; PORT=8100 make run for more)
  --endpoint URL   any moto server (dummy AWS credentials are used)
  --aws            the deployed tables in AWS: $TABLE_PREFIX or --table-prefix, your
                   credentials and region. AWS is used only when this is given.
  none of them     the local stack, if exactly one is running; else nothing is done
                   and the running stacks are listed (exit status 2)

exit status:
  0  done
  1  failed (the tables could not be reached, a confirmation was declined, ...)
  2  bad usage: a wrong option or value, or no target chosen
  3  not found: no such tenant, user or application
  4  already exists: the tenant or user exists

Output is for people; --json prints one JSON document instead. Errors are one line
on standard error. Secrets (a made password, a client secret, an otpauth URI) are
printed once and never stored.
"""


def exit_status(error: DomainError) -> int:
    if isinstance(error, NotFound | UnknownTenant):
        return EXIT_NOT_FOUND
    if isinstance(error, Conflict):
        return EXIT_CONFLICT
    if isinstance(error, InvalidRequest):
        return EXIT_USAGE
    return EXIT_ERROR


def _options(argv: list[str] | None) -> argparse.Namespace:
    args = command_line.build(DESCRIPTION, EPILOG).parse_args(argv)
    for name, default in command_line.COMMON_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, default)
    return args


def _run(args: argparse.Namespace) -> None:
    target = choose(args.endpoint, args.local, args.aws, args.table_prefix)
    if target.announcement:
        print(target.announcement, file=sys.stderr)
    output = COMMANDS[args.command](build_operator(target.settings), args)
    print(json.dumps(output.data) if args.json else output.text)


def _fail(message: str, status: int) -> int:
    # One line: a message spread over lines (a botocore error's) is joined.
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    return status


def _explained(error: Exception) -> tuple[str, int]:
    if isinstance(error, DomainError):
        return error.message, exit_status(error)
    if isinstance(error, UsageError | Declined):
        return str(error), EXIT_USAGE if isinstance(error, UsageError) else EXIT_ERROR
    if isinstance(error, BotoCoreError | ClientError | PynamoDBException):
        cause = error.cause if isinstance(error, PynamoDBException) and error.cause else error
        return f"could not reach the tables: {cause}", EXIT_ERROR
    return f"{type(error).__name__}: {error}", EXIT_ERROR


def main(argv: list[str] | None = None) -> int:
    args = _options(argv)  # argparse itself answers a bad command line, with status 2
    try:
        _run(args)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as error:  # noqa: BLE001 - an operator gets one line, never a traceback
        return _fail(*_explained(error))
    return EXIT_OK
