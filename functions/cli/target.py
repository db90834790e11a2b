"""Which tables a command works on: the ones named on the command line, or those of the
one local stack running. AWS only when told (--aws): never by falling back to it."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from ..local.discovery import LocalStackInfo, find_local_stack, running_local_stacks, state_dir
from ..settings import Settings

CHOICES = "--local PORT, --endpoint URL, or --aws for the deployed tables"


class UsageError(Exception):
    """The command line cannot be carried out as given (exit status 2)."""


@dataclass(frozen=True)
class Target:
    settings: Settings
    # Said on standard error when the target was not named (one stack found) or is AWS.
    announcement: str | None = None


def choose(endpoint: str | None, local: int | None, aws: bool,
           table_prefix: str | None = None) -> Target:
    """--endpoint, --local, --aws, else the one local stack running; else a usage error."""
    given = [flag for flag, value in (("--endpoint", endpoint), ("--local", local),
                                      ("--aws", aws or None)) if value is not None]
    if len(given) > 1:
        raise UsageError(f"Give one of --endpoint, --local and --aws, not {' and '.join(given)}.")
    if table_prefix is not None and not aws:
        raise UsageError("--table-prefix names deployed tables: it goes with --aws.")
    if endpoint is not None:
        return Target(_on_moto(Settings.from_env(), _checked_url(endpoint)))
    if local is not None:
        return Target(_on_stack(_stack_on(local)))
    if aws:
        return _on_aws(table_prefix)
    running = running_local_stacks()
    if len(running) == 1:
        (stack,) = running
        return Target(_on_stack(stack),
                      f"Using the local stack on port {stack.port} ({stack.url}).")
    raise UsageError(_which_stack(running))


def _which_stack(running: list[LocalStackInfo]) -> str:
    if not running:
        return (f"No local stack is running (none in {state_dir()}); start one with "
                f"`make run`, or say where to go: {CHOICES}.")
    listed = ", ".join(f"port {stack.port} ({stack.url})" for stack in running)
    return (f"{len(running)} local stacks are running: {listed}. Choose one with "
            f"--local PORT (or --endpoint URL, or --aws).")


def _stack_on(port: int) -> LocalStackInfo:
    found = find_local_stack(port)
    if found is None:
        running = ", ".join(str(stack.port) for stack in running_local_stacks()) or "none"
        raise UsageError(f"No local stack is running on port {port} (running: {running}).")
    return found


def _checked_url(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint wants a URL such as http://127.0.0.1:5000, not {endpoint}.")
    return endpoint


def _on_stack(stack: LocalStackInfo) -> Settings:
    tables: dict[str, Any] = dict(stack.tables)
    settings = replace(Settings.from_env(), region=stack.region, **tables)
    return _on_moto(settings, stack.endpoint)


def _on_moto(settings: Settings, endpoint: str) -> Settings:
    # moto takes any credentials. Dummy ones, always: a developer's real keys (or
    # profile) are neither needed nor sent, and botocore never goes looking for them.
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                       "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"})
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
        os.environ.pop(name, None)
    # A local stack: its demo applications live on http://localhost.
    return replace(settings, dynamodb_endpoint=endpoint, ssm_endpoint=endpoint,
                   allow_http_loopback=True)


def _on_aws(table_prefix: str | None) -> Target:
    env = dict(os.environ)
    if table_prefix is not None:
        env["TABLE_PREFIX"] = table_prefix
    # AWS's own endpoints: an endpoint left in the environment does not redirect --aws.
    settings = replace(Settings.from_env(env), dynamodb_endpoint=None, ssm_endpoint=None)
    prefix = settings.tenants_table.removesuffix("-tenants")
    return Target(settings, f"Using AWS: region {settings.region}, tables {prefix}-*.")
